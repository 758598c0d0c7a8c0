// Frequency-resolved statistics of the cross-spectral matrix C(w) (docs/theory/frequency_resolved.md):
// on independent Ornstein-Uhlenbeck units the Welch estimate has exactly the expectation of the tapered
// transform of C(tau) = sigma^2/2 exp(-|tau|), no cross-unit power and PR/N = 1; the keys are opt-in
// and checked; the theory at w = 0 is the zero-frequency prediction.
#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <stdexcept>
#include <string>
#include <vector>

#include "config/config_loader.hpp"
#include "cpu/realization_integrator.hpp"
#include "cpu/spectral_accumulator.hpp"
#include "quench/error.hpp"
#include "quench/realization_result.hpp"
#include "quench/theory/prediction.hpp"
#include "quench/theory/series_prediction.hpp"

namespace quench {
namespace {

constexpr double kPi = 3.14159265358979323846;

EnsembleSpec specWith(const std::vector<std::string>& overrides) {
    return config::parseConfig(config::defaultConfigToml(), "<test>", overrides);
}

// E[C_hat(w)] of the Hann-tapered discrete transform for C(tau) = c0 exp(-|tau|): the double sum
// sum_{m,l} h_m h_l C(t_m - t_l) cos(w (t_m - t_l)) dt^2 / sum_m h_m^2 dt.
double expectedWelch(double c0, double w, const cpu::SpectralPlan& plan) {
    const std::int64_t steps = plan.window_steps;
    const double tw = static_cast<double>(steps) * plan.dt;
    std::vector<double> h;
    double norm = 0.0;
    for (std::int64_t m = 0; m < steps; ++m) {
        h.push_back(std::pow(std::sin(kPi * static_cast<double>(m) * plan.dt / tw), 2));
        norm += h.back() * h.back() * plan.dt;
    }
    double sum = 0.0;
    for (std::int64_t m = 0; m < steps; ++m)
        for (std::int64_t l = 0; l < steps; ++l) {
            const double tau = static_cast<double>(m - l) * plan.dt;
            sum += h[m] * h[l] * c0 * std::exp(-std::abs(tau)) * std::cos(w * tau);
        }
    return sum * plan.dt * plan.dt / norm;
}

TEST(SpectralSimulation, IndependentUnitsGiveTheTaperedOrnsteinUhlenbeckSpectrumAndNoCrossPower) {
    const EnsembleSpec spec = specWith({"network.n=12", "network.activation=\"linear\"", "coupling.g=0",
                                        "noise.sigma=1.0", "integration.dt=0.05", "integration.t_burn=5",
                                        "integration.t_max=200", "integration.t_bin=5", "ensemble.trials=4",
                                        "statistics.frequencies=[0, 0.5, 2]", "statistics.window=20"});
    std::vector<RealizationResult> results;
    for (std::int64_t r = 0; r < 12; ++r) results.push_back(cpu::integrateRealization(spec, r, {}));
    const EnsembleSummary summary = summarize(results);
    const cpu::SpectralPlan plan = cpu::planSpectral(spec);
    ASSERT_EQ(plan.windows_per_trial, 10);
    const SeriesSummary* a = summary.findSeries("x.spectral.auto_mean");
    const SeriesSummary* dc2 = summary.findSeries("x.spectral.n_cross_var");
    const SeriesSummary* pr = summary.findSeries("x.spectral.pr_over_n");
    ASSERT_TRUE(a && dc2 && pr);
    ASSERT_EQ(a->at, spec.statistics.frequencies);
    for (std::size_t k = 0; k < a->at.size(); ++k) {
        const double w = a->at[k];
        const double expected = expectedWelch(0.5, w, plan);
        EXPECT_NEAR(expected, 1.0 / (1.0 + w * w), 0.05 / (1.0 + w * w)) << "taper leakage at w = " << w;
        EXPECT_LT(std::abs(a->points[k].mean - expected) / a->points[k].sem, 4.0)
            << "w = " << w << ": " << a->points[k].mean << " ± " << a->points[k].sem << " vs " << expected;
        EXPECT_LT(std::abs(dc2->points[k].mean) / dc2->points[k].sem, 4.0) << "w = " << w;
        EXPECT_LT(std::abs(pr->points[k].mean - 1.0) / pr->points[k].sem, 4.0)
            << "w = " << w << ": " << pr->points[k].mean << " ± " << pr->points[k].sem;
    }
}

// What the CUDA backend relies on: a window's transforms formed elsewhere with spectralCoefficients and
// added whole give the statistics of the same states added step by step.
TEST(SpectralAccumulatorWindows, AWindowAddedWholeEqualsItsStepsAddedOneByOne) {
    const int n = 3, k = 4;
    cpu::SpectralPlan plan;
    plan.omegas = {0.0, 0.7, 2.5};
    plan.window_steps = 16;
    plan.windows_per_trial = 3;
    plan.dt = 0.1;
    cpu::SpectralAccumulator by_step(n, k, plan, false), by_window(n, k, plan, false);
    const std::vector<std::complex<double>> c = cpu::spectralCoefficients(plan);
    const std::size_t f = plan.omegas.size(), kn = static_cast<std::size_t>(n) * k;
    std::vector<std::vector<std::complex<double>>> transforms(f, std::vector<std::complex<double>>(kn));
    std::vector<double> state(kn);
    for (std::int64_t m = 0; m < plan.window_steps * plan.windows_per_trial + 5; ++m) {  // + a short tail
        for (std::size_t e = 0; e < kn; ++e)
            state[e] = std::sin(0.37 * static_cast<double>(m * 13 + e * 7) + 0.1 * e);
        by_step.add(state.data(), m);
        const std::int64_t step = m % plan.window_steps;
        for (std::size_t w = 0; w < f; ++w)
            for (std::size_t e = 0; e < kn; ++e)
                transforms[w][e] += c[static_cast<std::size_t>(step) * f + w] * state[e];
        if (step + 1 == plan.window_steps) {
            by_window.addWindow(transforms, m / plan.window_steps);
            for (auto& x : transforms) std::fill(x.begin(), x.end(), std::complex<double>(0.0));
        }
    }
    const std::vector<Series> a = by_step.results("x"), b = by_window.results("x");
    ASSERT_EQ(a.size(), b.size());
    for (std::size_t q = 0; q < a.size(); ++q)
        for (std::size_t w = 0; w < f; ++w)
            EXPECT_NEAR(a[q].values[w], b[q].values[w], 1e-12 * std::abs(a[q].values[w]))
                << a[q].name << " at " << w;
    EXPECT_THROW(by_window.addWindow({}, 0), std::invalid_argument);
}

TEST(SpectralKeys, OutOfRangeValuesAreConfigErrorsNamingTheKey) {
    const std::vector<std::pair<std::string, std::string>> bad = {
        {"statistics.frequencies", "statistics.frequencies=[0.5, -1]"},
        {"statistics.frequencies", "statistics.frequencies=[1000]"},  // beyond pi / dt = 63
        {"statistics.window", "statistics.window=0.05"},              // below 10 dt
        {"statistics.window", "statistics.window=200"},               // beyond t_max / 4
    };
    for (const auto& [key, override_text] : bad) {
        try {
            specWith({"statistics.frequencies=[0, 1]", override_text});
            ADD_FAILURE() << override_text << " was accepted";
        } catch (const ConfigError& e) {
            EXPECT_EQ(e.key(), key) << e.what();
        }
    }
    EXPECT_TRUE(specWith({}).statistics.frequencies.empty());
}

// At w = 0 the frequency-resolved theory is the zero-frequency theory of predict().
void expectZeroFrequencyAgreement(const EnsembleSpec& spec, Variable v) {
    const theory::TheoryPrediction zf = theory::predict(spec);
    const theory::CovariancePrediction& p = zf.at(v, CovarianceKind::ZeroFrequency);
    const std::string prefix = std::string(variableName(v)) + ".spectral.";
    for (const theory::TheorySeries& s : theory::predictSeries(spec)) {
        if (s.name.rfind(prefix, 0) != 0) continue;
        ASSERT_TRUE(s.available()) << s.name << ": " << s.reason;
        const std::string stat = s.name.substr(prefix.size());
        const theory::TheoryQuantity& q = stat == "auto_mean"   ? p.at(Statistic::AutoMean)
                                          : stat == "pr_over_n" ? p.at(Statistic::PrOverN)
                                                                : p.n_cross_var;
        ASSERT_TRUE(q.available()) << s.name << ": " << q.reason;
        EXPECT_NEAR(s.values[0], *q.value, 1e-6 * std::abs(*q.value) + 1e-12) << s.name;
    }
}

TEST(SpectralTheory, AtZeroFrequencyTheLinearCurvesAreTheZeroFrequencyClosedForms) {
    const EnsembleSpec spec = specWith({"network.activation=\"linear\"", "coupling.g=0.6", "noise.sigma=0.8",
                                        "statistics.frequencies=[0, 1]"});
    expectZeroFrequencyAgreement(spec, Variable::X);
    const std::vector<theory::TheorySeries> curves = theory::predictSeries(spec);
    const double q = 0.36 / 2.0;  // g^2 / (1 + w^2) at w = 1
    EXPECT_NEAR(curves[2].values[1], (1.0 - q) * (1.0 - q), 1e-12);
    EXPECT_NEAR(curves[0].values[1], 0.64 / (2.0 - 0.36), 1e-12);
}

TEST(SpectralTheory, AtZeroFrequencyTheTanhCurvesAreTheZeroFrequencyPrediction) {
    const EnsembleSpec spec = specWith({"network.activation=\"tanh\"", "coupling.g=1.0", "noise.sigma=0.5",
                                        "statistics.frequencies=[0, 0.5]"});
    const theory::TheoryPrediction zf = theory::predict(spec);
    const std::vector<theory::TheorySeries> curves = theory::predictSeries(spec);
    ASSERT_EQ(curves.size(), 6u);
    const theory::CovariancePrediction& phi = zf.at(Variable::Phi, CovarianceKind::ZeroFrequency);
    EXPECT_NEAR(curves[3].values[0], *phi.at(Statistic::AutoMean).value,
                1e-3 * *phi.at(Statistic::AutoMean).value);
    EXPECT_NEAR(curves[5].values[0], *phi.at(Statistic::PrOverN).value, 1e-9);
    EXPECT_EQ(curves[5].basis, theory::Basis::LinearEquivalence);
    // x's curves come from the state covariance of linear equivalence (docs/theory/state_covariance.md),
    // whose w = 0 value is x's ZF prediction; x is lower-dimensional at w = 0.5 than phi.
    const theory::CovariancePrediction& x = zf.at(Variable::X, CovarianceKind::ZeroFrequency);
    ASSERT_TRUE(curves[2].available()) << curves[2].reason;
    EXPECT_EQ(curves[2].basis, theory::Basis::LinearEquivalence);
    EXPECT_NEAR(curves[2].values[0], *x.at(Statistic::PrOverN).value, 1e-3 * *x.at(Statistic::PrOverN).value);
    EXPECT_NEAR(curves[1].values[0], *x.n_cross_var.value, 1e-3 * *x.n_cross_var.value);
    EXPECT_LT(curves[2].values[1], curves[5].values[1]);
}

// Curves whose theory assumes identical neurons and quenched J are omitted, with the reason, for
// per-neuron gains and for annealed disorder.
TEST(SpectralTheory, HeterogeneousNeuronsAndAnnealedDisorderHaveNoCurves) {
    for (const char* model : {"network.gain_distribution=\"lognormal\"", "coupling.disorder=\"annealed\""}) {
        std::vector<std::string> keys = {"network.activation=\"tanh\"", "coupling.g=1.0",
                                         "statistics.frequencies=[0, 1]", model};
        if (std::string(model).find("gain") != std::string::npos) keys.push_back("network.gain_cv=0.3");
        for (const theory::TheorySeries& s : theory::predictSeries(specWith(keys))) {
            EXPECT_FALSE(s.available()) << model << ": " << s.name;
            EXPECT_FALSE(s.reason.empty()) << model << ": " << s.name;
        }
    }
}

}  // namespace
}  // namespace quench
