// Gaussian averages: the Gauss-Hermite rule, the independent piecewise path, antiderivatives and the
// two-point correlation F(Delta0, Delta), each against a closed form or an independent computation.
#include "activation_of.hpp"
#include "quench/theory/gaussian_average.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

namespace quench::theory {
namespace {

using quench::testing::activationOf;

constexpr double kPi = 3.14159265358979323846;

Activation powerLaw(double alpha) {
    Activation a = activationOf(ActivationKind::PowerLaw);
    a.alpha = alpha;
    return a;
}

TEST(GaussHermiteRule, WeightsSumToOneAndMomentsAreExact) {
    for (int order : {1, 2, 5, 20, 80, 200}) {
        const GaussHermiteRule rule = gaussHermiteRule(order);
        ASSERT_EQ(rule.order(), order);
        double sum = 0.0;
        for (double w : rule.weights) sum += w;
        EXPECT_NEAR(sum, 1.0, 1e-13) << "order " << order;
        // E[z^(2k)] = (2k-1)!! exactly for 2k < 2 order; check up to z^8 (relative).
        double double_factorial = 1.0;
        for (int k = 1; k <= 4 && 2 * k < 2 * order; ++k) {
            double_factorial *= 2 * k - 1;
            double m = 0.0;
            for (int i = 0; i < order; ++i) m += rule.weights[i] * std::pow(rule.nodes[i], 2 * k);
            EXPECT_NEAR(m / double_factorial, 1.0, 1e-12) << "order " << order << " moment " << 2 * k;
        }
    }
}

TEST(GaussHermiteRule, NodesAreSymmetricAndAscending) {
    const GaussHermiteRule rule = gaussHermiteRule(81);
    EXPECT_EQ(rule.nodes[40], 0.0);
    for (int i = 1; i < 81; ++i) EXPECT_LT(rule.nodes[i - 1], rule.nodes[i]);
    for (int i = 0; i < 81; ++i) EXPECT_EQ(rule.nodes[i], -rule.nodes[80 - i]);
}

TEST(GaussHermiteRule, RejectsOrdersOutsideTheStableRange) {
    EXPECT_THROW(gaussHermiteRule(0), std::domain_error);
    EXPECT_THROW(gaussHermiteRule(401), std::domain_error);
}

TEST(GaussianExpectation, MatchesClosedFormsForSmoothFunctions) {
    const GaussHermiteRule& rule = defaultGaussHermiteRule();
    // E[cos(x)] = exp(-v/2), E[exp(x)] = exp(v/2).
    for (double v : {0.1, 1.0, 4.0}) {
        EXPECT_NEAR(gaussianExpectation([](double x) { return std::cos(x); }, v, rule), std::exp(-0.5 * v),
                    1e-14);
        EXPECT_NEAR(gaussianExpectation([](double x) { return std::exp(x); }, v, rule) / std::exp(0.5 * v),
                    1.0, 1e-13);
    }
    EXPECT_DOUBLE_EQ(gaussianExpectation([](double x) { return x + 3.0; }, 0.0, rule), 3.0);
    EXPECT_THROW(gaussianExpectation([](double x) { return x; }, -1.0, rule), std::domain_error);
}

TEST(GaussianExpectationPiecewise, AgreesWithClosedFormsForKinksAndCusps) {
    // E|x|^p = v^(p/2) 2^(p/2) Gamma((p+1)/2) / sqrt(pi); E[relu(x)] = sqrt(v / (2 pi)).
    for (double p : {0.25, 0.5, 1.5}) {
        const double exact = std::pow(2.0, 0.5 * p) * std::tgamma(0.5 * (p + 1.0)) / std::sqrt(kPi);
        const double value =
            gaussianExpectationPiecewise([p](double x) { return std::pow(std::fabs(x), p); }, 1.0, {0.0});
        EXPECT_NEAR(value / exact, 1.0, 1e-12) << "p = " << p;
    }
    const double relu = gaussianExpectationPiecewise([](double x) { return x > 0 ? x : 0.0; }, 2.0, {0.0});
    EXPECT_NEAR(relu, std::sqrt(2.0 / (2.0 * kPi)), 1e-13);
    // E[phi'] for x^(-1/2) cusps (power law alpha = 0.5): 0.5 E|x|^(-1/2).
    const double cusp =
        gaussianExpectationPiecewise([](double x) { return std::pow(std::fabs(x), -0.5); }, 1.0, {0.0});
    const double cusp_exact = std::pow(2.0, -0.25) * std::tgamma(0.25) / std::sqrt(kPi);
    EXPECT_NEAR(cusp / cusp_exact, 1.0, 1e-12);
    const double cusp3 =
        gaussianExpectationPiecewise([](double x) { return std::pow(std::fabs(x), -0.75); }, 1.0, {0.0});
    EXPECT_NEAR(cusp3 / (std::pow(2.0, -0.375) * std::tgamma(0.125) / std::sqrt(kPi)), 1.0,
                1e-8);  // strong cusp: 1e-9
}

TEST(Antiderivative, ClosedFormsMatchNumericalIntegrationOfPhi) {
    Activation threshold = activationOf(ActivationKind::ThresholdLinear);
    threshold.threshold = 0.3;
    Activation negative_threshold = threshold;
    negative_threshold.threshold = -0.4;
    const Activation kinds[] = {activationOf(ActivationKind::Linear),
                                activationOf(ActivationKind::Tanh),
                                activationOf(ActivationKind::Erf),
                                powerLaw(0.5),
                                powerLaw(1.7),
                                activationOf(ActivationKind::Relu),
                                threshold,
                                negative_threshold};
    for (const Activation& phi : kinds) {
        EXPECT_NEAR(activationAntiderivative(phi, 0.0), 0.0, 1e-16);
        for (double x : {-7.3, -2.0, -0.2, 0.05, 0.3, 1.0, 4.5, 30.0}) {
            const double closed = activationAntiderivative(phi, x);
            const double numeric = numericalAntiderivative(phi, x);
            EXPECT_NEAR(closed, numeric, 1e-12 * std::max(1.0, std::fabs(closed)))
                << "kind " << static_cast<int>(phi.kind) << " x " << x;
        }
    }
}

TEST(Antiderivative, TanhIsLogCoshWithoutOverflow) {
    const Activation tanh_phi = activationOf(ActivationKind::Tanh);
    EXPECT_NEAR(activationAntiderivative(tanh_phi, 1.0), std::log(std::cosh(1.0)), 1e-15);
    EXPECT_NEAR(activationAntiderivative(tanh_phi, 1000.0), 1000.0 - std::log(2.0), 1e-12);
}

TEST(SingleSiteAverages, LinearActivationGivesTheGaussianMoments) {
    const Activation linear = activationOf(ActivationKind::Linear);
    const GaussHermiteRule& rule = defaultGaussHermiteRule();
    const double v = 1.7;
    EXPECT_NEAR(meanSquareActivation(linear, v, rule), v, 1e-13);
    EXPECT_NEAR(effectiveGain(linear, v, rule), 1.0, 1e-14);
    EXPECT_NEAR(antiderivativeVariance(linear, v, rule), 0.5 * v * v, 1e-13);  // Var(x^2/2)
    EXPECT_NEAR(activationCorrelation(linear, v, 0.6, rule), 0.6, 1e-13);
}

TEST(SingleSiteAverages, ErfHasClosedFormGainAndVariance) {
    // phi = erf(c x), c = sqrt(pi)/2: gamma = (2c/sqrt(pi)) / sqrt(1 + 2 c^2 v),
    // E[phi^2] = (2/pi) asin(2 c^2 v / (1 + 2 c^2 v)).
    // erf(c sqrt(v) z) saturates sharply for large v: order 200 reaches 1e-13 where order 80 gives 1e-8.
    const Activation erf_phi = activationOf(ActivationKind::Erf);
    const double c = std::sqrt(kPi) / 2.0;
    const GaussHermiteRule rule = gaussHermiteRule(200);
    for (double v : {0.3, 1.0, 3.0}) {
        const double a = 2.0 * c * c * v;
        EXPECT_NEAR(effectiveGain(erf_phi, v, rule), 1.0 / std::sqrt(1.0 + a), 1e-13);
        EXPECT_NEAR(meanSquareActivation(erf_phi, v, rule), 2.0 / kPi * std::asin(a / (1.0 + a)), 1e-13);
        // F(v, d) = (2/pi) asin(2 c^2 d / (1 + 2 c^2 v)) (Williams' arcsine kernel).
        const double d = 0.4 * v;
        EXPECT_NEAR(activationCorrelation(erf_phi, v, d, rule),
                    2.0 / kPi * std::asin(2.0 * c * c * d / (1.0 + a)), 1e-13);
    }
}

TEST(SingleSiteAverages, ReluClosedFormsAgainstHighOrderQuadrature) {
    // Kinks converge only algebraically under Gauss-Hermite: order 200 is good to ~1e-4.
    const Activation relu = activationOf(ActivationKind::Relu);
    const GaussHermiteRule rule = gaussHermiteRule(200);
    const double v = 2.0;
    EXPECT_NEAR(meanSquareActivation(relu, v, rule), 0.5 * v, 1e-12);  // x^2 on half the line: polynomial
    EXPECT_NEAR(effectiveGain(relu, v, rule), 0.5, 2e-3);
    // Var Phi = E[x^4]/8 - (E[x^2]/4)^2 = 3 v^2 / 8 - v^2 / 16 = 5 v^2 / 16.
    EXPECT_NEAR(antiderivativeVariance(relu, v, rule), 5.0 * v * v / 16.0, 1e-12);
    // Arc-cosine kernel of degree 1 (Cho & Saul): F = v/(2 pi) (sin t + (pi - t) cos t), cos t = d/v.
    const double d = 0.7;
    const double t = std::acos(d / v);
    EXPECT_NEAR(activationCorrelation(relu, v, d, rule),
                v / (2.0 * kPi) * (std::sin(t) + (kPi - t) * std::cos(t)), 1e-3);
}

TEST(TwoPointCorrelation, EndPointsAreTheSquaredMeanAndTheMeanSquare) {
    const Activation tanh_phi = activationOf(ActivationKind::Tanh);
    const GaussHermiteRule& rule = defaultGaussHermiteRule();
    const double v = 1.3;
    EXPECT_NEAR(activationCorrelation(tanh_phi, v, v, rule), meanSquareActivation(tanh_phi, v, rule), 1e-14);
    EXPECT_NEAR(activationCorrelation(tanh_phi, v, 0.0, rule), 0.0, 1e-15);
    // Price's theorem: dF/dDelta at Delta = 0 is gamma^2.
    const double h = 1e-5;
    const double slope = activationCorrelation(tanh_phi, v, h, rule) / h;
    const double gamma = effectiveGain(tanh_phi, v, rule);
    EXPECT_NEAR(slope, gamma * gamma, 1e-5);
}

TEST(TwoPointCorrelation, RejectsLagCovarianceOutsideTheVariance) {
    const Activation tanh_phi = activationOf(ActivationKind::Tanh);
    EXPECT_THROW(activationCorrelation(tanh_phi, 1.0, 1.5, defaultGaussHermiteRule()), std::domain_error);
    EXPECT_THROW(activationCorrelation(tanh_phi, 1.0, -0.1, defaultGaussHermiteRule()), std::domain_error);
}

TEST(AntiderivativeVariance, TanhAgreesAcrossQuadratureOrders) {
    const Activation tanh_phi = activationOf(ActivationKind::Tanh);
    const double v = 0.6;
    const double coarse = antiderivativeVariance(tanh_phi, v, defaultGaussHermiteRule());
    const double fine = antiderivativeVariance(tanh_phi, v, gaussHermiteRule(200));
    const double piecewise_mean =
        gaussianExpectationPiecewise([&](double x) { return activationAntiderivative(tanh_phi, x); }, v, {});
    const double piecewise = gaussianExpectationPiecewise(
        [&](double x) {
            const double d = activationAntiderivative(tanh_phi, x) - piecewise_mean;
            return d * d;
        },
        v, {});
    EXPECT_NEAR(coarse, fine, 1e-13);
    EXPECT_NEAR(fine, piecewise, 1e-13);
}

}  // namespace
}  // namespace quench::theory
