#pragma once
// The Gaussian closure of linear equivalence, shared by the coupling ensembles whose nonlinear DMFT has a
// reaction term this library does not solve (partially symmetric J: docs/theory/partial_symmetry.md;
// random-mode J with mode overlap: docs/theory/random_mode.md). phi_i = gamma x_i + r_i with r independent
// site noise of spectrum S_r; the network is then linear with coupling gamma J, and with
// R = (K - gamma J)^-1, K = 1 + i w, P = (1/N) Tr R R^H and u = (1/N) Tr R (their N = infinity limits):
//   S_phi = L P,  L = gamma^2 S_xi + |K|^2 S_r,
//   S_x   = S_xi P + (S_r / gamma^2) (|K|^2 P - 2 Re(K u) + 1),
// with the noise spectrum S_xi = sigma^2 (white) or sigma^2 / (1 + tau_n^2 w^2) (Ornstein-Uhlenbeck with the
// white noise's zero-frequency power),
// closed by a Gaussian x with autocovariance Delta = IFT S_x, gamma = E phi'(x), C_phi = F(Delta0, Delta).
// An ensemble enters only through P and u (and its stability), supplied by a ClosureCoupling.
#include <functional>
#include <string>
#include <vector>

#include "quench/activation.hpp"
#include "quench/theory/dmft.hpp"

namespace quench::theory::detail {

// The equivalent linear network's propagator at K = 1 + i w, in forms that tend to 1 at large w.
struct EquivalentPropagator {
    double k2p = 1.0;    // |K|^2 P
    double re_ku = 1.0;  // Re(K u)
};

// The noise spectrum S_xi(w) = sigma^2 / (1 + tau_n^2 w^2) (tau_n = 0: white).
double closureNoiseSpectrum(double w, double sigma, double noise_tau);

// The closure's S_x(w) from S_phi(w) and the noise spectrum s_xi = S_xi(w) (the formula above).
double closureStateSpectrum(double s_phi, double w, double gamma, double s_xi, const EquivalentPropagator& p);

// The equivalent site noise L(w) = S_phi(w) / P(w).
double closureEquivalentNoise(double s_phi, double w, const EquivalentPropagator& p);

// std::domain_error (starting "phi:") unless E[phi(x)] = 0 for Gaussian x: the closure has no static field.
void requireOddActivation(const Activation& phi, const std::string& what);

// std::domain_error (starting "noise_tau") unless the noise correlation time is finite and >= 0.
void requireNoiseTau(double noise_tau);

struct ClosureCoupling {
    std::string what;  // the model, for messages
    // > 0 when gamma J has a stationary state (larger is farther from the edge, ~ 1 - g_eff for iid J).
    std::function<double(double gamma)> margin;
    // The propagators at each w of an ascending grid of w >= 0, for the gain gamma (margin(gamma) > 0).
    std::function<std::vector<EquivalentPropagator>(double gamma, const std::vector<double>& w)> propagators;
    // Throws std::domain_error naming the parameters: no stationary state at this gain and variance.
    std::function<void(double gamma, double delta0)> reject;
};

// Delta(tau), C_phi(tau) of the closure on tau_k = k dt (options.dt) up to max_tau (> 0), noise of
// correlation time noise_tau >= 0, starting from start (its delta, if any; else sigma^2 exp(-tau) / 2). White
// noise puts kinks at tau = 0 into Delta and C_phi, transformed analytically; OU noise makes both smooth.
// Damped Anderson iteration; an iterate outside the stable region is mapped to itself with its variance
// raised by 25 % (a saturating phi's gain then falls), and after 50 such steps coupling.reject is called.
// Throws std::domain_error for a phi with E[phi] != 0 and std::runtime_error when the iteration does not
// converge.
DmftCorrelation solveLinearEquivalenceClosure(const Activation& phi, double sigma, double noise_tau,
                                              double max_tau, const DmftCorrelation& start,
                                              const DmftGridOptions& options,
                                              const ClosureCoupling& coupling);

}  // namespace quench::theory::detail
