#pragma once
// The statistics of an exactly known covariance (every split group equal to it): what a simulation's
// estimators converge to, for the tests that hold runs against exact per-realization covariances.
#include <vector>

#include "quench/statistics.hpp"

namespace quench::testing {

inline StatisticValues exactStatistics(const std::vector<double>& c, int n) {
    SplitCovariance s;
    s.n = n;
    for (auto& g : s.group) g = c;
    s.pooled = c;
    return computeStatistics(s);
}

}  // namespace quench::testing
