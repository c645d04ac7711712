"""Time the README's two commands from fresh clones, the way a new user runs them, and write the times to a file.

Each command runs in its own fresh clone of HEAD (pip's cache is the machine's, as it would be for a user who has
installed PyTorch before); the first command's three parts (install, `flp_demo`, the smoke reproduction) and the
second's two (install, tests) are timed apart. The README quotes `tools/results/readme_times.json`.
Usage: python tools/readme_times.py [--out tools/results/readme_times.json]
"""
import json, os, platform, re, shlex, subprocess, sys, tempfile, time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def readme_commands(readme):
    "The two bash commands of the README's *Install and run* section: (main job, tests)."
    section = readme.split('## Install and run', 1)[1].split('\n## ', 1)[0]
    found = re.findall(r'```bash\n(.*?)\n```', section, re.S)
    if len(found) < 2: raise SystemExit(f'expected two bash commands in the Install section, found {len(found)}')
    return found[0], found[1]


def _timed(parts, cwd):
    "Run each `&&`-joined part in `cwd`; seconds per part (a failing part stops the command with its output)."
    seconds = []
    for part in parts:
        t = time.perf_counter()
        r = subprocess.run(part, shell=True, cwd=cwd, capture_output=True, text=True)
        seconds.append(round(time.perf_counter() - t, 1))
        if r.returncode:
            log = Path(tempfile.gettempdir()) / 'readme_times-failure.log'
            log.write_text(f'$ {part}\n{r.stdout}\n{r.stderr}')
            raise SystemExit(f'{part!r} failed (exit {r.returncode}); its output is in {log}:\n{r.stdout[-2000:]}')
    return seconds


def _machine():
    "The CPU and its core count, as the README names machines."
    model = next((l.split(':', 1)[1].strip() for l in Path('/proc/cpuinfo').read_text().splitlines()
                  if l.startswith('model name')), platform.processor()) if Path('/proc/cpuinfo').exists() else ''
    return f'{os.cpu_count()}-core CPU ({model}), {platform.system()}, Python {platform.python_version()}'


def main(out=ROOT / 'tools' / 'results' / 'readme_times.json'):
    commit = subprocess.run(['git', 'rev-parse', 'HEAD'], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    results = []
    for command in readme_commands((ROOT / 'README.md').read_text()):
        with tempfile.TemporaryDirectory(prefix='flp_nb-readme-') as tmp:
            clone = Path(tmp) / 'flp_nb'
            subprocess.run(['git', 'clone', '-q', str(ROOT), str(clone)], check=True)
            shared = ROOT.parent / 'shared'  # our data beside the checkout, as on our machines
            if shared.exists(): (Path(tmp) / 'shared').symlink_to(shared)
            parts = [p.strip() for p in command.split('&&')]
            seconds = _timed(parts, clone)
            results.append({'command': command, 'parts': [{'part': p, 'seconds': s} for p, s in zip(parts, seconds)],
                            'seconds': round(sum(seconds), 1)})
            print(f'{sum(seconds):.0f} s: {shlex.quote(command)}', flush=True)
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    Path(out).write_text(json.dumps({'machine': _machine(), 'commit': commit, 'date': time.strftime('%Y-%m-%d'),
                                     'commands': results}, indent=1) + '\n')
    print('wrote', out)


if __name__ == '__main__':
    main(*(sys.argv[sys.argv.index('--out') + 1:][:1] if '--out' in sys.argv else []))
