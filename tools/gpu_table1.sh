#!/usr/bin/env bash
# Prepared GPU run (issue 12, item 5): Table 1's core rows -- feature reuse, FLP (3) and gradient (3), i.i.d. and continual,
# one seed -- at the `gpu` preset (the short-lifetime protocol at the paper's width 300, 16 episodes per meta-gradient step,
# 1,000 steps), each method's two orders one population in a worker process of its own, then the reproduction notebook's
# evaluation (50 lifetimes per run), table and figures. About 8 minutes on one H200 by the preset's arithmetic (see
# nbs/08_sine.ipynb, Scales); not yet measured on a GPU. Run from the repository root after the README's install. The runs
# checkpoint every 250 steps: if the time limit cuts it off, the same command resumes them.
# Environment: BIN (folder of flp_reproduce, default .venv/bin), OUT (runs/gpu-table1), DEVICE (cuda), SCALE (gpu),
# SEEDS (1), EPISODES (the scale's), LIMIT (seconds, 600). SCALE=smoke DEVICE=cpu runs the same in seconds on a CPU (tested).
# Writes $OUT/gpu_table1.md (the machine, the time taken and the table; printed at the end) and $OUT/reproduce.log; exit status 1 if the reproduction failed or ran out of time.
set -uo pipefail
BIN=${BIN:-.venv/bin}; OUT=${OUT:-runs/gpu-table1}; DEVICE=${DEVICE:-cuda}; SCALE=${SCALE:-gpu}; SEEDS=${SEEDS:-1}; LIMIT=${LIMIT:-600}
mkdir -p "$OUT"
MD="$OUT/gpu_table1.md"
args=(sine --scale "$SCALE" --seeds "$SEEDS" --methods feature_reuse,flp3,gradient3 --device "$DEVICE" --workers 3 --out "$OUT" --quiet)
[ -n "${EPISODES:-}" ] && args+=(--episodes "$EPISODES")
{ echo "# Table 1 core rows at scale $SCALE on $DEVICE"; echo
  if [ "$DEVICE" = cuda ]; then nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader; else echo "CPU: $(nproc) cores"; fi
  echo "command: flp_reproduce ${args[*]}"; } > "$MD"
start=$(date +%s)
timeout "$LIMIT" "$BIN/flp_reproduce" "${args[@]}" > "$OUT/reproduce.log" 2>&1; rc=$?
elapsed=$(( $(date +%s) - start ))
if [ $rc -eq 0 ]; then
    { echo "wall time: $elapsed s (meta-training, evaluation, figures)"; echo; cat "$OUT/sine-$SCALE/results.md"; } >> "$MD"
else { echo "gpu_table1: the reproduction failed or ran out of its $LIMIT s (exit $rc) after $elapsed s; rerun to resume. Its last messages:"; tail -5 "$OUT/reproduce.log"; } >> "$MD"
fi
cat "$MD"
[ $rc -eq 0 ]
