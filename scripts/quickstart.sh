#!/usr/bin/env bash
# The first quick-start command: installs what is missing, builds, and runs the embedded default
# job (N = 200 tanh neurons, g = 0.5, 64 realizations x 8 trials; about 10 s on 2 cores).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh"
source "$root/scripts/blas_env.sh"
cd "$root"
./build/quench simulate --out results/default "$@"
