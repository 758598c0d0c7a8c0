#pragma once
// Dynamic mean-field theory of noisy random networks dx = (-x + J phi(x)) dt + sigma dW, iid J with
// variance g^2/N and zero mean, N -> infinity (theory.md section 4; derivation in docs/theory/dmft.md).
#include <vector>

#include "quench/activation.hpp"
#include "quench/theory/gaussian_average.hpp"

namespace quench::theory {

// The stationary single-site statistics for white noise and what linear equivalence makes of them.
struct WhiteNoiseDmft {
    double delta0 = 0.0;                 // Var x, root of (*) Delta0^2 = sigma^4/4 + 2 g^2 Var[Phi(x)]
    double gamma = 0.0;                  // effective gain E[phi'(x)], x ~ N(0, Delta0)
    double g_eff = 0.0;                  // gamma g
    double stability_margin = 0.0;       // 1 - g_eff (> 0 for every decaying solution)
    double a_phi = 0.0;                  // equal-time Var phi = E[phi^2] (odd phi: zero mean)
    double mean_square_derivative = 0.0; // E[phi'^2] (+inf for power law alpha <= 1/2); g^2 E[phi'^2] = 1: local criterion
    bool chaotic = false;                // Delta0 < g^2 E[phi^2]: Delta(tau) starts concave (section 4)
    // Zero-frequency (long-window) statistics by linear equivalence, g -> g_eff.
    double a_phi_zf = 0.0;               // S_phi(0) = integral of C_phi(tau) dtau (exact DMFT)
    double a_x_zf = 0.0;                 // S_x(0) = g^2 a_phi_zf + sigma^2 (exact DMFT)
    double residual_power = 0.0;         // S_r = a_phi_zf (1 - g_eff^2) - gamma^2 sigma^2
    double pr_phi_zf = 0.0;              // PR_phi^ZF / N = (1 - g_eff^2)^2
    double n_cross_var_over_a2_phi_zf = 0.0;  // N dc2 / a^2 = (1 - g_eff^2)^-2 - 1
    // Second root of (*) on the unstable branch (unbounded phi, e.g. power law alpha > 1), else 0.
    double unstable_branch_delta0 = 0.0;
};

// Left side minus right side of (*): Delta0^2 - sigma^4/4 - 2 g^2 Var[Phi(x)], x ~ N(0, delta0).
double varianceEquationResidual(const Activation& phi, double g, double sigma, double delta0, const GaussHermiteRule& rule);

// Delta0 alone: the root of (*), with the failure policy of solveWhiteNoiseDmft below.
double solveWhiteNoiseVariance(const Activation& phi, double g, double sigma,
                               const GaussHermiteRule& rule = defaultGaussHermiteRule());

// Solves (*) by a sign-change scan plus Brent, then fills every field. Throws std::domain_error for
// g < 0, sigma < 0 or non-finite input; std::runtime_error when (*) has no solution (blow-up of an
// unbounded phi: the message gives g and the critical coupling), when it has several stable roots,
// or when the solution is past the instability (g_eff >= 1). sigma = 0 with no nonzero root returns
// the quiescent solution Delta0 = 0. A phi with E[phi] != 0 (relu, threshold-linear) at g > 0 throws
// std::domain_error: (*) omits its static field; use solveWhiteNoiseMeanField.
WhiteNoiseDmft solveWhiteNoiseDmft(const Activation& phi, double g, double sigma,
                                   const GaussHermiteRule& rule = defaultGaussHermiteRule());

// S_phi(0) = 2 integral_0^Delta0 F(Delta0, D) / sqrt(2 K(D)) dD, K(D) = D^2/2 - g^2 [F_Phi(D) - F_Phi(0)],
// the white-noise energy integral (the Delta(tau) trajectory is the separatrix Delta'^2 = 2 K(Delta)).
double zeroFrequencyActivationPower(const Activation& phi, double g, double sigma, double delta0,
                                    const GaussHermiteRule& rule = defaultGaussHermiteRule());

// Largest coupling for which (*) has a solution: sqrt(max over Delta0 of (Delta0^2 - sigma^4/4) / (2 Var Phi)).
// Finite only for phi that grow faster than linearly (power law alpha > 1); throws std::runtime_error
// naming the activation when the ratio keeps growing up to Delta0 = 1e12 (no critical coupling).
double criticalCoupling(const Activation& phi, double sigma, const GaussHermiteRule& rule = defaultGaussHermiteRule());

// Transition to chaos with noise: the g where Delta0(g) = g^2 E[phi^2] (tanh: 1.094 at sigma = 0.1).
double chaosTransitionCoupling(const Activation& phi, double sigma, const GaussHermiteRule& rule = defaultGaussHermiteRule());

}  // namespace quench::theory

namespace quench::theory {

// ---- The full autocovariance Delta(tau), C_phi(tau) and the power spectrum S_phi(w) ----

struct DmftGridOptions {
    double dt = 0.01;           // tau step; the solvers are second order in dt
    double max_tau = 0.0;       // 0: chosen from the slowest decay rate (30 e-folds)
    int chebyshev_nodes = 48;   // nodes of the D -> F(Delta0, D) interpolant on [0, Delta0]
    double damping = 0.5;       // colored noise: Delta <- (1 - damping) Delta + damping Delta_new
    int max_iterations = 4000;  // colored noise
    double tolerance = 1e-11;   // colored noise: max |Delta_new - Delta| / Delta0
};

// Delta(tau) and C_phi(tau) = F(Delta0, Delta(tau)) on tau_k = k dt, k = 0..size-1 (both decay to ~0).
struct DmftCorrelation {
    double delta0 = 0.0;
    double gamma = 0.0;
    double g_eff = 0.0;
    double dt = 0.0;
    std::vector<double> delta;
    std::vector<double> c_phi;
    int iterations = 0;  // colored noise: fixed-point iterations used (0 for the white-noise ODE)
};

// White noise: integrates the separatrix Delta' = -sqrt(2 K(Delta)) from Delta0 of (*) (exact DMFT);
// sigma = 0 in the chaotic phase starts from the Taylor step Delta0 + Delta''(0) dt^2 / 2.
DmftCorrelation solveWhiteNoiseCorrelation(const Activation& phi, double g, double sigma, const DmftGridOptions& options = {},
                                           const GaussHermiteRule& rule = defaultGaussHermiteRule());

// Ornstein-Uhlenbeck noise C_xi(tau) = sigma^2/(2 tau_n) exp(-|tau|/tau_n) (zero-frequency power sigma^2):
// damped fixed-point iteration of Delta = G * (g^2 C_phi + C_xi), G(tau) = exp(-|tau|)/2 (the inverse
// of 1 + w^2), done exactly in tau by two exponential sweeps. tau_n = 0 is white noise. Throws
// std::runtime_error (with the last change) when the iteration does not converge.
DmftCorrelation solveColoredNoiseCorrelation(const Activation& phi, double g, double sigma, double tau_n,
                                             const DmftGridOptions& options = {},
                                             const GaussHermiteRule& rule = defaultGaussHermiteRule());

// The solver of the noise model: solveColoredNoiseCorrelation when tau_n > 0, else solveWhiteNoiseCorrelation.
DmftCorrelation solveNoiseCorrelation(const Activation& phi, double g, double sigma, double tau_n,
                                      const DmftGridOptions& options = {});

// S_phi(w) = integral C_phi(tau) exp(-i w tau) dtau, by Filon integration of the piecewise-linear C_phi.
double activationSpectrum(const DmftCorrelation& c, double w);

// PR_phi^ET / N = C_phi(0)^2 / (C_phi(0)^2 + double integral Psi dw dw' / (2 pi)^2), with
// Psi = S_phi(w) S_phi(w') [|1 - g^2 chi(w) conj chi(w')|^-2 - 1], chi = gamma / (1 + i w) (theory.md
// section 4, linear equivalence at all frequencies). Gauss-Legendre in theta, w = s tan(theta).
// kappa > 0: random-mode couplings with kappa = (1/N) sum_a D_a^4 (theory.md section 4), whose four-point
// kernel carries the extra factor 1 + kappa |chi(w)|^2 |chi(w')|^2; kappa = 0 is iid J.
double equalTimeActivationDimension(const DmftCorrelation& c, double g, int frequency_points = 200,
                                    double kappa = 0.0);

}  // namespace quench::theory

namespace quench::theory {

// ---- White noise with a mean: coupling mean m/N, uniform input I, any phi (static field) ----
// x_i ~ N(mu, Delta0) over sites and time, with a quenched per-site field of variance Delta_inf:
//   mu = m E[phi(x)] + I,
//   Delta_inf = g^2 E_z[(E_y phi(mu + sqrt(Delta0 - Delta_inf) y + sqrt(Delta_inf) z))^2],
//   Delta0^2 - Delta_inf^2 = sigma^4/4 + 2 g^2 [F_Phi(Delta0, Delta0) - F_Phi(Delta0, Delta_inf)]
// (energy conservation from tau = 0+ to infinity; F_Phi uncentred, with x shifted by mu). For odd phi
// with m = I = 0 it is (*) with mu = Delta_inf = 0.
struct WhiteNoiseMeanField {
    double mu = 0.0;
    double delta0 = 0.0;
    double delta_inf = 0.0;
    double gamma = 0.0;      // E[phi'(x)], x ~ N(mu, Delta0)
    double g_eff = 0.0;      // gamma g
    double mean_phi = 0.0;   // E[phi(x)]
    double a_phi = 0.0;      // Var phi(x) = E[phi^2] - E[phi]^2 (equal time, over sites and time)
};

// Throws std::domain_error for invalid parameters and std::runtime_error for: several self-consistent
// means (bistability: the message lists them), no decaying solution (Delta_inf = Delta0, frozen), no
// solution (blow-up) and several solutions in Delta0.
WhiteNoiseMeanField solveWhiteNoiseMeanField(const Activation& phi, double g, double sigma, double coupling_mean,
                                             double input, const GaussHermiteRule& rule = defaultGaussHermiteRule());

}  // namespace quench::theory
