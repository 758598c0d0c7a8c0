#pragma once
// Gaussian averages of single-neuron functions: the building blocks of dynamic mean-field theory.
// Every average is over x ~ N(0, v) (or a pair of jointly Gaussian variables); the default path is
// Gauss-Hermite quadrature of configurable order, and closed forms elsewhere are tested against it.
#include <functional>
#include <vector>

#include "quench/activation.hpp"

namespace quench::theory {

// Nodes and weights for the standard normal: E[f(z)] ~ sum_i weights[i] f(nodes[i]), exact for
// polynomials of degree < 2 * order. Weights sum to 1; nodes ascend and are symmetric about 0.
struct GaussHermiteRule {
    std::vector<double> nodes;
    std::vector<double> weights;
    int order() const { return static_cast<int>(nodes.size()); }
};

// Golub-Welsch (LAPACK dstev) for the nodes, Newton polish on the orthonormal Hermite recursion,
// Christoffel weights. Stable up to order 400. Throws std::domain_error for order < 1 or > 400.
GaussHermiteRule gaussHermiteRule(int order);

// The rule used when none is given (order 80, as theory.md's check values).
const GaussHermiteRule& defaultGaussHermiteRule();

// Gauss-Legendre nodes and weights on [-1, 1] (Newton on the Legendre recursion), order 1..400.
struct GaussLegendreRule {
    std::vector<double> nodes;
    std::vector<double> weights;
    int order() const { return static_cast<int>(nodes.size()); }
};
GaussLegendreRule gaussLegendreRule(int order);

using ScalarFunction = std::function<double(double)>;

// E[f(x)], x ~ N(0, variance). variance >= 0 (0 gives f(0)); throws std::domain_error otherwise.
double gaussianExpectation(const ScalarFunction& f, double variance, const GaussHermiteRule& rule);

// E[f(x)], x ~ N(0, variance) by composite Gauss-Legendre on [-L, L], L = 14 sqrt(variance), with
// panels graded geometrically towards each breakpoint (where f has a kink or an integrable
// singularity of its derivative). An independent path for non-smooth f; relative accuracy ~1e-12.
double gaussianExpectationPiecewise(const ScalarFunction& f, double variance, const std::vector<double>& breakpoints);

// F(delta0, delta) = E_z[(E_y f(sqrt(delta0 - delta) y + sqrt(delta) z))^2] (y, z independent standard
// normals): the covariance E[f(x1) f(x2)] of x1, x2 ~ N(0, delta0) with Cov(x1, x2) = delta.
// Requires 0 <= delta <= delta0; throws std::domain_error naming the offending value otherwise.
double twoPointCorrelation(const ScalarFunction& f, double delta0, double delta, const GaussHermiteRule& rule);

// Same, with f non-smooth at the given points: the inner average over y uses the piecewise path
// (kinks of f at k sit at y = (k - sqrt(delta) z) / sqrt(delta0 - delta)); the outer one, smooth in z,
// stays Gauss-Hermite.
double twoPointCorrelation(const ScalarFunction& f, double delta0, double delta, const GaussHermiteRule& rule,
                           const std::vector<double>& kinks);

// Points where phi (or its derivative) is not analytic: {} for linear, tanh, erf, Pade; {0} for a
// power law (alpha != 1) and relu; {threshold} for threshold-linear.
std::vector<double> activationKinks(const Activation& phi);

// E[f(x)], x ~ N(0, variance), for f built from phi: Gauss-Hermite with the rule when phi is smooth,
// the piecewise path split at activationKinks(phi) otherwise (Gauss-Hermite converges only
// algebraically across a kink or an |x|^(alpha-1) cusp).
double activationExpectation(const Activation& phi, const ScalarFunction& f, double variance, const GaussHermiteRule& rule);

// Antiderivative Phi of phi with Phi(0) = 0: closed form for every kind except Pade, whose
// antiderivative is computed by partial fractions over the complex roots of Q (pade_theory).
double activationAntiderivative(const Activation& phi, double x);

// Phi by composite Gauss-Legendre of phi on [0, x]: the generic fallback and the test reference.
double numericalAntiderivative(const Activation& phi, double x);

// Single-site averages for x ~ N(0, variance), by activationExpectation (Gauss-Hermite of the rule
// for smooth phi, piecewise Gauss-Legendre for kinked phi); Pade activations use the Faddeeva closed
// forms of pade_theory wherever one exists (E[phi], E[phi^2], gamma, the inner average of F).
double meanActivation(const Activation& phi, double variance, const GaussHermiteRule& rule);        // E[phi]
double meanSquareActivation(const Activation& phi, double variance, const GaussHermiteRule& rule);  // E[phi^2]
double effectiveGain(const Activation& phi, double variance, const GaussHermiteRule& rule);         // gamma = E[phi']
double meanSquareDerivative(const Activation& phi, double variance, const GaussHermiteRule& rule);  // E[phi'^2], +inf for power law alpha <= 1/2
double antiderivativeVariance(const Activation& phi, double variance, const GaussHermiteRule& rule); // Var[Phi]

// F(delta0, delta) for phi itself (kinks handled as in twoPointCorrelation with kinks) (C_phi at lag where Delta = delta) and for its antiderivative Phi.
double activationCorrelation(const Activation& phi, double delta0, double delta, const GaussHermiteRule& rule);
double antiderivativeCorrelation(const Activation& phi, double delta0, double delta, const GaussHermiteRule& rule);

}  // namespace quench::theory
