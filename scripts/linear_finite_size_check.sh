#!/usr/bin/env bash
# Full verification of the linear 1/N coefficients (docs/theory/linear_finite_size.md): exact per-realization
# ZF / ET covariances at N = 50, 100, 200, 400 (a factor 8), weighted fits S(N) = S_inf + c/N (+ d/N^2).
# Single-threaded and niced (shared machine); about 17 min of CPU on the 2-core box.
# Usage: scripts/linear_finite_size_check.sh [BUILD_DIR] > bench/results/linear_finite_size_check.md
set -euo pipefail
build=${1:-build}
check="$build/bench/quench_check_linear_finite_size"
export OPENBLAS_NUM_THREADS=1
run() { nice -n 10 "$check" "$@"; echo; }
echo "## Verification run: $(date -u +%Y-%m-%dT%H:%MZ), $(uname -n), $(nproc) cores, commit $(git rev-parse --short HEAD)"
echo
zf_r=6000,2000,600,120
et_r=6000,2000,500,100
sizes=50,100,200,400
for g in 0.3 0.5 0.7; do run --covariance zf --g "$g" --n $sizes --r $zf_r; done
run --covariance zf --g 0.5 --zero-diagonal --n $sizes --r $zf_r
run --covariance zf --g 0.4 --eta 0.5 --n $sizes --r $zf_r
run --covariance zf --g 0.5 --eta -0.5 --n $sizes --r $zf_r
for g in 0.5 0.7; do run --covariance et --g "$g" --n $sizes --r $et_r; done
run --covariance et --g 0.5 --zero-diagonal --n $sizes --r $et_r
run --covariance et --g 0.4 --eta 0.5 --n $sizes --r $et_r
run --covariance et --g 0.5 --eta -0.5 --n $sizes --r $et_r
