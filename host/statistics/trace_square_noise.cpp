// The sampling noise of the split estimate of Tr A^2, which makes ratios of it biased
// (docs/theory/zscored.md, "Ratios"; quench/statistics.hpp, TraceSquareNoise).
//
// T = mean_{g<h} sum_ij A^g_ij A^h_ij fluctuates, to first order in the group noise E^g, by 2 sum_ij W_ij
// E-bar_ij (W = A for a covariance; for a correlation matrix the diagonal carries the pooled variance's
// noise instead, W_ii = -sum_{j != i} r_ij^2), and to second order by the pair mean of sum_ij E^g_ij E^h_ij.
// As in zscored_bias.cpp, the noise comes from the difference of two groups and every factor of A from
// the other two, so no group's noise meets itself.
#include <array>
#include <vector>

#include "quench/statistics.hpp"
#include "statistics/group_assignments.hpp"

namespace quench {

namespace {

using Matrix = std::vector<double>;

// sum_ij W^k_ij D_ij and sum_ij W^l_ij D_ij for D = A^g - A^h, and Tr D.
struct Projections {
    double on_k = 0.0, on_l = 0.0, trace = 0.0;
};

Projections projections(const SplitCovariance& a, int g, int h, int k, int l, bool correlation) {
    const int n = a.n;
    const Matrix &ag = a.group[g], &ah = a.group[h], &ak = a.group[k], &al = a.group[l];
    Projections p;
    for (int i = 0; i < n; ++i) {
        double q = 0.0;  // sum_{j != i} r_ij^2, from the two signal groups
        for (int j = 0; j < n; ++j) {
            const std::size_t e = static_cast<std::size_t>(i) * n + j;
            const double d = ag[e] - ah[e];
            if (i == j) {
                p.trace += d;
                if (correlation) continue;
            } else if (correlation) {
                q += ak[e] * al[e];
            }
            p.on_k += ak[e] * d;
            p.on_l += al[e] * d;
        }
        if (correlation) {
            const std::size_t e = static_cast<std::size_t>(i) * n + i;
            const double d = ag[e] - ah[e];
            p.on_k -= q * d;
            p.on_l -= q * d;
        }
    }
    return p;
}

double dotOfDifferences(const SplitCovariance& a, int g, int h, int k, int l) {
    double s = 0.0;
    for (std::size_t e = 0; e < a.group[g].size(); ++e)
        s += (a.group[g][e] - a.group[h][e]) * (a.group[k][e] - a.group[l][e]);
    return s;
}

}  // namespace

TraceSquareNoise traceSquareNoise(const SplitCovariance& a, bool correlation) {
    constexpr double groups = kSplitGroups, pairs = groups * (groups - 1.0) / 2.0;
    double linear = 0.0, trace_cov = 0.0;
    for (const auto& [g, h, k, l] : kGroupAssignments) {
        const Projections p = projections(a, g, h, k, l, correlation);
        // Half the product of two independent projections of a group difference: the per-group
        // covariance of sum W E with itself, and with Tr E.
        linear += 0.5 * p.on_k * p.on_l;
        trace_cov += 0.5 * p.trace * 0.5 * (p.on_k + p.on_l);
    }
    linear /= static_cast<double>(kGroupAssignments.size());
    trace_cov /= static_cast<double>(kGroupAssignments.size());
    // E[(sum (E^g - E^h) o (E^k - E^l))^2] = 4 E[(sum E^g o E^h)^2], for each of the 3 pairings.
    double quadratic = 0.0;
    for (const auto& [g, h, k, l] : {std::array<int, 4>{0, 1, 2, 3}, {0, 2, 1, 3}, {0, 3, 1, 2}}) {
        const double d = dotOfDifferences(a, g, h, k, l);
        quadratic += d * d / 4.0;
    }
    quadratic /= 3.0;
    TraceSquareNoise out;
    out.var = 4.0 * linear / groups + quadratic / pairs;
    out.cov_with_trace = 2.0 * trace_cov / groups;
    return out;
}

}  // namespace quench
