#pragma once
// Nonlinear networks with partially symmetric couplings, corr(J_ij, J_ji) = eta, white or Ornstein-Uhlenbeck
// noise, odd phi: a Gaussian closure of linear equivalence (docs/theory/partial_symmetry.md). It is exact at
// eta = 0 (the DMFT) and for linear phi; for a nonlinear phi with eta != 0 it is an approximation
// (x is not Gaussian there: the reaction term makes x_i depend on its own past phi_i).
//
// phi_i = gamma x_i + r_i with r independent site noise of spectrum S_r(w); with u(w) the elliptic mean
// resolvent of gamma J at K = 1 + i w, P_0 = |u|^2 / (1 - g_eff^2 |u|^2) and the noise spectrum
// S_xi = sigma^2 / (1 + tau_n^2 w^2) (tau_n = noise_tau; 0: white):
//   S_phi = L P_0,  L = gamma^2 S_xi + (1 + w^2) S_r,
//   S_x   = S_xi P_0 + (S_r / gamma^2) (|K|^2 P_0 - 2 Re(K u) + 1),
// closed by a Gaussian x with autocovariance Delta = IFT S_x, gamma = E phi'(x), C_phi = F(Delta0, Delta).
#include "quench/activation.hpp"
#include "quench/theory/dmft.hpp"
#include "quench/theory/linear_theory.hpp"

namespace quench::theory {

// Delta(tau), C_phi(tau) of the closure on tau_k = k dt (options.dt; options.max_tau = 0 chooses
// 30 / rate + 10 with rate = max(0.02, 1 - g_eff0 (1 + |eta|)), g_eff0 that of eta = 0). Damped
// Anderson iteration (options.damping, max_iterations, tolerance). Throws std::domain_error naming the
// parameter for |eta| > 1, g < 0, sigma <= 0, noise_tau < 0, non-finite input, a phi with E[phi] != 0, and
// for g_eff (1 + eta) >= 1 (no stationary state); std::runtime_error when the iteration does not converge.
DmftCorrelation solvePartiallySymmetricCorrelation(const Activation& phi, double g, double eta, double sigma,
                                                   const DmftGridOptions& options = {},
                                                   double noise_tau = 0.0);

// The equivalent site noise L(w) = S_phi(w) / P_0(w) of the solved closure (S_phi by activationSpectrum).
double partiallySymmetricEquivalentNoise(const DmftCorrelation& c, double g, double eta, double w);

// The closure's x spectrum S_x(w) (its value at w = 0 is the x zero-frequency auto mean).
double partiallySymmetricStateSpectrum(const DmftCorrelation& c, double g, double eta, double sigma, double w,
                                       double noise_tau = 0.0);

// The closure's x statistics (docs/theory/partial_symmetry.md, section 7): auto mean, m2, N dc2 and PR/N of
// C_x(0) (ZF) and of int C_x dw / 2 pi (ET, on w = scale tan(theta), Gauss-Legendre in theta), from the
// planar four-point traces of the closure's linear-response network; m3 not derived. c must come from
// solvePartiallySymmetricCorrelation with the same g, eta, sigma and noise_tau.
LinearMoments partiallySymmetricStateZeroFrequency(const DmftCorrelation& c, double g, double eta,
                                                   double sigma, double noise_tau = 0.0);
LinearMoments partiallySymmetricStateEqualTime(const DmftCorrelation& c, double g, double eta, double sigma,
                                               double noise_tau, double scale, int frequency_points = 200);

}  // namespace quench::theory
