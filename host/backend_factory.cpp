#include <memory>

#include "cpu/cpu_backend.hpp"
#include "quench/backend.hpp"
#include "quench/error.hpp"

namespace quench {

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
    return {"cpu"};
}

bool backendAvailable(BackendKind kind, std::string* why) {
    if (kind == BackendKind::Cpu || kind == BackendKind::Auto) return true;
    if (why != nullptr) *why = "the CUDA backend is not part of this build yet";
    return false;
}

std::unique_ptr<Backend> makeBackend(BackendKind kind) {
    std::string why;
    if (!backendAvailable(kind, &why)) throw BackendError(std::string(backendName(kind)) + ": " + why);
    // Auto picks the fastest available backend; the CPU backend is the only one compiled in so far.
    return std::make_unique<cpu::CpuBackend>();
}

}  // namespace quench
