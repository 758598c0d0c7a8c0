#pragma once
// The last `lags` samples of an n x k state (neuron-major, element i * k + t) in FP64, and the per-unit
// sums over every sample and trial: what the streamed autocorrelations (single-unit and of the modes)
// multiply and centre with, without storing the trajectory.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace quench::cpu {

class SampleRing {
public:
    SampleRing(int n, int k, int lags)
        : n_(n), k_(k), lags_(lags), ring_(static_cast<std::size_t>(lags) * n * k, 0.0), unit_sum_(n, 0.0) {}

    // Stores the next sample (overwriting the oldest) and adds it to the unit sums.
    template <class Real>
    void push(const Real* state) {
        const std::size_t kn = static_cast<std::size_t>(n_) * k_;
        double* now = slot(samples_);
        for (std::size_t e = 0; e < kn; ++e) now[e] = static_cast<double>(state[e]);
        for (int i = 0; i < n_; ++i)
            for (int t = 0; t < k_; ++t) unit_sum_[i] += now[static_cast<std::size_t>(i) * k_ + t];
        ++samples_;
    }

    // The sample `lag` pushes before the newest (lag < available()).
    const double* past(int lag) const { return slot(samples_ - 1 - lag); }
    // How many lags have a sample: min(lags, samples).
    int available() const { return static_cast<int>(std::min<std::int64_t>(lags_, samples_)); }
    std::int64_t samples() const { return samples_; }
    // Sum of unit i over every sample and trial.
    double unitSum(int i) const { return unit_sum_[i]; }

private:
    double* slot(std::int64_t sample) {
        return ring_.data() + static_cast<std::size_t>(sample % lags_) * n_ * k_;
    }
    const double* slot(std::int64_t sample) const {
        return ring_.data() + static_cast<std::size_t>(sample % lags_) * n_ * k_;
    }

    int n_, k_, lags_;
    std::vector<double> ring_;  // lags x (n k): slot s holds sample number s (mod lags)
    std::vector<double> unit_sum_;
    std::int64_t samples_ = 0;
};

}  // namespace quench::cpu
