// The controls validate uses for the scatter of per-neuron draws: exactly zero-mean, tied to the
// simulator's draws, and a regression on them that keeps a statistic's mean and drops the scatter they span.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "quench/ensemble_spec.hpp"
#include "quench/neuron_parameters.hpp"
#include "validate/neuron_draw_controls.hpp"

namespace {

namespace v = quench::validation;
using quench::NeuronDistribution;

quench::EnsembleSpec heterogeneousSpec(int n) {
    quench::EnsembleSpec spec;
    spec.network.n = n;
    spec.network.gain = {NeuronDistribution::Uniform, 1.0, 0.4};
    spec.network.tau = {NeuronDistribution::Lognormal, 1.5, 0.5};
    spec.ensemble.seed = 77;
    return spec;
}

TEST(NeuronDrawControls, NineForEachParameterThatIsDrawn) {
    quench::EnsembleSpec spec = heterogeneousSpec(25);
    EXPECT_EQ(v::neuronDrawControlCount(spec.network), 18);
    EXPECT_EQ(v::neuronDrawControls(spec, 3).size(), 18u);
    spec.network.gain = {NeuronDistribution::None, 2.0, 0.0};  // every neuron the same gain: nothing drawn
    EXPECT_EQ(v::neuronDrawControlCount(spec.network), 9);
    spec.network.tau = {};
    EXPECT_EQ(v::neuronDrawControlCount(spec.network), 0);
    EXPECT_TRUE(v::neuronDrawControls(spec, 3).empty());
}

TEST(NeuronDrawControls, HaveMeanZeroOverRealizations) {
    // 4.5 standard errors for each of the 18 controls (false alarm about 1e-4 in all).
    const quench::EnsembleSpec spec = heterogeneousSpec(5);
    constexpr int kRealizations = 20000;
    std::vector<double> sum(18, 0.0), square(18, 0.0);
    for (int r = 0; r < kRealizations; ++r) {
        const std::vector<double> m = v::neuronDrawControls(spec, r);
        for (std::size_t k = 0; k < m.size(); ++k) {
            sum[k] += m[k];
            square[k] += m[k] * m[k];
        }
    }
    for (std::size_t k = 0; k < sum.size(); ++k) {
        const double mean = sum[k] / kRealizations;
        const double se = std::sqrt((square[k] / kRealizations - mean * mean) / kRealizations);
        EXPECT_LT(std::abs(mean), 4.5 * se) << "control " << k;
        EXPECT_GT(se, 0.0) << "control " << k;
    }
}

TEST(NeuronDrawControls, FollowTheSimulatorsDraws) {
    // The first control is mean_i b_i^-1 - E b^-1 of the gains the simulator draws for that realization.
    const quench::EnsembleSpec spec = heterogeneousSpec(40);
    const std::vector<double> b = quench::drawNeuronParameters(spec.network.gain, spec.ensemble.seed,
                                                               quench::RngStream::NeuronGain, 12, 40);
    double inverse = 0.0;
    for (const double x : b) inverse += 1.0 / x / 40.0;
    // Uniform on [1 - w, 1 + w], w = sqrt(3) 0.4: E 1/b = log((1 + w) / (1 - w)) / (2 w).
    const double w = std::sqrt(3.0) * 0.4;
    EXPECT_NEAR(v::neuronDrawControls(spec, 12)[0], inverse - std::log((1.0 + w) / (1.0 - w)) / (2.0 * w),
                1e-9);
}

TEST(ControlledEstimate, IsExactWhenTheStatisticIsLinearInTheControls) {
    std::mt19937_64 rng(5);
    std::normal_distribution<double> normal;
    std::vector<double> values;
    std::vector<std::vector<double>> controls;
    for (int r = 0; r < 200; ++r) {
        controls.push_back({normal(rng), normal(rng)});
        values.push_back(1.5 + 2.0 * controls.back()[0] - controls.back()[1]);
    }
    const auto e = v::controlledEstimate(values, controls);
    ASSERT_TRUE(e.has_value());
    EXPECT_NEAR(e->mean, 1.5, 1e-12);  // the intercept, where the controls' exact mean is
    EXPECT_LT(e->sem, 1e-12);
}

TEST(ControlledEstimate, KeepsTheMeanAndRemovesTheScatterTheControlsSpan) {
    // values = 1.5 + 3 m + e with Var(3 m) = 9 Var(e): over 400 ensembles the adjusted means scatter about
    // 1.5 by their own standard error (the stated one is right), and it is about sqrt(10) times smaller.
    std::mt19937_64 rng(11);
    std::normal_distribution<double> normal;
    double z_square = 0.0, ratio = 0.0;
    constexpr int kEnsembles = 400;
    for (int t = 0; t < kEnsembles; ++t) {
        std::vector<double> values;
        std::vector<std::vector<double>> controls;
        for (int r = 0; r < 100; ++r) {
            controls.push_back({normal(rng)});
            values.push_back(1.5 + 3.0 * controls.back()[0] + normal(rng));
        }
        const auto e = v::controlledEstimate(values, controls);
        ASSERT_TRUE(e.has_value());
        const quench::Estimate plain = quench::estimate(values);
        z_square += std::pow((e->mean - 1.5) / e->sem, 2) / kEnsembles;
        ratio += plain.sem / e->sem / kEnsembles;
    }
    EXPECT_NEAR(z_square, 1.0, 0.25);  // E z^2 = 1 (t with 98 dof: 1.02); its SE over 400 is 0.07
    EXPECT_NEAR(ratio, std::sqrt(10.0), 0.3);
}

TEST(ControlledEstimate, DeclinesTooFewRealizationsAndNonFiniteValues) {
    std::vector<double> values(19, 1.0);
    std::vector<std::vector<double>> controls(19, std::vector<double>{0.5});
    for (int r = 0; r < 19; ++r) controls[r][0] = r;
    EXPECT_FALSE(v::controlledEstimate(values, controls).has_value());  // 10 per coefficient: needs 20
    values.push_back(1.0);
    controls.push_back({3.0});
    EXPECT_TRUE(v::controlledEstimate(values, controls).has_value());
    values[4] = std::numeric_limits<double>::quiet_NaN();
    EXPECT_FALSE(v::controlledEstimate(values, controls).has_value());
    values[4] = 1.0;
    for (auto& c : controls) c[0] = 2.0;  // a constant control spans nothing
    EXPECT_FALSE(v::controlledEstimate(values, controls).has_value());
}

TEST(ApplyNeuronDrawControls, LeavesAHomogeneousNetworkAlone) {
    quench::EnsembleSpec spec;
    spec.network.n = 10;
    std::vector<quench::RealizationResult> results(400);
    quench::EnsembleSummary summary = quench::summarize(results);
    summary.est[0][0][0].mean = 7.0;
    EXPECT_EQ(v::applyNeuronDrawControls(spec, results, summary), 0);
    EXPECT_EQ(summary.est[0][0][0].mean, 7.0);
}

}  // namespace
