// White-noise dynamic mean-field theory: the variance equation (*), the effective gain and the
// linear-equivalence zero-frequency statistics, against theory.md's check values and closed forms.
#include "quench/theory/dmft.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <string>

namespace quench::theory {
namespace {

Activation makeActivation(ActivationKind kind) {
    Activation a;
    a.kind = kind;
    return a;
}

TEST(WhiteNoiseDmft, LinearNetworkReproducesTheExactVarianceAndZeroFrequencyPower) {
    const Activation linear = makeActivation(ActivationKind::Linear);
    for (double g : {0.0, 0.3, 0.7, 0.9}) {
        const double sigma = 1.3;
        const WhiteNoiseDmft s = solveWhiteNoiseDmft(linear, g, sigma);
        const double gap = 1.0 - g * g;
        EXPECT_NEAR(s.delta0, sigma * sigma / (2.0 * std::sqrt(gap)), 1e-12) << "g " << g;
        EXPECT_NEAR(s.gamma, 1.0, 1e-14);
        EXPECT_NEAR(s.a_phi_zf, sigma * sigma / gap, 1e-9) << "g " << g;
        EXPECT_NEAR(s.residual_power, 0.0, 1e-9);  // phi = x: nothing beyond the linear response
        EXPECT_NEAR(s.a_x_zf, sigma * sigma / gap, 1e-9);
        EXPECT_NEAR(s.pr_phi_zf, gap * gap, 1e-14);
    }
}

// theory.md section 4: tanh, 80-point Gauss-Hermite, four digits.
TEST(WhiteNoiseDmft, TanhCheckValues) {
    const Activation tanh_phi = makeActivation(ActivationKind::Tanh);
    struct Case {
        double g, sigma2, delta0, gamma, pr;  // pr < 0: no check value
    };
    const Case cases[] = {{0.5, 1.0, 0.5361, 0.7149, -1.0},
                          {0.8, 1.0, 0.6044, 0.6948, 0.4776},
                          {1.5, 2.0, 1.6393, 0.5156, 0.1614},
                          {2.0, 1.0, 2.0920, 0.4721, -1.0}};
    for (const Case& c : cases) {
        const WhiteNoiseDmft s = solveWhiteNoiseDmft(tanh_phi, c.g, std::sqrt(c.sigma2));
        EXPECT_NEAR(s.delta0, c.delta0, 5e-5) << "g " << c.g;
        EXPECT_NEAR(s.gamma, c.gamma, 5e-5) << "g " << c.g;
        if (c.pr > 0.0) EXPECT_NEAR(s.pr_phi_zf, c.pr, 5e-5) << "g " << c.g;
        EXPECT_NEAR(s.g_eff, s.gamma * c.g, 1e-15);
        EXPECT_GT(s.stability_margin, 0.0);
        EXPECT_NEAR(s.n_cross_var_over_a2_phi_zf, 1.0 / s.pr_phi_zf - 1.0, 1e-12);
        EXPECT_NEAR(s.a_x_zf, c.g * c.g * s.a_phi_zf + c.sigma2, 1e-12);
        EXPECT_GT(s.residual_power, 0.0);  // tanh is not linear: the residual carries power
    }
}

TEST(WhiteNoiseDmft, SolutionSatisfiesTheVarianceEquation) {
    const Activation erf_phi = makeActivation(ActivationKind::Erf);
    const WhiteNoiseDmft s = solveWhiteNoiseDmft(erf_phi, 1.7, 0.8);
    EXPECT_NEAR(varianceEquationResidual(erf_phi, 1.7, 0.8, s.delta0, defaultGaussHermiteRule()), 0.0, 1e-13);
}

TEST(WhiteNoiseDmft, StrongCouplingStaysBelowTheInstabilityAndIsChaotic) {
    const Activation tanh_phi = makeActivation(ActivationKind::Tanh);
    const WhiteNoiseDmft s = solveWhiteNoiseDmft(tanh_phi, 4.0, 1.0);
    EXPECT_LT(s.g_eff, 1.0);
    EXPECT_GT(s.pr_phi_zf, 0.0);  // the dimension stays strictly positive
    EXPECT_TRUE(s.chaotic);
    EXPECT_FALSE(solveWhiteNoiseDmft(tanh_phi, 0.5, 1.0).chaotic);
}

TEST(WhiteNoiseDmft, NoiselessChaosIsTheClassicSolution) {
    const Activation tanh_phi = makeActivation(ActivationKind::Tanh);
    EXPECT_EQ(solveWhiteNoiseDmft(tanh_phi, 0.8, 0.0).delta0, 0.0);  // quiescent below g = 1
    const WhiteNoiseDmft chaos = solveWhiteNoiseDmft(tanh_phi, 2.0, 0.0);
    EXPECT_GT(chaos.delta0, 0.5);
    EXPECT_NEAR(chaos.delta0 * chaos.delta0, 8.0 * antiderivativeVariance(tanh_phi, chaos.delta0, defaultGaussHermiteRule()), 1e-12);
    EXPECT_NEAR(chaos.g_eff, 0.974, 1e-3);  // theory.md: "g = 2: 0.974"
}

TEST(WhiteNoiseDmft, PowerLawBeyondTheCriticalCouplingReportsTheBlowUp) {
    Activation cubic_ish = makeActivation(ActivationKind::PowerLaw);
    cubic_ish.alpha = 2.0;
    const double g_star = criticalCoupling(cubic_ish, 1.0);
    EXPECT_GT(g_star, 0.0);
    const WhiteNoiseDmft below = solveWhiteNoiseDmft(cubic_ish, 0.5 * g_star, 1.0);
    EXPECT_GT(below.unstable_branch_delta0, below.delta0);  // the second, unstable root is reported
    try {
        solveWhiteNoiseDmft(cubic_ish, 1.5 * g_star, 1.0);
        FAIL() << "expected a blow-up error";
    } catch (const std::runtime_error& e) {
        const std::string msg = e.what();
        EXPECT_NE(msg.find("no solution"), std::string::npos) << msg;
        EXPECT_NE(msg.find("g* ="), std::string::npos) << msg;
    }
}

TEST(WhiteNoiseDmft, RejectsNegativeOrNonFiniteParameters) {
    const Activation tanh_phi = makeActivation(ActivationKind::Tanh);
    EXPECT_THROW(solveWhiteNoiseDmft(tanh_phi, -1.0, 1.0), std::domain_error);
    EXPECT_THROW(solveWhiteNoiseDmft(tanh_phi, 1.0, -1.0), std::domain_error);
    EXPECT_THROW(solveWhiteNoiseDmft(tanh_phi, std::nan(""), 1.0), std::domain_error);
}

TEST(WhiteNoiseDmft, LinearNetworkPastTheInstabilityHasNoSolution) {
    const Activation linear = makeActivation(ActivationKind::Linear);
    EXPECT_THROW(solveWhiteNoiseDmft(linear, 1.2, 1.0), std::runtime_error);
}

// theory.md: tanh g_c = 1.094, 1.476, 1.956, 2.922 at sigma = 0.1, 0.5, 1, 2.
TEST(ChaosTransition, TanhCheckValues) {
    const Activation tanh_phi = makeActivation(ActivationKind::Tanh);
    EXPECT_NEAR(chaosTransitionCoupling(tanh_phi, 0.0), 1.0, 1e-15);
    EXPECT_NEAR(chaosTransitionCoupling(tanh_phi, 0.1), 1.094, 5e-4);
    EXPECT_NEAR(chaosTransitionCoupling(tanh_phi, 0.5), 1.476, 5e-4);
    EXPECT_NEAR(chaosTransitionCoupling(tanh_phi, 1.0), 1.956, 5e-4);
    // At sigma = 2 the transition sits at Delta0 ~ 5.9, where order 80 is off by 1e-3 (tanh's poles
    // at i pi/2 are close on the scale sqrt(Delta0)); order 300 is converged: 2.921542.
    EXPECT_NEAR(chaosTransitionCoupling(tanh_phi, 2.0, gaussHermiteRule(300)), 2.922, 5e-4);
}

}  // namespace
}  // namespace quench::theory
