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
      ring_(static_cast<std::size_t>(lags) * n * k, 0.0),
      lag_sum_(static_cast<std::size_t>(lags) * n * n, 0.0),
      unit_sum_(static_cast<std::size_t>(n), 0.0) {}

template <class Real>
void ModeAutocorrelationAccumulator::add(const Real* state) {
    const std::size_t kn = static_cast<std::size_t>(n_) * k_;
    const int slot = static_cast<int>(samples_ % lags_);
    double* now = ring_.data() + static_cast<std::size_t>(slot) * kn;
    for (std::size_t e = 0; e < kn; ++e) now[e] = static_cast<double>(state[e]);
    for (int i = 0; i < n_; ++i)
        for (int t = 0; t < k_; ++t) unit_sum_[i] += now[static_cast<std::size_t>(i) * k_ + t];
    const int available = static_cast<int>(std::min<std::int64_t>(lags_, samples_ + 1));
    for (int lag = 0; lag < available; ++lag) {
        const double* past = ring_.data() + static_cast<std::size_t>((slot - lag + lags_) % lags_) * kn;
        double* sum = lag_sum_.data() + static_cast<std::size_t>(lag) * n_ * n_;
        for (int i = 0; i < n_; ++i)
            for (int j = 0; j < n_; ++j) {
                double s = 0.0;
                for (int t = 0; t < k_; ++t)
                    s += now[static_cast<std::size_t>(i) * k_ + t] *
                         past[static_cast<std::size_t>(j) * k_ + t];
                sum[static_cast<std::size_t>(i) * n_ + j] += s;
            }
    }
    ++samples_;
}

template void ModeAutocorrelationAccumulator::add<float>(const float*);
template void ModeAutocorrelationAccumulator::add<double>(const double*);

std::vector<Series> ModeAutocorrelationAccumulator::results(const std::string& variable, double lag_time,
                                                            const std::vector<double>& equal_time,
                                                            int modes) const {
    const std::vector<double> u = eigenvectors(equal_time, n_);
    std::vector<double> mean(static_cast<std::size_t>(n_), 0.0);
    if (!zero_mean_ && samples_ > 0)
        for (int i = 0; i < n_; ++i) mean[i] = unit_sum_[i] / (static_cast<double>(samples_) * k_);
    // u^T C(tau_k) u for the eigenvector in column `col`.
    const auto projected = [&](int lag, int col) {
        const std::int64_t pairs = samples_ - lag;
        if (pairs <= 0) return std::numeric_limits<double>::quiet_NaN();
        const double* sum = lag_sum_.data() + static_cast<std::size_t>(lag) * n_ * n_;
        const double count = static_cast<double>(pairs) * k_;
        double q = 0.0, m = 0.0;
        for (int i = 0; i < n_; ++i) {
            const double ui = u[static_cast<std::size_t>(i) * n_ + col];
            m += ui * mean[i];
            for (int j = 0; j < n_; ++j)
                q += ui * sum[static_cast<std::size_t>(i) * n_ + j] *
                     u[static_cast<std::size_t>(j) * n_ + col];
        }
        return q / count - m * m;
    };
    std::vector<Series> out;
    for (int a = 1; a <= std::min(modes, n_); ++a) {
        const int col = n_ - a;  // ascending eigenvalues: the a-th largest
        Series s{variable + ".mode_autocorrelation." + std::to_string(a), "tau", {}, {}};
        const double zero = projected(0, col);
        for (int lag = 0; lag < lags_; ++lag) {
            s.at.push_back(lag * lag_time);
            s.values.push_back(projected(lag, col) / zero);
        }
        out.push_back(std::move(s));
    }
    return out;
}

}  // namespace quench::cpu
