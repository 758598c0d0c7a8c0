#pragma once
// First finite-size (1/N) terms of the disorder-averaged covariance statistics of linear networks,
// derived in docs/theory/linear_finite_size.md: for each statistic S the coefficient c in
//     E_J[S](N) = S(infinity) + c / N + O(1/N^2).
//
// Model and conventions as in linear_theory.hpp: dx = (-x + J x) dt + sigma dW, J_ij Gaussian with
// variance g^2/N off the diagonal and corr(J_ij, J_ji) = eta. The diagonal is the simulator's: J_ii has
// variance g^2/N (independent of eta), or is zero with coupling.zero_diagonal; the coefficients depend
// on it. Statistics per realization are those of host/statistics/covariance_statistics.cpp evaluated on
// the exact covariance: a = Tr C/N, m2 = Tr C^2/N, pr_over_n = (Tr C)^2/(N Tr C^2), n_cross_var =
// N var_{i != j} C_ij (N(N-1) normalisation, about the off-diagonal mean), auto_var = var_i C_ii.
//
// Asymptotic, not convergent: at any finite N the Gaussian ensemble puts a weight exponentially small in
// N on realizations with an eigenvalue of J at or beyond 1, where C diverges; E_J[S] is then strictly
// infinite for a, m2, n_cross_var. The coefficients describe the disorder average over the stable bulk
// (which is what a finite sample of realizations measures for g (1 + |eta|) well below 1).
//
// Input policy as in linear_theory.hpp (std::domain_error naming the parameter).
#include <complex>
#include <functional>
#include <optional>

namespace quench::theory {

enum class DiagonalConvention {
    Gaussian,  // J_ii ~ N(0, g^2/N): the simulator's default
    Zero,      // J_ii = 0: coupling.zero_diagonal = true
};

// The 1/N coefficients of one covariance (sigma included: a ~ sigma^2, m2 and n_cross_var ~ sigma^4).
// n_cross_var and auto_var also need the variance of the diagonal entries C_ii (a cavity argument);
// they are optional so that a case without that derivation can leave them empty.
struct LinearFirstOrder {
    // The N = infinity values from the same planar functions (for ET with eta != 0 the m2 and PR here are
    // the only ones the library has; elsewhere they equal linear_theory.hpp's to quadrature accuracy).
    struct Limit {
        double auto_mean = 0.0;
        double m2 = 0.0;
        double pr_over_n = 0.0;
        double n_cross_var = 0.0;  // m2 - a^2
    } limit;

    double auto_mean = 0.0;  // also the coefficient of m1 = Tr C / N
    double m2 = 0.0;
    double pr_over_n = 0.0;
    std::optional<double> n_cross_var;
    std::optional<double> auto_var;  // E var_i C_ii = auto_var / N + O(1/N^2) (its N = infinity value is 0)
};

// Zero-frequency covariance sigma^2 (1-J)^-1 (1-J)^-T; closed forms (rational in g, eta and the mean
// resolvent G(1)). Requires g (1 + eta) < 1.
LinearFirstOrder linearZeroFrequencyFirstOrder(double g, double eta, double sigma,
                                               DiagonalConvention diagonal);

// Equal-time (Lyapunov) covariance; frequency integrals of the same two- and four-point functions, by
// adaptive quadrature (relative accuracy ~1e-7; 0.05-0.3 s). Requires g (1 + eta) < 1.
// With Ornstein-Uhlenbeck noise of correlation time tau > 0 (the white noise's zero-frequency power),
// C(w) of every realization is the white-noise one times L(w) = 1/(1 + tau^2 w^2), so every term,
// the 1/N ones included, is the same frequency integral with L at each frequency.
LinearFirstOrder linearEqualTimeFirstOrder(double g, double eta, double sigma, DiagonalConvention diagonal,
                                           double tau = 0.0);

// The same with site noise of any spectrum L(w) (even in w, the same at every site), i.e. the equal-time
// covariance Int dw/2pi L(w) R(1+iw) R(1-iw)^T: L = sigma^2 gives the white-noise case above. The
// nonlinear networks' linear-equivalent model is of this form (docs/theory/nonlinear_finite_size.md).
// frequency_scale: the width of L (the quadrature maps the real line on the smaller of it and the
// network's own scale).
LinearFirstOrder linearEqualTimeFirstOrderWithNoise(double g, double eta, DiagonalConvention diagonal,
                                                    const std::function<double(double)>& noise_spectrum,
                                                    double frequency_scale);

// ---- the building blocks, exposed for the tests ----
// With R(z) = (z - J)^-1 and tr = Tr / N, at spectral points outside the spectral ellipse:
//   two-point  P(z1, z2)         = E tr[R(z1) R(z2)^T]
//   four-point F(z1, z2, z3, z4) = E tr[R(z1) R(z2)^T R(z3) R(z4)^T]
// each as N = infinity value plus the 1/N coefficient.
struct ExpandedValue {
    std::complex<double> infinite_n;
    std::complex<double> one_over_n;
};
ExpandedValue resolventTwoPoint(std::complex<double> z1, std::complex<double> z2, double g, double eta,
                                DiagonalConvention diagonal);
ExpandedValue resolventFourPoint(std::complex<double> z1, std::complex<double> z2, std::complex<double> z3,
                                 std::complex<double> z4, double g, double eta, DiagonalConvention diagonal);
// E tr R(z) = G(z) + G1(z)/N (the mean resolvent and its 1/N term).
ExpandedValue resolventTrace(std::complex<double> z, double g, double eta, DiagonalConvention diagonal);

}  // namespace quench::theory
