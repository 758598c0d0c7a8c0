// The one-loop 1/N terms of the single-site means (host/theory/one_loop_site.hpp;
// docs/theory/one_loop_site.md). What is exact: a linear phi makes them the derived linear coefficient (up to
// the recursion's O(dt)), the sampling is a pure function of its seed, and what the expansion cannot take is
// refused. Their agreement with simulations of nonlinear networks is the validation reports' (the doc,
// section 6).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <utility>
#include <vector>

#include "../../host/step_coefficients.hpp"
#include "../../host/theory/one_loop_site.hpp"
#include "quench/ensemble_spec.hpp"
#include "quench/neuron_parameters.hpp"
#include "quench/theory/heterogeneous_gains.hpp"
#include "quench/theory/linear_finite_size.hpp"

namespace quench::theory {
namespace {

StepCoefficients whiteNoiseStep(double dt, double tau_noise = 0.0) {
    EnsembleSpec spec;
    spec.integration.dt = dt;
    spec.noise.sigma = 1.0;
    spec.noise.tau = tau_noise;
    return stepCoefficients(spec);
}

Activation ofKind(ActivationKind kind) {
    Activation phi;
    phi.kind = kind;
    return phi;
}

detail::OneLoopOptions quickSampling() {
    detail::OneLoopOptions o;
    o.window = 8.0;
    o.paths = 32;
    o.steps = 10000;
    return o;
}

// With phi = x every Sigma term vanishes and only the site's response to its own products is left; the
// expansion must then give the linear network's derived coefficient (linear_finite_size.md, 0.11909 at
// g = 0.5 with the Gaussian diagonal). The recursion at dt = 0.025 sits 2 % below its dt -> 0 limit (the
// MC-free evaluation of the same formulas gives 0.11665; 0.11908 extrapolated to dt = 0).
TEST(OneLoopSite, ALinearPhiGivesTheDerivedLinearCoefficient) {
    const double derived =
        linearEqualTimeFirstOrder(0.5, 0.0, 1.0, DiagonalConvention::Gaussian).auto_mean;  // 0.11909
    const double dt = 0.025;
    const detail::OneLoopSiteMeans c =
        detail::oneLoopSiteMeans(ofKind(ActivationKind::Linear), 0.5, whiteNoiseStep(dt), dt,
                                 DiagonalConvention::Gaussian, quickSampling());
    const double offset = 0.003;  // the O(dt) shift, bounded
    EXPECT_NEAR(c.x_et_a.value, derived, 4.0 * c.x_et_a.se + offset) << "se " << c.x_et_a.se;
    EXPECT_NEAR(c.phi_et_a.value, derived, 4.0 * c.phi_et_a.se + offset) << "se " << c.phi_et_a.se;
    EXPECT_LT(c.x_et_a.se, 0.1 * derived);
}

// The zero diagonal removes the direct part of the site's response to its own products and shifts the
// covariance every site sees by -C*/N (the doc, section 9); with phi = x the result must be the linear
// network's zero-diagonal coefficient (-0.08668 at g = 0.5), 0.20577 below the Gaussian diagonal's, in the
// ET and the ZF auto means (ZF: 4 SE or 5 %, the window of 8 time units truncates its lag sum).
TEST(OneLoopSite, WithTheZeroDiagonalALinearPhiGivesTheDerivedLinearCoefficient) {
    const double et = linearEqualTimeFirstOrder(0.5, 0.0, 1.0, DiagonalConvention::Zero).auto_mean;
    const double zf = linearZeroFrequencyFirstOrder(0.5, 0.0, 1.0, DiagonalConvention::Zero).auto_mean;
    const double dt = 0.025;
    const detail::OneLoopSiteMeans c =
        detail::oneLoopSiteMeans(ofKind(ActivationKind::Linear), 0.5, whiteNoiseStep(dt), dt,
                                 DiagonalConvention::Zero, quickSampling());
    const double offset = 0.003;
    EXPECT_NEAR(c.x_et_a.value, et, 4.0 * c.x_et_a.se + offset) << "se " << c.x_et_a.se;
    EXPECT_NEAR(c.phi_et_a.value, et, 4.0 * c.phi_et_a.se + offset) << "se " << c.phi_et_a.se;
    EXPECT_NEAR(c.x_zf_a.value, zf, 4.0 * c.x_zf_a.se + 0.05 * std::fabs(zf)) << "se " << c.x_zf_a.se;
    EXPECT_LT(c.x_et_a.se, 0.1 * std::fabs(et));
    std::printf("zero diagonal, g = 0.5: ET %.5f +- %.5f (derived %.5f), ZF %.4f +- %.4f (derived %.4f)\n",
                c.x_et_a.value, c.x_et_a.se, et, c.x_zf_a.value, c.x_zf_a.se, zf);
}

// Ornstein-Uhlenbeck noise enters the site's input beside the field (the doc, section 10); with phi = x the
// result must be the linear network's coefficient under the same noise (continuous time; at dt = 0.025 the
// recursion's O(dt) shift is bounded as in the white-noise case). tau = 2 (0.10563 at g = 0.5), not 1, whose
// coefficient happens to equal the white noise's (0.11909) and would not tell them apart.
TEST(OneLoopSite, WithColoredNoiseALinearPhiGivesTheDerivedLinearCoefficient) {
    const double tau = 2.0;
    const double derived =
        linearEqualTimeFirstOrder(0.5, 0.0, 1.0, DiagonalConvention::Gaussian, tau).auto_mean;
    const double dt = 0.025;
    detail::OneLoopOptions o = quickSampling();
    o.window = 16.0;  // eight times the noise's memory
    const detail::OneLoopSiteMeans c = detail::oneLoopSiteMeans(
        ofKind(ActivationKind::Linear), 0.5, whiteNoiseStep(dt, tau), dt, DiagonalConvention::Gaussian, o);
    const double offset = 0.003 * derived / 0.11909;  // the white-noise bound, scaled with the coefficient
    EXPECT_NEAR(c.x_et_a.value, derived, 4.0 * c.x_et_a.se + offset) << "se " << c.x_et_a.se;
    EXPECT_NEAR(c.phi_et_a.value, derived, 4.0 * c.phi_et_a.se + offset) << "se " << c.phi_et_a.se;
    EXPECT_LT(c.x_et_a.se, 0.1 * derived);
    std::printf("colored noise tau = 2, g = 0.5: ET %.5f +- %.5f (derived %.5f)\n", c.x_et_a.value,
                c.x_et_a.se, derived);
}

// Per-neuron gains (the doc, section 11). One gain mu for every neuron is a model identity: phi(mu x) with
// the couplings J is the network of the scaled phi. For phi = x it is the linear network at g mu, whose phi =
// mu x has mu^2 its x statistics; for a Pade phi it is the Pade of the scaled argument (coefficients p_k
// mu^k, q_k mu^k). The same sample paths (the same field covariance up to rounding) give the same
// coefficients, to rounding for phi = x and to the finite differences of the jets (a relative 1e-7) for the
// Pade.
TEST(OneLoopSite, OneGainForEveryNeuronIsTheNetworkOfTheScaledPhi) {
    const double mu = 1.5, dt = 0.05;
    detail::OneLoopOptions o = quickSampling();
    o.paths = 8;
    NeuronParameterSpec gain;
    gain.mean = mu;
    const StepCoefficients step = whiteNoiseStep(dt);
    const auto scaled = detail::oneLoopSiteMeans(ofKind(ActivationKind::Linear), 0.4, step, dt,
                                                 DiagonalConvention::Gaussian, o, gain);
    const auto plain = detail::oneLoopSiteMeans(ofKind(ActivationKind::Linear), 0.4 * mu, step, dt,
                                                DiagonalConvention::Gaussian, o);
    EXPECT_NEAR(scaled.x_et_a.value, plain.x_et_a.value, 1e-6 * std::fabs(plain.x_et_a.value));
    EXPECT_NEAR(scaled.phi_et_a.value, mu * mu * plain.phi_et_a.value,
                1e-6 * mu * mu * std::fabs(plain.phi_et_a.value));
    EXPECT_NEAR(scaled.x_zf_a.value, plain.x_zf_a.value, 1e-6 * std::fabs(plain.x_zf_a.value));

    Activation pade = ofKind(ActivationKind::Pade);  // tanh_3_2: x (15 + x^2) / (15 + 6 x^2)
    pade.p_count = 4;
    pade.q_count = 3;
    const double p[4] = {0.0, 15.0, 0.0, 1.0}, q[3] = {15.0, 0.0, 6.0};
    Activation pade_scaled = pade;
    for (int k = 0; k < 4; ++k) pade.p[k] = p[k], pade_scaled.p[k] = p[k] * std::pow(mu, k);
    for (int k = 0; k < 3; ++k) pade.q[k] = q[k], pade_scaled.q[k] = q[k] * std::pow(mu, k);
    const auto with_gain =
        detail::oneLoopSiteMeans(pade, 1.0, step, dt, DiagonalConvention::Gaussian, o, gain);
    const auto of_scaled =
        detail::oneLoopSiteMeans(pade_scaled, 1.0, step, dt, DiagonalConvention::Gaussian, o);
    for (const auto& [a, b] :
         {std::pair{with_gain.x_et_a, of_scaled.x_et_a}, std::pair{with_gain.phi_et_a, of_scaled.phi_et_a},
          std::pair{with_gain.x_zf_a, of_scaled.x_zf_a}})
        EXPECT_NEAR(a.value, b.value, 1e-4 * std::fabs(b.value) + 1e-3 * b.se);
}

// Random gains draw one gain per sample path and average the site's tables over the gains' classes; with a
// spread of zero that is the homogeneous site again (lognormal, cv = 0: every gain 1), with either diagonal.
TEST(OneLoopSite, GainsWithoutSpreadGiveTheHomogeneousCoefficients) {
    detail::OneLoopOptions o = quickSampling();
    o.paths = 4;
    o.steps = 2000;
    NeuronParameterSpec gain;
    gain.distribution = NeuronDistribution::Lognormal;
    const Activation tanh_phi = ofKind(ActivationKind::Tanh);
    const auto with_gain = detail::oneLoopSiteMeans(tanh_phi, 1.0, whiteNoiseStep(0.05), 0.05,
                                                    DiagonalConvention::Gaussian, o, gain);
    const auto plain =
        detail::oneLoopSiteMeans(tanh_phi, 1.0, whiteNoiseStep(0.05), 0.05, DiagonalConvention::Gaussian, o);
    EXPECT_NEAR(with_gain.x_et_a.value, plain.x_et_a.value, 1e-9 * std::fabs(plain.x_et_a.value));
    EXPECT_NEAR(with_gain.phi_et_a.value, plain.phi_et_a.value, 1e-9 * std::fabs(plain.phi_et_a.value));
    const auto zero_with_gain = detail::oneLoopSiteMeans(tanh_phi, 1.0, whiteNoiseStep(0.05), 0.05,
                                                         DiagonalConvention::Zero, o, gain);
    const auto zero_plain =
        detail::oneLoopSiteMeans(tanh_phi, 1.0, whiteNoiseStep(0.05), 0.05, DiagonalConvention::Zero, o);
    EXPECT_NEAR(zero_with_gain.x_et_a.value, zero_plain.x_et_a.value,
                1e-9 * std::fabs(zero_plain.x_et_a.value));
    EXPECT_NEAR(zero_with_gain.phi_et_a.value, zero_plain.phi_et_a.value,
                1e-9 * std::fabs(zero_plain.phi_et_a.value));
}

std::vector<detail::TimeConstantClass> lognormalTimeConstants(double cv, int classes, double dt) {
    EnsembleSpec spec;
    spec.integration.dt = dt;
    spec.noise.sigma = 1.0;
    NeuronParameterSpec tau;
    tau.distribution = NeuronDistribution::Lognormal;
    tau.cv = cv;
    std::vector<detail::TimeConstantClass> taus;
    for (const GainNode& node : gainQuadrature(tau, classes))
        taus.push_back({node.weight, stepCoefficients(spec, node.b)});
    return taus;
}

// Classes of time constant (the doc, section 12) that all have the same leak are the homogeneous site: the
// population's response, its mean shift and so E phi^2's coefficient are the same on the same paths (to
// rounding; the two classes split the paths between them). x's coefficient adds the mean of the path's own
// self field, zero on average with one leak: equal within the standard error.
TEST(OneLoopSite, ClassesOfOneTimeConstantAreTheHomogeneousSite) {
    detail::OneLoopOptions o = quickSampling();
    o.paths = 8;
    o.steps = 4000;
    const double dt = 0.05;
    const Activation tanh_phi = ofKind(ActivationKind::Tanh);
    const std::vector<detail::TimeConstantClass> twins = {{0.5, whiteNoiseStep(dt)},
                                                          {0.5, whiteNoiseStep(dt)}};
    for (const DiagonalConvention diagonal : {DiagonalConvention::Gaussian, DiagonalConvention::Zero}) {
        const auto classes = detail::oneLoopSiteMeans(tanh_phi, 1.0, twins, dt, diagonal, o);
        const auto plain = detail::oneLoopSiteMeans(tanh_phi, 1.0, whiteNoiseStep(dt), dt, diagonal, o);
        EXPECT_EQ(classes.paths, plain.paths);
        EXPECT_NEAR(classes.phi_et_a.value, plain.phi_et_a.value, 1e-9 * std::fabs(plain.phi_et_a.value));
        EXPECT_NEAR(classes.phi_zf_a.value, plain.phi_zf_a.value, 1e-9 * std::fabs(plain.phi_zf_a.value));
        EXPECT_NEAR(classes.x_et_a.value, plain.x_et_a.value, 3.0 * plain.x_et_a.se);
    }
}

// With phi = x, E phi_i^2 is Var x_i: the population's mean shift at lag 0 and the sites' shift of Var x
// (each class's leak filter of the population's shift, averaged over the classes, plus each site's own
// curvature and self terms) are the same number path by path, with either diagonal. It fails if a path's x
// takes its own class's filter of the shift, or leaves out the mean of its own self field (0.134 against
// 0.143 at g = 0.5, cv 0.5).
TEST(OneLoopSite, WithClassesOfTimeConstantALinearPhiGivesXAndPhiTheSameCoefficient) {
    detail::OneLoopOptions o = quickSampling();
    o.paths = 12;
    o.steps = 4000;
    const double dt = 0.05;
    for (const DiagonalConvention diagonal : {DiagonalConvention::Gaussian, DiagonalConvention::Zero}) {
        const auto c = detail::oneLoopSiteMeans(ofKind(ActivationKind::Linear), 0.5,
                                                lognormalTimeConstants(0.5, 4, dt), dt, diagonal, o);
        EXPECT_NEAR(c.x_et_a.value, c.phi_et_a.value, 1e-9 * std::fabs(c.phi_et_a.value));
        EXPECT_NEAR(c.x_zf_a.value, c.phi_zf_a.value, 1e-9 * std::fabs(c.phi_zf_a.value));
        // So are the one loop's parts of the two auto_var coefficients (heterogeneity.md, section 10).
        ASSERT_TRUE(c.has_x_et_auto_var && c.has_phi_et_auto_var);
        EXPECT_NEAR(c.x_et_auto_var.value, c.phi_et_auto_var.value,
                    1e-9 * std::fabs(c.phi_et_auto_var.value));
        // The zero diagonal takes the direct response off: about -0.10 here against +0.14.
        EXPECT_GT(std::fabs(c.x_et_a.value), 0.05);
    }
}

// Against exact finite-N covariances of the linear network with lognormal time constants (cv 0.5, g = 0.5,
// dt = 0.05; scripts/linear_time_constants_exact.py --control [--zero-diagonal], N = 50..400 with R =
// 8000..1000, the time constants' scatter removed by control variates; 2-core VM, 2026-11-29): E Var x_i =
// 0.7110646 + c/N, c fitted with S_inf fixed at the exact limit. Tolerance: 3 combined SE.
void expectTheExactLinearTimeConstantCoefficient(DiagonalConvention diagonal, double measured,
                                                 double measured_se) {
    detail::OneLoopOptions o;
    o.window = 10.0;
    o.paths = 64;
    const double dt = 0.05;
    const auto c = detail::oneLoopSiteMeans(ofKind(ActivationKind::Linear), 0.5,
                                            lognormalTimeConstants(0.5, 8, dt), dt, diagonal, o);
    const double se = std::hypot(c.x_et_a.se, measured_se);
    EXPECT_NEAR(c.x_et_a.value, measured, 3.0 * se) << "one loop " << c.x_et_a.value << " +- " << c.x_et_a.se;
    EXPECT_LT(c.x_et_a.se, 0.05 * std::fabs(measured));
    std::printf(
        "linear, g = 0.5, tau cv 0.5, %s diagonal: one loop %.4f +- %.4f, exact finite N %.4f +- %.4f, z = "
        "%+.2f\n",
        diagonal == DiagonalConvention::Zero ? "zero" : "Gaussian", c.x_et_a.value, c.x_et_a.se, measured,
        measured_se, (c.x_et_a.value - measured) / se);
}

// c = 0.1442 +- 0.0045 (chi2 4.4/3).
TEST(OneLoopSite, WithClassesOfTimeConstantALinearPhiGivesTheExactFiniteSizeCoefficient) {
    expectTheExactLinearTimeConstantCoefficient(DiagonalConvention::Gaussian, 0.1442, 0.0045);
}

// c = -0.0959 +- 0.0021 (chi2 3.2/3). A site's self field is driven by its product less the population's mean
// product, so its class's offset leaves with the self field's direct part: taking the class's own mean
// product out as well counted the offset twice (-0.1050, 4.3 SE off; one_loop_site.md, section 11).
TEST(OneLoopSite, WithClassesOfTimeConstantAndTheZeroDiagonalALinearPhiGivesTheExactFiniteSizeCoefficient) {
    expectTheExactLinearTimeConstantCoefficient(DiagonalConvention::Zero, -0.0959, 0.0021);
}

// Against exact finite-N covariances of the linear network with uniform gains (cv 0.4, g = 0.5, dt = 0.05)
// and the zero diagonal (scripts/linear_gains_exact.py --control --zero-diagonal, N = 50..400 with R =
// 8000..1000, the gains' scatter removed by control variates; 2-core VM, 2026-11-29): with S_inf fixed at the
// exact limits 0.5934446 and 0.6883957, c = -0.1012 +- 0.0029 for Var x_i and -0.0965 +- 0.0044 for E
// phi_i^2. The pick-up that took each site's own gain class's mean product out on top of its self field's
// direct part gave -0.1137 and -0.1646 (3.8 and 11 SE off with 256 paths; one_loop_site.md, section 11).
// Tolerance: 3 combined SE.
TEST(OneLoopSite, WithGainsAndTheZeroDiagonalALinearPhiGivesTheExactFiniteSizeCoefficients) {
    detail::OneLoopOptions o;
    o.window = 12.0;
    o.paths = 64;
    const double dt = 0.05;
    const NeuronParameterSpec gain{NeuronDistribution::Uniform, 1.0, 0.4};
    const auto c = detail::oneLoopSiteMeans(ofKind(ActivationKind::Linear), 0.5, whiteNoiseStep(dt), dt,
                                            DiagonalConvention::Zero, o, gain);
    EXPECT_NEAR(c.x_et_a.value, -0.1012, 3.0 * std::hypot(c.x_et_a.se, 0.0029)) << "se " << c.x_et_a.se;
    EXPECT_NEAR(c.phi_et_a.value, -0.0965, 3.0 * std::hypot(c.phi_et_a.se, 0.0044)) << "se " << c.phi_et_a.se;
    std::printf("linear, g = 0.5, uniform gains cv 0.4, zero diagonal: x %.4f +- %.4f, phi %.4f +- %.4f\n",
                c.x_et_a.value, c.x_et_a.se, c.phi_et_a.value, c.phi_et_a.se);
}

// phi's auto_var with gains alone (heterogeneity.md, section 9): its 1/N coefficient is the classes' mean
// within-class spread plus this part (their one-loop shifts, the gains' sampling among the sites, the plug-in
// mean). Linear phi, g = 0.3, uniform gains cv 0.4, dt = 0.05, against exact finite-N covariances
// (scripts/linear_gains_exact.py, N = 25..200, R = 32000..4000, the gains' scatter regressed out, S_inf fixed
// at Var_b A = 0.18438): the coefficient -0.0135 +- 0.0019, of which E_b kappa_b = 0.11209
// (site_auto_variance.hpp, 48 gain classes) leaves -0.1256 +- 0.0019 (-Var_b A alone is -0.184). Without a
// spread it is not reported.
TEST(OneLoopSite, WithGainsALinearPhisAutoVarMeetsTheExactFiniteSizeCoefficient) {
    detail::OneLoopOptions o;
    o.window = 12.0;
    o.paths = 256;
    const double dt = 0.05;
    const NeuronParameterSpec gain{NeuronDistribution::Uniform, 1.0, 0.4};
    const auto c = detail::oneLoopSiteMeans(ofKind(ActivationKind::Linear), 0.3, whiteNoiseStep(dt), dt,
                                            DiagonalConvention::Gaussian, o, gain);
    ASSERT_TRUE(c.has_phi_et_auto_var);
    const double exact = -0.0135 - 0.11209, exact_se = 0.0019;
    EXPECT_NEAR(c.phi_et_auto_var.value, exact, 3.0 * std::hypot(c.phi_et_auto_var.se, exact_se))
        << "se " << c.phi_et_auto_var.se;
    std::printf("linear, g = 0.3, uniform gains cv 0.4: phi's auto_var, the one loop's part %.4f +- %.4f\n",
                c.phi_et_auto_var.value, c.phi_et_auto_var.se);
    o.paths = 4;
    const NeuronParameterSpec none{NeuronDistribution::Uniform, 1.0, 0.0};
    EXPECT_FALSE(detail::oneLoopSiteMeans(ofKind(ActivationKind::Linear), 0.5, whiteNoiseStep(dt), dt,
                                          DiagonalConvention::Gaussian, o, none)
                     .has_phi_et_auto_var);
}

TEST(OneLoopSite, TheSamplingIsAPureFunctionOfItsSeed) {
    detail::OneLoopOptions o = quickSampling();
    o.paths = 4;
    o.steps = 2000;
    const Activation tanh_phi = ofKind(ActivationKind::Tanh);
    const auto first =
        detail::oneLoopSiteMeans(tanh_phi, 1.0, whiteNoiseStep(0.05), 0.05, DiagonalConvention::Gaussian, o);
    const auto again =
        detail::oneLoopSiteMeans(tanh_phi, 1.0, whiteNoiseStep(0.05), 0.05, DiagonalConvention::Gaussian, o);
    EXPECT_EQ(first.x_et_a.value, again.x_et_a.value);
    EXPECT_EQ(first.phi_et_a.value, again.phi_et_a.value);
    EXPECT_EQ(first.phi_zf_a.se, again.phi_zf_a.se);
    o.seed += 1;
    const auto other =
        detail::oneLoopSiteMeans(tanh_phi, 1.0, whiteNoiseStep(0.05), 0.05, DiagonalConvention::Gaussian, o);
    EXPECT_NE(first.phi_et_a.value, other.phi_et_a.value);
}

TEST(OneLoopSite, WhatTheExpansionCannotTakeIsRefused) {
    Activation power_law = ofKind(ActivationKind::PowerLaw);
    power_law.alpha = 0.5;
    EXPECT_THROW(detail::oneLoopSiteMeans(power_law, 1.0, whiteNoiseStep(0.05), 0.05,
                                          DiagonalConvention::Gaussian, quickSampling()),
                 std::domain_error);  // phi'' is not a function
    detail::OneLoopOptions one_path = quickSampling();
    one_path.paths = 1;
    EXPECT_THROW(detail::oneLoopSiteMeans(ofKind(ActivationKind::Tanh), 1.0, whiteNoiseStep(0.05), 0.05,
                                          DiagonalConvention::Gaussian, one_path),
                 std::domain_error);  // no standard error
}

}  // namespace
}  // namespace quench::theory
