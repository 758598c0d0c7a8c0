#pragma once
// Streaming FP64 second moments of one variable (x or phi) of one realization, split into
// kSplitGroups independent groups, for the equal-time and the zero-frequency covariance. Nothing of
// the trajectory is stored.
//
// Zero-frequency estimator: with bin integrals b_k = int_bin x dt of length T_b,
//   C_ZF = [Cov(b_k, b_k) + Cov(b_k, b_k+1) + Cov(b_k+1, b_k)] / T_b.
// The plain batch-means estimate Cov(b_k, b_k)/T_b is biased by -O(tau_c / T_b); adding the lag-one
// bin covariance cancels that term and leaves a bias of order exp(-T_b/tau_c) tau_c / T_b.
#include <array>
#include <cstdint>
#include <vector>

#include "quench/statistics.hpp"
#include "statistics/split_covariance.hpp"

namespace quench::cpu {

// The split of trials and time segments into groups is shared with the other backends.
using quench::SplitPlan;

class CovarianceAccumulator {
public:
    // zero_mean: centre on the known mean zero instead of the pooled sample mean.
    CovarianceAccumulator(int n, bool zero_mean);

    // rows: m samples of the n-vector, row-major m x n, all belonging to `group`.
    void addEqualTime(const double* rows, int m, int group);
    // Bin integrals (m x n) and, when `previous` is not null, the preceding bins of the same trials.
    void addBins(const double* bins, const double* previous, int m, int group);

    SplitCovariance equalTime() const;
    SplitCovariance zeroFrequency(double t_bin) const;
    std::int64_t samples() const;
    std::int64_t bins() const;

private:
    int n_;
    bool zero_mean_;
    GroupMoments et_;  // second: sum of outer products, lower triangle (dsyrk)
    GroupMoments bins_;
    std::array<std::vector<double>, kSplitGroups> lag_;  // sum of b_k b_{k+1}^T (full)
    std::array<std::int64_t, kSplitGroups> lag_count_{};
};

}  // namespace quench::cpu
