#pragma once
// Nonlinear networks with random-mode couplings whose input and output modes overlap (rho_a != 0), white or
// Ornstein-Uhlenbeck noise (spectrum sigma^2 / (1 + noise_tau^2 w^2)), odd phi: the Gaussian closure of
// linear equivalence (docs/theory/random_mode.md, "Nonlinear networks with overlap"). phi = gamma x + r with
// r independent site noise makes the network linear with the random-mode coupling gamma J (D -> gamma D, the
// same rho_a); its propagators P = (1/N) Tr R R^H and u = (1/N) Tr R, R = (K - gamma J)^-1, come from the
// cavities of random_mode_theory.hpp. It is exact at rho = 0 (the DMFT: single sites do not see the modes)
// and for linear phi (the linear cavities); for a nonlinear phi with overlap it is an approximation: it drops
// the reaction term through which x_i feels its own past phi_i (via sum_a D_a U_ia V_ia), so x is not
// Gaussian there.
#include <vector>

#include "quench/activation.hpp"
#include "quench/theory/dmft.hpp"
#include "quench/theory/tabulated_spectrum.hpp"

namespace quench::theory {

// Delta(tau), C_phi(tau) of the closure on tau_k = k dt (options.dt; options.max_tau = 0 chooses
// 30 / rate + 10, rate from the solved network's distance to the edge: a first pass at rate 0.15, redone on a
// longer grid when the network is slower). g_eff is gamma g with
// g^2 = (1/N) sum D_a^2. Throws std::domain_error naming the parameter for invalid D, N, rho, sigma <= 0,
// noise_tau < 0, a phi with E[phi] != 0, and when gamma J has no stationary state; std::runtime_error when
// the iteration does not converge.
DmftCorrelation solveRandomModeOverlapCorrelation(const Activation& phi, const std::vector<double>& D, int N,
                                                  const std::vector<double>& rho, double sigma,
                                                  const DmftGridOptions& options = {},
                                                  double noise_tau = 0.0);

// The closure's equivalent site noise L(w) = S_phi(w) / P(w), tabulated on w = s tan(theta) up to w_cap (the
// network's width s; held constant beyond w_cap: with white noise L is there within ~1/w^2 of its limit
// E[phi'^2] sigma^2, with OU noise it decays like 1/w^2 where the ET integrands are already negligible).
TabulatedSpectrum randomModeOverlapEquivalentNoise(const DmftCorrelation& c, const std::vector<double>& D,
                                                   int N, const std::vector<double>& rho, double w_cap);

// The closure's x spectrum S_x(w) at each w of an ascending grid of w >= 0 (S_x(0) is the x ZF auto mean).
std::vector<double> randomModeOverlapStateSpectrum(const DmftCorrelation& c, const std::vector<double>& D,
                                                   int N, const std::vector<double>& rho, double sigma,
                                                   const std::vector<double>& w, double noise_tau = 0.0);

}  // namespace quench::theory
