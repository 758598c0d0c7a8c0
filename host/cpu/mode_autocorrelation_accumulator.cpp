#include "cpu/mode_autocorrelation_accumulator.hpp"

#include <lapacke.h>

#include <algorithm>
#include <limits>
#include <stdexcept>

namespace quench::cpu {

namespace {

// Eigenvectors of a symmetric n x n matrix (row-major), as columns, eigenvalues ascending (dsyevd).
std::vector<double> eigenvectors(const std::vector<double>& matrix, int n) {
    std::vector<double> a = matrix;
    std::vector<double> w(static_cast<std::size_t>(n));
    const lapack_int info = LAPACKE_dsyevd(LAPACK_ROW_MAJOR, 'V', 'U', n, a.data(), n, w.data());
    if (info != 0) throw std::runtime_error("LAPACKE_dsyevd failed with info = " + std::to_string(info));
    return a;
}

}  // namespace

ModeAutocorrelationAccumulator::ModeAutocorrelationAccumulator(int n, int k, int lags, bool zero_mean)
    : n_(n),
      k_(k),
      lags_(lags),
      zero_mean_(zero_mean),
      ring_(n, k, lags),
      lag_sum_{std::vector<double>(static_cast<std::size_t>(lags) * n * n, 0.0),
               std::vector<double>(static_cast<std::size_t>(lags) * n * n, 0.0)} {}

template <class Real>
void ModeAutocorrelationAccumulator::add(const Real* state) {
    ring_.push(state);
    const double* now = ring_.past(0);
    for (int lag = 0; lag < ring_.available(); ++lag) {
        const double* past = ring_.past(lag);
        for (int half = 0; half < 2; ++half) {
            double* sum = lag_sum_[half].data() + static_cast<std::size_t>(lag) * n_ * n_;
            for (int i = 0; i < n_; ++i)
                for (int j = 0; j < n_; ++j) {
                    double s = 0.0;
                    for (int t = half; t < k_; t += 2)
                        s += now[static_cast<std::size_t>(i) * k_ + t] *
                             past[static_cast<std::size_t>(j) * k_ + t];
                    sum[static_cast<std::size_t>(i) * n_ + j] += s;
                }
        }
    }
}

template void ModeAutocorrelationAccumulator::add<float>(const float*);
template void ModeAutocorrelationAccumulator::add<double>(const double*);

std::vector<double> ModeAutocorrelationAccumulator::lagged(int half, int lag) const {
    std::vector<double> c(static_cast<std::size_t>(n_) * n_, std::numeric_limits<double>::quiet_NaN());
    const std::int64_t samples = ring_.samples();
    const std::int64_t pairs = samples - lag;
    const int trials = (k_ - half + 1) / 2;
    if (pairs <= 0 || trials == 0) return c;
    std::vector<double> mean(static_cast<std::size_t>(n_), 0.0);
    if (!zero_mean_)
        for (int i = 0; i < n_; ++i) mean[i] = ring_.unitSum(i) / (static_cast<double>(samples) * k_);
    const double count = static_cast<double>(pairs) * trials;
    const double* sum = lag_sum_[half].data() + static_cast<std::size_t>(lag) * n_ * n_;
    for (int i = 0; i < n_; ++i)
        for (int j = 0; j < n_; ++j) {
            const std::size_t e = static_cast<std::size_t>(i) * n_ + j;
            c[e] = sum[e] / count - mean[i] * mean[j];
        }
    return c;
}

std::vector<Series> ModeAutocorrelationAccumulator::results(const std::string& variable, double lag_time,
                                                            int modes) const {
    // Cross-fitted: the modes of one half of the trials project the lagged covariances of the other
    // half (choosing u_a on the same data would select directions of slow sample fluctuations and bias
    // A_a upwards); the two halves' curves are averaged.
    std::vector<Series> out;
    for (int a = 1; a <= std::min(modes, n_); ++a) {
        Series s{variable + ".mode_autocorrelation." + std::to_string(a), "tau", {}, {}};
        for (int lag = 0; lag < lags_; ++lag) s.at.push_back(lag * lag_time);
        s.values.assign(static_cast<std::size_t>(lags_), 0.0);
        out.push_back(std::move(s));
    }
    for (int half = 0; half < 2; ++half) {
        const std::vector<double> u = eigenvectors(lagged(half, 0), n_);
        std::vector<std::vector<double>> other;
        for (int lag = 0; lag < lags_; ++lag) other.push_back(lagged(1 - half, lag));
        for (std::size_t a = 0; a < out.size(); ++a) {
            const int col = n_ - 1 - static_cast<int>(a);  // ascending eigenvalues
            const auto projected = [&](const std::vector<double>& c) {
                double q = 0.0;
                for (int i = 0; i < n_; ++i)
                    for (int j = 0; j < n_; ++j)
                        q += u[static_cast<std::size_t>(i) * n_ + col] *
                             c[static_cast<std::size_t>(i) * n_ + j] *
                             u[static_cast<std::size_t>(j) * n_ + col];
                return q;
            };
            const double zero = projected(other[0]);
            for (int lag = 0; lag < lags_; ++lag) out[a].values[lag] += 0.5 * projected(other[lag]) / zero;
        }
    }
    return out;
}

}  // namespace quench::cpu
