// Rounding to the 16-bit coupling.storage formats: round to nearest, ties to even, exactly as the
// GPU's conversions (__float2bfloat16_rn, __float2half_rn) round, including fp16's subnormals and
// overflow.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "quench/reduced_precision.hpp"

namespace quench {
namespace {

TEST(RoundToBf16, KeepsEightSignificandBitsAndRoundsTiesToEven) {
    EXPECT_EQ(roundToBf16(1.0f), 1.0f);
    EXPECT_EQ(roundToBf16(-0.0f), -0.0f);
    const float step = std::ldexp(1.0f, -7);  // bf16 spacing in [1, 2)
    EXPECT_EQ(roundToBf16(1.0f + 0.4f * step), 1.0f);
    EXPECT_EQ(roundToBf16(1.0f + 0.6f * step), 1.0f + step);
    EXPECT_EQ(roundToBf16(1.0f + 0.5f * step), 1.0f);                // tie: to the even 1.0
    EXPECT_EQ(roundToBf16(1.0f + 1.5f * step), 1.0f + 2.0f * step);  // tie: to the even 1 + 2 step
    EXPECT_EQ(roundToBf16(-3.14159265f), -3.140625f);
}

TEST(RoundToFp16, KeepsElevenSignificandBitsAndRoundsTiesToEven) {
    const float step = std::ldexp(1.0f, -10);  // fp16 spacing in [1, 2)
    EXPECT_EQ(roundToFp16(1.0f + 0.5f * step), 1.0f);
    EXPECT_EQ(roundToFp16(1.0f + 1.5f * step), 1.0f + 2.0f * step);
    EXPECT_EQ(roundToFp16(3.14159265f), 3.140625f);
    EXPECT_EQ(roundToFp16(65504.0f), 65504.0f);
    EXPECT_EQ(roundToFp16(65519.0f), 65504.0f);
    EXPECT_EQ(roundToFp16(65520.0f), std::numeric_limits<float>::infinity());
    EXPECT_EQ(roundToFp16(-1e6f), -std::numeric_limits<float>::infinity());
}

TEST(RoundToFp16, SubnormalsHaveTheFixedStepTwoToTheMinus24) {
    const float tiny = std::ldexp(1.0f, -24);
    EXPECT_EQ(roundToFp16(0.4f * tiny), 0.0f);
    EXPECT_EQ(roundToFp16(0.6f * tiny), tiny);
    EXPECT_EQ(roundToFp16(2.5f * tiny), 2.0f * tiny);  // tie: to even
    EXPECT_EQ(roundToFp16(3.5f * tiny), 4.0f * tiny);
    // Just below the smallest normal 2^-14, the subnormal step is also the normal one.
    EXPECT_EQ(roundToFp16(std::ldexp(1.0f, -14) - 0.4f * tiny), std::ldexp(1.0f, -14));
}

TEST(RoundToStorage, FullStorageLeavesTheValueAlone) {
    EXPECT_EQ(roundToStorage(0.1234567f, CouplingStorage::Full), 0.1234567f);
    EXPECT_EQ(roundToStorage(0.1234567f, CouplingStorage::Bf16), roundToBf16(0.1234567f));
    EXPECT_EQ(roundToStorage(0.1234567f, CouplingStorage::Fp16), roundToFp16(0.1234567f));
}

}  // namespace
}  // namespace quench
