// The one-loop 1/N terms of the single-site means (host/theory/one_loop_site.hpp;
// docs/theory/one_loop_site.md). What is exact: a linear phi makes them the derived linear coefficient (up to
// the recursion's O(dt)), the sampling is a pure function of its seed, and what the expansion cannot take is
// refused. Their agreement with simulations of nonlinear networks is the validation reports' (the doc,
// section 6).
#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

#include "../../host/step_coefficients.hpp"
#include "../../host/theory/one_loop_site.hpp"
#include "quench/ensemble_spec.hpp"
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
    const detail::OneLoopSiteMeans c = detail::oneLoopSiteMeans(ofKind(ActivationKind::Linear), 0.5,
                                                                whiteNoiseStep(dt), dt, quickSampling());
    const double offset = 0.003;  // the O(dt) shift, bounded
    EXPECT_NEAR(c.x_et_a.value, derived, 4.0 * c.x_et_a.se + offset) << "se " << c.x_et_a.se;
    EXPECT_NEAR(c.phi_et_a.value, derived, 4.0 * c.phi_et_a.se + offset) << "se " << c.phi_et_a.se;
    EXPECT_LT(c.x_et_a.se, 0.1 * derived);
}

TEST(OneLoopSite, TheSamplingIsAPureFunctionOfItsSeed) {
    detail::OneLoopOptions o = quickSampling();
    o.paths = 4;
    o.steps = 2000;
    const Activation tanh_phi = ofKind(ActivationKind::Tanh);
    const auto first = detail::oneLoopSiteMeans(tanh_phi, 1.0, whiteNoiseStep(0.05), 0.05, o);
    const auto again = detail::oneLoopSiteMeans(tanh_phi, 1.0, whiteNoiseStep(0.05), 0.05, o);
    EXPECT_EQ(first.x_et_a.value, again.x_et_a.value);
    EXPECT_EQ(first.phi_et_a.value, again.phi_et_a.value);
    EXPECT_EQ(first.phi_zf_a.se, again.phi_zf_a.se);
    o.seed += 1;
    const auto other = detail::oneLoopSiteMeans(tanh_phi, 1.0, whiteNoiseStep(0.05), 0.05, o);
    EXPECT_NE(first.phi_et_a.value, other.phi_et_a.value);
}

TEST(OneLoopSite, WhatTheExpansionCannotTakeIsRefused) {
    Activation power_law = ofKind(ActivationKind::PowerLaw);
    power_law.alpha = 0.5;
    EXPECT_THROW(detail::oneLoopSiteMeans(power_law, 1.0, whiteNoiseStep(0.05), 0.05, quickSampling()),
                 std::domain_error);  // phi'' is not a function
    EXPECT_THROW(detail::oneLoopSiteMeans(ofKind(ActivationKind::Tanh), 1.0, whiteNoiseStep(0.05, 1.0), 0.05,
                                          quickSampling()),
                 std::domain_error);  // colored noise
    detail::OneLoopOptions one_path = quickSampling();
    one_path.paths = 1;
    EXPECT_THROW(
        detail::oneLoopSiteMeans(ofKind(ActivationKind::Tanh), 1.0, whiteNoiseStep(0.05), 0.05, one_path),
        std::domain_error);  // no standard error
}

}  // namespace
}  // namespace quench::theory
