#pragma once
// The four-point statistics (m2, N dc2, PR/N and the z-scored m2) of phi and x at N = infinity, equal time
// and zero frequency, with per-neuron time constants and gains in classes, iid J, eta = 0, as the
// simulator's recursion integrates them (docs/theory/heterogeneity.md, section 6). The tree level of the
// two-replica field Q^ab = (1/N) sum_i phi_i^a phi_i^b, as gain_class_four_point.hpp, but every class of time
// constant has its own leak filter f_c, so the kernel w = g^2 E_c gamma_c^2 f_c(theta) conj f_c(theta') is no
// longer one causal filter in theta': the integrals run over both frequencies. With one time constant it is
// gainClassEqualTime.
#include <complex>
#include <cstddef>
#include <vector>

#include "../step_coefficients.hpp"
#include "discrete_gaussian_site.hpp"
#include "quench/activation.hpp"
#include "quench/theory/heterogeneous_gains.hpp"
#include "quench/theory/sampled_dmft.hpp"

namespace quench::theory::detail {

// One class of neurons of equal time constant and gain: its weight, its leak, its response
// gamma_c = b E phi'(b x), x's autocovariance Delta_c(k) and phi's C_c(k).
struct NeuronClassPoint {
    double weight = 1.0;
    double gamma = 0.0;
    double gain = 1.0;  // b
    StepCoefficients step;
    std::vector<double> delta, c_phi;
};

// The (time constant, gain) classes of the site: each time-constant class split by the gains.
std::vector<NeuronClassPoint> neuronClassPoints(const Activation& phi, const std::vector<GainNode>& gains,
                                                const std::vector<TimeConstantClassSite>& sites);

// The frequency nodes on [0, pi] for integrands over (theta, theta') of the classes' leak filters: node 0 is
// theta = 0 itself (weight 0), then Gauss-Legendre panels graded from pi / lags up to pi.
struct FrequencyNodes {
    std::vector<double> theta, weight;  // the weights sum to pi
};
FrequencyNodes frequencyNodes(std::size_t lags);
// S(theta) = C(0) + 2 sum_k C(k) cos(k theta) at every node.
std::vector<double> spectrumAt(const std::vector<double>& c, const FrequencyNodes& nodes);
// Whether two classes share their time constant (the same step coefficients).
bool sameStep(const StepCoefficients& a, const StepCoefficients& b);
// The leak's transfer function f(theta) = sum_{j >= 1} drive decay^(j-1) e^{-i j theta} at every node.
std::vector<std::complex<double>> leakFilter(const StepCoefficients& step, const FrequencyNodes& nodes);

// One covariance's statistics (standard errors 0: nothing is sampled). z_m2 is m2 of the correlation matrix
// D^-1/2 C D^-1/2: the diagonal is heterogeneous at O(1) for x as well as phi once the time constants differ.
struct ClassCovarianceStatistics {
    SampledFourPoint phi, x;
    double phi_z_m2 = 0.0, x_z_m2 = 0.0;
};
struct NeuronClassFourPoint {
    ClassCovarianceStatistics equal_time;
    ClassCovarianceStatistics zero_frequency;  // in the time unit: the spectrum at w = 0 times dt
};

// The classes must share their lags (as timeConstantClassSitesUntilDecayed gives them). N dc2 subtracts the
// heterogeneous diagonal (1/N) sum_i C_ii^2. Throws std::domain_error when the linear-response network has no
// stationary state (|w| >= 1 somewhere).
NeuronClassFourPoint neuronClassFourPoint(const std::vector<NeuronClassPoint>& classes, double g, double dt);

}  // namespace quench::theory::detail
