#!/usr/bin/env bash
# The second quick-start command (and CI's): installs what is missing, builds, runs the whole test
# suite with CTest. CUDA tests skip with their reason when no GPU is present.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh"
source "$root/scripts/blas_env.sh"
cd "$root/build"
ctest --output-on-failure -j "$(nproc)" --timeout 900
