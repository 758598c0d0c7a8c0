#pragma once
// Gaussian pair averages of signed powers, E[f(x1) g(x2)] with f(x) = sgn(x)^odd |x|^p, exactly (to
// rounding): the power law phi = sgn(x)|x|^alpha and its products phi phi' and phi' are such powers, and
// their kinks and |x|^(alpha - 1) cusps at 0 defeat Gauss-Hermite rules and make piecewise 2-D quadrature
// slow. Both are homogeneous, so in polar coordinates the radial integral is a Gamma function and what is
// left is one angle, split where either factor vanishes (docs/theory/site_auto_variance.md, section 6).
namespace quench::theory::detail {

struct SignedPower {
    double exponent = 1.0;  // p > -1 (integrable at 0)
    bool odd = true;        // sgn(x)|x|^p, or |x|^p
};

// E[f(x1) g(x2)] for Var x1 = Var x2 = 1 and Cov(x1, x2) = rho in [-1, 1]. Throws std::domain_error for an
// exponent <= -1 or a correlation outside [-1, 1].
double signedPowerPairAverage(const SignedPower& f, const SignedPower& g, double rho);

}  // namespace quench::theory::detail
