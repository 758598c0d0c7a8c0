#pragma once
// Streaming single-unit autocorrelation of one variable (x or phi) of one realization, averaged over
// units and pooled over trials: C(tau_k) = mean_i Cov(x_i(t), x_i(t + tau_k)), tau_k = k * lag time.
// A ring buffer keeps the last `lags` samples of every unit and trial, so the trajectory is never
// stored; each new sample is multiplied with every buffered one of the same unit and trial.
//
// Centring follows the covariances: on the known mean zero, or on the per-unit sample mean pooled over
// trials and time (C(tau) - mean_i m_i^2, which carries the finite-time bias -C_ZF / T_total).
#include <cstdint>
#include <string>
#include <vector>

#include "cpu/sample_ring.hpp"
#include "quench/series.hpp"

namespace quench::cpu {

class AutocorrelationAccumulator {
public:
    // n units, k trials (state layout neuron-major: element i * k + t), lags >= 1.
    AutocorrelationAccumulator(int n, int k, int lags, bool zero_mean);

    // The next sample of every unit and trial (taken every lag time).
    template <class Real>
    void add(const Real* state);

    // C at tau = 0, lag_time, .., (lags - 1) lag_time; a lag without any pair of samples is NaN.
    Series result(const std::string& name, double lag_time) const;

private:
    int n_, k_, lags_;
    bool zero_mean_;
    SampleRing ring_;
    std::vector<double> lag_sum_;  // sum over samples, units and trials of x(t) x(t - tau_k)
};

}  // namespace quench::cpu
