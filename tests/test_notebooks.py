"Every notebook's inline tests, run the way `nbdev_test` runs them (cells marked `#|eval: false` are skipped)."
from pathlib import Path

import pytest
from nbdev.test import test_nb as run_notebook

NBS = sorted((Path(__file__).resolve().parents[1] / 'nbs').rglob('*.ipynb'))
NBS = [p for p in NBS if not any(part.startswith(('.', '_')) or part == 'runs' for part in p.parts[-3:])]


def _param(p):
    ("The reproduction notebooks write run folders under nbs/repro/runs (the analysis reuses the sine one's) "
     "and the docs build copies nbs/: one worker runs them all, in turn.")
    return pytest.param(p, marks=pytest.mark.xdist_group('nbs_tree')) if p.parent.name == 'repro' else p


@pytest.mark.parametrize('nb', [_param(p) for p in NBS],
                         ids=[str(p.relative_to(p.parents[1] if p.parent.name == 'repro' else p.parent)) for p in NBS])
def test_notebook(nb):
    ok, seconds = run_notebook(nb, skip_flags=['notest'])
    assert ok, f'{nb.name} failed; the cell and traceback are printed above'


def test_found_notebooks():
    "Every numbered module notebook, the index and each reproduction notebook is collected, and nothing else."
    from flp_nb.cli import REPRO_NOTEBOOKS
    root = NBS[0].parents[1] if NBS[0].parent.name == 'repro' else NBS[0].parent
    want = ({p.name for p in root.glob('[0-9][0-9]*_*.ipynb')} | {'index.ipynb'}
            | {f'repro/{n}' for n in REPRO_NOTEBOOKS.values()})
    assert (len(want) >= 20
            and {str(p.relative_to(root)) for p in NBS} == want), sorted(str(p.relative_to(root)) for p in NBS)


def _export_cells(nb):
    "Each export cell of `nb` as (index, id, code without its directive lines)."
    import json
    for i, c in enumerate(json.loads(nb.read_text())['cells']):
        src = ''.join(c['source'])
        if c['cell_type'] == 'code' and src.lstrip().startswith(('#|export', '#| export', '#|exports')):
            yield i, c.get('id'), '\n'.join(l for l in src.splitlines() if not l.lstrip().startswith('#|'))


def test_one_definition_per_export_cell():
    "Every export cell holds at most one top-level def or class, so that its demo can follow it (fastcore's style)."
    import ast
    crowded = [f'{nb.relative_to(nb.parents[1])} cell {i} (id {cid}): {", ".join(names)}'
               for nb in NBS for i, cid, code in _export_cells(nb)
               if len(names := [n.name for n in ast.parse(code).body
                                if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))]) > 1]
    assert not crowded, ('export cells with more than one definition (split each into cells of one):\n'
                         + '\n'.join(crowded))


def test_lint():
    ("ruff (configured in pyproject.toml) passes on the package, the notebooks' code, tools and tests: lines of at "
     "most 120 characters, no undefined name.")
    import subprocess, sys
    root = Path(__file__).resolve().parents[1]
    r = subprocess.run([str(Path(sys.executable).parent / 'ruff'), 'check', '--no-cache', 'flp_nb', 'nbs', 'tools',
                        'tests'], cwd=root, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout[-4000:] + r.stderr[-2000:]
