#pragma once
// Streaming population autocorrelation of the leading covariance modes of one variable (x or phi) of
// one realization: the lagged covariance matrices C(tau_k) = Cov(v(t + tau_k), v(t)) on a coarse lag
// grid (a ring buffer of the last `lags` samples, N x N sums per lag, separately for the even and the
// odd trials) are projected at the end on the top eigenvectors u_a of the other half's C(0):
//   A_a(tau_k) = u_a^T C(tau_k) u_a / u_a^T C(0) u_a     (A_a(0) = 1),
// the normalized autocorrelation of the activity along mode a, averaged over the two cross-fits.
// Measured only: no theory is derived. Needs at least 2 trials.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "cpu/sample_ring.hpp"
#include "quench/series.hpp"

namespace quench::cpu {

class ModeAutocorrelationAccumulator {
public:
    // n units, k trials (state layout neuron-major: element i * k + t), lags >= 2.
    ModeAutocorrelationAccumulator(int n, int k, int lags, bool zero_mean);

    // The next sample of every unit and trial (taken every lag time).
    template <class Real>
    void add(const Real* state);

    // NAME.mode_autocorrelation.a for a = 1..modes (1 = the largest eigenvalue), at tau = 0, lag_time, ..
    std::vector<Series> results(const std::string& variable, double lag_time, int modes) const;

private:
    // C(tau_lag) of the even (half 0) or odd (half 1) trials, centred like the covariances.
    std::vector<double> lagged(int half, int lag) const;

    int n_, k_, lags_;
    bool zero_mean_;
    SampleRing ring_;
    std::array<std::vector<double>, 2> lag_sum_;  // [half] lags x (n x n): sum of v(t) v(t - tau_k)^T
};

}  // namespace quench::cpu
