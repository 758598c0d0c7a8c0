#include "cpu/blas_kernels_note.hpp"

#include <cblas.h>
#include <fmt/format.h>

#include <cstdlib>
#include <string>

namespace quench::cpu {

std::string slowBlasKernelsNote() {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    if (std::getenv("OPENBLAS_CORETYPE") != nullptr) return "";
    const std::string core = openblas_get_corename();
    // OpenBLAS's cores without AVX kernels.
    const bool generic = core == "Prescott" || core == "Core2" || core == "Penryn" || core == "Dunnington" ||
                         core == "Nehalem" || core == "Atom" || core == "Opteron" || core == "Barcelona";
    if (!generic) return "";
    const bool avx512 = __builtin_cpu_supports("avx512f");
    if (!avx512 && !__builtin_cpu_supports("avx2")) return "";
    return fmt::format(
        "OpenBLAS runs its generic '{}' kernels although this CPU has {} (a virtual machine hiding the CPU "
        "model?); `export OPENBLAS_CORETYPE={}` makes the covariance statistics about 1.5x faster",
        core, avx512 ? "AVX-512" : "AVX2", avx512 ? "SkylakeX" : "Haswell");
#else
    return "";
#endif
}

}  // namespace quench::cpu
