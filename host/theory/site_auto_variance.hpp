#pragma once
// The site-to-site spread of the equal-time auto-covariances C_ii at N = infinity: kappa = lim N Var_i C_ii,
// the 1/N coefficient of the statistic auto_var, for a nonlinear network with iid J (eta = 0) and a
// homogeneous Gaussian site (docs/theory/site_auto_variance.md). Each site's quenched row J_i. makes its
// input power differ from the population's by O(1/sqrt(N)), and its coupling to itself (J_ii and the reaction
// J_i. G J_.i through the others) is an O(1/sqrt(N)) self-feedback; to first order in both
//   kappa = 2 g^4 q'^2 T + nu g^2 w(0)^2 + g^4 sum_{n>=0} g^(2n) (sum_k w(k) chi^{*(n+1)}(k))^2,
// T the filtered four-point sum of the linear-response network (filteredPhiFourPoint), q' = dE phi^2/dDelta0
// (1 for x), w the first-order response of E phi^2 (or Var x) to a unit self-feedback at lag k, and nu = 1
// with the Gaussian diagonal, 0 with J_ii = 0.
#include <cstddef>
#include <string>
#include <vector>

#include "../step_coefficients.hpp"
#include "discrete_gaussian_site.hpp"
#include "neuron_class_four_point.hpp"
#include "quench/activation.hpp"

namespace quench::theory::detail {

// dt sum over all lags k of c(|k|), c(k) for k >= 0: the zero-frequency power of a stationary covariance.
double zeroFrequencyPower(const std::vector<double>& c, double dt);

struct SiteAutoVariance {
    double phi = 0.0;  // lim N Var_i C_ii of the phi covariance
    double x = 0.0;    // and of the x covariance
    // Their parts from the input row, 2 g^4 q'^2 T (the rest is the self-feedback's).
    double phi_input = 0.0;
    double x_input = 0.0;
};

SiteAutoVariance siteAutoVariance(const Activation& phi, const DiscreteGaussianSite& site, double g,
                                  const StepCoefficients& step, bool zero_diagonal);

// The same for the zero-frequency covariance (docs/theory/site_auto_variance.md, section 5). The input row
// changes the site's input spectrum at every frequency; x's ZF power sees only its zero-frequency value,
// phi's all of it (through E phi'phi' and E phi''phi at every lag). A self-feedback moves x's ZF power by 2
// gamma ZF_x, phi's by 2 gamma ZF_phi plus lag-dependent pair terms and the connected three-point sums
// (connected_three_point.hpp), whose cost grows like the square of the correlation length: beyond
// kMaxThreePointPairs (lag pairs; near the edge) phi's value is left out, with the reason.
struct ZeroFrequencySiteAutoVariance {
    double x = 0.0;
    double x_input = 0.0;
    bool has_phi = false;
    double phi = 0.0;
    double phi_input = 0.0;
    std::string phi_reason;  // why phi's is left out
};
inline constexpr std::size_t kMaxThreePointPairs = 400000;

ZeroFrequencySiteAutoVariance zeroFrequencySiteAutoVariance(const Activation& phi,
                                                            const DiscreteGaussianSite& site, double g,
                                                            const StepCoefficients& step, double dt,
                                                            bool zero_diagonal);

// x's kappa with per-neuron gains phi(b_i x_i) (equal time constants, white or OU noise; docs/theory/
// heterogeneity.md, section 8). Every gain class sees the one field through the one leak, so x's C_ii differ
// only at O(1/sqrt(N)), by each site's input row and self-feedback, as without gains. A class-b site's
// feedback response is gamma_b Delta and the ladder's rung E_b gamma_b^2: E_b kappa_b is the homogeneous
// formula with gamma^2 -> Gamma^2 = E_b gamma_b^2 and the classes' four-point sums. ZF and ET.
struct ClassXAutoVariance {
    double equal_time = 0.0;
    double zero_frequency = 0.0;
};
ClassXAutoVariance gainClassXAutoVariance(const std::vector<GainClassSite>& classes,
                                          const std::vector<double>& delta, double g,
                                          const StepCoefficients& step, double dt, bool zero_diagonal);

// phi's within-class spread averaged over the gain classes, E_b kappa_b (ET; heterogeneity.md, section 9): a
// class-b site's E phi(b x)^2 moves by B_b = dE phi(b x)^2/dDelta(0) times x's input-row change, and by its
// own self-feedback through phi(b x), with the response v_b(m) = b E[phi phi'(b x_n) phi(b x_{n-m})] and the
// classes' rung Gamma^2. gains: the classes' nodes, in the order of `classes`.
double gainClassPhiAutoVariance(const Activation& phi, const std::vector<GainNode>& gains,
                                const std::vector<GainClassSite>& classes, const std::vector<double>& delta,
                                double g, const StepCoefficients& step, bool zero_diagonal);

// The within-class spreads of x's and phi's ET C_ii averaged over classes of time constant and gain, E_c
// kappa_c (heterogeneity.md, section 10). A site of class c = (tau, b) is section 8's site with its own leak
// f_tau: its input row moves its Delta_c(0) through |f_tau|^2, N Var = 2 g^4 T_tau with T_tau the mean over
// (theta, theta') of |f_tau|^2 |f_tau'|^2 tr C_phi C_phi' / N (the two-replica kernel of
// neuron_class_four_point.hpp), and its self-feedback has the response gamma_c w_tau (x) or
// selfFeedbackResponse(b E[phi phi'(b x_n) phi(b x_{n-m})]) (phi), projected on the ladder of the classes'
// mixed rung K = g^2 E_c gamma_c^2 f_c(theta) conj f_c(theta'): nu g^2 w(0)^2 + g^2 <conj W W' K / (1 - K)>.
// With one class of time constant it is gainClassXAutoVariance's and gainClassPhiAutoVariance's ET values.
struct NeuronClassAutoVariance {
    double x = 0.0;
    double phi = 0.0;
};
NeuronClassAutoVariance neuronClassAutoVariance(const Activation& phi,
                                                const std::vector<NeuronClassPoint>& classes, double g,
                                                bool zero_diagonal);

// x's ZF kappa with classes of time constant and gain, E_c kappa_c (heterogeneity.md, section 10). x's ZF
// power is the field's ZF power plus the class's own noise's (every leak passes zero frequency whole), so a
// class-c site moves it as a gain class does: its input row through the population's E_c S_c(0)^2 and its
// self-feedback through the response 2 gamma_c ZF_c, with the classes' rung Gamma^2. ZF_c is the class's own:
// the recursion's noise adds sigma^2 (h coth h - 1), h = dt / (2 tau), which is not negligible for the
// fastest classes (tau = 0.04 at dt = 0.05: +7 %), so no one class's ZF_x stands for all.
double neuronClassXZeroFrequencyAutoVariance(const std::vector<NeuronClassPoint>& classes, double g,
                                             double dt, bool zero_diagonal);

}  // namespace quench::theory::detail
