#pragma once
// Whether a usable CUDA device is present, and what it is (for description() and provenance).
#include <cstddef>
#include <string>

namespace quench::cuda {

// False when the runtime reports any error (no driver, insufficient driver, no device) or the
// device is older than the code in this build (sm_90); `why` then says which. Never throws, and
// leaves no sticky error behind.
bool cudaDeviceAvailable(std::string* why = nullptr);

struct DeviceInfo {
    std::string name;
    int major = 0;
    int minor = 0;
    std::size_t total_bytes = 0;
    std::size_t free_bytes = 0;
    std::size_t shared_bytes_per_block = 0;  // the opt-in limit (cudaFuncSetAttribute)
};

// One GPU per MPI rank: makes device (local_rank mod device count) current; false when no device.
bool selectDeviceForLocalRank(int local_rank);

// Of the current device; throws BackendError when it cannot be queried.
DeviceInfo currentDeviceInfo();

}  // namespace quench::cuda
