#include "cuda/device_info.hpp"

#include <cuda_runtime_api.h>
#include <fmt/format.h>

#include "cuda/cuda_check.hpp"

namespace quench::cuda {

namespace {

// The oldest architecture this build has machine code or PTX for (CMAKE_CUDA_ARCHITECTURES 90).
constexpr int kMinimumMajor = 9;

std::string describe(cudaError_t status) {
    return fmt::format("{} ({})", cudaGetErrorString(status), cudaGetErrorName(status));
}

}  // namespace

bool cudaDeviceAvailable(std::string* why) {
    int count = 0;
    const cudaError_t status = cudaGetDeviceCount(&count);
    if (status != cudaSuccess) {
        cudaGetLastError();  // clear it, so that later runtime calls do not report it again
        if (why != nullptr) *why = "no usable CUDA device: cudaGetDeviceCount failed: " + describe(status);
        return false;
    }
    if (count == 0) {
        if (why != nullptr) *why = "no CUDA device found";
        return false;
    }
    cudaDeviceProp prop{};
    const cudaError_t queried = cudaGetDeviceProperties(&prop, 0);
    if (queried != cudaSuccess) {
        cudaGetLastError();
        if (why != nullptr) *why = "cudaGetDeviceProperties(0) failed: " + describe(queried);
        return false;
    }
    if (prop.major < kMinimumMajor) {
        if (why != nullptr)
            *why = fmt::format(
                "device 0 ({}) has compute capability {}.{}; this build has code for sm_90 and newer",
                prop.name, prop.major, prop.minor);
        return false;
    }
    return true;
}

bool selectDeviceForLocalRank(int local_rank) {
    int count = 0;
    if (cudaGetDeviceCount(&count) != cudaSuccess || count < 1) {
        cudaGetLastError();
        return false;
    }
    QUENCH_CUDA_CHECK(cudaSetDevice(local_rank % count));
    return true;
}

DeviceInfo currentDeviceInfo() {
    int device = 0;
    QUENCH_CUDA_CHECK(cudaGetDevice(&device));
    cudaDeviceProp prop{};
    QUENCH_CUDA_CHECK(cudaGetDeviceProperties(&prop, device));
    DeviceInfo info;
    info.name = prop.name;
    info.major = prop.major;
    info.minor = prop.minor;
    info.shared_bytes_per_block = prop.sharedMemPerBlockOptin;
    QUENCH_CUDA_CHECK(cudaMemGetInfo(&info.free_bytes, &info.total_bytes));
    return info;
}

}  // namespace quench::cuda
