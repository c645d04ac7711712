#!/usr/bin/env bash
# Prepared GPU check (issue: performance): episodes per second at paper scale on one GPU, with and without batching
# and segment checkpointing. About 5 minutes on an H100. Run from the repository root after the README's install.
set -euo pipefail
B=.venv/bin/flp_bench
$B --device cuda --out runs/bench-gpu-mb1 --reps 3
$B --device cuda --out runs/bench-gpu-mb16 --meta_batch 16 --reps 2 --oracle_steps 5
$B --device cuda --out runs/bench-gpu-seg20 --cases sine_flp3 --segment 20 --reps 3
cat runs/bench-gpu-*/bench.md
