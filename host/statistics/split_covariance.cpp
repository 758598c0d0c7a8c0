#include "statistics/split_covariance.hpp"

#include <cblas.h>

namespace quench {

namespace {

using Matrix = std::vector<double>;

void symmetrizeFromLower(Matrix& c, int n) {
    for (int i = 0; i < n; ++i)
        for (int j = i + 1; j < n; ++j)
            c[static_cast<std::size_t>(i) * n + j] = c[static_cast<std::size_t>(j) * n + i];
}

// Mean vector of all groups together: the pooled mean has 1/kSplitGroups of the variance of a
// group mean, so subtracting it biases each group's covariance less.
std::vector<double> pooledMean(const GroupMoments& groups, int n, bool zero_mean) {
    std::vector<double> mean(static_cast<std::size_t>(n), 0.0);
    if (zero_mean) return mean;
    std::int64_t count = 0;
    for (const MomentSums& g : groups) {
        for (int i = 0; i < n; ++i) mean[i] += g.first[i];
        count += g.count;
    }
    for (double& v : mean) v /= static_cast<double>(count);
    return mean;
}

// second / count - mean mean^T, from a symmetrized (or full) sum.
Matrix centered(const Matrix& second, std::int64_t count, const std::vector<double>& mean, int n) {
    Matrix c(second.size());
    const double inv = 1.0 / static_cast<double>(count);
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j) {
            const std::size_t k = static_cast<std::size_t>(i) * n + j;
            c[k] = second[k] * inv - mean[i] * mean[j];
        }
    return c;
}

Matrix pooledOf(const std::array<Matrix, kSplitGroups>& groups,
                const std::array<std::int64_t, kSplitGroups>& weights) {
    Matrix pooled(groups[0].size(), 0.0);
    std::int64_t total = 0;
    for (int g = 0; g < kSplitGroups; ++g) {
        cblas_daxpy(static_cast<int>(pooled.size()), static_cast<double>(weights[g]), groups[g].data(), 1,
                    pooled.data(), 1);
        total += weights[g];
    }
    cblas_dscal(static_cast<int>(pooled.size()), 1.0 / static_cast<double>(total), pooled.data(), 1);
    return pooled;
}

}  // namespace

SplitCovariance equalTimeCovariance(const GroupMoments& samples, int n, bool zero_mean) {
    SplitCovariance out;
    out.n = n;
    const std::vector<double> mean = pooledMean(samples, n, zero_mean);
    std::array<std::int64_t, kSplitGroups> weights{};
    for (int g = 0; g < kSplitGroups; ++g) {
        Matrix second = samples[g].second;
        symmetrizeFromLower(second, n);
        out.group[g] = centered(second, samples[g].count, mean, n);
        weights[g] = samples[g].count;
    }
    out.pooled = pooledOf(out.group, weights);
    return out;
}

SplitCovariance zeroFrequencyCovariance(const GroupMoments& bins,
                                        const std::array<std::vector<double>, kSplitGroups>& lag,
                                        const std::array<std::int64_t, kSplitGroups>& lag_count, int n,
                                        bool zero_mean, double t_bin) {
    SplitCovariance out;
    out.n = n;
    const std::vector<double> mean = pooledMean(bins, n, zero_mean);
    std::array<std::int64_t, kSplitGroups> weights{};
    for (int g = 0; g < kSplitGroups; ++g) {
        Matrix second = bins[g].second;
        symmetrizeFromLower(second, n);
        Matrix c = centered(second, bins[g].count, mean, n);
        const Matrix lagged = centered(lag[g], lag_count[g], mean, n);
        for (int i = 0; i < n; ++i)
            for (int j = 0; j < n; ++j) {
                const std::size_t k = static_cast<std::size_t>(i) * n + j;
                const std::size_t t = static_cast<std::size_t>(j) * n + i;
                c[k] = (c[k] + lagged[k] + lagged[t]) / t_bin;
            }
        out.group[g] = std::move(c);
        weights[g] = bins[g].count;
    }
    out.pooled = pooledOf(out.group, weights);
    return out;
}

CovarianceResult covarianceResult(const SplitCovariance& c, bool eigenvalues, bool keep_matrix,
                                  SpectralKernels& kernels) {
    CovarianceResult out;
    out.stats = computeStatistics(c, kernels);
    if (eigenvalues) out.eigenvalues = kernels.eigenvalues({&c.pooled}, c.n).front();
    if (keep_matrix) out.matrix = c.pooled;
    return out;
}

}  // namespace quench
