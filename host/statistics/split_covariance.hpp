#pragma once
// The finishing math shared by every backend: from streamed FP64 moment sums of the kSplitGroups
// groups to the centred SplitCovariance that computeStatistics() takes. Backends differ in how
// they accumulate the sums (BLAS on the CPU, cuBLAS on a GPU), never in how they finish them.
//
// Zero-frequency estimator: with bin integrals b_k = int_bin x dt of length T_b,
//   C_ZF = [Cov(b_k, b_k) + Cov(b_k, b_k+1) + Cov(b_k+1, b_k)] / T_b.
#include <array>
#include <cstdint>
#include <vector>

#include "quench/realization_result.hpp"
#include "quench/spectral_kernels.hpp"
#include "quench/statistics.hpp"

namespace quench {

// Which group a (trial, time segment) belongs to. With at least kSplitGroups trials the groups are
// disjoint sets of trials (exactly independent); with fewer, each trial's measured time is cut into
// segments so that every group still gets data (independent up to the correlation time).
struct SplitPlan {
    int segments_per_trial = 1;
    explicit SplitPlan(int trials) : segments_per_trial((kSplitGroups + trials - 1) / trials) {}
    int group(int trial, int segment) const { return (trial * segments_per_trial + segment) % kSplitGroups; }
    // Segment of a position 0 <= index < count along the measured time of one trial.
    int segment(std::int64_t index, std::int64_t count) const {
        return static_cast<int>(index * segments_per_trial / count);
    }
};

// Sums over the samples of one group: second = sum of v v^T (n x n row-major; only the lower
// triangle is read), first = sum of v, count = number of samples.
struct MomentSums {
    std::vector<double> second;
    std::vector<double> first;
    std::int64_t count = 0;
};
using GroupMoments = std::array<MomentSums, kSplitGroups>;

// Equal-time covariance of each group about the pooled mean (or about zero when zero_mean).
SplitCovariance equalTimeCovariance(const GroupMoments& samples, int n, bool zero_mean);

// Zero-frequency covariance from the bin sums and the lag-one sums lag[g] = sum b_k b_{k+1}^T
// (n x n row-major, full) over lag_count[g] pairs; t_bin is the bin length T_b.
SplitCovariance zeroFrequencyCovariance(const GroupMoments& bins,
                                        const std::array<std::vector<double>, kSplitGroups>& lag,
                                        const std::array<std::int64_t, kSplitGroups>& lag_count, int n,
                                        bool zero_mean, double t_bin);

// What a realization reports of one finished covariance: its statistics, and on request its
// eigenvalues and the pooled matrix itself; the O(n^3) work on `kernels`.
CovarianceResult covarianceResult(const SplitCovariance& c, bool eigenvalues, bool keep_matrix,
                                  SpectralKernels& kernels);

}  // namespace quench
