// Activation values and derivatives (the derivative is what the theory's gain gamma = E phi' uses).
#include <gtest/gtest.h>

#include <cmath>

#include "quench/activation.hpp"
#include "quench/error.hpp"

namespace quench {
namespace {

Activation make(ActivationKind kind) {
    Activation a;
    a.kind = kind;
    return a;
}

void expectDerivativeMatchesFiniteDifference(const Activation& a, double x) {
    const double h = 1e-6;
    const double numeric = (a.value(x + h) - a.value(x - h)) / (2 * h);
    EXPECT_NEAR(a.derivative(x), numeric, 1e-6 * (1 + std::fabs(numeric)))
        << activationName(a.kind) << " at " << x;
}

TEST(Activation, DerivativesMatchFiniteDifferences) {
    Activation power = make(ActivationKind::PowerLaw);
    power.alpha = 0.5;
    Activation thresh = make(ActivationKind::ThresholdLinear);
    thresh.threshold = 0.3;
    const PadeCoefficients preset = *padePreset("tanh_3_2");
    const Activation pade = makePadeActivation(preset.p, preset.q);
    for (const Activation& a : {make(ActivationKind::Linear), make(ActivationKind::Tanh),
                                make(ActivationKind::Erf), power, make(ActivationKind::Relu), thresh, pade})
        for (const double x : {-2.3, -0.7, 0.11, 0.9, 3.1}) expectDerivativeMatchesFiniteDifference(a, x);
}

TEST(Activation, SinglePrecisionTanhIsAccurateToAMillionth) {
    double worst = 0.0;
    for (double x = -12.0; x <= 12.0; x += 1e-3) {
        const double exact = std::tanh(x);
        worst = std::max(
            worst, std::fabs(tanhOf(static_cast<float>(x)) - exact) / std::max(std::fabs(exact), 1e-30));
    }
    EXPECT_LT(worst, 1e-6);
    EXPECT_EQ(tanhOf(0.0f), 0.0f);
    EXPECT_LE(tanhOf(100.0f), 1.0f);
}

TEST(Activation, ErfHasUnitGainAtZero) {
    EXPECT_NEAR(make(ActivationKind::Erf).derivative(0.0), 1.0, 1e-15);
}

TEST(Activation, PowerLawIsOddWithTheGivenExponent) {
    Activation a = make(ActivationKind::PowerLaw);
    a.alpha = 0.25;
    EXPECT_DOUBLE_EQ(a.value(16.0), 2.0);
    EXPECT_DOUBLE_EQ(a.value(-16.0), -2.0);
}

TEST(Activation, PadePresetsApproximateTanh) {
    for (const std::string& name : padePresetNames()) {
        const PadeCoefficients c = *padePreset(name);
        const Activation a = makePadeActivation(c.p, c.q);
        EXPECT_NEAR(a.value(0.3), std::tanh(0.3), 2e-3) << name;
        EXPECT_NEAR(a.derivative(0.0), 1.0, 1e-12) << name;
    }
    const PadeCoefficients c12 = *padePreset("tanh_1_2");
    EXPECT_NEAR(makePadeActivation(c12.p, c12.q).value(1.5), 1.5 / (1 + 1.5 * 1.5 / 3), 1e-14);
}

TEST(Activation, PadeWithARealPoleIsRejected) {
    EXPECT_THROW(makePadeActivation({0, 1}, {1, 0, -1}), ConfigError);  // 1 - x^2 vanishes at +-1
    EXPECT_THROW(makePadeActivation({0, 1}, {1, 1}), ConfigError);      // odd degree: always a real root
}

TEST(Activation, NamesRoundTrip) {
    for (const std::string& name : activationNames()) {
        const auto kind = parseActivationKind(name);
        ASSERT_TRUE(kind.has_value()) << name;
        EXPECT_EQ(activationName(*kind), name);
    }
    EXPECT_FALSE(parseActivationKind("sigmoid").has_value());
}

TEST(Activation, UnboundedOnesAreFlagged) {
    EXPECT_TRUE(make(ActivationKind::Linear).unbounded());
    EXPECT_TRUE(make(ActivationKind::Relu).unbounded());
    EXPECT_FALSE(make(ActivationKind::Tanh).unbounded());
    Activation power = make(ActivationKind::PowerLaw);
    power.alpha = 1.5;
    EXPECT_TRUE(power.unbounded());
}

}  // namespace
}  // namespace quench
