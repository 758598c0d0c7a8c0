#pragma once
// Gaussian averages of Pade (rational) activations phi = P/Q in closed form: P/Q = S(x) + sum_k
// r_k / (x - z_k) over the complex roots z_k of Q, and E[1/(x - z)] is a Faddeeva function.
#include <complex>
#include <vector>

#include "quench/activation.hpp"
#include "quench/theory/gaussian_average.hpp"

namespace quench::theory {

// phi(x) = sum_n polynomial[n] x^n + sum_k residues[k] / (x - poles[k]) (simple poles, none real).
struct PartialFractions {
    std::vector<double> polynomial;                  // ascending powers
    std::vector<std::complex<double>> poles;
    std::vector<std::complex<double>> residues;
};

// Throws std::domain_error when phi is not a Pade activation, Q is zero, Q has a real root (phi
// would be singular on the real line), or Q has a repeated root (the message gives the roots).
PartialFractions padePartialFractions(const Activation& phi);

// Closed forms for x ~ N(0, variance):
double padeMean(const Activation& phi, double variance);             // E[phi]
double padeMeanSquare(const Activation& phi, double variance);       // E[phi^2]
double padeEffectiveGain(const Activation& phi, double variance);    // gamma = E[phi']
double padeMeanTimesX(const Activation& phi, double variance);       // E[x phi] (= variance gamma, Stein)

// Phi(x) = integral_0^x phi: polynomial part plus sum_k r_k log((x - z_k) / (-z_k)) (real).
double padeAntiderivative(const Activation& phi, double x);
double padeAntiderivative(const PartialFractions& fractions, double x);  // without refactoring Q each call

// Var[Phi(x)], x ~ N(0, variance): Gauss-Hermite of the closed-form antiderivative.
double padeAntiderivativeVariance(const Activation& phi, double variance, const GaussHermiteRule& rule);

// F(delta0, delta) with the inner average over y in closed form and the outer one over z by the rule.
double padeCorrelation(const Activation& phi, double delta0, double delta, const GaussHermiteRule& rule);

}  // namespace quench::theory
