#include "cpu/autocorrelation_accumulator.hpp"

#include <algorithm>
#include <limits>

namespace quench::cpu {

AutocorrelationAccumulator::AutocorrelationAccumulator(int n, int k, int lags, bool zero_mean)
    : n_(n),
      k_(k),
      lags_(lags),
      zero_mean_(zero_mean),
      ring_(n, k, lags),
      lag_sum_(static_cast<std::size_t>(lags), 0.0) {}

template <class Real>
void AutocorrelationAccumulator::add(const Real* state) {
    const std::size_t kn = static_cast<std::size_t>(n_) * k_;
    ring_.push(state);
    const double* now = ring_.past(0);
    for (int lag = 0; lag < ring_.available(); ++lag) {
        const double* past = ring_.past(lag);
        double sum = 0.0;
        for (std::size_t e = 0; e < kn; ++e) sum += now[e] * past[e];
        lag_sum_[lag] += sum;
    }
}

template void AutocorrelationAccumulator::add<float>(const float*);
template void AutocorrelationAccumulator::add<double>(const double*);

Series AutocorrelationAccumulator::result(const std::string& name, double lag_time) const {
    Series out{name, "tau", {}, {}};
    double mean_square = 0.0;
    const std::int64_t samples = ring_.samples();
    if (!zero_mean_ && samples > 0) {
        const double count = static_cast<double>(samples) * k_;
        for (int i = 0; i < n_; ++i) mean_square += (ring_.unitSum(i) / count) * (ring_.unitSum(i) / count);
        mean_square /= n_;
    }
    for (int lag = 0; lag < lags_; ++lag) {
        out.at.push_back(lag * lag_time);
        const std::int64_t pairs = samples - lag;
        out.values.push_back(pairs > 0 ? lag_sum_[lag] / (static_cast<double>(pairs) * n_ * k_) - mean_square
                                       : std::numeric_limits<double>::quiet_NaN());
    }
    return out;
}

}  // namespace quench::cpu
