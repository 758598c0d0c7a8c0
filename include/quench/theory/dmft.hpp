#pragma once
// Dynamic mean-field theory of noisy random networks dx = (-x + J phi(x)) dt + sigma dW, iid J with
// variance g^2/N and zero mean, N -> infinity (theory.md section 4; derivation in docs/theory/dmft.md).
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
    double mean_square_derivative = 0.0; // E[phi'^2]; g^2 E[phi'^2] = 1 is the local instability criterion
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
// the quiescent solution Delta0 = 0.
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
