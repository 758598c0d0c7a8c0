#!/usr/bin/env bash
# A run killed with SIGKILL at random moments (no chance to clean up) leaves at each output path
# either nothing, or a complete file: the previous checkpoint or the complete result, never a torn
# one; resuming from what it left (or starting again when it left nothing) finishes with numbers
# identical, bit for bit, to a run that was never interrupted.
# Usage: kill_resume.sh QUENCH_BINARY [TRIALS]
set -euo pipefail
quench=$1
trials=${2:-24}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
cat > job.toml <<'TOML'
[network]
n = 24
activation = "tanh"
[coupling]
g = 0.7
[integration]
dt = 0.05
t_burn = 5.0
t_max = 150.0
sample_interval = 0.5
t_bin = 2.0
[ensemble]
realizations = 10
trials = 4
seed = 8
[statistics]
eigenvalues = true
[run]
threads = 1
checkpoint_every_realizations = 1
TOML

now_ms() { date +%s%3N; }
start=$(now_ms)
"$quench" simulate job.toml --out reference --quiet
span=$(($(now_ms) - start + 50))  # kill points cover the whole run, its end and a little after

# Every file at an output path must be complete: quench reads HDF5 files back in full, JSON parses.
check_complete() {
  local f
  for f in run.h5 run.checkpoint.h5; do
    if [[ -e $f ]] && ! "$quench" inspect "$f" >/dev/null 2>inspect.err; then
      echo "trial $1: $f is torn: $(cat inspect.err)" >&2
      exit 1
    fi
  done
  if [[ -e run.json ]] && ! python3 -c "import json,sys; json.load(open('run.json'))"; then
    echo "trial $1: run.json is torn" >&2
    exit 1
  fi
}

resumed=0 restarted=0 finished=0
for trial in $(seq 1 "$trials"); do
  rm -rf "t$trial" && mkdir "t$trial" && cp job.toml "t$trial/" && cd "t$trial"
  delay_ms=$((RANDOM % span))
  "$quench" simulate job.toml --out run --quiet &
  pid=$!
  sleep "$(printf '%d.%03d' $((delay_ms / 1000)) $((delay_ms % 1000)))"
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  check_complete "$trial"
  if [[ -e run.h5 && ! -e run.checkpoint.h5 ]]; then
    finished=$((finished + 1))  # killed after the result was complete
  elif [[ -e run.checkpoint.h5 ]]; then
    resumed=$((resumed + 1))
    "$quench" simulate --resume run.checkpoint.h5 --quiet
  else
    restarted=$((restarted + 1))
    "$quench" simulate job.toml --out run --quiet
  fi
  python3 "$here/compare_results.py" ../reference.json run.json
  leftovers=$(find . -name '*.tmp-*' | wc -l)
  [[ $leftovers == 0 ]] || { echo "trial $trial: temporary files left after the finished run" >&2; exit 1; }
  cd ..
done
echo "$trials SIGKILL trials: $resumed resumed from a checkpoint, $restarted restarted (killed before the" \
  "first checkpoint), $finished already finished; every result identical to the uninterrupted run"
