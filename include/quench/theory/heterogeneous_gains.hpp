#pragma once
// Networks with per-neuron gains b_i, phi_i = phi(b_i x_i), iid J (variance g^2/N, zero mean), white
// noise, odd phi, N -> infinity (docs/theory/heterogeneity.md). Every x_i sees the same Gaussian field,
// so Delta(tau) is common to all neurons and only phi's statistics depend on b.
#include <vector>

#include "quench/activation.hpp"
#include "quench/neuron_parameters.hpp"
#include "quench/theory/gaussian_average.hpp"

namespace quench::theory {

// The gain distribution as classes of neurons (quadrature nodes): b_k with weights summing to 1.
// none: one node; lognormal: Gauss-Hermite in z; uniform: Gauss-Legendre.
struct GainNode {
    double b = 1.0;
    double weight = 1.0;
};
std::vector<GainNode> gainQuadrature(const NeuronParameterSpec& gain, int order = 48);

// The effective gain of a neuron of gain b, gamma_b = b E[phi'(b x)], x ~ N(0, delta0), in Stein's form
// b E[y phi(y)] / v, y ~ N(0, v = b^2 delta0): the smooth y phi(y) stays resolved by the quadrature when
// sqrt(v) is far above phi's scale (the large gains of a lognormal tail), phi' does not.
double gainedEffectiveGain(const Activation& phi, double b, double delta0, const GaussHermiteRule& rule);

// One zero-frequency covariance: a = Tr C / N, m2 = Tr C^2 / N, N var_{i!=j} C_ij = m2 - (1/N) sum C_ii^2,
// the diagonal heterogeneity var_i C_ii / a^2, and the same for the correlation matrix R (z-scored).
struct HeterogeneousZeroFrequency {
    double a = 0.0, m2 = 0.0, n_cross_var = 0.0, pr_over_n = 0.0, diagonal_cv2 = 0.0;
    double z_m2 = 0.0, z_n_cross_var = 0.0, z_pr_over_n = 0.0;
};

struct HeterogeneousGainTheory {
    double delta0 = 0.0;     // Var x (ET), root of Delta0^2 = sigma^4/4 + 2 g^2 E_b Var[Phi(b x) / b]
    double gamma_rms = 0.0;  // sqrt(E_b gamma_b^2), gamma_b = b E[phi'(b x)]
    double g_eff = 0.0;      // g gamma_rms: the linear-equivalent coupling strength
    double a_phi = 0.0;      // ET E_b E[phi(b x)^2]
    double a_phi_diagonal_cv2 = 0.0;    // ET var_i C_ii / a^2 of phi (O(1))
    double a_x_zf = 0.0;                // S_x(0) = sigma^2 + g^2 E_b S_phi,b(0)
    HeterogeneousZeroFrequency x_zf;    // exact for linear phi, linear response otherwise
    HeterogeneousZeroFrequency phi_zf;  // exact for linear phi, linear equivalence otherwise
    bool linear = false;
};

// x at zero frequency from phi's: x = f (J phi + xi) at w = 0 (f = 1), and the two-replica products of x are
// g^2 times those of phi plus their own sampling noise, which Stein's lemma correlates with phi's by
// E_b gamma_b^2 (docs/theory/heterogeneity.md, section 5):
//   m2_x = a_x^2 (1 + g_eff^2) / (1 - g_eff^2) + g^4 m2_phi,
// x's diagonal concentrates (N dc2 = m2 - a_x^2, the z-scored statistics are the rescaled ones). For a linear
// phi it is the separable profile's exact result.
HeterogeneousZeroFrequency stateZeroFrequencyByLinearResponse(double g, double a_x, double g_eff,
                                                              double m2_phi);

// Throws std::domain_error for sigma <= 0, g < 0 or a phi with E[phi] != 0, std::runtime_error when
// the variance equation has no root or the linear-equivalent network is unstable (g_eff >= 1).
HeterogeneousGainTheory solveHeterogeneousGains(const Activation& phi, double g, double sigma,
                                                const NeuronParameterSpec& gain,
                                                const GaussHermiteRule& rule = defaultGaussHermiteRule());

}  // namespace quench::theory
