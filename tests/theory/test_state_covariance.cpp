// The x covariance of nonlinear networks by linear equivalence (docs/theory/state_covariance.md):
// its linear limit is theory.md section 3, and its diagonal is the DMFT autocovariance.
#include "quench/theory/state_covariance.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "activation_of.hpp"
#include "quench/activation.hpp"

namespace quench::theory {
namespace {

using quench::testing::activationOf;

LinearEquivalentSpectra linearNetwork(double g, double sigma, double tau) {
    LinearEquivalentSpectra s;
    s.g = g;
    s.gamma = 1.0;
    s.noise = [sigma, tau](double w) { return sigma * sigma / (1.0 + tau * tau * w * w); };
    s.residual = [](double) { return 0.0; };
    return s;
}

void expectMomentsNear(const LinearMoments& got, const LinearMoments& want, double rel) {
    EXPECT_NEAR(got.auto_mean, want.auto_mean, rel * want.auto_mean);
    EXPECT_NEAR(got.n_cross_var, want.n_cross_var, rel * want.n_cross_var);
    EXPECT_NEAR(got.m2, want.m2, rel * want.m2);
    EXPECT_NEAR(got.pr_over_n, want.pr_over_n, rel * want.pr_over_n);
    EXPECT_FALSE(got.m3_available);
}

TEST(StateCovariance, LinearNetworkZeroFrequencyIsTheClosedForm) {
    for (const double g : {0.2, 0.5, 0.8})
        expectMomentsNear(stateZeroFrequency(linearNetwork(g, 1.3, 0.0)), linearZeroFrequencyIid(g, 1.3),
                          1e-12);
}

TEST(StateCovariance, LinearNetworkEqualTimeIsTheClosedForm) {
    for (const double g : {0.3, 0.5, 0.7}) {
        const double scale = std::sqrt(1.0 - g * g);
        expectMomentsNear(stateEqualTime(linearNetwork(g, 1.0, 0.0), scale), linearEqualTimeIid(g, 1.0),
                          1e-6);
    }
}

TEST(StateCovariance, LinearNetworkWithColoredNoiseIsTheClosedForm) {
    for (const double tau : {0.1, 1.0, 10.0}) {
        const double g = 0.5;
        expectMomentsNear(stateEqualTime(linearNetwork(g, 1.0, tau), std::sqrt(1.0 - g * g) / (1.0 + tau)),
                          linearEqualTimeIidColored(g, 1.0, tau), 1e-6);
    }
}

// The diagonal of C_x(w) built from the DMFT residual is the DMFT spectrum of x, so its integral is
// Delta0, below and above the noisy transition to chaos, for white and colored noise.
TEST(StateCovariance, DiagonalIntegratesToTheDmftVariance) {
    const struct { double g, sigma, tau; } cases[] = {{0.8, 1.0, 0.0}, {2.0, 1.0, 0.0}, {1.2, 0.5, 1.0}};
    for (const auto& k : cases) {
        const DmftCorrelation c =
            k.tau > 0.0
                ? solveColoredNoiseCorrelation(activationOf(ActivationKind::Tanh), k.g, k.sigma, k.tau)
                : solveWhiteNoiseCorrelation(activationOf(ActivationKind::Tanh), k.g, k.sigma);
        const LinearEquivalentSpectra s = linearEquivalentSpectra(c, k.g, k.sigma, k.tau);
        const double scale = std::max(0.05, std::sqrt(1.0 - c.g_eff * c.g_eff));
        const LinearMoments et = stateEqualTime(s, scale);
        EXPECT_NEAR(et.auto_mean, c.delta0, 2e-4 * c.delta0) << "g " << k.g << " tau " << k.tau;
        EXPECT_GT(et.pr_over_n, 0.0);
        EXPECT_LT(et.pr_over_n, 1.0);
    }
}

// x is low-pass filtered, J-mixed phi: its ET dimension lies below phi's (theory.md section 4).
TEST(StateCovariance, StateIsLowerDimensionalThanTheActivation) {
    for (const double g : {0.5, 1.2, 2.0}) {
        const DmftCorrelation c = solveWhiteNoiseCorrelation(activationOf(ActivationKind::Tanh), g, 1.0);
        const LinearMoments x = stateEqualTime(linearEquivalentSpectra(c, g, 1.0, 0.0),
                                               std::max(0.05, std::sqrt(1.0 - c.g_eff * c.g_eff)));
        EXPECT_LT(x.pr_over_n, equalTimeActivationDimension(c, g)) << "g " << g;
    }
}

TEST(StateCovariance, RefusesAnUnstableOrIncompleteModel) {
    EXPECT_THROW(stateZeroFrequency(linearNetwork(1.0, 1.0, 0.0)), std::domain_error);
    LinearEquivalentSpectra s = linearNetwork(0.5, 1.0, 0.0);
    s.residual = nullptr;
    EXPECT_THROW(stateZeroFrequency(s), std::invalid_argument);
    EXPECT_THROW(stateEqualTime(linearNetwork(0.5, 1.0, 0.0), 0.0), std::domain_error);
}

}  // namespace
}  // namespace quench::theory
