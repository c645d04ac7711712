"Every notebook's inline tests, run the way `nbdev_test` runs them (cells marked `#|eval: false` are skipped)."
from pathlib import Path

import pytest
from nbdev.test import test_nb as run_notebook

NBS = sorted((Path(__file__).resolve().parents[1] / 'nbs').rglob('*.ipynb'))
NBS = [p for p in NBS if not any(part.startswith(('.', '_')) or part == 'runs' for part in p.parts[-3:])]


def _param(p):
    "The reproduction notebooks write run folders under nbs/repro/runs (the analysis reuses the sine one's) and the docs build copies nbs/: one worker runs them all, in turn."
    return pytest.param(p, marks=pytest.mark.xdist_group('nbs_tree')) if p.parent.name == 'repro' else p


@pytest.mark.parametrize('nb', [_param(p) for p in NBS], ids=[str(p.relative_to(p.parents[1] if p.parent.name == 'repro' else p.parent)) for p in NBS])
def test_notebook(nb):
    ok, seconds = run_notebook(nb, skip_flags=['notest'])
    assert ok, f'{nb.name} failed; the cell and traceback are printed above'


def test_found_notebooks():
    assert len(NBS) >= 8, [p.name for p in NBS]
