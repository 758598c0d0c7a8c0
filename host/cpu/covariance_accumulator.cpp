#include "cpu/covariance_accumulator.hpp"

#include <cblas.h>

namespace quench::cpu {

namespace {

using Matrix = std::vector<double>;

void accumulateOuter(const double* rows, int m, int n, std::vector<double>& second,
                     std::vector<double>& first) {
    cblas_dsyrk(CblasRowMajor, CblasLower, CblasTrans, n, m, 1.0, rows, n, 1.0, second.data(), n);
    for (int r = 0; r < m; ++r)
        for (int i = 0; i < n; ++i) first[i] += rows[static_cast<std::size_t>(r) * n + i];
}

void symmetrizeFromLower(Matrix& c, int n) {
    for (int i = 0; i < n; ++i)
        for (int j = i + 1; j < n; ++j)
            c[static_cast<std::size_t>(i) * n + j] = c[static_cast<std::size_t>(j) * n + i];
}

// Mean vector of all groups together: the pooled mean has 1/kSplitGroups of the variance of a
// group mean, so subtracting it biases each group's covariance less.
template <class Moments>
std::vector<double> pooledMean(const Moments& groups, int n, bool zero_mean) {
    std::vector<double> mean(static_cast<std::size_t>(n), 0.0);
    if (zero_mean) return mean;
    std::int64_t count = 0;
    for (const auto& g : groups) {
        for (int i = 0; i < n; ++i) mean[i] += g.first[i];
        count += g.count;
    }
    for (double& v : mean) v /= static_cast<double>(count);
    return mean;
}

// second / count - mean mean^T, from a lower-triangle (or full) sum.
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

CovarianceAccumulator::CovarianceAccumulator(int n, bool zero_mean) : n_(n), zero_mean_(zero_mean) {
    const std::size_t nn = static_cast<std::size_t>(n) * n;
    for (int g = 0; g < kSplitGroups; ++g) {
        et_[g] = {Matrix(nn, 0.0), Matrix(static_cast<std::size_t>(n), 0.0), 0};
        bins_[g] = {Matrix(nn, 0.0), Matrix(static_cast<std::size_t>(n), 0.0), 0};
        lag_[g].assign(nn, 0.0);
    }
}

void CovarianceAccumulator::addEqualTime(const double* rows, int m, int group) {
    if (m == 0) return;
    accumulateOuter(rows, m, n_, et_[group].second, et_[group].first);
    et_[group].count += m;
}

void CovarianceAccumulator::addBins(const double* bins, const double* previous, int m, int group) {
    if (m == 0) return;
    accumulateOuter(bins, m, n_, bins_[group].second, bins_[group].first);
    bins_[group].count += m;
    if (previous != nullptr) {
        cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, n_, n_, m, 1.0, previous, n_, bins, n_, 1.0,
                    lag_[group].data(), n_);
        lag_count_[group] += m;
    }
}

SplitCovariance CovarianceAccumulator::equalTime() const {
    SplitCovariance out;
    out.n = n_;
    const std::vector<double> mean = pooledMean(et_, n_, zero_mean_);
    std::array<std::int64_t, kSplitGroups> weights{};
    for (int g = 0; g < kSplitGroups; ++g) {
        Matrix second = et_[g].second;
        symmetrizeFromLower(second, n_);
        out.group[g] = centered(second, et_[g].count, mean, n_);
        weights[g] = et_[g].count;
    }
    out.pooled = pooledOf(out.group, weights);
    return out;
}

SplitCovariance CovarianceAccumulator::zeroFrequency(double t_bin) const {
    SplitCovariance out;
    out.n = n_;
    const std::vector<double> mean = pooledMean(bins_, n_, zero_mean_);
    std::array<std::int64_t, kSplitGroups> weights{};
    for (int g = 0; g < kSplitGroups; ++g) {
        Matrix second = bins_[g].second;
        symmetrizeFromLower(second, n_);
        Matrix c = centered(second, bins_[g].count, mean, n_);
        const Matrix lag = centered(lag_[g], lag_count_[g], mean, n_);
        for (int i = 0; i < n_; ++i)
            for (int j = 0; j < n_; ++j) {
                const std::size_t k = static_cast<std::size_t>(i) * n_ + j;
                const std::size_t t = static_cast<std::size_t>(j) * n_ + i;
                c[k] = (c[k] + lag[k] + lag[t]) / t_bin;
            }
        out.group[g] = std::move(c);
        weights[g] = bins_[g].count;
    }
    out.pooled = pooledOf(out.group, weights);
    return out;
}

std::int64_t CovarianceAccumulator::samples() const {
    std::int64_t s = 0;
    for (const auto& g : et_) s += g.count;
    return s;
}

std::int64_t CovarianceAccumulator::bins() const {
    std::int64_t s = 0;
    for (const auto& g : bins_) s += g.count;
    return s;
}

}  // namespace quench::cpu
