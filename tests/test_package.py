"The exported package matches the notebooks, and the docs site and README build from them."
import filecmp, os, shutil, subprocess, sys
from pathlib import Path

import pytest
import torch

ROOT = Path(__file__).resolve().parents[1]


def test_package_matches_notebooks(tmp_path):
    "nbdev_export on a copy of the project reproduces flp_nb/ exactly: nobody edited the package by hand."
    for name in ('settings.ini', 'setup.py', 'README.md'): shutil.copy(ROOT / name, tmp_path / name)
    shutil.copytree(ROOT / 'nbs', tmp_path / 'nbs', symlinks=True)
    shutil.copytree(ROOT / 'flp_nb', tmp_path / 'flp_nb', ignore=shutil.ignore_patterns('*.py', '__pycache__'))
    env = {k: v for k, v in os.environ.items() if k != 'IN_TEST'}  # nbdev_export does nothing when IN_TEST is set
    subprocess.run([str(Path(sys.executable).parent / 'nbdev_export')], cwd=tmp_path, env=env, check=True)
    exported = sorted(p.name for p in (tmp_path / 'flp_nb').glob('*.py'))
    assert exported == sorted(p.name for p in (ROOT / 'flp_nb').glob('*.py'))
    differ = [n for n in exported if not filecmp.cmp(tmp_path / 'flp_nb' / n, ROOT / 'flp_nb' / n, shallow=False)]
    import difflib
    detail = ''.join(difflib.unified_diff((ROOT / 'flp_nb' / differ[0]).read_text().splitlines(True),
                                          (tmp_path / 'flp_nb' / differ[0]).read_text().splitlines(True),
                                          'committed', 'exported', n=1))[:2000] if differ else ''
    assert not differ, detail + f'flp_nb/ differs from the notebooks in {differ}: run nbdev_export and commit'


@pytest.mark.xdist_group('nbs_tree')  # it copies nbs/, where the reproduction notebooks' tests write run folders
def test_docs_and_readme_build():
    ("The docs site renders from _quarto.yml without warnings, writes nothing but _proc/, passes check_site "
     "(no broken link or anchor, no request leaving the machine, no table left as text, no stderr block), "
     "and README.md is up to date.")
    tracked = lambda: subprocess.run(['git', 'status', '--porcelain', '--untracked-files=no'], cwd=ROOT,
                                     capture_output=True, text=True).stdout
    before = tracked()
    r = subprocess.run([sys.executable, str(ROOT / 'tools' / 'build_docs.py'), '--check-readme'], cwd=ROOT,
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    assert 'warning' not in (r.stdout + r.stderr).lower() and r.stdout.strip().endswith('pages, checked)'), r.stdout
    assert tracked() == before, 'the docs build changed tracked files'
    assert (ROOT / '_proc' / '_docs' / 'index.html').exists()
    page = (ROOT / '_proc' / '_docs' / '03_plasticity.html').read_text()
    # math as MathML, rendered without a network
    assert 'oja_update' in page and '<math' in page and 'class="math' not in page
    pages = list((ROOT / '_proc' / '_docs').rglob('*.html'))
    assert not [p.name for p in pages if 'katex' in p.read_text()], 'a page still loads KaTeX from a CDN'
    assert not [p.name for p in pages
                if 'src="data:image' in p.read_text()], 'an inline image was not written to a file of its own'
    index = (ROOT / '_proc' / '_docs' / 'index.html').read_text()
    assert 'class="figure-full" href="images/sine_cpu_results.png"' in index
    # cross-references resolve within the built site
    assert 'href="09_meta.html#meta_train"' in index and 'flp-nb.github.io' not in index
    search = (ROOT / '_proc' / '_docs' / 'search.json').read_text()
    # search snippets show a reference's name, not its URL
    assert '`meta_train`' in search and 'flp-nb.github.io' not in search


@pytest.mark.skipif(torch.cuda.is_available(), reason='on a GPU the check would run for minutes')
def test_gpu_check_script_reaches_flp_bench(tmp_path):
    ("Without a GPU every check of the prepared GPU check fails with flp_bench's own message, and the script says so: "
     "it really calls flp_bench.")
    r = subprocess.run(['bash', str(ROOT / 'tools' / 'gpu_check.sh')], cwd=ROOT,
                       env={**os.environ, 'PY': sys.executable, 'CHECK_OUT': str(tmp_path)},
                       capture_output=True, text=True)
    md = (tmp_path / 'gpu_check.md').read_text()
    assert r.returncode == 1 and r.stderr.count("flp_bench: device 'cuda' was requested "
                                                "but CUDA is not available here") == 7, r.stderr[-2000:]
    assert ([l.split()[1] for l in md.splitlines() if l.startswith('gpu_check:')]
            == ['mb1', 'mb16', 'mb1-compiled', 'mb16-compiled', 'pop16-compiled', 'mb4', 'seg20'])


def test_gpu_table1_script(tmp_path):
    ("The prepared GPU run of Table 1's core rows works end to end at smoke scale on a CPU, "
     "and says so when its time limit cuts it off.")
    env = {**os.environ, 'BIN': str(Path(sys.executable).parent), 'OUT': str(tmp_path / 'ok'), 'DEVICE': 'cpu',
           'SCALE': 'smoke', 'EPISODES': '2'}
    r = subprocess.run(['bash', str(ROOT / 'tools' / 'gpu_table1.sh')], cwd=ROOT, env=env,
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    md = (tmp_path / 'ok' / 'gpu_table1.md').read_text()
    rows = [l for l in md.splitlines() if l.startswith('| ') and not l.startswith(('| Method', '| ---'))]
    assert ([l.split('|')[1].strip() for l in rows] == ['Feature reuse (1)', 'FLP (3)', 'Gradient-based (3)']
            and 'wall time:' in md)
    assert (sorted(p.name for p in (tmp_path / 'ok' / 'sine-smoke').glob('*-seed0'))
            == sorted(f'{m}-{o}-seed0' for m in ('feature_reuse', 'flp3', 'gradient3') for o in ('iid', 'continual')))
    r = subprocess.run(['bash', str(ROOT / 'tools' / 'gpu_table1.sh')], cwd=ROOT,
                       env={**env, 'OUT': str(tmp_path / 'cut'), 'LIMIT': '1'}, capture_output=True, text=True)
    assert r.returncode == 1 and 'ran out of its 1 s' in (tmp_path / 'cut' / 'gpu_table1.md').read_text()


def _module_imports():
    ("`{module: [(imported module, names, line)]}` for every import of one flp_nb module by another, "
     "at any depth of the code.")
    import ast
    found = {}
    for path in sorted((ROOT / 'flp_nb').glob('*.py')):
        if path.name in ('__init__.py', '_modidx.py'): continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and (node.level == 1 or (node.module or '').startswith('flp_nb')):
                target = (node.module or '').removeprefix('flp_nb.') if node.level == 0 else node.module
                found.setdefault(path.stem, []).append((target, [a.name for a in node.names], node.lineno))
            elif isinstance(node, ast.Import):
                for a in node.names:
                    if a.name.split('.')[0] == 'flp_nb':
                        found.setdefault(path.stem, []).append((a.name.removeprefix('flp_nb').lstrip('.') or 'flp_nb',
                                                                [], node.lineno))
    return found


def test_import_graph():
    ("No module imports another's private name or the package itself, "
     "and imports run only down the docs' reading order (nbs/sidebar.yml): no circle.")
    import re
    order = re.findall(r'- (\d\w*)\.ipynb', (ROOT / 'nbs' / 'sidebar.yml').read_text())
    floor = {}
    for path in (ROOT / 'flp_nb').glob('*.py'):
        m = re.search(r'File to edit: \.\./nbs/(\w+)\.ipynb', path.read_text())
        if m and m.group(1) in order: floor[path.stem] = order.index(m.group(1))
    problems = []
    for mod, imports in _module_imports().items():
        for target, names, line in imports:
            where = f'flp_nb/{mod}.py:{line}'
            if target == 'flp_nb' or target is None: problems.append(f'{where} imports the package itself')
            problems += [f'{where} imports the private name {target}.{n}' for n in names if n.startswith('_')]
            if target in floor and floor[target] >= floor[mod]:
                problems.append(f'{where} imports {target}, which comes after it in the reading order')
    assert not problems, '\n'.join(problems)


def test_sidebar_lists_every_notebook():
    ("The docs' reading order (nbs/sidebar.yml, kept by hand: custom_sidebar) names every notebook once, "
     "so none is left out of the site.")
    import re
    listed = re.findall(r'- ([\w/]+\.ipynb)', (ROOT / 'nbs' / 'sidebar.yml').read_text())
    present = sorted(str(p.relative_to(ROOT / 'nbs')) for p in (ROOT / 'nbs').rglob('*.ipynb')
                     if '.ipynb_checkpoints' not in p.parts and not p.name.startswith('_'))
    assert (sorted(listed) == present
            and len(set(listed)) == len(listed)), f'sidebar.yml lists {sorted(listed)}; the notebooks are {present}'


def test_check_site_finds_each_problem(tmp_path):
    "check_site names each kind of problem on a small made-up site, and nothing on a clean one."
    sys.path.insert(0, str(ROOT / 'tools'))
    from build_docs import check_site
    (tmp_path / 'a.html').write_text('<h2 id="x">X</h2><a href="a.html#x">x</a><a href="#x">x</a>'
                                     '<pre>| a | b |\n| --- | --- |</pre><code>[k](https://e.org)</code>')
    (tmp_path / 'theme.css').write_text('body { font-family: sans-serif; }')
    assert check_site(tmp_path) == []
    (tmp_path / 'b.html').write_text('<a href="a.html#y">y</a><a href="c.html">c</a><img src="https://e.org/i.png">'
                                     '<p>| a | b |</p><p>| --- | --- |</p><div class="cell-output-stderr">w</div>'
                                     '<p>see [k](https://e.org/k)</p>')
    (tmp_path / 'theme.css').write_text('@import url("https://fonts.example/css");')
    assert check_site(tmp_path) == ['b.html: link to a missing anchor a.html#y',
                                    'b.html: link to a missing file c.html', 'b.html: loads https://e.org/i.png',
                                    'b.html: a markdown table left as text', 'b.html: a stderr block',
                                    'b.html: a markdown link left as text', 'theme.css: loads https://fonts.example/css']
