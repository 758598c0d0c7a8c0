#pragma once
// Bit-for-bit equality of two arrays of values, for the reproducibility tests: a statistic that is not
// estimated (NaN, e.g. a z-scored second moment of a short run) in both counts as equal, which ==
// does not allow.
#include <gtest/gtest.h>

#include <array>
#include <cstddef>
#include <cstring>

namespace quench::testing {

template <std::size_t N>
::testing::AssertionResult identicalValues(const std::array<double, N>& a, const std::array<double, N>& b) {
    if (std::memcmp(a.data(), b.data(), N * sizeof(double)) == 0) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure()
           << ::testing::PrintToString(a) << " differs from " << ::testing::PrintToString(b);
}

}  // namespace quench::testing
