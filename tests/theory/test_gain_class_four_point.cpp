// The equal-time four-point statistics with per-neuron gains (gain_class_four_point.hpp;
// docs/theory/heterogeneity.md, section 5): the tree level of the two-replica field with gain classes.
#include "../../host/theory/gain_class_four_point.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <tuple>
#include <vector>

#include "../../host/step_coefficients.hpp"
#include "../../host/theory/discrete_gaussian_site.hpp"
#include "activation_of.hpp"
#include "quench/ensemble_spec.hpp"
#include "quench/theory/heterogeneous_gains.hpp"

namespace quench::theory {
namespace {

using testing::activationOf;

StepCoefficients stepAt(double dt, double noise_tau) {
    EnsembleSpec spec;
    spec.integration.dt = dt;
    spec.noise.tau = noise_tau;
    return stepCoefficients(spec);
}

void expectRelativelyNear(double value, double reference, double tolerance, const std::string& what) {
    EXPECT_NEAR(value, reference, tolerance * std::fabs(reference)) << what;
}

// One class of gain 1 is the homogeneous network: the lag sums of the two-replica recursion give what the
// frequency-domain planar traces of discreteGaussianSiteFourPoints give (theory.md's all-frequency formula
// and state_covariance.md's x kernel in discrete time, held to simulations in sampled_dmft.md), for phi and
// x, with white and with Ornstein-Uhlenbeck noise, at a moderate and a strong coupling. The lag sums are
// converged to 1e-11 (a grid twice as fine changes nothing); the reference sums over cells of the grid (here
// 4e-7 relative in m2) and takes gamma from a quadrature of phi' (5e-7 at g = 2, where the edge amplifies
// it), and N dc2 = m2 - a^2 is the difference of nearly equal numbers.
TEST(GainClassFourPoint, OneClassIsTheHomogeneousAllFrequencyFormula) {
    const double dt = 0.05;
    const Activation phi = activationOf(ActivationKind::Tanh);
    for (const auto& [g, noise_tau] : {std::tuple{1.0, 0.0}, std::tuple{2.0, 0.0}, std::tuple{1.0, 1.0}}) {
        const StepCoefficients step = stepAt(dt, noise_tau);
        const detail::DiscreteGaussianSite site = detail::discreteGaussianSiteUntilDecayed(phi, g, step, dt);
        const detail::SampledFourPoints reference = detail::discreteGaussianSiteFourPoints(site, g, step, dt);
        const detail::GainClassFourPoint four = detail::gainClassEqualTime(
            detail::gainClassSites(phi, {{1.0, 1.0}}, site.delta), site.delta, g, step);
        const std::string at = " at g = " + std::to_string(g) + ", noise tau = " + std::to_string(noise_tau);
        for (const auto& [mine, theirs, what] : {std::tuple{&four.phi_et, &reference.phi_et, "phi"},
                                                 std::tuple{&four.x_et, &reference.x_et, "x"}}) {
            expectRelativelyNear(mine->auto_mean.value, theirs->auto_mean.value, 1e-9, what + (" a" + at));
            expectRelativelyNear(mine->m2.value, theirs->m2.value, 1e-5, what + (" m2" + at));
            expectRelativelyNear(mine->n_cross_var.value, theirs->n_cross_var.value, 2e-5,
                                 what + (" N dc2" + at));
            expectRelativelyNear(mine->pr_over_n.value, theirs->pr_over_n.value, 1e-5, what + (" PR/N" + at));
        }
    }
}

// One gain b for every neuron of a linear network: x is the homogeneous linear network at coupling g b, and
// phi = b x, so m2 of phi is b^4 times x's and the dimension is x's.
TEST(GainClassFourPoint, OneGainOfALinearNetworkScalesItsCoupling) {
    const double dt = 0.05, g = 0.9, b = 0.8;
    const Activation linear = activationOf(ActivationKind::Linear);
    const StepCoefficients step = stepAt(dt, 0.0);
    const detail::DiscreteGaussianSite scaled =
        detail::discreteGaussianSiteUntilDecayed(linear, g * b, step, dt);
    const detail::SampledFourPoints reference =
        detail::discreteGaussianSiteFourPoints(scaled, g * b, step, dt);
    const detail::DiscreteGaussianSite site =
        detail::discreteGaussianSiteUntilDecayed(linear, {{b, 1.0}}, g, step, dt);
    const detail::GainClassFourPoint four = detail::gainClassEqualTime(
        detail::gainClassSites(linear, {{b, 1.0}}, site.delta), site.delta, g, step);
    expectRelativelyNear(four.x_et.m2.value, reference.x_et.m2.value, 1e-6, "x m2");
    expectRelativelyNear(four.phi_et.m2.value, std::pow(b, 4) * reference.x_et.m2.value, 1e-6, "phi m2");
    expectRelativelyNear(four.phi_et.pr_over_n.value, reference.x_et.pr_over_n.value, 1e-6, "phi PR/N");
}

// The z-scored statistics of phi. With one class R = C / a, so z_m2 = m2 / a^2. In a linear network with
// gains, phi = B x, so R_phi = R_x per realization, and x's diagonal concentrates: z_m2 of phi is m2 /
// Delta0^2 of x, whatever the spread of the gains (here uniform, cv 0.4, in 48 classes); and z-scoring, which
// removes the heterogeneous diagonal, raises the dimension (heterogeneity.md, section 3, at equal time).
TEST(GainClassFourPoint, ZScoredActivationsAreTheRescaledOnesOrTheStates) {
    const double dt = 0.05;
    const StepCoefficients step = stepAt(dt, 0.0);
    const Activation tanh_phi = activationOf(ActivationKind::Tanh);
    const detail::DiscreteGaussianSite site =
        detail::discreteGaussianSiteUntilDecayed(tanh_phi, 1.5, step, dt);
    const detail::GainClassFourPoint one = detail::gainClassEqualTime(
        detail::gainClassSites(tanh_phi, {{1.0, 1.0}}, site.delta), site.delta, 1.5, step);
    const double a = one.phi_et.auto_mean.value;
    expectRelativelyNear(one.phi_et_z_m2, one.phi_et.m2.value / (a * a), 1e-12, "one class: z_m2 = m2 / a^2");

    const Activation linear = activationOf(ActivationKind::Linear);
    const std::vector<GainNode> gains = gainQuadrature({NeuronDistribution::Uniform, 1.0, 0.4});
    const double g = 0.6;
    const detail::DiscreteGaussianSite linear_site =
        detail::discreteGaussianSiteUntilDecayed(linear, gains, g, step, dt);
    const detail::GainClassFourPoint spread = detail::gainClassEqualTime(
        detail::gainClassSites(linear, gains, linear_site.delta), linear_site.delta, g, step);
    const double delta0 = spread.x_et.auto_mean.value;
    expectRelativelyNear(spread.phi_et_z_m2, spread.x_et.m2.value / (delta0 * delta0), 1e-10,
                         "linear phi with gains: R_phi = R_x");
    EXPECT_GT(1.0 / spread.phi_et_z_m2, spread.phi_et.pr_over_n.value) << "z-scoring raises phi's dimension";
}

// Past the linear-response network's edge (g^2 E_b gamma_b^2 >= 1) there is no stationary state to sum.
TEST(GainClassFourPoint, AnUnstableLinearResponseNetworkThrows) {
    const StepCoefficients step = stepAt(0.05, 0.0);
    const std::vector<double> delta = {1.0, 0.5, 0.25, 0.0};
    const std::vector<detail::GainClassSite> classes = {{1.0, 1.1, {0.5, 0.25, 0.1, 0.0}}};
    EXPECT_THROW(detail::gainClassEqualTime(classes, delta, 1.0, step), std::domain_error);
}

}  // namespace
}  // namespace quench::theory
