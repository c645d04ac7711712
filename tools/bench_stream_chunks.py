"""Populations with the frozen prefix a chunk of steps at a time, against the whole stream at once, in one process.

`population_loss` computes the frozen layers' features of the training stream `COMPILED_CHUNK` steps at a time,
just before the steps that use them. Before, it computed them for the whole stream in one forward and split them
into chunks, so the backward assembled stream-long gradients (two 39 MB concatenations for 8 width-32 runs of 400
steps). This script times a population's meta-training step (forward and backward) both ways, alternating, each
case in a fresh process with the stated threads, and checks that the two give the same loss and meta-gradients.
Usage: python tools/bench_stream_chunks.py [--out tools/results/bench_cpu/stream_chunks] [--reps 9]
"""
import argparse, json, os, statistics, subprocess, sys, time
from pathlib import Path

CASES = [  # (case of flp_bench, width, runs, threads, compiled)
    ('sine_flp3', 32, 8, 1, True), ('sine_gradient3', 32, 8, 1, True), ('sine_flp3', 32, 8, 2, True),
    ('sine_flp3', 32, 8, 1, False), ('sine_flp3', 64, 8, 1, True), ('omniglot_flp2', None, 4, 1, True)]


def whole_stream_loss(learner, metas, episodes, compiled):
    "The reference: `population_loss` as it was, every run's features of the whole stream from one forward."
    import torch
    from flp_nb.lifetime import _initial_fast, _run_steps, lifetime_features, query_output, task_loss
    vmap = torch.func.vmap
    h, hq = vmap(lambda m, ep: tuple(lifetime_features(learner, m, ep)))(metas, episodes)
    fast = vmap(lambda m: _initial_fast(learner, m, episodes.batch_shape[1:]))(metas)
    fast = _run_steps(learner, vmap(learner.step_meta)(metas), fast, h, episodes.y, compiled=compiled, runs=True)
    return task_loss(vmap(lambda m, f, q: query_output(learner, m, f, q))(metas, fast, hq), episodes.yq, learner.loss)


def measure(case, width, runs, threads, compiled, reps):
    "Median seconds per run-episode both ways, and the largest relative difference of their meta-gradients."
    import torch
    torch.set_num_threads(threads)
    from flp_nb.bench import _clear_grads, _setup
    from flp_nb.core import as_leaves
    from flp_nb.lifetime import population_loss
    from flp_nb.tasks import Episode
    learner, meta, ep = _setup(case, False, width=width)
    g = torch.Generator().manual_seed(1)
    metas = {k: torch.stack([v + 0.01 * v.abs().mean() * torch.randn(v.shape, generator=g) for _ in range(runs)])
             for k, v in meta.items()}
    eps = Episode(*(torch.stack([t] * runs) for t in ep))
    ways = {'chunked': lambda m: population_loss(learner, m, eps, compiled=compiled),
            'whole_stream': lambda m: whole_stream_loss(learner, m, eps, compiled)}
    grads = {}
    for name, f in ways.items():
        leaves = as_leaves(metas); f(leaves).sum().backward()
        grads[name] = {k: v.grad for k, v in leaves.items()}
    diff = max(((grads['chunked'][k] - grads['whole_stream'][k]).norm()
                / grads['whole_stream'][k].norm().clamp_min(1e-30)).item() for k in metas)
    seconds = {n: [] for n in ways}
    leaves = {n: as_leaves(metas) for n in ways}
    for _ in range(reps):
        for n, f in ways.items():
            t = time.perf_counter(); f(leaves[n]).sum().backward(); seconds[n].append(time.perf_counter() - t)
            _clear_grads(leaves[n])
    med = {n: statistics.median(s) / runs for n, s in seconds.items()}
    return {'case': case, 'width': width, 'runs': runs, 'threads': threads, 'compiled': compiled, 'reps': reps,
            'chunked_s': med['chunked'], 'whole_stream_s': med['whole_stream'],
            'ratio': med['chunked'] / med['whole_stream'], 'max_rel_grad_diff': diff,
            'seconds': {n: [round(x, 4) for x in s] for n, s in seconds.items()}}


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--out', default='tools/results/bench_cpu/stream_chunks')
    p.add_argument('--reps', type=int, default=9)
    p.add_argument('--one', help=argparse.SUPPRESS)  # a case as JSON, measured in this process
    a = p.parse_args()
    if a.one:
        print(json.dumps(measure(*json.loads(a.one), a.reps))); return
    rows = []
    for c in CASES:
        r = subprocess.run([sys.executable, __file__, '--reps', str(a.reps), '--one', json.dumps(c)],
                           capture_output=True, text=True, env={**os.environ, 'OMP_NUM_THREADS': str(c[3])})
        if r.returncode: raise SystemExit(r.stderr[-2000:])
        rows.append(json.loads(r.stdout.strip().splitlines()[-1]))
        x = rows[-1]
        print(f"{x['case']:15} width {x['width']} runs {x['runs']} threads {x['threads']} "
              f"compiled {x['compiled']!s:5}: "
              f"chunked {x['chunked_s']:.4f} s, whole stream {x['whole_stream_s']:.4f} s per run-episode, "
              f"ratio {x['ratio']:.3f}, meta-gradients differ by {x['max_rel_grad_diff']:.1e}", flush=True)
    out = Path(a.out); out.mkdir(parents=True, exist_ok=True)
    from flp_nb.tables import machine_description
    (out / 'stream_chunks.json').write_text(json.dumps({'machine': machine_description('cpu'), 'reps': a.reps,
                                                        'rows': rows}, indent=1) + '\n')


if __name__ == '__main__':
    main()
