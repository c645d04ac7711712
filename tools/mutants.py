"""Hand-written mutants of the plasticity rules, the feedback mix, the alpha parametrisation and the lifetime step,
each run against the naive-oracle and finite-difference checks of `nbs/06_lifetime.ipynb`; every mutant must be caught.

    .venv/bin/python tools/mutants.py      # every mutant, the check that caught it, the kill rate (exit 1: a survivor)
    .venv/bin/python tools/mutants.py fd   # the finite-difference checks alone (`oracle`: the oracle comparison alone)

A mutant recompiles one function (or method) of the package from its source with one piece of text replaced, and swaps
it in wherever the package holds that function, for the duration of the checks. The oracle (`naive_lifetime`) shares
none of the mutated code.
"""
import contextlib, inspect, json, sys, textwrap, time
from pathlib import Path

import torch

import flp_nb.feedback, flp_nb.lifetime, flp_nb.plasticity
from flp_nb.lifetime import FLP

NB = Path(__file__).resolve().parents[1] / 'nbs' / '06_lifetime.ipynb'
MODULES = (flp_nb.plasticity, flp_nb.feedback, flp_nb.lifetime)

# (name, owner, function, text, replacement)
MUTANTS = [
    ('oja: decay term added', flp_nb.plasticity, 'oja_update', '- (post * post)', '+ (post * post)'),
    ('oja: decay averaged over the batch', flp_nb.plasticity, 'oja_update', '(post * post).sum(-2)',
     '(post * post).mean(-2)'),
    ('oja: alpha on the Hebbian term only', flp_nb.plasticity, 'oja_update',
     'alpha * (post.mT @ pre - (post * post).sum(-2)[..., None] * W)',
     'alpha * (post.mT @ pre) - (post * post).sum(-2)[..., None] * W'),
    ('feedback: signal y-hat - y', flp_nb.feedback, 'feedback_signal', 'y - yhat if', 'yhat - y if'),
    ('feedback: bias outside the ReLU', flp_nb.feedback, 'feedback_activity', 'torch.relu(s @ B.mT + d)',
     'torch.relu(s @ B.mT) + d'),
    ('mix: beta on the forward activity', flp_nb.feedback, 'postsynaptic', 'beta * f + (1 - beta) * h',
     '(1 - beta) * f + beta * h'),
    ('mix: forward activity not differentiated', flp_nb.feedback, 'postsynaptic', 'return beta * f + (1 - beta) * h',
     'return beta * f + (1 - beta) * h.detach()'),
    ('clamp: output driven by the signal', flp_nb.feedback, 'output_postsynaptic', "return y if mode",
     "return s if mode"),
    ('log alpha: base 10', FLP, 'step_meta', "meta[f'log_alpha{l}'].exp()", "10 ** meta[f'log_alpha{l}']"),
    ('log alpha: not differentiated', FLP, 'step_meta', "meta[f'log_alpha{l}'].exp()",
     "meta[f'log_alpha{l}'].exp().detach()"),
    ('alpha_multiplier on the output layer too', FLP, 'step_meta', 'if l < self.net.n_layers else a',
     'if l <= self.net.n_layers else a'),
    ('alpha_multiplier applied twice', FLP, 'step_meta', 'a * self.alpha_multiplier if',
     'a * self.alpha_multiplier ** 2 if'),
    ('per-layer alpha: every layer uses the output layer\'s', FLP, 'update', "meta[f'alpha{l}'])",
     "meta[f'alpha{L}'])"),
    ('lifetime: steps use meta as given, not step_meta', flp_nb.lifetime, 'run_lifetime',
     'records, meta = [], learner.step_meta(meta)', 'records = []'),
    ('redraw: the drawn readout ignored', flp_nb.lifetime, '_initial_fast', 'start[k] if k in start else ', ''),
]

def swap_everywhere(old, new):
    ("Replace function `old` by `new` in every place the package holds it "
     "(module attributes, `RULES`, class attributes); return how to undo.")
    spots = ([(vars(m), k) for m in MODULES for k, v in vars(m).items() if v is old]
             + [(flp_nb.plasticity.RULES, k) for k, v in flp_nb.plasticity.RULES.items() if v is old])
    classes = [(c, k) for m in MODULES for c in vars(m).values() if isinstance(c, type)
               for k, v in vars(c).items() if v is old]
    for d, k in spots: d[k] = new
    for c, k in classes: setattr(c, k, new)
    def undo():
        for d, k in spots: d[k] = old
        for c, k in classes: setattr(c, k, old)
    return undo

@contextlib.contextmanager
def mutant(owner, name, text, replacement):
    ("`owner.name` recompiled from its source with `text` (found exactly once) replaced by `replacement`, "
     "while inside the block.")
    fn = inspect.getattr_static(owner, name)
    src = textwrap.dedent(inspect.getsource(fn))
    if src.count(text) != 1: raise ValueError(f"{name}: {text!r} occurs {src.count(text)} times in its source")
    src = '\n'.join(l for l in src.replace(text, replacement).splitlines() if not l.startswith('@patch'))
    scope = {}
    exec(compile(src, f'<mutant of {name}>', 'exec'), fn.__globals__, scope)
    undo = swap_everywhere(fn, scope[name])
    try: yield
    finally: undo()

def load_checks()->dict:
    ("The oracle and finite-difference checks of the lifetime notebook (its test imports and the cells defining them), "
     "in one namespace.")
    ns = dict(vars(flp_nb.lifetime))
    starts = ('from fastcore.test', 'def small_setup', 'def test_rel', 'def fd_check')
    for c in json.loads(NB.read_text())['cells']:
        src = ''.join(c['source'])
        if c['cell_type'] == 'code' and src.startswith(starts): exec(compile(src, str(NB), 'exec'), ns)
    return ns

def run_checks(ns, kinds=('oracle', 'fd'))->str|None:
    ("Run the oracle comparison on every MLP variant and every finite-difference case (those of `kinds`); "
     "the first failure, or None if all pass.")
    checks = [(f'oracle {type(l).__name__}({l.n_plastic}) {o}', ns['compare'], (l, o))
              for n in (1, 2, 3) for l in ns['variants'](n) for o in ('iid', 'continual') if 'oracle' in kinds]
    checks += [(f'finite differences {type(l).__name__}({l.n_plastic})', ns['fd_check'], (l, keys))
               for l, keys in ns['FD_CASES'] if 'fd' in kinds]
    for name, f, args in checks:
        try: f(*args)
        except Exception as e: return f'{name}: {type(e).__name__}: {str(e).splitlines()[0][:120] if str(e) else ""}'
    return None

def main(kinds=('oracle', 'fd'))->float:
    ("Check that the unmutated package passes `kinds` of checks, then run every mutant; "
     "print what caught each and return the kill rate.")
    ns, t0 = load_checks(), time.time()
    if (fail := run_checks(ns, kinds)) is not None: raise SystemExit(f"the unmutated package fails the checks: {fail}")
    killed = 0
    for label, owner, name, text, replacement in MUTANTS:
        with mutant(owner, name, text, replacement): caught = run_checks(ns, kinds)
        killed += caught is not None
        print(f"{'killed  ' if caught else 'SURVIVED'} {label:55s} {caught or ''}")
    rate = killed / len(MUTANTS)
    print(f"kill rate {killed}/{len(MUTANTS)} = {rate:.0%} ({time.time() - t0:.0f} s)")
    return rate

if __name__ == '__main__': sys.exit(0 if main(tuple(sys.argv[1:]) or ('oracle', 'fd')) == 1 else 1)
