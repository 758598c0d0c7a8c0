#pragma once
// A fixed quadrature rule for (double) frequency integrals over the real line: w_i = scale tan(theta_i),
// theta_i = (pi/2) x_i with x_i the Gauss-Legendre nodes on (-1, 1) (symmetric, so w covers (-inf, inf)),
// and weights such that sum_i weight_i f(w_i) ~ int f(w) dw / (2 pi). The mapping turns the 1/w^2 tails of
// the spectra into bounded integrands; scale ~ the width of their main feature. Shared by the equal-time
// statistics that sum a kernel over pairs of frequencies (dmft.cpp, state_covariance.cpp,
// partial_symmetry_state.cpp).
#include <vector>

namespace quench::theory {

struct FrequencyRule {
    std::vector<double> w;
    std::vector<double> weight;
};

// Throws std::domain_error unless scale is finite and > 0 and points lies in [16, 2000].
FrequencyRule frequencyRule(double scale, int points);

}  // namespace quench::theory
