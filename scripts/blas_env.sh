# Sourced by the quick-start and test scripts after the dependencies are installed. A virtual machine
# that hides the CPU model makes OpenBLAS fall back to its generic SSE-era "Prescott" kernels; then name
# the core from the instruction set (AVX-512: SkylakeX, AVX2: Haswell). Nothing changes when the user has
# set OPENBLAS_CORETYPE or OpenBLAS recognized the CPU. quench itself prints the same advice.
if [[ -z ${OPENBLAS_CORETYPE:-} && $(uname -m) == x86_64 ]]; then
  blas_core=$(python3 -c 'import ctypes; lib = ctypes.CDLL("libopenblas.so.0"); lib.openblas_get_corename.restype = ctypes.c_char_p; print(lib.openblas_get_corename().decode())' 2>/dev/null || true)
  case $blas_core in
    Prescott|Core2|Penryn|Dunnington|Nehalem|Atom|Opteron|Barcelona)
      if grep -qw avx512f /proc/cpuinfo; then
        export OPENBLAS_CORETYPE=SkylakeX
      elif grep -qw avx2 /proc/cpuinfo; then
        export OPENBLAS_CORETYPE=Haswell
      fi
      if [[ -n ${OPENBLAS_CORETYPE:-} ]]; then
        echo "quench: OpenBLAS detected '$blas_core'; using OPENBLAS_CORETYPE=$OPENBLAS_CORETYPE for this CPU"
      fi
      ;;
  esac
  unset blas_core
fi
