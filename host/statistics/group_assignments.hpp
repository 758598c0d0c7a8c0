#pragma once
// The six ways to split the four split-sample groups into a pair (g, h), whose difference carries the
// sampling noise, and the other two (k, l), which carry the signal: the bias estimates of the ratio and
// z-scored statistics pair them so that no group's noise meets itself (zscored_bias.cpp,
// trace_square_noise.cpp).
#include <array>

#include "quench/statistics.hpp"

namespace quench {

static_assert(kSplitGroups == 4, "the assignments enumerate four groups");
inline constexpr std::array<std::array<int, 4>, 6> kGroupAssignments{
    {{0, 1, 2, 3}, {0, 2, 1, 3}, {0, 3, 1, 2}, {1, 2, 0, 3}, {1, 3, 0, 2}, {2, 3, 0, 1}}};

}  // namespace quench
