// The four-point statistics of partially symmetric nonlinear networks from the sampled single site's
// linear response (docs/theory/sampled_dmft.md, section 6), against what is known without them: the
// site's own spectra (the network's diagonal), the linear network's zero-frequency closed forms, the
// eta = 0 Gaussian site computed without sampling, and the full frequency grid that the cells approximate.
#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <tuple>
#include <vector>

#include "../../host/step_coefficients.hpp"
#include "../../host/theory/discrete_gaussian_site.hpp"
#include "../../host/theory/sampled_four_point.hpp"
#include "activation_of.hpp"
#include "discrete_site.hpp"
#include "quench/theory/gaussian_average.hpp"
#include "quench/theory/linear_theory.hpp"
#include "quench/theory/prediction.hpp"
#include "quench/theory/sampled_dmft.hpp"
#include "quick_sampling.hpp"

namespace quench::theory {
namespace {

using quench::testing::activationOf;
using quench::testing::discreteGaussianSiteCorrelation;

constexpr double kPi = 3.14159265358979323846;

// 8 sampling iterations give the four-point values 4 blocks for their errors.
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

// At eta = 0 there is no reaction and the site is Gaussian: its autocovariance follows from a recursion, its
// response is gamma b a^(k-1) and its residual spectrum S_phi - |chi|^2 (g^2 S_phi + S_n). Those exact inputs
// through the same linear-response network (discrete_gaussian_site.hpp) give the four-point statistics
// without sampling; the sampled ones agree within 4 se, plus 2e-3 relative for their shorter lag cut. (The
// continuous-time formulas of the white-noise DMFT differ from both by O(dt): N dc2 1.9 % higher at
// g = 0.5, dt = 0.02, which the simulator's dt shows too: docs/theory/sampled_dmft.md, section 6.)
TEST(SampledFourPoint, AtEtaZeroItIsTheGaussianSiteWithoutSampling) {
    const double g = 1.0, dt = 0.05;
    const Activation tanh_phi = activationOf(ActivationKind::Tanh);
    EnsembleSpec spec;
    spec.integration.dt = dt;
    const StepCoefficients step = stepCoefficients(spec);
    const detail::SampledFourPoints exact = detail::discreteGaussianSiteFourPoints(
        detail::discreteGaussianSite(tanh_phi, g, step, 800), g, step, dt);
    const SampledDmft s =
        solveSampledDmft(tanh_phi, g, 0.0, 1.0, 0.0, dt, IntegrationMethod::ExponentialEuler, quickOptions());
    ASSERT_TRUE(s.four_point_failure.empty()) << s.four_point_failure;
    for (const auto& [sampled, known, what] :
         {std::tuple{&s.phi_et, &exact.phi_et, "phi ET"}, std::tuple{&s.x_et, &exact.x_et, "x ET"},
          std::tuple{&s.phi_zf, &exact.phi_zf, "phi ZF"}, std::tuple{&s.x_zf, &exact.x_zf, "x ZF"}}) {
        EXPECT_EQ(known->pr_over_n.se, 0.0) << what << ": the exact run has no sampling error";
        expectAgree(sampled->n_cross_var, known->n_cross_var, 2e-3, what);
        expectAgree(sampled->pr_over_n, known->pr_over_n, 2e-3, what);
    }
}

// The library's site interpolates the two-point average in Delta (Chebyshev, 64 nodes); the test's reference
// recursion (discrete_site.hpp) evaluates it at every lag by Gauss-Hermite quadrature (accurate for smooth
// phi only). They agree to 1e-9.
TEST(SampledFourPoint, TheInterpolatedGaussianSiteIsTheDirectRecursion) {
    const double dt = 0.05;
    EnsembleSpec spec;
    spec.integration.dt = dt;
    const StepCoefficients step = stepCoefficients(spec);
    for (const ActivationKind kind : {ActivationKind::Tanh, ActivationKind::Erf}) {
        const Activation phi = activationOf(kind);
        const double g = 1.5;
        const std::vector<double> direct = discreteGaussianSiteCorrelation(phi, g, 1.0, dt, 150);
        const detail::DiscreteGaussianSite site = detail::discreteGaussianSite(phi, g, step, 150);
        for (const int k : {0, 1, 10, 100, 149})
            EXPECT_NEAR(site.delta[k], direct[k], 1e-9 * direct[0]) << "lag " << k << ", g " << g;
    }
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
