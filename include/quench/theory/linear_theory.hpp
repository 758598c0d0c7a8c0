#pragma once
// Large-N (N -> infinity) statistics of the covariances of linear networks (phi(x) = x),
// theory.md section 3; formulas and derivations in docs/theory/linear.md.
//
// Model: dx = (-x + J x) dt + sigma dW, J_ij ~ N(0, g^2/N), corr(J_ij, J_ji) = eta (eta = 0: iid).
// ZF = zero-frequency covariance sigma^2 (1-J)^-1 (1-J)^-T; ET = equal-time (Lyapunov) covariance.
//
// Input policy (every function): g >= 0 and sigma >= 0 finite, eta in [-1, 1]; the network must be
// stable at N = infinity, g (1 + eta) < 1. Anything else throws std::domain_error whose message names
// the parameter and its value. No function returns NaN or infinity.
#include <complex>

namespace quench::theory {

// Statistics of one covariance at N = infinity. n_cross_var is N * var_{i != j} C_ij; the cross mean
// is zero (zero-mean couplings), so n_cross_var = m2 - auto_mean^2 at this order.
struct LinearMoments {
    double auto_mean = 0.0;
    double n_cross_var = 0.0;
    double m2 = 0.0;  // Tr C^2 / N
    double m3 = 0.0;  // Tr C^3 / N; 0 and m3_available = false where it is not derived
    double pr_over_n = 0.0;
    // true: every available field is the exact N = infinity value (closed form, or a quadrature
    // converged to ~1e-10 relative); false would mark an approximation (none is returned today).
    bool exact = true;
    bool m3_available = true;
};

// The moments of a covariance with zero cross mean known through its auto mean a and N dc2 only:
// m2 = a^2 + N dc2, PR/N = a^2 / m2 (0 where m2 = 0), m3 not derived.
LinearMoments momentsWithoutM3(double auto_mean, double n_cross_var);

// ---- zero frequency ----

// iid J (eta = 0), g < 1; exact closed forms (Hu & Sompolinsky 2022, Dahmen et al. 2019).
LinearMoments linearZeroFrequencyIid(double g, double sigma);

// Partially symmetric J, g (1 + eta) < 1; exact closed forms for auto_mean, m2, n_cross_var, pr_over_n
// (theory.md, th = g^2 (1 + eta)); m3 not derived (m3_available = false). eta = 0 reproduces the iid case.
LinearMoments linearZeroFrequencyPartiallySymmetric(double g, double eta, double sigma);

// Mean resolvent G(z) = lim (1/N) Tr (z - J)^-1 of the elliptic ensemble outside the spectrum
// (the branch with G ~ 1/z). Exposed for the ET-with-eta integral and its tests.
std::complex<double> ellipticMeanResolvent(std::complex<double> z, double g, double eta);

// Support [lower, upper] of the eigenvalue density of the ZF covariance, iid J, 0 < g < 1.
// Scales with sigma^2 (C = sigma^2 C_1).
struct SpectrumSupport {
    double lower = 0.0;
    double upper = 0.0;
};
SpectrumSupport linearZeroFrequencySpectrumSupport(double g, double sigma);

// Eigenvalue density p(lambda) of the ZF covariance, iid J, 0 < g < 1 (exact; normalized to 1 over the
// support, 0 outside it). g = 0 throws: the spectrum is then a point mass at sigma^2.
double linearZeroFrequencySpectralDensity(double lambda, double g, double sigma);

// ---- equal time ----

// Equal-time auto-covariance a = sigma^2 / (2 sqrt(1 - g^2)), iid J (exact).
double linearEqualTimeAutoMean(double g, double sigma);

// iid J, g < 1; exact closed forms for auto_mean, m2 (the double frequency integral of theory.md done
// in closed form by residues), n_cross_var = m2 - a^2, pr_over_n = a^2 / m2. m3 not derived.
LinearMoments linearEqualTimeIid(double g, double sigma);

// Independent paths to the ET m2 of iid J (for tests and validation, not needed for production):
// the inner frequency integral closed by residues, the outer one by adaptive quadrature ...
double linearEqualTimeM2SingleIntegral(double g, double sigma);
// ... and the raw double integral of theory.md by nested adaptive quadrature (tan-mapped).
double linearEqualTimeM2DoubleIntegral(double g, double sigma);

// iid J, g < 1, Ornstein-Uhlenbeck noise of correlation time tau (spectrum sigma^2 / (1 + tau^2 w^2),
// the white noise's zero-frequency power): the noise spectrum multiplies every C(w) by one scalar, so
// theory.md's double integral takes the filter L(w) = 1 / (1 + tau^2 w^2) at both frequencies:
//   a  = sigma^2 Int dw/2pi L(w) S(w) = sigma^2 / (2 b (1 + b tau)),  b = sqrt(1 - g^2),  S(w) = 1/(b^2 + w^2)
//   m2 = sigma^4 Int dw dw'/(2pi)^2 L(w) S(w) L(w') S(w') / |1 - g^2 chi(w) conj chi(w')|^2
// (nested quadrature, ~1e-9), n_cross_var = m2 - a^2, pr_over_n = a^2 / m2; exact at N = infinity.
// tau = 0 is the white-noise linearEqualTimeIid. docs/theory/linear.md, "Colored noise".
LinearMoments linearEqualTimeIidColored(double g, double sigma, double tau);

// ET auto-covariance for partially symmetric J, g (1 + eta) < 1:
//   a = sigma^2 Int dw/2pi |G(1+iw)|^2 / (1 - g^2 |G(1+iw)|^2),  G = ellipticMeanResolvent,
// (ladder sum; exact at N = infinity, evaluated by quadrature to ~1e-10). The ET m2 and PR with eta come
// from the planar four-point function: linearEqualTimeFirstOrder(...).limit (linear_finite_size.hpp).
double linearEqualTimeAutoMeanPartiallySymmetric(double g, double eta, double sigma);

}  // namespace quench::theory
