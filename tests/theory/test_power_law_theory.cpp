// Power-law activation phi = sgn(x)|x|^alpha: the closed form of (*), its constants, the scaling
// collapse and the blow-up for alpha > 1, each against the generic quadrature solver.
#include "quench/theory/power_law_theory.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <string>

#include "quench/theory/dmft.hpp"

namespace quench::theory {
namespace {

Activation powerLaw(double alpha) {
    Activation a;
    a.kind = ActivationKind::PowerLaw;
    a.alpha = alpha;
    return a;
}

TEST(PowerLawConstants, AbsoluteMomentsMatchKnownValues) {
    EXPECT_NEAR(absoluteNormalMoment(0.0), 1.0, 1e-15);
    EXPECT_NEAR(absoluteNormalMoment(1.0), std::sqrt(2.0 / 3.14159265358979323846), 1e-15);
    EXPECT_NEAR(absoluteNormalMoment(2.0), 1.0, 1e-15);
    EXPECT_NEAR(absoluteNormalMoment(4.0), 3.0, 1e-14);
    EXPECT_THROW(absoluteNormalMoment(-1.0), std::domain_error);
}

// theory.md: c_0.5 = 0.97200, c_0.25 = 0.93365.
TEST(PowerLawConstants, GainConstantCheckValues) {
    EXPECT_NEAR(powerLawGainConstant(0.5), 0.97200, 5e-6);
    EXPECT_NEAR(powerLawGainConstant(0.25), 0.93365, 5e-6);
    EXPECT_NEAR(powerLawGainConstant(1.0), 1.0, 1e-14);  // linear: g_eff -> 1 at strong coupling
}

TEST(PowerLawConstants, VarianceConstantIsVarPhiPerDeltaPower) {
    const double alpha = 0.5;
    const double delta0 = 1.7;
    const Activation phi = powerLaw(alpha);
    const double mean = gaussianExpectationPiecewise([&](double x) { return activationAntiderivative(phi, x); }, delta0, {0.0});
    const double var = gaussianExpectationPiecewise(
        [&](double x) { const double d = activationAntiderivative(phi, x) - mean; return d * d; }, delta0, {0.0});
    EXPECT_NEAR(var / (powerLawVarianceConstant(alpha) * std::pow(delta0, alpha + 1.0)), 1.0, 1e-11);
}

TEST(PowerLawDmft, ClosedFormSolvesTheScaledVarianceEquation) {
    for (double alpha : {0.25, 0.5, 0.8, 1.5}) {
        const double kappa = alpha > 1.0 ? 0.3 * powerLawCriticalKappa(alpha) : 2.0;
        const double y = powerLawScaledVariance(alpha, kappa);
        EXPECT_NEAR(y * y - kappa * std::pow(y, alpha + 1.0), 1.0, 1e-13) << "alpha " << alpha;
        EXPECT_GE(y, 1.0);
    }
}

TEST(PowerLawDmft, ClosedFormAgreesWithTheQuadratureSolver) {
    // The generic solver averages |x|^alpha by graded Gauss-Legendre split at the cusp.
    for (double alpha : {0.25, 0.5, 1.5}) {
        const double g = alpha > 1.0 ? 0.5 : 0.9;  // alpha = 1.5 blows up beyond g* = 0.665 at sigma = 1.1
        const double sigma = 1.1;
        const PowerLawDmft closed = solvePowerLawDmft(alpha, g, sigma);
        const Activation phi = powerLaw(alpha);
        const double delta0 = solveWhiteNoiseVariance(phi, g, sigma);
        EXPECT_NEAR(delta0 / closed.delta0, 1.0, 1e-10) << "alpha " << alpha;
        EXPECT_NEAR(effectiveGain(phi, delta0, defaultGaussHermiteRule()) / closed.gamma, 1.0, 1e-8) << "alpha " << alpha;
        EXPECT_NEAR(meanSquareActivation(phi, delta0, defaultGaussHermiteRule()) / closed.a_phi, 1.0, 1e-10) << "alpha " << alpha;
        EXPECT_NEAR(closed.g_eff, closed.gamma * g, 1e-14);
        if (alpha < 1.0) {
            const double c = powerLawGainConstant(alpha);
            EXPECT_NEAR(closed.g_eff * closed.g_eff, c * (1.0 - 1.0 / (closed.y * closed.y)), 1e-13);
        }
    }
}

TEST(PowerLawDmft, FullGenericSolutionMatchesTheClosedForm) {
    const PowerLawDmft closed = solvePowerLawDmft(0.5, 1.2, 0.8);
    const WhiteNoiseDmft numeric = solveWhiteNoiseDmft(powerLaw(0.5), 1.2, 0.8);
    EXPECT_NEAR(numeric.pr_phi_zf, closed.pr_phi_zf, 1e-9);
    EXPECT_GT(numeric.residual_power, 0.0);
}

TEST(PowerLawDmft, StrongCouplingDimensionTendsToOneMinusCSquared) {
    const double c = powerLawGainConstant(0.5);
    const PowerLawDmft strong = solvePowerLawDmft(0.5, 1e4, 1.0);
    EXPECT_NEAR(strong.pr_phi_zf, (1.0 - c) * (1.0 - c), 1e-8);
    EXPECT_GT(strong.pr_phi_zf, 0.0);
    // sigma = 0: Delta0 = (2 K g^2)^(1/(1-alpha)) and g_eff^2 = c exactly.
    const PowerLawDmft noiseless = solvePowerLawDmft(0.5, 2.0, 0.0);
    EXPECT_NEAR(noiseless.g_eff * noiseless.g_eff, c, 1e-13);
}

TEST(PowerLawScaling, DimensionCollapsesOntoTheScalingVariable) {
    // PR/N(g, sigma) = F_alpha(sigma g^(-1/(1-alpha))): same u, different (g, sigma).
    for (double alpha : {0.25, 0.5}) {
        const double u = 0.7;
        for (double g : {0.3, 1.0, 2.5, 10.0}) {
            const double sigma = u * std::pow(g, 1.0 / (1.0 - alpha));
            EXPECT_NEAR(powerLawScalingVariable(alpha, g, sigma), u, 1e-14);
            const PowerLawDmft closed = solvePowerLawDmft(alpha, g, sigma);
            EXPECT_NEAR(closed.pr_phi_zf, powerLawScalingFunction(alpha, u), 1e-12) << "alpha " << alpha << " g " << g;
            // The quadrature solver shows the same collapse.
            const Activation phi = powerLaw(alpha);
            const double delta0 = solveWhiteNoiseVariance(phi, g, sigma);
            const double g_eff = g * effectiveGain(phi, delta0, defaultGaussHermiteRule());
            EXPECT_NEAR((1.0 - g_eff * g_eff) * (1.0 - g_eff * g_eff), closed.pr_phi_zf, 1e-8) << "alpha " << alpha << " g " << g;
            // Var x ~ g^(2/(1-alpha)) at fixed u.
            EXPECT_NEAR(closed.delta0 / std::pow(g, 2.0 / (1.0 - alpha)), solvePowerLawDmft(alpha, 1.0, u).delta0, 1e-10);
        }
    }
}

TEST(PowerLawBlowUp, CriticalCouplingSeparatesSolutionFromBlowUp) {
    const double alpha = 2.0;
    const double sigma = 1.0;
    const double g_star = powerLawCriticalCoupling(alpha, sigma);
    EXPECT_NO_THROW(solvePowerLawDmft(alpha, 0.999 * g_star, sigma));
    try {
        solvePowerLawDmft(alpha, 1.001 * g_star, sigma);
        FAIL() << "expected blow-up";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("blows up"), std::string::npos) << e.what();
    }
    // The generic solver finds the same critical coupling (to quadrature accuracy).
    EXPECT_NEAR(criticalCoupling(powerLaw(alpha), sigma, gaussHermiteRule(200)) / g_star, 1.0, 1e-6);
}

TEST(PowerLawBlowUp, LinearCaseIsTheOrdinaryInstability) {
    // alpha = 1: kappa = g^2 and y = 1/sqrt(1 - g^2): Delta0 = sigma^2 / (2 sqrt(1 - g^2)).
    const PowerLawDmft s = solvePowerLawDmft(1.0, 0.6, 1.0);
    EXPECT_NEAR(s.delta0, 0.5 / std::sqrt(1.0 - 0.36), 1e-14);
    EXPECT_THROW(solvePowerLawDmft(1.0, 1.0, 1.0), std::runtime_error);
}

TEST(PowerLawDmft, RejectsInvalidParameters) {
    EXPECT_THROW(solvePowerLawDmft(0.0, 1.0, 1.0), std::domain_error);
    EXPECT_THROW(solvePowerLawDmft(0.5, -1.0, 1.0), std::domain_error);
    EXPECT_THROW(solvePowerLawDmft(0.5, 1.0, -1.0), std::domain_error);
    EXPECT_THROW(powerLawScalingVariable(1.5, 1.0, 1.0), std::domain_error);
}

}  // namespace
}  // namespace quench::theory
