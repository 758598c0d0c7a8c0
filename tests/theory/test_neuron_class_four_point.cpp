// The N = infinity site and four-point statistics with per-neuron time constants (and gains) in classes
// (neuron_class_four_point.hpp, timeConstantClassSitesUntilDecayed; docs/theory/heterogeneity.md, section 6).
#include "../../host/theory/neuron_class_four_point.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <tuple>
#include <vector>

#include "../../host/step_coefficients.hpp"
#include "../../host/theory/discrete_gaussian_site.hpp"
#include "../../host/theory/gain_class_four_point.hpp"
#include "activation_of.hpp"
#include "quench/ensemble_spec.hpp"
#include "quench/theory/heterogeneous_gains.hpp"

namespace quench::theory {
namespace {

using testing::activationOf;

constexpr double kDt = 0.05;

StepCoefficients stepFor(double tau, double noise_tau = 0.0) {
    EnsembleSpec spec;
    spec.integration.dt = kDt;
    spec.noise.tau = noise_tau;
    return stepCoefficients(spec, tau);
}

// An isolated leak's zero-frequency power at sigma = 1 in the time unit: (1 + e) dt / (2 tau (1 - e)) =
// h coth h, h = dt / (2 tau) (exponential Euler is exact for the leak).
double isolatedZeroFrequencyPower(double tau) {
    const double h = kDt / (2.0 * tau);
    return h / std::tanh(h);
}

void expectRelativelyNear(double value, double reference, double tolerance, const std::string& what) {
    EXPECT_NEAR(value, reference, tolerance * std::fabs(reference)) << what;
}

void expectSameStatistics(const SampledFourPoint& mine, const SampledFourPoint& theirs, double tolerance,
                          const std::string& what) {
    expectRelativelyNear(mine.auto_mean.value, theirs.auto_mean.value, 1e-9, what + " a");
    expectRelativelyNear(mine.m2.value, theirs.m2.value, tolerance, what + " m2");
    expectRelativelyNear(mine.n_cross_var.value, theirs.n_cross_var.value, 2.0 * tolerance, what + " N dc2");
    expectRelativelyNear(mine.pr_over_n.value, theirs.pr_over_n.value, tolerance, what + " PR/N");
}

detail::NeuronClassFourPoint classStatistics(const Activation& phi, const std::vector<GainNode>& gains,
                                             const std::vector<detail::TimeConstantClass>& taus, double g) {
    const std::vector<detail::TimeConstantClassSite> sites =
        detail::timeConstantClassSitesUntilDecayed(phi, gains, taus, g, kDt);
    return detail::neuronClassFourPoint(detail::neuronClassPoints(phi, gains, sites), g, kDt);
}

// Every neuron with the time constant 2: one class, the homogeneous site of that leak. Its ET and ZF
// statistics are those of the frequency-domain planar traces (discreteGaussianSiteFourPoints), an
// independent evaluation, for phi and x, with white and OU noise; x's correlation matrix is C / Delta(0).
TEST(NeuronClassFourPoint, OneTimeConstantIsTheHomogeneousSiteOfThatLeak) {
    const Activation phi = activationOf(ActivationKind::Tanh);
    for (const auto& [g, noise_tau] : {std::tuple{1.0, 0.0}, std::tuple{1.5, 0.0}, std::tuple{1.0, 1.0}}) {
        const StepCoefficients step = stepFor(2.0, noise_tau);
        const detail::DiscreteGaussianSite site = detail::discreteGaussianSiteUntilDecayed(phi, g, step, kDt);
        const detail::SampledFourPoints reference =
            detail::discreteGaussianSiteFourPoints(site, g, step, kDt);
        const detail::NeuronClassFourPoint four = classStatistics(phi, {{1.0, 1.0}}, {{1.0, step}}, g);
        const std::string at = " at g = " + std::to_string(g) + ", noise tau = " + std::to_string(noise_tau);
        expectSameStatistics(four.equal_time.phi, reference.phi_et, 1e-5, "phi ET" + at);
        expectSameStatistics(four.equal_time.x, reference.x_et, 1e-5, "x ET" + at);
        expectSameStatistics(four.zero_frequency.phi, reference.phi_zf, 1e-5, "phi ZF" + at);
        expectSameStatistics(four.zero_frequency.x, reference.x_zf, 1e-5, "x ZF" + at);
        const double delta0 = four.equal_time.x.auto_mean.value;
        const double a_phi = four.equal_time.phi.auto_mean.value;
        expectRelativelyNear(four.equal_time.x_z_m2, four.equal_time.x.m2.value / (delta0 * delta0), 1e-9,
                             "x z_m2" + at);
        expectRelativelyNear(four.equal_time.phi_z_m2, four.equal_time.phi.m2.value / (a_phi * a_phi), 1e-9,
                             "phi z_m2" + at);
    }
}

// One time constant with lognormal gains: the sums over both frequency grids give what the gain classes'
// closed lag sums give (gainClassEqualTime), which share nothing with them but the classes.
TEST(NeuronClassFourPoint, OneTimeConstantWithGainsIsTheGainClassFormula) {
    const Activation phi = activationOf(ActivationKind::Tanh);
    NeuronParameterSpec gain;
    gain.distribution = NeuronDistribution::Lognormal;
    gain.cv = 0.5;
    const std::vector<GainNode> gains = gainQuadrature(gain, 16);
    const double g = 1.0;
    const StepCoefficients step = stepFor(1.0);
    const detail::DiscreteGaussianSite site =
        detail::discreteGaussianSiteUntilDecayed(phi, gains, g, step, kDt);
    const detail::GainClassFourPoint reference =
        detail::gainClassEqualTime(detail::gainClassSites(phi, gains, site.delta), site.delta, g, step);
    const detail::NeuronClassFourPoint four = classStatistics(phi, gains, {{1.0, step}}, g);
    expectSameStatistics(four.equal_time.phi, reference.phi_et, 1e-8, "phi ET");
    expectSameStatistics(four.equal_time.x, reference.x_et, 1e-8, "x ET");
    EXPECT_NEAR(four.equal_time.phi_z_m2, reference.phi_et_z_m2, 1e-8 * reference.phi_et_z_m2);
}

// Uncoupled neurons (g = 0): C is diagonal, so m2 is the mean square of the classes' variances and N dc2
// vanishes; each class's variance is its isolated leak's, sigma^2 (1 - e^2) / (2 tau) / (1 - e^2) =
// 1 / (2 tau) at sigma = 1, and its ZF power isolatedZeroFrequencyPower.
TEST(NeuronClassFourPoint, UncoupledClassesAreTheirIsolatedLeaks) {
    const Activation linear = activationOf(ActivationKind::Linear);
    const std::vector<detail::TimeConstantClass> taus = {{0.25, stepFor(0.5)}, {0.75, stepFor(2.0)}};
    const detail::NeuronClassFourPoint four = classStatistics(linear, {{1.0, 1.0}}, taus, 0.0);
    const double v1 = 1.0, v2 = 0.25;
    EXPECT_NEAR(four.equal_time.x.auto_mean.value, 0.25 * v1 + 0.75 * v2, 1e-10);
    EXPECT_NEAR(four.equal_time.x.m2.value, 0.25 * v1 * v1 + 0.75 * v2 * v2, 1e-10);
    EXPECT_NEAR(four.equal_time.x.n_cross_var.value, 0.0, 1e-10);
    EXPECT_NEAR(four.equal_time.x_z_m2, 1.0, 1e-10);
    EXPECT_NEAR(four.zero_frequency.x.auto_mean.value,
                0.25 * isolatedZeroFrequencyPower(0.5) + 0.75 * isolatedZeroFrequencyPower(2.0), 1e-9);
    EXPECT_NEAR(four.zero_frequency.x.n_cross_var.value, 0.0, 1e-9);
}

// A linear network at zero frequency: x (1 - e_c) = (1 - e_c) (J x) + kick_c eps, so each class's noise
// enters with the power sigma_c^2 = dt kick_c^2 / (1 - e_c)^2 = sigma^2 h_c coth h_c
// (isolatedZeroFrequencyPower) in the time unit, and the mean field gives S_x,c(0) = sigma_c^2 + g^2 E
// S_x(0): a_x = E_c sigma_c^2 / (1 - g^2), whatever the time constants do at other frequencies.
TEST(NeuronClassFourPoint, ALinearNetworksZeroFrequencyVarianceSeesOnlyTheNoisePowers) {
    const Activation linear = activationOf(ActivationKind::Linear);
    const double g = 0.5;
    const std::vector<detail::TimeConstantClass> taus = {{0.25, stepFor(0.5)}, {0.75, stepFor(2.0)}};
    const detail::NeuronClassFourPoint four = classStatistics(linear, {{1.0, 1.0}}, taus, g);
    const double expected =
        (0.25 * isolatedZeroFrequencyPower(0.5) + 0.75 * isolatedZeroFrequencyPower(2.0)) / (1.0 - g * g);
    EXPECT_NEAR(four.zero_frequency.x.auto_mean.value, expected, 1e-8 * expected);
    EXPECT_NEAR(four.zero_frequency.phi.auto_mean.value, expected, 1e-8 * expected);
}

}  // namespace
}  // namespace quench::theory
