#include <memory>

#include "cpu/cpu_backend.hpp"
#include "quench/backend.hpp"
#include "quench/error.hpp"

#ifdef QUENCH_HAVE_CUDA
#include "cuda/cuda_backend.hpp"
#include "cuda/device_info.hpp"
#endif

namespace quench {

BackendKind backendKindFromName(std::string_view name) {
    if (name == "cpu") return BackendKind::Cpu;
    if (name == "cuda") return BackendKind::Cuda;
    return BackendKind::Auto;
}

std::string_view backendName(BackendKind kind) {
    switch (kind) {
        case BackendKind::Cpu:
            return "cpu";
        case BackendKind::Cuda:
            return "cuda";
        case BackendKind::Auto:
            return "auto";
    }
    return "unknown";
}

std::vector<std::string> compiledBackends() {
#ifdef QUENCH_HAVE_CUDA
    return {"cpu", "cuda"};
#else
    return {"cpu"};
#endif
}

bool backendAvailable(BackendKind kind, std::string* why) {
    if (kind == BackendKind::Cpu || kind == BackendKind::Auto) return true;
#ifdef QUENCH_HAVE_CUDA
    return cuda::cudaDeviceAvailable(why);
#else
    if (why != nullptr)
        *why = "this build has no CUDA backend (configured without nvcc or with QUENCH_CUDA=OFF)";
    return false;
#endif
}

void assignDeviceToLocalRank(int local_rank) {
#ifdef QUENCH_HAVE_CUDA
    if (cuda::cudaDeviceAvailable(nullptr)) cuda::selectDeviceForLocalRank(local_rank);
#else
    (void)local_rank;
#endif
}

std::unique_ptr<Backend> makeBackend(BackendKind kind) {
    std::string why;
    if (!backendAvailable(kind, &why)) throw BackendError(std::string(backendName(kind)) + ": " + why);
#ifdef QUENCH_HAVE_CUDA
    // Auto picks the GPU when one is usable, else the CPU.
    if (kind == BackendKind::Cuda || (kind == BackendKind::Auto && cuda::cudaDeviceAvailable(nullptr)))
        return std::make_unique<cuda::CudaBackend>();
#endif
    return std::make_unique<cpu::CpuBackend>();
}

}  // namespace quench
