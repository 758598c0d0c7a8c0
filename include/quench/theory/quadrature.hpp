#pragma once
// Adaptive Gauss-Kronrod quadrature in one dimension, for the theory solvers (linear and DMFT).
//
// integrateGaussKronrod uses the 7-point Gauss / 15-point Kronrod pair on each panel and bisects the
// panel with the largest error estimate (globally adaptive, as QUADPACK's QAG) until
//     error_estimate <= max(abs_tol, rel_tol * |value|)
// or max_panels is reached. Endpoints are never evaluated, so integrable endpoint singularities
// (1/sqrt, log) are allowed; they converge slowly, so map them away where the form is known.
//
// The infinite-interval versions substitute x = center + scale * tan(theta), which turns an integrand
// decaying like 1/x^2 into a bounded one; pick scale ~ the width of the integrand's main feature
// (e.g. sqrt(1 - g^2) for a Lorentzian of that width) so panels are spent where the mass is.
//
// Failure policy: an integrand value that is not finite throws std::domain_error naming the abscissa
// (a NaN must never be summed into a result); a result that misses the tolerance is returned with
// converged = false, and requireConverged() turns that into a std::runtime_error with a message.
#include <functional>
#include <string>

namespace quench::theory {

struct QuadratureOptions {
    double abs_tol = 1e-13;
    double rel_tol = 1e-11;
    int max_panels = 4000;
};

struct QuadratureResult {
    double value = 0.0;
    double error_estimate = 0.0;  // Kronrod-minus-Gauss estimate summed over panels (conservative)
    int evaluations = 0;
    bool converged = false;
};

using Integrand = std::function<double(double)>;

// Integral of f over the finite interval [a, b] (a > b gives the negative, a == b gives 0).
QuadratureResult integrateGaussKronrod(const Integrand& f, double a, double b, const QuadratureOptions& options = {});

// Integral of f over the whole real line, via x = center + scale * tan(theta), theta in (-pi/2, pi/2).
QuadratureResult integrateRealLine(const Integrand& f, double scale = 1.0, double center = 0.0,
                                   const QuadratureOptions& options = {});

// Integral of f over [a, infinity), via x = a + scale * tan(theta), theta in (0, pi/2).
QuadratureResult integrateHalfLine(const Integrand& f, double a, double scale = 1.0,
                                   const QuadratureOptions& options = {});

// Returns r.value, or throws std::runtime_error("<what>: quadrature did not converge ...").
double requireConverged(const QuadratureResult& r, const std::string& what);

}  // namespace quench::theory
