"""Execute notebooks in place so the docs show real outputs: python tools/run_nbs.py [NOTEBOOK ...] (default: nbs/).

Cells marked `#|eval: false` are skipped, as in the tests. Run `nbdev_clean` afterwards.
"""
import sys, time
from pathlib import Path

from execnb.nbio import read_nb, write_nb
from execnb.shell import CaptureShell
from fastcore.foundation import working_directory

ROOT = Path(__file__).resolve().parents[1]


def _skip(cell):
    "True for cells the run leaves alone."
    if cell.cell_type != 'code' or 'nbdev_export(' in cell.source: return True
    return any(l.replace(' ', '').lower() == '#|eval:false' for l in cell.source.split('\n') if l.startswith('#|'))


def run(path):
    "Execute the notebook at `path` and save it with its outputs; stop at the first error."
    nb, start = read_nb(path), time.time()
    try:
        with working_directory(path.parent): CaptureShell(path).run_all(nb, exc_stop=True, preproc=_skip)
    except Exception as e: raise SystemExit(f'{path.name}: {type(e).__name__}: {e}') from e
    write_nb(nb, path)
    print(f'{path.name}: {time.time() - start:.1f}s')


if __name__ == '__main__':
    for p in ([Path(a).resolve() for a in sys.argv[1:]] or sorted((ROOT / 'nbs').glob('*.ipynb'))): run(p)
