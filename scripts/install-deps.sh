#!/usr/bin/env bash
# Installs what quench needs to build and test, from Debian's packages (as root, or with sudo).
# Idempotent and quick when everything is already there. The CUDA toolkit is used when present
# (nvcc on PATH or in /usr/local/cuda) and is not installed here.
set -euo pipefail

packages=(
  build-essential cmake git pkg-config
  libopenblas-dev liblapacke-dev          # BLAS GEMM / LAPACK eigensolvers
  libfftw3-dev                            # cosine transforms of the partially symmetric DMFT closure
  librandom123-dev                        # Philox4x32-10 counter-based RNG (host and device)
  libcli11-dev libtomlplusplus-dev nlohmann-json3-dev libfmt-dev
  googletest libgtest-dev libgmock-dev libbenchmark-dev
  libhdf5-dev                             # PREFIX.h5 results and checkpoints
  libopenmpi-dev openmpi-bin              # mpirun: realizations shared between ranks (optional at build time)
  python3 python3-pip python3-h5py        # h5py reads PREFIX.h5 in the tests
)

# The fuzz target of the config/CLI parser (docs/fuzzing.md) needs clang's libFuzzer; not part of CI.
if [[ "${QUENCH_WITH_FUZZ:-0}" == 1 ]]; then
  packages+=(clang libclang-rt-14-dev)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  echo "quench: installing ${missing[*]}"
  sudo_cmd=()
  [[ $(id -u) -ne 0 ]] && sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# matplotlib draws the plots of `quench validate` (python/quench_plots). Without it validate still
# writes its report and numbers and says how to make the plots later.
if ! python3 -c "import matplotlib" 2>/dev/null; then
  python3 -m pip install --quiet matplotlib || echo "quench: warning: pip could not install matplotlib; validate will skip its plots"
fi

# numpy is only needed by the CPU benchmark's peer (bench/peers/numpy_batched.py).
if [[ "${QUENCH_WITH_BENCH:-0}" == 1 ]] && ! python3 -c "import numpy" 2>/dev/null; then
  python3 -m pip install --quiet numpy
fi
