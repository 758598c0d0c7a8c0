#pragma once
// The N = infinity single site of an iid (eta = 0) network as the simulator integrates it: the recursion
// x' = decay x + drive (h + eta) + kick eps with white (kick eps) or Ornstein-Uhlenbeck (eta) noise, at the
// run's dt, without sampling. There the site is Gaussian (no reaction), so its autocovariance follows from a
// recursion (docs/theory/sampled_dmft.md, section 6), and its four-point statistics from the linear-response
// network with the exact response gamma drive decay^(k-1) and residual. The continuous-time DMFT (dmft.hpp)
// is its dt -> 0 limit; at dt = 0.05 the four-point statistics differ from it by a few per cent.
#include <vector>

#include "../step_coefficients.hpp"
#include "quench/activation.hpp"
#include "quench/theory/heterogeneous_gains.hpp"
#include "sampled_four_point.hpp"

namespace quench::theory::detail {

struct DiscreteGaussianSite {
    std::vector<double> delta;  // Delta(k) = Cov(x_n, x_{n+k}), k < lags
    std::vector<double> c_phi;  // C_phi(k) = F(Delta(0), Delta(k))
    double gamma = 0.0;         // E phi'(x)
};

// The stationary autocovariance Delta(k), k < cov.size(), of x_n = sum_j decay^j y_{n-1-j} when y has the
// autocovariance cov(k) (zero beyond its last lag): the leak of the recursion as a map on lag functions.
std::vector<double> leakFilteredCovariance(const std::vector<double>& cov, double decay);

// The covariance at lag k of what the noise adds to x' - decay x: kick^2 [k = 0] for white noise, drive^2
// Cov(eta_n, eta_{n+k}) for the stationary OU input.
double inputNoiseCovariance(const StepCoefficients& step, int k);

// Iterated to its fixed point (max change of Delta below 1e-12 Delta(0)); C_phi as a function of Delta
// comes from a Chebyshev interpolant of the Gaussian two-point average on [0, Delta(0)], refreshed
// every iteration. Throws std::domain_error when the iteration does not settle.
DiscreteGaussianSite discreteGaussianSite(const Activation& phi, double g, const StepCoefficients& step,
                                          int lags);

// With per-neuron gains, phi_i = phi(b_i x_i), the gains in classes (gainQuadrature): every x_i sees the same
// field, so Delta is common and C_phi(k) = E_b F(b^2 Delta(0), b^2 Delta(k)) (docs/theory/heterogeneity.md);
// gamma is E_b b E phi'(b x). One class {1, 1} is the homogeneous site.
DiscreteGaussianSite discreteGaussianSite(const Activation& phi, const std::vector<GainNode>& gains, double g,
                                          const StepCoefficients& step, int lags);

// The same with the lags doubled from 20 time units (of step dt) until Delta has decayed below
// 1e-10 Delta(0).
DiscreteGaussianSite discreteGaussianSiteUntilDecayed(const Activation& phi, double g,
                                                      const StepCoefficients& step, double dt);
DiscreteGaussianSite discreteGaussianSiteUntilDecayed(const Activation& phi,
                                                      const std::vector<GainNode>& gains, double g,
                                                      const StepCoefficients& step, double dt);

// One class of gain b of the site above (per-neuron gains): its weight, its response gamma_b = b E phi'(b x)
// and its phi autocovariance C_b(k) = F(b^2 Delta(0), b^2 Delta(k)) at the site's lags.
struct GainClassSite {
    double weight = 1.0;
    double gamma = 0.0;
    std::vector<double> c_phi;
};
std::vector<GainClassSite> gainClassSites(const Activation& phi, const std::vector<GainNode>& gains,
                                          const std::vector<double>& delta);

// Per-neuron time constants (and gains): neurons in classes of equal tau, each class with its own leak and
// noise (stepCoefficients(spec, tau)) and so its own Delta_c, all driven by the one field of covariance
// g^2 C(k), C(k) = E_c E_b F(b^2 Delta_c(0), b^2 Delta_c(k)) (docs/theory/heterogeneity.md, section 6).
struct TimeConstantClass {
    double weight = 1.0;
    StepCoefficients step;
};
struct TimeConstantClassSite {
    double weight = 1.0;
    StepCoefficients step;
    std::vector<double> delta;  // Delta_c(k)
    std::vector<double> c_phi;  // C_c(k) = E_b F(b^2 Delta_c(0), b^2 Delta_c(k)): the class's mean product
};

// Iterated to the common fixed point (max change of each Delta_c below 1e-12 of its Delta_c(0)), the lags
// doubled from 20 time units until every Delta_c has decayed below 1e-10 Delta_c(0). One class of step
// `step` with the gains is discreteGaussianSiteUntilDecayed. Throws std::domain_error when the iteration
// does not settle.
std::vector<TimeConstantClassSite> timeConstantClassSitesUntilDecayed(
    const Activation& phi, const std::vector<GainNode>& gains, const std::vector<TimeConstantClass>& taus,
    double g, double dt);

// The same fixed point at exactly `lags` lags (the field is zero beyond them), as discreteGaussianSite.
std::vector<TimeConstantClassSite> timeConstantClassSites(const Activation& phi,
                                                          const std::vector<GainNode>& gains,
                                                          const std::vector<TimeConstantClass>& taus,
                                                          double g, int lags);

// The site as one exact sampling run: its response gamma drive decay^(k-1) and the residual
// autocovariance C_r = C_phi - |chi|^2 (g^2 C_phi + noise), per lag.
SiteRun siteRunOf(const DiscreteGaussianSite& site, double g, const StepCoefficients& step);

// Its four-point statistics (phi and x, ET and ZF; standard errors 0): the exact run through
// sampledFourPoints.
SampledFourPoints discreteGaussianSiteFourPoints(const DiscreteGaussianSite& site, double g,
                                                 const StepCoefficients& step, double dt);

}  // namespace quench::theory::detail
