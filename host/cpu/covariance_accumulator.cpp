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
    return equalTimeCovariance(et_, n_, zero_mean_);
}

SplitCovariance CovarianceAccumulator::zeroFrequency(double t_bin) const {
    return zeroFrequencyCovariance(bins_, lag_, lag_count_, n_, zero_mean_, t_bin);
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
