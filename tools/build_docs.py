"""Build the docs site offline from `_quarto.yml`, without Quarto, and regenerate README.md from nbs/index.ipynb.

nbdev prepares the notebooks (`proc_nbs`: show_doc, directives, sidebar) exactly as `nbdev_docs` would;
smalldocs, a pure-Python renderer of Quarto projects, renders them. Users with Quarto run `nbdev_docs` instead.
Usage: python tools/build_docs.py [--check-readme]
"""
import json, shutil, subprocess, sys
from pathlib import Path

import nbdev.doclinks
from nbdev.config import get_config
from nbdev.quarto import nbdev_sidebar, proc_nbs, refresh_quarto_yml

ROOT = Path(__file__).resolve().parents[1]
# nbdev writes an `output-file` key for Quarto into each processed notebook; smalldocs names its pages itself.
EXPECTED_WARNINGS = ('output-file is not read by smalldocs',)


def readme_text(nb_path):
    "README markdown from the index notebook: markdown cells, code cells in fences, and their text outputs."
    parts = []
    for cell in json.loads(Path(nb_path).read_text())['cells']:
        src = ''.join(cell['source']).strip()
        if cell['cell_type'] == 'markdown': parts.append(src.replace('](images/', '](nbs/images/')); continue
        if src.startswith('#|') and any(d in src.split('\n')[0] for d in ('hide', 'export')): continue
        code = '\n'.join(l for l in src.split('\n') if not l.startswith('#|'))
        parts.append(f'```python\n{code}\n```')
        out = ''.join(''.join(o.get('text', '')) or ''.join(o.get('data', {}).get('text/plain', '')) for o in cell.get('outputs', []))
        if out.strip(): parts.append('    ' + out.strip().replace('\n', '\n    '))
    return '<!-- generated from nbs/index.ipynb by tools/build_docs.py: edit the notebook, not this file -->\n\n' + '\n\n'.join(parts) + '\n'


def build():
    "Prepare the notebooks with nbdev and render the site with smalldocs; return the site folder."
    cfg = get_config(str(ROOT / 'settings.ini'))
    refresh_quarto_yml()
    nbdev.doclinks._build_modidx()
    nbdev_sidebar.__wrapped__()
    proc = proc_nbs(n_workers=0, force=True)
    for runs in [d for d in proc.rglob('runs') if d.is_dir()]: shutil.rmtree(runs)  # run folders the notebooks wrote are not docs
    r = subprocess.run([str(Path(sys.executable).parent / 'smalldocs'), 'render', str(proc)], capture_output=True, text=True)
    print(r.stdout + r.stderr, end='')
    warnings = [l for l in (r.stdout + r.stderr).splitlines() if l.startswith('warning') and not any(w in l for w in EXPECTED_WARNINGS)]
    if r.returncode or warnings: raise SystemExit(f'docs build failed (exit {r.returncode}): ' + '; '.join(warnings))
    site = proc / cfg.doc_path.name
    if not site.exists(): site = proc / '_site'
    if not any(site.glob('*.html')): raise SystemExit(f'docs build wrote no HTML pages into {site}')
    return site


if __name__ == '__main__':
    import os; os.chdir(ROOT)
    readme = readme_text(ROOT / 'nbs' / 'index.ipynb')
    if '--check-readme' in sys.argv:
        if (ROOT / 'README.md').read_text() != readme: raise SystemExit('README.md is out of date: run python tools/build_docs.py')
    else: (ROOT / 'README.md').write_text(readme)
    print('site:', build())
