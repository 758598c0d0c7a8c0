#include "cpu/autocorrelation_accumulator.hpp"

#include <algorithm>
#include <limits>

namespace quench::cpu {

AutocorrelationAccumulator::AutocorrelationAccumulator(int n, int k, int lags, bool zero_mean)
    : n_(n),
      k_(k),
      lags_(lags),
      zero_mean_(zero_mean),
      ring_(static_cast<std::size_t>(lags) * n * k, 0.0),
      lag_sum_(static_cast<std::size_t>(lags), 0.0),
      unit_sum_(static_cast<std::size_t>(n), 0.0) {}

template <class Real>
void AutocorrelationAccumulator::add(const Real* state) {
    const std::size_t kn = static_cast<std::size_t>(n_) * k_;
    const int slot = static_cast<int>(samples_ % lags_);
    double* now = ring_.data() + static_cast<std::size_t>(slot) * kn;
    for (std::size_t e = 0; e < kn; ++e) now[e] = static_cast<double>(state[e]);
    for (int i = 0; i < n_; ++i)
        for (int t = 0; t < k_; ++t) unit_sum_[i] += now[static_cast<std::size_t>(i) * k_ + t];
    const int available = static_cast<int>(std::min<std::int64_t>(lags_, samples_ + 1));
    for (int lag = 0; lag < available; ++lag) {
        const double* past = ring_.data() + static_cast<std::size_t>((slot - lag + lags_) % lags_) * kn;
        double sum = 0.0;
        for (std::size_t e = 0; e < kn; ++e) sum += now[e] * past[e];
        lag_sum_[lag] += sum;
    }
    ++samples_;
}

template void AutocorrelationAccumulator::add<float>(const float*);
template void AutocorrelationAccumulator::add<double>(const double*);

Series AutocorrelationAccumulator::result(const std::string& name, double lag_time) const {
    Series out{name, "tau", {}, {}};
    double mean_square = 0.0;
    if (!zero_mean_ && samples_ > 0) {
        const double count = static_cast<double>(samples_) * k_;
        for (const double s : unit_sum_) mean_square += (s / count) * (s / count);
        mean_square /= n_;
    }
    for (int lag = 0; lag < lags_; ++lag) {
        out.at.push_back(lag * lag_time);
        const std::int64_t pairs = samples_ - lag;
        out.values.push_back(pairs > 0 ? lag_sum_[lag] / (static_cast<double>(pairs) * n_ * k_) - mean_square
                                       : std::numeric_limits<double>::quiet_NaN());
    }
    return out;
}

}  // namespace quench::cpu
