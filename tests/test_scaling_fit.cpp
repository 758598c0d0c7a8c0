// The N-scaling fit of `quench validate`: S(N) = S_inf + a/N (+ b/N^2) by weighted least squares.
#include <gtest/gtest.h>

#include <cmath>

#include "quench/scaling_fit.hpp"

namespace {

using quench::ScalingPoint;

std::vector<ScalingPoint> exactLine(double s_inf, double a, double b, double sem) {
    std::vector<ScalingPoint> points;
    for (const double n : {50.0, 100.0, 200.0, 400.0, 800.0})
        points.push_back({n, s_inf + a / n + b / (n * n), sem});
    return points;
}

TEST(ScalingFit, RecoversAnExactLineInOneOverN) {
    const quench::ScalingFit fit = quench::fitInverseN(exactLine(0.75, -3.0, 0.0, 0.01), 1);
    ASSERT_TRUE(fit.ok) << fit.reason;
    EXPECT_NEAR(fit.s_inf, 0.75, 1e-12);
    EXPECT_NEAR(fit.a, -3.0, 1e-9);
    EXPECT_NEAR(fit.chi2, 0.0, 1e-12);
    EXPECT_EQ(fit.dof, 3);
    EXPECT_DOUBLE_EQ(fit.p_value, 1.0);
}

TEST(ScalingFit, TwoPointErrorsFollowFromTheStandardErrors) {
    // Two sizes: S_inf = (N2 S2 - N1 S1) / (N2 - N1), so var S_inf = (N2^2 s2^2 + N1^2 s1^2) / (N2 - N1)^2.
    const std::vector<ScalingPoint> points{{100.0, 1.0, 0.02}, {200.0, 0.9, 0.01}};
    const quench::ScalingFit fit = quench::fitInverseN(points, 1);
    ASSERT_TRUE(fit.ok);
    EXPECT_NEAR(fit.s_inf, (200.0 * 0.9 - 100.0 * 1.0) / 100.0, 1e-12);
    EXPECT_NEAR(fit.s_inf_se, std::sqrt(200.0 * 200.0 * 1e-4 + 100.0 * 100.0 * 4e-4) / 100.0, 1e-12);
    EXPECT_EQ(fit.dof, 0);
}

TEST(ScalingFit, AddsTheQuadraticTermOnlyWhenTheLineDoesNotFit) {
    const quench::ScalingFit straight = quench::fitInverseNAuto(exactLine(1.0, 2.0, 0.0, 1e-3));
    EXPECT_EQ(straight.order, 1);
    const quench::ScalingFit curved = quench::fitInverseNAuto(exactLine(1.0, 2.0, 2000.0, 1e-3));
    ASSERT_TRUE(curved.ok);
    EXPECT_EQ(curved.order, 2);
    EXPECT_NEAR(curved.s_inf, 1.0, 1e-9);
    EXPECT_NEAR(curved.a, 2.0, 1e-6);
    EXPECT_NEAR(curved.b, 2000.0, 1e-4);
}

TEST(ScalingFit, WidensItsErrorsByTheBirgeRatioWhenTheScatterExceedsTheErrors) {
    std::vector<ScalingPoint> points = exactLine(1.0, 2.0, 0.0, 1e-3);
    for (size_t i = 0; i < points.size(); ++i) points[i].mean += (i % 2 ? 1 : -1) * 5e-3;
    const quench::ScalingFit fit = quench::fitInverseN(points, 1);
    ASSERT_TRUE(fit.ok);
    EXPECT_GT(fit.birge_scale, 1.0);
    EXPECT_NEAR(fit.birge_scale, std::sqrt(fit.chi2 / fit.dof), 1e-12);
}

TEST(ScalingFit, ChiSquareSurvivalMatchesTables) {
    EXPECT_NEAR(quench::chiSquareSurvival(3.841458820694124, 1), 0.05, 1e-9);
    EXPECT_NEAR(quench::chiSquareSurvival(18.307038053275146, 10), 0.05, 1e-9);
    EXPECT_NEAR(quench::chiSquareSurvival(2.0, 2), std::exp(-1.0), 1e-12);
    EXPECT_DOUBLE_EQ(quench::chiSquareSurvival(5.0, 0), 1.0);
}

TEST(ScalingFit, RefusesDataItCannotFitAndSaysWhy) {
    EXPECT_FALSE(quench::fitInverseN({{100.0, 1.0, 0.1}}, 1).ok);
    EXPECT_FALSE(quench::fitInverseN({{100.0, 1.0, 0.1}, {100.0, 1.1, 0.1}}, 1).ok);
    const quench::ScalingFit zero_error = quench::fitInverseN({{100.0, 1.0, 0.0}, {200.0, 1.1, 0.1}}, 1);
    EXPECT_FALSE(zero_error.ok);
    EXPECT_NE(zero_error.reason.find("standard error"), std::string::npos);
    EXPECT_FALSE(quench::fitInverseN({{100.0, NAN, 0.1}, {200.0, 1.1, 0.1}}, 1).ok);
}

}  // namespace
