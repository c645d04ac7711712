("The hand-written mutants of `tools/mutants.py` still apply to the package's source "
 "(running them against the checks is the tool's job: `python tools/mutants.py`).")
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / 'tools'))
import mutants


def test_mutants_apply_and_undo():
    "Each mutant finds its text exactly once, swaps its function in, and restores the original afterwards."
    for label, owner, name, text, replacement in mutants.MUTANTS:
        before = mutants.inspect.getattr_static(owner, name)
        with mutants.mutant(owner, name, text, replacement):
            assert mutants.inspect.getattr_static(owner, name) is not before, label
        assert mutants.inspect.getattr_static(owner, name) is before, label
