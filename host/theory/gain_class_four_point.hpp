#pragma once
// The equal-time four-point statistics (m2, N dc2, PR/N) of phi and x at N = infinity with per-neuron gains,
// phi_i = phi(b_i x_i), iid J, eta = 0, as the simulator's recursion integrates them
// (docs/theory/heterogeneity.md, section 5). The tree level of the two-replica field Q^ab = (1/N) sum_i
// phi_i^a phi_i^b: its fluctuations obey the linear recursion Q^ab = g^2 E_b[gamma_b^2] (f x f) Q^ab + eta, f
// the leak's filter, driven by the sampling noise of one site's products, of covariance E_b[C_b x C_b]; m2 =
// N E (Q^ab)^2. With one class it is theory.md's all-frequency formula in discrete time
// (discreteGaussianSiteFourPoints); at zero frequency, the separable profile of heterogeneity.md section 2.
#include <vector>

#include "../step_coefficients.hpp"
#include "discrete_gaussian_site.hpp"
#include "quench/theory/sampled_dmft.hpp"

namespace quench::theory::detail {

struct GainClassFourPoint {
    SampledFourPoint phi_et, x_et;  // standard errors 0: nothing is sampled
    // m2 of phi's correlation matrix R = D^-1/2 C D^-1/2 (z-scored; its diagonal is 1): z_n_cross_var =
    // z_m2 - 1, z_pr_over_n = 1 / z_m2. x's diagonal concentrates, so its z-scored statistics are its
    // rescaled ones.
    double phi_et_z_m2 = 0.0;
};

// Gamma^2 = E_b gamma_b^2: the classes' mean square response, the rung of every ladder over the classes.
double gammaSquared(const std::vector<GainClassSite>& classes);

// The statistics of a covariance from its auto mean a, the mean square of its diagonal and m2 (N dc2
// subtracts the diagonal's mean square, PR/N = a^2 / m2); standard errors 0.
SampledFourPoint fourPointFromMoments(double a, double diagonal_square, double m2);

// delta: the common Delta(k) of the site (decayed by its last lag); classes: gainClassSites of it.
// N dc2 of phi subtracts the heterogeneous diagonal, (1/N) sum_i C_ii^2 = E_b C_b(0)^2, not a^2. Throws
// std::domain_error when the linear-response network has no stationary state (g^2 E_b gamma_b^2 >= 1).
GainClassFourPoint gainClassEqualTime(const std::vector<GainClassSite>& classes,
                                      const std::vector<double>& delta, double g,
                                      const StepCoefficients& step);

// T = <|f|^2 |f'|^2 E_b S_b(theta) S_b(theta') / |1 - w|^2>, the part of x's m2 that the filtered phi
// products give (over g^4): N Var of the lag-0 x covariance that a site's quenched input row J_i. gives it is
// 2 g^4 T (docs/theory/site_auto_variance.md; the classes' version of filteredPhiFourPoint). White or OU
// noise: only the classes' spectra and the leak enter.
double filteredGainClassFourPoint(const std::vector<GainClassSite>& classes, double g,
                                  const StepCoefficients& step);

}  // namespace quench::theory::detail
