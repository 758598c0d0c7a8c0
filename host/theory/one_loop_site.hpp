#pragma once
// The one-loop (1/N) terms of the single-site means of an iid network (eta = 0, the Gaussian or the zero
// diagonal, white or Ornstein-Uhlenbeck noise, a smooth phi, per-neuron gains and time constants) as the
// simulator integrates it: docs/theory/one_loop_site.md.
//
// Averaging over J and introducing the population covariance C(t, s) = (1/N) sum_j phi_j(t) phi_j(s) as a
// collective field makes the action N times a single-site action. The Laplace expansion about its saddle
// (the N = infinity site) gives, for a single-site observable O,
//     N (E O - O*) = 1/2 d2O/dC2 [Sigma] + S_O + dO/dC . t,   t = R (1/2 F''[Sigma] + S_F),
// with F the site's two-point function of phi at field covariance g^2 C, R = (1 - F')^-1 the response of
// the population to a change of its own covariance, Sigma = R K R^T the covariance of the population's
// fluctuation (K: that of one site's products phi(t) phi(s)), and S_O the site's response to its own
// contribution to C. Sigma and the S terms are averages over sample paths of the N = infinity Gaussian
// site, pushed through R by the causal recursion delta C = p + F' delta C: a Monte-Carlo estimate with its
// standard error (the spread over paths), not a fit.
#include <cstdint>

#include "../step_coefficients.hpp"
#include "discrete_gaussian_site.hpp"
#include "quench/activation.hpp"
#include "quench/neuron_parameters.hpp"
#include "quench/theory/linear_finite_size.hpp"

namespace quench::theory::detail {

struct OneLoopOptions {
    double window = 20.0;  // lags kept (time units): the memory of the site and of the population's response
    int paths = 64;        // independent sample paths of the N = infinity site
    int steps = 20000;     // kept steps per path
    std::uint64_t seed = 20261127;
};

// c in E_J[S](N) = S(infinity) + c / N + O(1/N^2) and its Monte-Carlo standard error.
struct OneLoopValue {
    double value = 0.0;
    double se = 0.0;
};

struct OneLoopSiteMeans {
    OneLoopValue x_et_a;    // E Var x_i
    OneLoopValue phi_et_a;  // E phi(x_i)^2
    OneLoopValue x_zf_a;    // dt sum_k E x_i(n) x_i(n + k): the zero-frequency power
    OneLoopValue phi_zf_a;
    // The parts of the ZF lag sums from the window's last quarter (lags above 3 L / 4): their convergence
    // check (section 7: the 1/N change of the autocorrelation outlasts the autocorrelation itself).
    OneLoopValue x_zf_tail, phi_zf_tail;
    // With a spread of gains or time constants phi's ET auto_var has an O(1) limit Var_c A (A_c = E phi(b
    // x)^2 of class c) and a 1/N term: lim N (E auto_var - Var_c A) = E_c kappa_c + this, the part from the
    // classes' one-loop shifts, the sampling of the classes among the N sites and the plug-in mean
    // (heterogeneity.md, sections 9 and 10; kappa_c, the within-class spread, is site_auto_variance.hpp's).
    // x's likewise with a spread of time constants (A_c = Delta_c(0)); with gains alone its spread is O(1/N).
    bool has_phi_et_auto_var = false;
    OneLoopValue phi_et_auto_var;
    bool has_x_et_auto_var = false;
    OneLoopValue x_et_auto_var;
    int lags = 0;   // L + 1 lags kept
    int paths = 0;  // sample paths taken (with classes of time constant, at least two per class)
};

// diagonal: J_ii ~ N(0, g^2 / N) like the rest, or J_ii = 0 (coupling.zero_diagonal). With colored noise
// the window should also hold the noise's memory (several tau). gain: per-neuron gains phi(b_i x_i)
// (network.gain_*; section 11 of the doc): the site is one of random gain, drawn per sample path; with the
// zero diagonal each site leaves its own product out of its field. Throws std::domain_error for
// a kinked phi (power law, ReLU, threshold-linear: its higher derivatives are not functions) or a site that
// does not settle.
OneLoopSiteMeans oneLoopSiteMeans(const Activation& phi, double g, const StepCoefficients& step, double dt,
                                  DiagonalConvention diagonal, const OneLoopOptions& options = {},
                                  const NeuronParameterSpec& gain = {});

// Per-neuron time constants (network.tau_*; section 12 of the doc): the neurons in classes of time constant,
// each with its own leak, noise and Delta_c, all seeing the one population covariance, so every class has its
// own self field and self-response kernel. The paths are stratified by class (each its share of
// options.paths, at least two), the means weighted by the classes' shares. One class {1, step} is the
// overload above.
OneLoopSiteMeans oneLoopSiteMeans(const Activation& phi, double g, const std::vector<TimeConstantClass>& taus,
                                  double dt, DiagonalConvention diagonal, const OneLoopOptions& options = {},
                                  const NeuronParameterSpec& gain = {});

}  // namespace quench::theory::detail
