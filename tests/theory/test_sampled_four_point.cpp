// The four-point statistics of partially symmetric nonlinear networks from the sampled single site's
// linear response (docs/theory/sampled_dmft.md, section 6), against what is known without them: the
// site's own spectra (the network's diagonal), the linear network's zero-frequency closed forms, the
// eta = 0 DMFT's all-frequency formulas, and the full frequency grid that the cells approximate.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "../../host/theory/sampled_four_point.hpp"
#include "activation_of.hpp"
#include "quench/theory/linear_theory.hpp"
#include "quench/theory/prediction.hpp"
#include "quench/theory/sampled_dmft.hpp"
#include "quick_sampling.hpp"

namespace quench::theory {
namespace {

using quench::testing::activationOf;

// 8 sampling iterations give the four-point values 8 blocks for their errors.
SampledDmftOptions quickOptions() {
    return quench::testing::quickSampling(8);
}

// |a - b| within k combined standard errors (the two share samples, so the sum of the errors in
// quadrature is conservative) plus a relative allowance.
void expectAgree(const SampledValue& a, const SampledValue& b, double allowance, const char* what) {
    EXPECT_LE(std::fabs(a.value - b.value), 4.0 * std::hypot(a.se, b.se) + allowance * std::fabs(b.value))
        << what << ": " << a.value << " +- " << a.se << " vs " << b.value << " +- " << b.se;
}

// The linear-response network puts the site's own spectra on its diagonal: its auto means, computed from
// the residual and the response, are the sampled E phi^2, Var x and zero-frequency powers (estimated from
// the trajectories directly). This checks the x spectrum's algebra (the residual's terms) and Novikov's
// decomposition phi = chi * u + r with r uncorrelated with u.
TEST(SampledFourPoint, TheNetworkDiagonalIsTheSampledSite) {
    const SampledDmft s = solveSampledDmft(activationOf(ActivationKind::Tanh), 1.0, 0.5, 1.0, 0.0, 0.05,
                                           IntegrationMethod::ExponentialEuler, quickOptions());
    ASSERT_TRUE(s.four_point_failure.empty()) << s.four_point_failure;
    expectAgree(s.phi_et.auto_mean, s.a_phi, 1e-3, "E phi^2");
    expectAgree(s.x_et.auto_mean, s.delta0, 1e-3, "Var x");
    expectAgree(s.phi_zf.auto_mean, s.zf_phi, 1e-3, "phi ZF power");
    expectAgree(s.x_zf.auto_mean, s.zf_x, 1e-3, "x ZF power");
    for (const SampledFourPoint* f : {&s.phi_et, &s.phi_zf, &s.x_et, &s.x_zf}) {
        EXPECT_GT(f->pr_over_n.se, 0.0);
        EXPECT_LT(f->pr_over_n.se, 0.05 * f->pr_over_n.value);
        EXPECT_NEAR(f->n_cross_var.value, f->m2.value - f->auto_mean.value * f->auto_mean.value, 1e-9);
    }
}

// Linear phi: the network is linear and its zero-frequency covariance (bin sums dt sum_k C(k)) is exactly
// the continuous-time one with sigma^2 -> (s / b)^2 dt (theta = 0 is z = 1): the closed forms of
// linear_theory.hpp, with no allowance for dt. What is left is the memory cut of the response, which lowers
// u(0): allowed 1.5e-3 relative for m2 and 5e-4 for PR/N (measured at eta = 0.5: -8e-4 and +3.3e-4).
TEST(SampledFourPoint, LinearPhiAtZeroFrequencyIsTheClosedForm) {
    const double dt = 0.05, g = 0.6;
    const double a = std::exp(-dt), b = 1.0 - a, s = std::sqrt((1.0 - a * a) / 2.0);
    for (const double eta : {0.5, -0.5}) {
        const SampledDmft sampled = solveSampledDmft(activationOf(ActivationKind::Linear), g, eta, 1.0, 0.0,
                                                     dt, IntegrationMethod::ExponentialEuler, quickOptions());
        ASSERT_TRUE(sampled.four_point_failure.empty()) << sampled.four_point_failure;
        const LinearMoments exact = linearZeroFrequencyPartiallySymmetric(g, eta, s / b * std::sqrt(dt));
        for (const SampledFourPoint* f : {&sampled.phi_zf, &sampled.x_zf}) {
            EXPECT_NEAR(f->m2.value, exact.m2, 4.0 * f->m2.se + 1.5e-3 * exact.m2) << "eta " << eta;
            EXPECT_NEAR(f->pr_over_n.value, exact.pr_over_n, 4.0 * f->pr_over_n.se + 5e-4 * exact.pr_over_n)
                << "eta " << eta;
        }
    }
}

// At eta = 0 there is no reaction: the site is Gaussian and its response gamma / (1 + i w), and the linear
// response is theory.md's all-frequency formula (ET) and linear equivalence (ZF), both in continuous time.
// Allowed: 4 se plus the discretization (dt = 0.02: O(dt) at equal time, O(dt^2) at zero frequency).
// Measured (this seed, 2026-11-27): PR/N phi ET -0.03 %, x ET -0.21 % (se 0.3 %); ZF -1.3 % (z = -2.1).
TEST(SampledFourPoint, AtEtaZeroItIsTheWhiteNoiseDmft) {
    EnsembleSpec spec;
    spec.network.activation = activationOf(ActivationKind::Tanh);
    spec.coupling.g = 1.2;
    spec.integration.dt = 0.02;
    const TheoryPrediction p = predict(spec);
    ASSERT_EQ(p.route, "dmft_white_noise");
    const SampledDmft s = solveSampledDmft(spec.network.activation, 1.2, 0.0, 1.0, 0.0, 0.02,
                                           IntegrationMethod::ExponentialEuler, quickOptions());
    ASSERT_TRUE(s.four_point_failure.empty()) << s.four_point_failure;
    const auto pr = [&](Variable v, CovarianceKind k) { return *p.at(v, k).at(Statistic::PrOverN).value; };
    const auto check = [&](const SampledFourPoint& f, Variable v, CovarianceKind k, double allowance) {
        const double theory = pr(v, k);
        EXPECT_NEAR(f.pr_over_n.value, theory, 4.0 * f.pr_over_n.se + allowance * theory)
            << (v == Variable::Phi ? "phi " : "x ") << (k == CovarianceKind::EqualTime ? "ET" : "ZF");
    };
    check(s.phi_et, Variable::Phi, CovarianceKind::EqualTime, 0.006);
    check(s.x_et, Variable::X, CovarianceKind::EqualTime, 0.006);
    check(s.phi_zf, Variable::Phi, CovarianceKind::ZeroFrequency, 0.002);
    check(s.x_zf, Variable::X, CovarianceKind::ZeroFrequency, 0.002);
}

// The double frequency sums over cells (every point up to 256, then cells 1 % of theta wide) against
// every point of the grid, on a smooth slow spectrum: a residual of OU shape (rate 0.05) and the
// response of a leaky site with gain 0.5 (g |chi(0)| = 0.8), g = 1.6, eta = 0.5, dt = 0.02.
TEST(SampledFourPoint, CellsAgreeWithTheFullGrid) {
    const double dt = 0.02;
    EnsembleSpec spec;
    spec.integration.dt = dt;
    const StepCoefficients step = stepCoefficients(spec);
    detail::SiteRun run;
    const int lags = 2000;
    for (int k = 0; k < lags; ++k) run.c_residual.push_back(0.05 * std::exp(-0.05 * k * dt));
    run.chi.assign(lags, 0.0);
    for (int k = 1; k < lags; ++k) run.chi[k] = 0.5 * step.drive_gain * std::pow(step.decay, k - 1);
    const std::vector<detail::SiteRun> runs(2, run);
    const detail::SampledFourPoints cells = detail::sampledFourPoints(runs, 1.6, 0.5, step, dt);
    detail::CellOptions every;
    every.exact_points = 1u << 20;
    const detail::SampledFourPoints full = detail::sampledFourPoints(runs, 1.6, 0.5, step, dt, every);
    for (const auto& [c, f] : {std::pair{&cells.phi_et, &full.phi_et}, std::pair{&cells.x_et, &full.x_et}}) {
        EXPECT_EQ(c->auto_mean.value, f->auto_mean.value);
        EXPECT_NEAR(c->m2.value, f->m2.value, 1e-4 * f->m2.value);
    }
    EXPECT_EQ(cells.phi_zf.m2.value, full.phi_zf.m2.value);
}

}  // namespace
}  // namespace quench::theory
