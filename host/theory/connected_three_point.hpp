#pragma once
// The connected three-time averages of a stationary Gaussian site that the zero-frequency site-to-site spread
// of C_ii needs (docs/theory/site_auto_variance.md, section 5): for j >= 1,
//   conn(j) = sum_m E[(phi'(x_0) - gamma) phi(x_{-j}) psi(x_m)],   psi = phi - gamma x,
// x the site's Gaussian process of autocovariance Delta(k) and gamma = E phi'. The rest of
// sum_m E[phi'(x_0) phi(x_{-j}) phi(x_m)] reduces to pair averages (Stein); this part does not. psi has no
// linear part, so a term decays like the cube of the correlations that join x_m to x_0 and x_{-j}, and
// conn(j) like Delta(j): the sums are cut where those correlations fall below 1e-3 (m) and 1e-4 (j).
//
// Each term is a two-dimensional Gauss-Hermite average over (x_0, x_{-j}) of psi smoothed over x_m given them
// (a table of the Gaussian smoothing of phi, cubic in the mean, linear in the variance over 257 rows), so the
// cost is the number of (j, m) pairs times the nodes; it grows like the square of the correlation length in
// steps. Both sums may run over every stride-th lag (j beyond the first stride, linear in j between, and m at
// those j): the terms vary on the scale of the correlation function, not of the step, so a stride of 0.05
// time units keeps the cost independent of dt. The error is that of a trapezoid rule with the kinks of Delta
// on its grid, O(stride^2): 0.5 % at a stride of a twelfth of the decay length of Delta^3
// (test_site_auto_variance.cpp).
#include <cstddef>
#include <vector>

#include "quench/activation.hpp"

namespace quench::theory::detail {

// The (j, m) pairs the sums need for this autocovariance: the cost, known before they are run.
std::size_t connectedThreePointPairs(const std::vector<double>& delta, std::size_t stride = 1);

// conn(j) for j < delta.size() (conn(0) = 0, and 0 beyond the cut). phi odd and smooth; delta(0) > 0.
std::vector<double> connectedThreePointLagSums(const Activation& phi, const std::vector<double>& delta,
                                               double gamma, std::size_t stride = 1);

}  // namespace quench::theory::detail
