#pragma once
// The bit patterns of 16-bit coupling.storage values (the GEMM's operands) and back. The value is
// first rounded by quench::roundToStorage(), so the conversions here are exact. Host and device.
#include <cuda_bf16.h>
#include <cuda_fp16.h>

#include <cstdint>
#include <cstring>

#include "quench/ensemble_spec.hpp"

namespace quench::kernels {

__host__ __device__ inline std::uint16_t storageBits(float rounded, CouplingStorage storage) {
    if (storage == CouplingStorage::Bf16) {
        std::uint32_t bits;
        std::memcpy(&bits, &rounded, sizeof bits);
        return static_cast<std::uint16_t>(bits >> 16);
    }
    const __half_raw raw = __float2half_rn(rounded);
    return raw.x;
}

__host__ __device__ inline float storageValue(std::uint16_t bits, CouplingStorage storage) {
    if (storage == CouplingStorage::Bf16) {
        const std::uint32_t wide = static_cast<std::uint32_t>(bits) << 16;
        float out;
        std::memcpy(&out, &wide, sizeof out);
        return out;
    }
    __half_raw raw;
    raw.x = bits;
    return __half2float(__half(raw));
}

}  // namespace quench::kernels
