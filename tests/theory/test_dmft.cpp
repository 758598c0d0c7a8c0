// White-noise dynamic mean-field theory: the variance equation (*), the effective gain and the
// linear-equivalence zero-frequency statistics, against theory.md's check values and closed forms.
#include "activation_of.hpp"
#include "quench/theory/dmft.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <string>

namespace quench::theory {
namespace {

using quench::testing::activationOf;

TEST(WhiteNoiseDmft, LinearNetworkReproducesTheExactVarianceAndZeroFrequencyPower) {
    const Activation linear = activationOf(ActivationKind::Linear);
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
    const Activation tanh_phi = activationOf(ActivationKind::Tanh);
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
    const Activation erf_phi = activationOf(ActivationKind::Erf);
    const WhiteNoiseDmft s = solveWhiteNoiseDmft(erf_phi, 1.7, 0.8);
    EXPECT_NEAR(varianceEquationResidual(erf_phi, 1.7, 0.8, s.delta0, defaultGaussHermiteRule()), 0.0, 1e-13);
}

TEST(WhiteNoiseDmft, StrongCouplingStaysBelowTheInstabilityAndIsChaotic) {
    const Activation tanh_phi = activationOf(ActivationKind::Tanh);
    const WhiteNoiseDmft s = solveWhiteNoiseDmft(tanh_phi, 4.0, 1.0);
    EXPECT_LT(s.g_eff, 1.0);
    EXPECT_GT(s.pr_phi_zf, 0.0);  // the dimension stays strictly positive
    EXPECT_TRUE(s.chaotic);
    EXPECT_FALSE(solveWhiteNoiseDmft(tanh_phi, 0.5, 1.0).chaotic);
}

TEST(WhiteNoiseDmft, NoiselessChaosIsTheClassicSolution) {
    const Activation tanh_phi = activationOf(ActivationKind::Tanh);
    EXPECT_EQ(solveWhiteNoiseDmft(tanh_phi, 0.8, 0.0).delta0, 0.0);  // quiescent below g = 1
    const WhiteNoiseDmft chaos = solveWhiteNoiseDmft(tanh_phi, 2.0, 0.0);
    EXPECT_GT(chaos.delta0, 0.5);
    EXPECT_NEAR(chaos.delta0 * chaos.delta0,
                8.0 * antiderivativeVariance(tanh_phi, chaos.delta0, defaultGaussHermiteRule()), 1e-12);
    EXPECT_NEAR(chaos.g_eff, 0.974, 1e-3);  // theory.md: "g = 2: 0.974"
}

TEST(WhiteNoiseDmft, PowerLawBeyondTheCriticalCouplingReportsTheBlowUp) {
    Activation cubic_ish = activationOf(ActivationKind::PowerLaw);
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
    const Activation tanh_phi = activationOf(ActivationKind::Tanh);
    EXPECT_THROW(solveWhiteNoiseDmft(tanh_phi, -1.0, 1.0), std::domain_error);
    EXPECT_THROW(solveWhiteNoiseDmft(tanh_phi, 1.0, -1.0), std::domain_error);
    EXPECT_THROW(solveWhiteNoiseDmft(tanh_phi, std::nan(""), 1.0), std::domain_error);
}

TEST(WhiteNoiseDmft, LinearNetworkPastTheInstabilityHasNoSolution) {
    const Activation linear = activationOf(ActivationKind::Linear);
    EXPECT_THROW(solveWhiteNoiseDmft(linear, 1.2, 1.0), std::runtime_error);
}

// theory.md: tanh g_c = 1.094, 1.476, 1.956, 2.922 at sigma = 0.1, 0.5, 1, 2.
TEST(ChaosTransition, TanhCheckValues) {
    const Activation tanh_phi = activationOf(ActivationKind::Tanh);
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

// ---- Delta(tau), C_phi(tau), S_phi(w) and the all-frequency equal-time dimension ----
namespace quench::theory {
namespace {

Activation linearActivation() {
    Activation a;
    a.kind = ActivationKind::Linear;
    return a;
}

TEST(WhiteNoiseCorrelation, LinearNetworkIsTheOrnsteinUhlenbeckLorentzian) {
    // Delta(tau) = sigma^2 exp(-a tau) / (2 a), a = sqrt(1 - g^2); S(w) = sigma^2 / (a^2 + w^2).
    const double g = 0.6;
    const double a = std::sqrt(1.0 - g * g);
    const DmftCorrelation c = solveWhiteNoiseCorrelation(linearActivation(), g, 1.0);
    for (std::size_t k : {0u, 100u, 500u, 2000u})
        EXPECT_NEAR(c.delta[k], std::exp(-a * k * c.dt) / (2.0 * a), 1e-9);
    for (double w : {0.0, 0.5, 3.0}) EXPECT_NEAR(activationSpectrum(c, w), 1.0 / (a * a + w * w), 1e-4);
}

TEST(WhiteNoiseCorrelation, ReproducesTheVarianceEquationAndTheZeroFrequencyPower) {
    const WhiteNoiseDmft s = solveWhiteNoiseDmft(activationOf(ActivationKind::Tanh), 1.2, 1.0);
    const DmftCorrelation c = solveWhiteNoiseCorrelation(activationOf(ActivationKind::Tanh), 1.2, 1.0);
    EXPECT_EQ(c.delta0, s.delta0);
    EXPECT_NEAR(c.c_phi[0], s.a_phi, 1e-12);
    // Two independent routes to S_phi(0): the energy integral over Delta and the tau integral of C_phi.
    EXPECT_NEAR(activationSpectrum(c, 0.0) / s.a_phi_zf, 1.0, 1e-5);
    // The kink: Delta'(0+) = -sigma^2 / 2.
    EXPECT_NEAR((c.delta[1] - c.delta[0]) / c.dt, -0.5, 5e-3);
}

TEST(ColoredNoiseCorrelation, VanishingCorrelationTimeIsWhiteNoise) {
    const DmftCorrelation white = solveWhiteNoiseCorrelation(activationOf(ActivationKind::Tanh), 0.8, 1.0);
    const DmftCorrelation colored =
        solveColoredNoiseCorrelation(activationOf(ActivationKind::Tanh), 0.8, 1.0, 0.0);
    EXPECT_NEAR(colored.delta0 / white.delta0, 1.0, 1e-5);  // the iteration reproduces (*) to O(dt^2)
    for (std::size_t k = 0; k < 3000; k += 250) EXPECT_NEAR(colored.delta[k], white.delta[k], 1e-5);
}

TEST(ColoredNoiseCorrelation, LinearNetworkMatchesTheClosedForm) {
    // Delta0 = sigma^2 / (2 a (1 + tau_n a)), a = sqrt(1 - g^2), from the two Lorentzians.
    for (double tau_n : {0.3, 1.0, 2.5}) {
        const double g = 0.5;
        const double a = std::sqrt(1.0 - g * g);
        const DmftCorrelation c = solveColoredNoiseCorrelation(linearActivation(), g, 1.2, tau_n);
        EXPECT_NEAR(c.delta0, 1.44 / (2.0 * a * (1.0 + tau_n * a)), 1e-5) << "tau_n " << tau_n;
    }
}

TEST(ColoredNoiseCorrelation, SolutionObeysTheSpectralEquation) {
    // Delta_hat(w) (1 + w^2) = g^2 S_phi(w) + sigma^2 / (1 + tau_n^2 w^2).
    const double g = 2.0;
    const double tau_n = 0.5;
    const DmftCorrelation c = solveColoredNoiseCorrelation(activationOf(ActivationKind::Tanh), g, 1.0, tau_n);
    DmftCorrelation x = c;
    x.c_phi = c.delta;  // reuse the Filon transform for Delta itself
    for (double w : {0.0, 0.7, 2.0}) {
        const double lhs = activationSpectrum(x, w) * (1.0 + w * w);
        const double rhs = g * g * activationSpectrum(c, w) + 1.0 / (1.0 + tau_n * tau_n * w * w);
        EXPECT_NEAR(lhs, rhs, 1e-4 * rhs) << "w " << w;
    }
    EXPECT_LT(c.g_eff, 1.0);
    EXPECT_LT(c.iterations, 400);
}

TEST(ColoredNoiseCorrelation, ConvergesInWeaklyDrivenChaos) {
    // g = 3, sigma = 0.1: the Anderson-accelerated iteration converges, and Delta0 is the noiseless
    // chaotic variance up to the weak drive.
    const DmftCorrelation c = solveColoredNoiseCorrelation(activationOf(ActivationKind::Tanh), 3.0, 0.1, 1.0);
    const double chaotic = solveWhiteNoiseVariance(activationOf(ActivationKind::Tanh), 3.0, 0.0);
    EXPECT_NEAR(c.delta0 / chaotic, 1.0, 1e-3);
    EXPECT_LT(c.iterations, 400);
}

TEST(ColoredNoiseCorrelation, RejectsActivationsWithAStaticField) {
    Activation relu;
    relu.kind = ActivationKind::Relu;
    EXPECT_THROW(solveColoredNoiseCorrelation(relu, 1.0, 1.0, 0.5), std::domain_error);
}

TEST(ColoredNoiseCorrelation, RejectsNegativeCorrelationTime) {
    EXPECT_THROW(solveColoredNoiseCorrelation(activationOf(ActivationKind::Tanh), 1.0, 1.0, -0.5),
                 std::domain_error);
    DmftGridOptions bad;
    bad.dt = 0.0;
    EXPECT_THROW(solveColoredNoiseCorrelation(activationOf(ActivationKind::Tanh), 1.0, 1.0, 0.5, bad),
                 std::domain_error);
}

TEST(EqualTimeDimension, LinearNetworkReproducesTheLyapunovCheckValue) {
    // theory.md section 3: PR/N = 0.8477 at g = 0.5 (sigma = 1).
    const DmftCorrelation c = solveWhiteNoiseCorrelation(linearActivation(), 0.5, 1.0);
    EXPECT_NEAR(equalTimeActivationDimension(c, 0.5), 0.8477, 5e-5);
}

// theory.md section 4: tanh, ET phi covariance.
TEST(EqualTimeDimension, TanhCheckValuesWithNoise) {
    const struct { double g, pr; } cases[] = {{0.5, 0.9321}, {1.2, 0.5212}, {2.0, 0.0994}};
    for (const auto& k : cases) {
        const DmftCorrelation c = solveWhiteNoiseCorrelation(activationOf(ActivationKind::Tanh), k.g, 1.0);
        EXPECT_NEAR(equalTimeActivationDimension(c, k.g), k.pr, 5e-5) << "g " << k.g;
    }
}

TEST(EqualTimeDimension, TanhCheckValuesInNoiselessChaos) {
    // Order 200: at g = 3, Delta0 = 5.45 and order 80 shifts g_eff in the fourth digit. The converged
    // g = 3 value (orders 200-400, dt 0.004-0.01, 48-96 nodes, 200-400 frequencies) is 0.044651,
    // i.e. theory.md's 0.0446 to its three digits, 5.1e-5 above it.
    const GaussHermiteRule rule = gaussHermiteRule(200);
    const struct {
        double g, pr, tol;
    } cases[] = {{1.5, 0.0062, 5e-5}, {2.0, 0.0197, 5e-5}, {3.0, 0.0446, 6e-5}};
    for (const auto& k : cases) {
        const DmftCorrelation c =
            solveWhiteNoiseCorrelation(activationOf(ActivationKind::Tanh), k.g, 0.0, {}, rule);
        EXPECT_NEAR(equalTimeActivationDimension(c, k.g), k.pr, k.tol) << "g " << k.g;
    }
}

TEST(EqualTimeDimension, QuiescentNetworkHasNoDimension) {
    const DmftCorrelation c = solveWhiteNoiseCorrelation(activationOf(ActivationKind::Tanh), 0.5, 0.0);
    EXPECT_EQ(c.delta0, 0.0);
    EXPECT_THROW(equalTimeActivationDimension(c, 0.5), std::domain_error);
}

}  // namespace
}  // namespace quench::theory

namespace quench::theory {
namespace {

TEST(WhiteNoiseDmft, ActivationWithNonzeroMeanIsRejectedWithTheReason) {
    Activation relu;
    relu.kind = ActivationKind::Relu;
    try {
        solveWhiteNoiseDmft(relu, 0.5, 1.0);
        FAIL() << "expected the static-field error";
    } catch (const std::domain_error& e) {
        EXPECT_NE(std::string(e.what()).find("static field"), std::string::npos) << e.what();
    }
    EXPECT_NO_THROW(solveWhiteNoiseDmft(relu, 0.0, 1.0));  // uncoupled: no recurrent field at all
}

}  // namespace
}  // namespace quench::theory

// ---- White noise with a coupling mean, an input and activations with a nonzero mean ----
namespace quench::theory {
namespace {

Activation kindOf(ActivationKind kind) {
    Activation a;
    a.kind = kind;
    return a;
}

TEST(WhiteNoiseMeanField, OddActivationWithoutMeanIsTheVarianceEquation) {
    const Activation tanh_phi = kindOf(ActivationKind::Tanh);
    const WhiteNoiseMeanField mf = solveWhiteNoiseMeanField(tanh_phi, 0.8, 1.0, 0.0, 0.0);
    const WhiteNoiseDmft s = solveWhiteNoiseDmft(tanh_phi, 0.8, 1.0);
    EXPECT_EQ(mf.mu, 0.0);
    EXPECT_EQ(mf.delta_inf, 0.0);
    EXPECT_NEAR(mf.delta0, s.delta0, 1e-12);
    EXPECT_NEAR(mf.gamma, s.gamma, 1e-12);
}

TEST(WhiteNoiseMeanField, LinearNetworkWithMeanAndInputIsExact) {
    // mu = I / (1 - m), Delta_inf = g^2 mu^2 / (1 - g^2), Delta0 = Delta_inf + sigma^2 / (2 sqrt(1 - g^2)).
    const double g = 0.6, sigma = 1.0, m = 0.3, input = 0.5;
    const WhiteNoiseMeanField mf =
        solveWhiteNoiseMeanField(kindOf(ActivationKind::Linear), g, sigma, m, input);
    const double mu = input / (1.0 - m);
    const double delta_inf = g * g * mu * mu / (1.0 - g * g);
    EXPECT_NEAR(mf.mu, mu, 1e-12);
    EXPECT_NEAR(mf.delta_inf, delta_inf, 1e-10);
    EXPECT_NEAR(mf.delta0, delta_inf + sigma * sigma / (2.0 * std::sqrt(1.0 - g * g)), 1e-10);
}

TEST(WhiteNoiseMeanField, StronglyDrivenReluIsLinear) {
    // I = 20, g = 0.2: x stays 5 standard deviations above the kink, relu acts as the identity.
    const double g = 0.2, input = 20.0;
    const WhiteNoiseMeanField mf = solveWhiteNoiseMeanField(kindOf(ActivationKind::Relu), g, 1.0, 0.0, input);
    const double delta_inf = g * g * input * input / (1.0 - g * g);
    EXPECT_NEAR(mf.delta_inf / delta_inf, 1.0, 1e-5);
    EXPECT_NEAR(mf.delta0 / (delta_inf + 0.5 / std::sqrt(1.0 - g * g)), 1.0, 1e-5);
    EXPECT_NEAR(mf.gamma, 1.0, 1e-5);
}

TEST(WhiteNoiseMeanField, ThresholdIsAShiftOfTheInput) {
    // phi = (x - t)_+ with input I is relu with input I - t, for y = x - t.
    Activation threshold = kindOf(ActivationKind::ThresholdLinear);
    threshold.threshold = 0.7;
    const WhiteNoiseMeanField a = solveWhiteNoiseMeanField(threshold, 0.9, 1.0, 0.2, 0.4);
    const WhiteNoiseMeanField b =
        solveWhiteNoiseMeanField(kindOf(ActivationKind::Relu), 0.9, 1.0, 0.2, 0.4 - 0.7);
    EXPECT_NEAR(a.mu - 0.7, b.mu, 1e-10);
    EXPECT_NEAR(a.delta0, b.delta0, 1e-10);
    EXPECT_NEAR(a.delta_inf, b.delta_inf, 1e-10);
    EXPECT_GT(a.delta_inf, 0.0);  // relu has a nonzero mean: a quenched static field
    EXPECT_LT(a.delta_inf, a.delta0);
}

TEST(WhiteNoiseMeanField, ReluSolutionIsSelfConsistent) {
    const Activation relu = kindOf(ActivationKind::Relu);
    const double g = 1.3;
    const WhiteNoiseMeanField mf = solveWhiteNoiseMeanField(relu, g, 1.0, 0.0, 0.0);
    // Delta_inf = g^2 (E_z E_y relu)^2, checked with an independent 2-D quadrature of order 200.
    const double f = twoPointCorrelation([](double x) { return x > 0 ? x : 0.0; }, mf.delta0, mf.delta_inf,
                                         gaussHermiteRule(200), {0.0});
    EXPECT_NEAR(mf.delta_inf, g * g * f, 1e-8);
    EXPECT_LT(mf.g_eff, 1.0);
}

TEST(WhiteNoiseMeanField, BistableMeanIsReportedWithTheCandidates) {
    try {
        solveWhiteNoiseMeanField(kindOf(ActivationKind::Tanh), 0.5, 0.5, 3.0, 0.0);
        FAIL() << "expected several means";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("several self-consistent means"), std::string::npos) << e.what();
    }
    EXPECT_THROW(solveWhiteNoiseMeanField(kindOf(ActivationKind::Tanh), 0.5, 0.5, std::nan(""), 0.0),
                 std::domain_error);
}

}  // namespace
}  // namespace quench::theory
