#pragma once
// The N = infinity site at eta = 0 of the simulator's exponential-Euler recursion, without sampling: x is
// Gaussian there, and its autocovariance follows from a recursion. What the sampled DMFT's tests hold it to.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <vector>

#include "quench/activation.hpp"
#include "quench/theory/gaussian_average.hpp"

namespace quench::testing {

// Exponential Euler for dx = (-x + h) dt + sigma dW: x' = a x + (1 - a) h + s eps.
struct Recursion {
    double a, b, s;
    explicit Recursion(double dt, double sigma)
        : a(std::exp(-dt)), b(1.0 - std::exp(-dt)), s(sigma * std::sqrt((1.0 - std::exp(-2.0 * dt)) / 2.0)) {}
};

// Delta(k), k < lags, of the discrete Gaussian site at eta = 0: y_n = b h_n + s eps_n has covariance
// G(k) = b^2 g^2 C_phi(k) + s^2 delta_k0 with C_phi(k) = F(Delta0, Delta(k)); x_n = sum_j a^j y_{n-1-j}, so
// Delta(0) = (G(0) + 2 sum_d a^d G(d)) / (1 - a^2) and Delta(k) = a Delta(k - 1) + Q(k - 1) with
// Q(m) = sum_j a^j G(m + 1 + j) = G(m + 1) + a Q(m + 1). Iterated to its fixed point.
inline std::vector<double> discreteGaussianSiteCorrelation(const Activation& phi, double g, double sigma,
                                                           double dt, int lags) {
    const Recursion r(dt, sigma);
    const theory::GaussHermiteRule& rule = theory::defaultGaussHermiteRule();
    const theory::ScalarFunction f = [&phi](double x) { return phi.value(x); };
    std::vector<double> delta(static_cast<std::size_t>(lags), 0.0);
    for (int k = 0; k < lags; ++k) delta[k] = std::exp(-k * dt);  // any decaying start
    std::vector<double> gamma(delta.size()), q(delta.size() + 1, 0.0);
    for (int it = 0; it < 200; ++it) {
        for (int k = 0; k < lags; ++k)
            gamma[k] = r.b * r.b * g * g * theory::twoPointCorrelation(f, delta[0], delta[k], rule) +
                       (k == 0 ? r.s * r.s : 0.0);
        for (int m = lags - 2; m >= 0; --m) q[m] = gamma[m + 1] + r.a * q[m + 1];
        double d0 = gamma[0];
        for (int d = 1; d < lags; ++d) d0 += 2.0 * std::pow(r.a, d) * gamma[d];
        std::vector<double> next(delta.size());
        next[0] = d0 / (1.0 - r.a * r.a);
        for (int k = 1; k < lags; ++k) next[k] = r.a * next[k - 1] + q[k - 1];
        double change = 0.0;
        for (int k = 0; k < lags; ++k) {
            change = std::max(change, std::fabs(next[k] - delta[k]));
            delta[k] = 0.5 * (delta[k] + next[k]);
        }
        if (change < 1e-10) break;
    }
    return delta;
}

}  // namespace quench::testing
