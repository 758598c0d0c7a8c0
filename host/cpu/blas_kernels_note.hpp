#pragma once
#include <string>

namespace quench::cpu {

// A note when OpenBLAS runs generic SSE-era kernels on a CPU with AVX2 or AVX-512: a virtual machine
// that hides the CPU model makes OpenBLAS fall back to its "Prescott" kernels, which run the
// covariance statistics about 1.5x slower; the note names the OPENBLAS_CORETYPE to export. Empty
// when the kernels fit the CPU, when the user has set OPENBLAS_CORETYPE, or off x86-64.
std::string slowBlasKernelsNote();

}  // namespace quench::cpu
