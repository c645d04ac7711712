#!/usr/bin/env bash
# Prepared GPU check (issues 7 and 14): seconds per meta-training episode at paper scale on one GPU, with and without batched
# episodes, compiled steps, a population of 16 runs and segment checkpointing. At most about 9 minutes; each measurement has its own time limit,
# and one that fails or runs out of time does not stop the others.
# Run from the repository root after the README's install (or with PY set to a python that imports flp_nb).
# Every table goes to $CHECK_OUT/gpu_check.md and every result to $CHECK_OUT/gpu_check.jsonl (both started afresh);
# the exit status is 1 if any measurement failed.
set -uo pipefail
PY=${PY:-.venv/bin/python}
CHECK_OUT=${CHECK_OUT:-runs/gpu-check}
mkdir -p "$CHECK_OUT"
MD="$CHECK_OUT/gpu_check.md"
rm -f "$MD" "$CHECK_OUT/gpu_check.jsonl"
failed=0
{ nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader; "$PY" -c 'import torch; print("torch", torch.__version__)'; } | tee -a "$MD"

check() {  # name, seconds allowed, flp_bench options
    local name=$1 limit=$2; shift 2
    local dir="$CHECK_OUT/$name"
    if timeout "$limit" "$PY" -c 'import sys; from flp_nb.bench import bench_main; sys.argv[0] = "flp_bench"; bench_main()' --device cuda --out "$dir" "$@" > /dev/null \
        && [ -s "$dir/bench.md" ]; then
        { echo; echo "$name (flp_bench $*)"; echo; cat "$dir/bench.md"; } | tee -a "$MD"
        "$PY" -c 'import json, sys; print(json.dumps({"name": sys.argv[2], **json.load(open(sys.argv[1]))}))' "$dir/bench.json" "$name" >> "$CHECK_OUT/gpu_check.jsonl"
    else echo "gpu_check: $name failed or ran out of its $limit s" | tee -a "$MD"; failed=1
    fi
}

check mb1 120 --modes eager --reps 3 --oracle_steps 10
check mb16 100 --cases sine_flp3,sine_gradient3,omniglot_flp2 --modes eager --meta_batch 16 --reps 2 --oracle_steps 3
check mb1-compiled 100 --cases sine_flp3,omniglot_flp2 --modes compiled --reps 3 --oracle_steps 3
check mb16-compiled 60 --cases sine_flp3 --meta_batch 16 --modes compiled --reps 2 --oracle_steps 3
check pop16-compiled 80 --cases sine_flp3 --modes compiled --population 16 --reps 2 --oracle_steps 3
check mb4 40 --modes eager --cases sine_flp3 --meta_batch 4 --reps 2 --oracle_steps 3
check seg20 40 --modes eager --cases sine_flp3 --segment 20 --reps 3 --oracle_steps 3
exit $failed
