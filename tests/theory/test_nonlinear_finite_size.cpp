// What is derived of the nonlinear networks' 1/N terms (nonlinear_finite_size.hpp): the linear 1/N
// machinery driven by any noise spectrum, and the frozen linear-equivalent network built on it, whose
// N = infinity limits must be the large-N theory and whose linear limit must be the linear network.
#include "quench/theory/nonlinear_finite_size.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "activation_of.hpp"
#include "quench/theory/linear_theory.hpp"

namespace {

using quench::testing::activationOf;

using namespace quench::theory;
using quench::Activation;
using quench::ActivationKind;

constexpr DiagonalConvention kGaussian = DiagonalConvention::Gaussian;

void expectSameCoefficients(const LinearFirstOrder& a, const LinearFirstOrder& b, double rel) {
    const auto near = [rel](double x, double y, const char* what) {
        EXPECT_NEAR(x, y, rel * std::max(std::fabs(y), 1e-3)) << what;
    };
    near(a.limit.auto_mean, b.limit.auto_mean, "limit a");
    near(a.limit.pr_over_n, b.limit.pr_over_n, "limit PR/N");
    near(a.auto_mean, b.auto_mean, "c_a");
    near(a.m2, b.m2, "c_m2");
    near(a.pr_over_n, b.pr_over_n, "c_PR");
    near(*a.n_cross_var, *b.n_cross_var, "c_N cross_var");
    near(*a.auto_var, *b.auto_var, "auto_var");
}

TEST(LinearEqualTimeWithNoise, WhiteAndOrnsteinUhlenbeckSpectraReproduceTheNoiseModels) {
    const double g = 0.6, sigma = 1.3, tau = 2.0;
    const auto white = [&](double) { return sigma * sigma; };
    expectSameCoefficients(linearEqualTimeFirstOrderWithNoise(g, 0.0, kGaussian, white, 10.0),
                           linearEqualTimeFirstOrder(g, 0.0, sigma, kGaussian), 1e-6);
    const auto ou = [&](double w) { return sigma * sigma / (1.0 + tau * tau * w * w); };
    expectSameCoefficients(linearEqualTimeFirstOrderWithNoise(g, 0.0, kGaussian, ou, 1.0 / tau),
                           linearEqualTimeFirstOrder(g, 0.0, sigma, kGaussian, tau), 1e-6);
}

TEST(FrozenEquivalence, ALinearActivationIsTheLinearNetwork) {
    // phi = x: gamma = 1, S_r = 0 and L(w) = sigma^2, so every coefficient is the linear one (to the
    // O(dt^2) accuracy of the DMFT grid).
    const double g = 0.5, sigma = 1.0;
    const DmftCorrelation c = solveWhiteNoiseCorrelation(activationOf(ActivationKind::Linear), g, sigma);
    expectSameCoefficients(frozenEquivalenceEqualTimeFirstOrder(c, g, kGaussian),
                           linearEqualTimeFirstOrder(g, 0.0, sigma, kGaussian), 2e-3);
    expectSameCoefficients(frozenEquivalenceZeroFrequencyFirstOrder(c, g, kGaussian),
                           linearZeroFrequencyFirstOrder(g, 0.0, sigma, kGaussian), 2e-3);
}

TEST(FrozenEquivalence, ItsLimitsAreTheLargeNTheoryOfTanhNetworks) {
    // The planar four-point function driven by L(w) = S_phi(w)(1 + w^2 - g_eff^2) is an independent route
    // to theory.md's all-frequency PR (its Psi kernel): both must give the check value 0.9321 at g = 0.5.
    for (const double g : {0.5, 1.5}) {
        const DmftCorrelation c = solveWhiteNoiseCorrelation(activationOf(ActivationKind::Tanh), g, 1.0);
        const LinearFirstOrder et = frozenEquivalenceEqualTimeFirstOrder(c, g, kGaussian);
        EXPECT_NEAR(et.limit.auto_mean, c.c_phi[0], 1e-4 * c.c_phi[0]) << "E phi^2 at g = " << g;
        EXPECT_NEAR(et.limit.pr_over_n, equalTimeActivationDimension(c, g), 2e-4) << "g = " << g;
        const LinearFirstOrder zf = frozenEquivalenceZeroFrequencyFirstOrder(c, g, kGaussian);
        EXPECT_NEAR(zf.limit.auto_mean, activationSpectrum(c, 0.0), 1e-9);
        EXPECT_NEAR(zf.limit.pr_over_n, std::pow(1.0 - c.g_eff * c.g_eff, 2), 1e-9);
    }
    const DmftCorrelation c = solveWhiteNoiseCorrelation(activationOf(ActivationKind::Tanh), 0.5, 1.0);
    EXPECT_NEAR(frozenEquivalenceEqualTimeFirstOrder(c, 0.5, kGaussian).limit.pr_over_n, 0.9321, 1e-4);
}

TEST(FrozenEquivalence, RejectsAQuiescentOrUnsolvedNetwork) {
    DmftCorrelation empty;
    EXPECT_THROW(frozenEquivalenceEqualTimeFirstOrder(empty, 1.0, kGaussian), std::domain_error);
    const DmftCorrelation c = solveWhiteNoiseCorrelation(activationOf(ActivationKind::Tanh), 1.0, 1.0);
    EXPECT_THROW(frozenEquivalenceZeroFrequencyFirstOrder(c, -1.0, kGaussian), std::domain_error);
    EXPECT_THROW(linearEqualTimeFirstOrderWithNoise(
                     0.5, 0.0, kGaussian, [](double) { return 1.0; }, 0.0),
                 std::domain_error);
}

}  // namespace
