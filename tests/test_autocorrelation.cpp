// The single-unit autocorrelation C(tau) = mean_i Cov(x_i(t), x_i(t + tau)): the streaming accumulator
// is exact on hand-computed sequences (ring buffer wrap, trials kept apart, both centrings), the
// simulator measures the exact autocorrelation of independent Ornstein-Uhlenbeck units within its
// standard errors, the keys are opt-in and checked, and the theory curve is the DMFT's.
#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "config/config_loader.hpp"
#include "cpu/autocorrelation_accumulator.hpp"
#include "cpu/realization_integrator.hpp"
#include "quench/error.hpp"
#include "quench/lag_plan.hpp"
#include "quench/realization_result.hpp"
#include "quench/theory/dmft.hpp"
#include "quench/theory/linear_theory.hpp"
#include "quench/theory/random_mode_theory.hpp"
#include "quench/theory/sampled_dmft.hpp"
#include "quench/theory/series_prediction.hpp"

namespace quench {
namespace {

EnsembleSpec specWith(const std::vector<std::string>& overrides) {
    return config::parseConfig(config::defaultConfigToml(), "<test>", overrides);
}

TEST(AutocorrelationAccumulator, LaggedProductsOfAHandComputedSequenceAcrossTheRingBufferWrap) {
    // Two units, one trial, four samples through a ring of three: (1,2), (3,4), (5,6), (7,8).
    cpu::AutocorrelationAccumulator acc(2, 1, 3, /*zero_mean=*/true);
    for (const std::vector<double>& s : {std::vector<double>{1, 2}, {3, 4}, {5, 6}, {7, 8}})
        acc.add(s.data());
    const Series c = acc.result("x.autocorrelation", 0.5);
    EXPECT_EQ(c.name, "x.autocorrelation");
    EXPECT_EQ(c.abscissa, "tau");
    EXPECT_EQ(c.at, (std::vector<double>{0.0, 0.5, 1.0}));
    EXPECT_DOUBLE_EQ(c.values[0], 204.0 / 8.0);  // 4 samples x 2 units
    EXPECT_DOUBLE_EQ(c.values[1], 133.0 / 6.0);  // 3 pairs x 2 units
    EXPECT_DOUBLE_EQ(c.values[2], 70.0 / 4.0);   // 2 pairs x 2 units
}

TEST(AutocorrelationAccumulator, SampleMeanCentringSubtractsTheMeanSquareOfThePerUnitMeans) {
    cpu::AutocorrelationAccumulator acc(2, 1, 3, /*zero_mean=*/false);
    for (const std::vector<double>& s : {std::vector<double>{1, 2}, {3, 4}, {5, 6}, {7, 8}})
        acc.add(s.data());
    const Series c = acc.result("x.autocorrelation", 0.5);
    const double mean_square = (4.0 * 4.0 + 5.0 * 5.0) / 2.0;  // unit means 4 and 5
    EXPECT_DOUBLE_EQ(c.values[0], 204.0 / 8.0 - mean_square);
    EXPECT_DOUBLE_EQ(c.values[2], 70.0 / 4.0 - mean_square);
}

TEST(AutocorrelationAccumulator, TrialsArePooledButNeverMultipliedWithEachOther) {
    // One unit, two trials (element i * k + t): 1, 2, 3 and 10, 20, 30.
    cpu::AutocorrelationAccumulator acc(1, 2, 2, /*zero_mean=*/true);
    for (const std::vector<float>& s : {std::vector<float>{1, 10}, {2, 20}, {3, 30}}) acc.add(s.data());
    const Series c = acc.result("x.autocorrelation", 1.0);
    EXPECT_DOUBLE_EQ(c.values[0], (1.0 + 4.0 + 9.0 + 100.0 + 400.0 + 900.0) / 6.0);
    EXPECT_DOUBLE_EQ(c.values[1], (2.0 + 6.0 + 200.0 + 600.0) / 4.0);
}

TEST(AutocorrelationAccumulator, ALagLongerThanTheRunIsNaNNotZero) {
    cpu::AutocorrelationAccumulator acc(1, 1, 4, true);
    const double one = 1.0;
    acc.add(&one);
    acc.add(&one);
    const Series c = acc.result("x.autocorrelation", 1.0);
    EXPECT_DOUBLE_EQ(c.values[1], 1.0);
    EXPECT_TRUE(std::isnan(c.values[2]));
    EXPECT_TRUE(std::isnan(c.values[3]));
}

TEST(AutocorrelationKeys, OffByDefaultSoARunHoldsNoSeries) {
    const EnsembleSpec spec = specWith({"network.n=4", "integration.t_max=20", "integration.t_bin=2",
                                        "integration.t_burn=1", "ensemble.trials=2"});
    EXPECT_FALSE(spec.statistics.autocorrelation);
    EXPECT_EQ(planLags(spec).lags, 0);
    EXPECT_TRUE(cpu::integrateRealization(spec, 0, {}).series.empty());
    EXPECT_TRUE(theory::predictSeries(spec).empty());
}

TEST(AutocorrelationKeys, TheLagGridRoundsToWholeStepsAndWholeIntervals) {
    const EnsembleSpec spec = specWith({"statistics.autocorrelation=true", "integration.dt=0.03",
                                        "statistics.lag_interval=0.25", "statistics.tau_max=3.1"});
    const LagPlan plan = planLags(spec);
    EXPECT_EQ(plan.lag_stride, 8);  // 0.25 / 0.03 = 8.3 -> 8 steps
    EXPECT_EQ(plan.lags, 1 + 13);   // 3.1 / 0.24 = 12.9 -> 13 lags after 0
    EXPECT_DOUBLE_EQ(plan.lagTime(0.03), 8 * 0.03);
}

TEST(AutocorrelationKeys, OutOfRangeValuesAreConfigErrorsNamingTheKey) {
    const std::vector<std::pair<std::string, std::string>> bad = {
        {"statistics.lag_interval", "statistics.lag_interval=0.001"},  // below dt = 0.01
        {"statistics.tau_max", "statistics.tau_max=-1"},
        {"statistics.tau_max", "statistics.tau_max=60"},  // beyond t_max / 4 = 50
        {"statistics.tau_max", "statistics.tau_max=45"},  // 4500 lags of 0.01
    };
    for (const auto& [key, override_text] : bad) {
        try {
            specWith({"integration.dt=0.01", "statistics.autocorrelation=true",
                      "statistics.lag_interval=0.01", override_text});
            ADD_FAILURE() << override_text << " was accepted";
        } catch (const ConfigError& e) {
            EXPECT_EQ(e.key(), key) << e.what();
        }
    }
}

// Independent units (g = 0) are Ornstein-Uhlenbeck processes, C(tau) = sigma^2 / 2 exp(-tau), which the
// exponential Euler step reproduces exactly at every dt: every lag must agree within |z| < 4 of its
// standard error over realizations.
TEST(AutocorrelationSimulation, IndependentUnitsMeasureTheOrnsteinUhlenbeckAutocorrelation) {
    const EnsembleSpec spec =
        specWith({"network.n=16", "network.activation=\"linear\"", "coupling.g=0", "noise.sigma=1.2",
                  "integration.dt=0.05", "integration.t_burn=5", "integration.t_max=100",
                  "integration.t_bin=5", "ensemble.trials=4", "statistics.autocorrelation=true",
                  "statistics.tau_max=3", "statistics.lag_interval=0.5"});
    std::vector<RealizationResult> results;
    for (std::int64_t r = 0; r < 16; ++r) results.push_back(cpu::integrateRealization(spec, r, {}));
    const EnsembleSummary summary = summarize(results);
    for (const char* name : {"x.autocorrelation", "phi.autocorrelation"}) {
        const SeriesSummary* c = summary.findSeries(name);
        ASSERT_NE(c, nullptr) << name;
        ASSERT_EQ(c->points.size(), 7u);
        for (std::size_t k = 0; k < c->points.size(); ++k) {
            const double expected = 0.5 * 1.2 * 1.2 * std::exp(-c->at[k]);
            const Estimate& e = c->points[k];
            EXPECT_LT(std::abs(e.mean - expected) / e.sem, 4.0)
                << name << " tau = " << c->at[k] << ": " << e.mean << " ± " << e.sem << " vs " << expected;
        }
    }
}

// Along any direction u, independent Ornstein-Uhlenbeck units give u^T C(tau) u / u^T C(0) u = exp(-tau):
// every leading mode's population autocorrelation must agree within |z| < 4.
TEST(ModeAutocorrelationSimulation, IndependentUnitsDecayAsExpMinusTauAlongEveryMode) {
    const EnsembleSpec spec = specWith(
        {"network.n=10", "network.activation=\"linear\"", "coupling.g=0", "noise.sigma=1.0",
         "integration.dt=0.05", "integration.t_burn=5", "integration.t_max=100", "integration.t_bin=5",
         "ensemble.trials=4", "statistics.modes=2", "statistics.mode_lags=4", "statistics.tau_max=1.5"});
    std::vector<RealizationResult> results;
    for (std::int64_t r = 0; r < 16; ++r) results.push_back(cpu::integrateRealization(spec, r, {}));
    const EnsembleSummary summary = summarize(results);
    for (const char* name :
         {"x.mode_autocorrelation.1", "x.mode_autocorrelation.2", "phi.mode_autocorrelation.1"}) {
        const SeriesSummary* a = summary.findSeries(name);
        ASSERT_NE(a, nullptr) << name;
        ASSERT_EQ(a->at, (std::vector<double>{0.0, 0.5, 1.0, 1.5}));
        EXPECT_DOUBLE_EQ(a->points[0].mean, 1.0);
        for (std::size_t k = 1; k < a->points.size(); ++k)
            EXPECT_LT(std::abs(a->points[k].mean - std::exp(-a->at[k])) / a->points[k].sem, 4.0)
                << name << " tau = " << a->at[k] << ": " << a->points[k].mean << " ± " << a->points[k].sem;
    }
    for (const theory::TheorySeries& t : theory::predictSeries(spec)) {
        EXPECT_FALSE(t.available()) << t.name;
        EXPECT_NE(t.reason.find("measured only"), std::string::npos);
    }
}

TEST(AutocorrelationTheory, TheDmftCurveStartsAtDelta0AndIsTaggedExact) {
    const EnsembleSpec spec =
        specWith({"network.activation=\"tanh\"", "coupling.g=2.0", "noise.sigma=0.5",
                  "statistics.autocorrelation=true", "statistics.tau_max=5", "statistics.lag_interval=0.5"});
    const std::vector<theory::TheorySeries> curves = theory::predictSeries(spec);
    ASSERT_EQ(curves.size(), 2u);
    const theory::TheorySeries& x = curves[0];
    ASSERT_TRUE(x.available()) << x.reason;
    EXPECT_EQ(x.name, "x.autocorrelation");
    EXPECT_EQ(x.basis, theory::Basis::Exact);
    ASSERT_EQ(x.values.size(), 11u);
    const theory::WhiteNoiseDmft dmft = theory::solveWhiteNoiseDmft(spec.network.activation, 2.0, 0.5);
    EXPECT_NEAR(x.values[0], dmft.delta0, 1e-6 * dmft.delta0);
    EXPECT_NEAR(curves[1].values[0], dmft.a_phi, 1e-6 * dmft.a_phi);
    for (std::size_t k = 1; k < x.values.size(); ++k) EXPECT_LT(x.values[k], x.values[k - 1]);
}

TEST(AutocorrelationTheory, IndependentLinearUnitsGiveTheOrnsteinUhlenbeckCurve) {
    const EnsembleSpec spec =
        specWith({"network.activation=\"linear\"", "coupling.g=0", "noise.sigma=1.0",
                  "statistics.autocorrelation=true", "statistics.tau_max=4", "statistics.lag_interval=1"});
    const theory::TheorySeries x = theory::predictSeries(spec).front();
    ASSERT_TRUE(x.available()) << x.reason;
    for (std::size_t k = 0; k < x.values.size(); ++k)
        EXPECT_NEAR(x.values[k], 0.5 * std::exp(-x.at[k]), 1e-4);
}

// Partially symmetric J: for a linear network the curve of the Gaussian closure, exact there
// (docs/theory/partial_symmetry.md; it starts at the closed-form variance); for tanh the sampled exact
// DMFT (docs/theory/sampled_dmft.md) at the run's dt, with white or Ornstein-Uhlenbeck noise.
TEST(AutocorrelationTheory, PartiallySymmetricCouplingsUseTheClosureForLinearPhiAndTheSampledDmftOtherwise) {
    const EnsembleSpec linear = specWith(
        {"network.activation=\"linear\"", "coupling.g=0.4", "coupling.symmetry=0.5", "noise.sigma=1.0",
         "statistics.autocorrelation=true", "statistics.tau_max=4", "statistics.lag_interval=0.5"});
    const theory::TheorySeries x = theory::predictSeries(linear).front();
    ASSERT_TRUE(x.available()) << x.reason;
    EXPECT_EQ(x.basis, theory::Basis::Exact);
    const double delta0 = theory::linearEqualTimeAutoMeanPartiallySymmetric(0.4, 0.5, 1.0);
    EXPECT_NEAR(x.values[0], delta0, 2e-3 * delta0);
    for (std::size_t k = 1; k < x.values.size(); ++k) EXPECT_LT(x.values[k], x.values[k - 1]);

    EnsembleSpec tanh = linear;
    tanh.network.activation.kind = ActivationKind::Tanh;
    tanh.coupling.g = 1.0;
    tanh.integration.dt = 0.05;  // the sampled DMFT integrates the simulator's step: a coarse one is cheap
    const std::vector<theory::TheorySeries> curves = theory::predictSeries(tanh);
    ASSERT_TRUE(curves[0].available()) << curves[0].reason;
    EXPECT_EQ(curves[0].basis, theory::Basis::Exact);
    const std::shared_ptr<const theory::SampledDmft> sampled = theory::sampledDmftOf(tanh);
    EXPECT_EQ(curves[0].values[0], sampled->delta0.value);
    EXPECT_EQ(curves[1].values[0], sampled->a_phi.value);
    ASSERT_EQ(curves[0].se.size(), curves[0].values.size()) << "a sampled curve carries its errors";
    EXPECT_EQ(curves[0].se[0], sampled->delta0.se);
    for (std::size_t k = 1; k < curves[0].values.size(); ++k)
        EXPECT_LT(curves[0].values[k], curves[0].values[k - 1]);

    tanh.noise.tau = 0.5;  // OU noise of the same zero-frequency power
    const std::vector<theory::TheorySeries> colored = theory::predictSeries(tanh);
    ASSERT_TRUE(colored[0].available()) << colored[0].reason;
    EXPECT_EQ(colored[0].values[0], theory::sampledDmftOf(tanh)->delta0.value);
    EXPECT_LT(colored[0].values[0], curves[0].values[0]) << "slow noise of the same ZF power: less variance";
}

// Random-mode J: without overlap the single site is iid J's (derived); with overlap the closure's curve
// (docs/theory/random_mode.md), exact for a linear network (it starts at the cavity's ET variance), or the
// sampled exact site for a nonlinear one.
TEST(AutocorrelationTheory, RandomModeCouplingsUseTheIidSiteOrTheOverlapClosure) {
    const std::vector<std::string> base = {
        "network.activation=\"linear\"",  "network.n=200",
        "coupling.model=\"random_mode\"", "coupling.g=0.5",
        "coupling.mode_ratio=0.5",        "statistics.autocorrelation=true",
        "statistics.tau_max=4",           "statistics.lag_interval=0.5"};
    const theory::TheorySeries plain = theory::predictSeries(specWith(base)).front();
    ASSERT_TRUE(plain.available()) << plain.reason;
    EXPECT_EQ(plain.basis, theory::Basis::Derived);
    EXPECT_NEAR(plain.values[0], 1.0 / (2.0 * std::sqrt(0.75)), 1e-3);

    std::vector<std::string> overlapped = base;
    overlapped.push_back("coupling.overlap=-0.5");
    const theory::TheorySeries x = theory::predictSeries(specWith(overlapped)).front();
    ASSERT_TRUE(x.available()) << x.reason;
    EXPECT_EQ(x.basis, theory::Basis::Exact);
    const std::vector<double> D = theory::randomModeSpectrum(theory::ModeSpectrum::Flat, 100, 200, 0.5, 0.0);
    const double a = theory::randomModeEqualTimeAutoMean(D, 200, std::vector<double>(100, -0.5), 1.0);
    EXPECT_NEAR(x.values[0], a, 2e-3 * a);
    for (std::size_t k = 1; k < x.values.size(); ++k) EXPECT_LT(x.values[k], x.values[k - 1]);

    // A nonlinear network: the closure's curve where sampling is off (the sampled exact site otherwise,
    // docs/theory/sampled_dmft.md section 8, tagged exact; SampledDmftRandomMode.* test it).
    overlapped.push_back("network.activation=\"tanh\"");
    theory::PredictOptions closure_only;
    closure_only.sample_single_site = false;
    const theory::TheorySeries t = theory::predictSeries(specWith(overlapped), closure_only).front();
    ASSERT_TRUE(t.available()) << t.reason;
    EXPECT_EQ(t.basis, theory::Basis::LinearEquivalence);
}

TEST(AutocorrelationTheory, AModelOutsideTheDmftIsOmittedWithTheReason) {
    const EnsembleSpec spec =
        specWith({"network.activation=\"tanh\"", "coupling.mean=0.5", "statistics.autocorrelation=true"});
    for (const theory::TheorySeries& s : theory::predictSeries(spec)) {
        EXPECT_FALSE(s.available());
        EXPECT_TRUE(s.values.empty());
        EXPECT_NE(s.reason.find("coupling.mean"), std::string::npos) << s.reason;
    }
}

TEST(AutocorrelationTheory, SampleMeanCentringIsNotComparedWithTheUnbiasedTheory) {
    const EnsembleSpec spec = specWith({"network.activation=\"tanh\"", "statistics.center=\"sample_mean\"",
                                        "statistics.autocorrelation=true"});
    for (const theory::TheorySeries& s : theory::predictSeries(spec)) {
        EXPECT_FALSE(s.available());
        EXPECT_NE(s.reason.find("sample_mean"), std::string::npos) << s.reason;
    }
}

}  // namespace
}  // namespace quench
