// The closure's x statistics for partially symmetric couplings (docs/theory/partial_symmetry.md, section 7)
// against the two cases where they are known independently: eta = 0, where the closure is the DMFT and x's
// statistics are state_covariance.hpp's (iid traces, a separate derivation), and a linear network, where x
// = phi and the elliptic closed forms hold.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "activation_of.hpp"
#include "closure_grid.hpp"
#include "quench/theory/linear_finite_size.hpp"
#include "quench/theory/linear_theory.hpp"
#include "quench/theory/partial_symmetry_dmft.hpp"
#include "quench/theory/state_covariance.hpp"

namespace quench::theory {
namespace {

using quench::testing::activationOf;
using quench::testing::closureGrid;

void expectSameMoments(const LinearMoments& got, const LinearMoments& want, double rel, const char* what) {
    EXPECT_NEAR(got.auto_mean, want.auto_mean, rel * want.auto_mean) << what << " auto_mean";
    EXPECT_NEAR(got.n_cross_var, want.n_cross_var, rel * want.n_cross_var) << what << " n_cross_var";
    EXPECT_NEAR(got.m2, want.m2, rel * want.m2) << what << " m2";
    EXPECT_NEAR(got.pr_over_n, want.pr_over_n, rel * want.pr_over_n) << what << " pr_over_n";
    EXPECT_FALSE(got.m3_available);
}

// At eta = 0 the elliptic traces reduce to the iid ones: the same statistics as the all-frequency
// linear equivalence of state_covariance.hpp, white and OU noise, below and above the transition.
TEST(PartiallySymmetricState, AtEtaZeroIsTheStateCovarianceOfLinearEquivalence) {
    const Activation tanh_phi = activationOf(ActivationKind::Tanh);
    for (const double g : {0.8, 1.5})
        for (const double tau : {0.0, 1.0}) {
            const DmftCorrelation c =
                solvePartiallySymmetricCorrelation(tanh_phi, g, 0.0, 1.0, closureGrid(), tau);
            const LinearEquivalentSpectra s = linearEquivalentSpectra(c, g, 1.0, tau);
            const double scale = std::max(0.05, std::sqrt(1.0 - c.g_eff * c.g_eff)) / (1.0 + tau);
            expectSameMoments(partiallySymmetricStateZeroFrequency(c, g, 0.0, 1.0, tau),
                              stateZeroFrequency(s), 1e-6, "ZF");
            expectSameMoments(partiallySymmetricStateEqualTime(c, g, 0.0, 1.0, tau, scale),
                              stateEqualTime(s, scale), 1e-6, "ET");
        }
}

// Linear phi: x = phi, gamma = 1, no residual; the elliptic closed forms at ZF and the planar ET limits.
TEST(PartiallySymmetricState, LinearNetworkGivesTheEllipticClosedForms) {
    const Activation linear = activationOf(ActivationKind::Linear);
    const double g = 0.6, sigma = 1.2;
    for (const double eta : {0.5, -0.5}) {
        const DmftCorrelation c = solvePartiallySymmetricCorrelation(linear, g, eta, sigma, closureGrid());
        // The closure's equivalent noise is sigma^2 to 2e-3 (its tau grid); the statistics agree to 3e-4.
        expectSameMoments(partiallySymmetricStateZeroFrequency(c, g, eta, sigma),
                          linearZeroFrequencyPartiallySymmetric(g, eta, sigma), 1e-3, "ZF");
        const LinearFirstOrder::Limit et =
            linearEqualTimeFirstOrder(g, eta, sigma, DiagonalConvention::Gaussian).limit;
        LinearMoments want;
        want.auto_mean = et.auto_mean;
        want.n_cross_var = et.n_cross_var;
        want.m2 = et.m2;
        want.pr_over_n = et.pr_over_n;
        expectSameMoments(partiallySymmetricStateEqualTime(c, g, eta, sigma, 0.0, 0.3), want, 1e-3, "ET");
    }
}

// The ET auto mean is the closure's own Delta0 (its spectrum integrates to it), at eta = +-0.5.
TEST(PartiallySymmetricState, EqualTimeAutoMeanIsTheClosuresVariance) {
    const Activation tanh_phi = activationOf(ActivationKind::Tanh);
    for (const double eta : {0.5, -0.5}) {
        const DmftCorrelation c = solvePartiallySymmetricCorrelation(tanh_phi, 1.0, eta, 1.0, closureGrid());
        const double scale = std::sqrt(1.0 - c.g_eff * (1.0 + eta));
        const LinearMoments et = partiallySymmetricStateEqualTime(c, 1.0, eta, 1.0, 0.0, scale);
        EXPECT_NEAR(et.auto_mean, c.delta0, 2e-3 * c.delta0) << "eta " << eta;
        EXPECT_GT(et.n_cross_var, 0.0);
        EXPECT_LT(et.pr_over_n, 1.0);
    }
}

}  // namespace
}  // namespace quench::theory
