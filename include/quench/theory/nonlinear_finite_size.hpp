#pragma once
// The 1/N terms of nonlinear networks' covariance statistics: what is derived so far
// (docs/theory/nonlinear_finite_size.md).
//
// Frozen linear equivalence. Write phi_i = gamma x_i + r_i and hold gamma and the residual spectrum S_r at
// their N = infinity (DMFT) values in every realization. Each realization's phi covariance is then that of
// a linear network with coupling gamma J driven by independent site noise of spectrum
//     L(w) = gamma^2 S_xi(w) + (1 + w^2) S_r(w) = S_phi(w) (1 + w^2 - g_eff^2),
// so its 1/N terms are the linear ones (linear_finite_size.hpp) with g -> g_eff and the noise L. This is
// the part of the 1/N correction that comes from the coupling matrix alone (non-planar pairings, the
// diagonal of J); it leaves out the fluctuations of the order parameters (the shift of the mean gamma, S_r
// at O(1/N) and their site-to-site spread), which simulations show to dominate for g >~ 1.
#include "quench/theory/dmft.hpp"
#include "quench/theory/linear_finite_size.hpp"

namespace quench::theory {

// Equal-time phi statistics (1/N coefficients and their N = infinity limits) of the frozen linear-equivalent
// network of the solved DMFT `c` (white or OU noise; odd phi, no mean), iid J with the given diagonal.
LinearFirstOrder frozenEquivalenceEqualTimeFirstOrder(const DmftCorrelation& c, double g,
                                                      DiagonalConvention diagonal);

// The same at zero frequency: the linear ZF coefficients at g_eff with the noise power
// L(0) = S_phi(0) (1 - g_eff^2) in place of sigma^2.
LinearFirstOrder frozenEquivalenceZeroFrequencyFirstOrder(const DmftCorrelation& c, double g,
                                                          DiagonalConvention diagonal);

}  // namespace quench::theory
