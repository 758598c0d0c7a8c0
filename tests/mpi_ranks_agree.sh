#!/usr/bin/env bash
# `mpirun -np P quench simulate` gives the same numbers, bit for bit, for P = 1, 2, 3 and 8 as a run
# without mpirun: each rank integrates a contiguous block of every wave and rank 0 gathers the
# results in realization order. Usage: mpi_ranks_agree.sh QUENCH_BINARY MPIEXEC
set -euo pipefail
quench=$1
mpiexec=$2
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
# OpenMPI refuses to run as root (CI containers) unless told, and may lack ptrace for shared memory.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_btl_vader_single_copy_mechanism=none
cat > job.toml <<'TOML'
[network]
n = 24
activation = "tanh"
[coupling]
g = 0.7
[integration]
dt = 0.05
t_burn = 5.0
t_max = 40.0
sample_interval = 0.5
t_bin = 2.0
[ensemble]
realizations = 11
trials = 4
seed = 21
[statistics]
eigenvalues = true
[output]
covariances = true
[run]
threads = 1
TOML
"$quench" simulate job.toml --out single --quiet
for p in 1 2 3 8; do
  "$mpiexec" --oversubscribe -np "$p" "$quench" simulate job.toml --out "np$p" --quiet
  python3 "$here/compare_results.py" single.json "np$p.json"
  ranks=$(python3 -c "import json; print(json.load(open('np$p.json'))['provenance']['ranks'])")
  [[ $ranks == "$p" ]] || { echo "np$p.json says ranks = $ranks" >&2; exit 1; }
  echo "mpirun -np $p: identical to the single-process run"
done
# A checkpoint written by 3 ranks resumes on 2 ranks to the same numbers.
"$mpiexec" --oversubscribe -np 3 "$quench" simulate job.toml --out np3 --quiet \
  --set run.checkpoint_every_realizations=1 &
pid=$!
while [[ ! -e np3.checkpoint.h5 ]] && kill -0 "$pid" 2>/dev/null; do sleep 0.01; done
kill -TERM "$pid" 2>/dev/null || true
wait "$pid" || true
if [[ -e np3.checkpoint.h5 ]]; then
  "$mpiexec" --oversubscribe -np 2 "$quench" simulate --resume np3.checkpoint.h5 --quiet
fi
python3 "$here/compare_results.py" single.json np3.json
echo "a checkpoint of 3 ranks resumed on 2: identical"
