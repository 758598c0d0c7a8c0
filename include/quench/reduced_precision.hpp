#pragma once
// Rounding to the 16-bit formats of coupling.storage, shared by both backends so that the CPU holds
// exactly the J (and rounds Phi exactly as) the GPU's 16-bit GEMM operands do: round to nearest,
// ties to even, returned as the FP32 value (which the 16-bit format represents exactly).
#include <cmath>
#include <cstdint>
#include <cstring>

#include "quench/ensemble_spec.hpp"
#include "quench/host_device.hpp"

namespace quench {

// bf16: FP32 with the low 16 bits of the significand rounded away.
QUENCH_HD float roundToBf16(float v) {
    std::uint32_t bits;
    std::memcpy(&bits, &v, sizeof bits);
    bits += 0x7fffu + ((bits >> 16) & 1u);
    bits &= 0xffff0000u;
    float out;
    std::memcpy(&out, &bits, sizeof out);
    return out;
}

// fp16 (IEEE binary16): 10 significand bits, normal from 2^-14, subnormal step 2^-24, largest 65504.
QUENCH_HD float roundToFp16(float v) {
    const float magnitude = std::fabs(v);
    if (magnitude < 6.103515625e-05f) {
        // Subnormal range: a fixed step of 2^-24; scaling by powers of two is exact.
        return rintf(v * 16777216.0f) * 5.9604644775390625e-08f;
    }
    std::uint32_t bits;
    std::memcpy(&bits, &v, sizeof bits);
    bits += 0x0fffu + ((bits >> 13) & 1u);
    bits &= 0xffffe000u;
    float out;
    std::memcpy(&out, &bits, sizeof out);
    // Past the largest finite fp16 the format holds only infinity.
    if (std::fabs(out) > 65504.0f) out = v > 0.0f ? INFINITY : -INFINITY;
    return out;
}

QUENCH_HD float roundToStorage(float v, CouplingStorage storage) {
    switch (storage) {
        case CouplingStorage::Bf16:
            return roundToBf16(v);
        case CouplingStorage::Fp16:
            return roundToFp16(v);
        default:
            return v;
    }
}

}  // namespace quench
