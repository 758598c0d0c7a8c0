// Behaviour every backend must show, whatever its implementation.
#include <cmath>
#include <memory>
#include <string>

#include "backend_fixture.hpp"
#include "identical_values.hpp"
#include "quench/error.hpp"

namespace quench::testing {
namespace {

using CK = CovarianceKind;

// Uncoupled leaky units: x is an OU process with Var = sigma^2/2 (exact under exponential Euler),
// zero-frequency power sigma^2, and no cross-covariance. Tolerances: 5 standard errors over the
// realizations (stochastic; seeds are fixed so the run is deterministic).
TEST_P(BackendTest, UncoupledUnitsHaveTheOrnsteinUhlenbeckCovariances) {
    EnsembleSpec spec = smallLinearSpec(32, 0.0);
    spec.ensemble.realizations = 6;
    const std::vector<RealizationResult> results = run(spec);
    const EnsembleSummary s = summarize(results);
    auto expectNear = [&](CK c, Statistic k, double expected) {
        const Estimate& e = s.at(Variable::X, c, k);
        EXPECT_LT(std::fabs(e.mean - expected), 5.0 * e.sem + 1e-12)
            << covarianceName(c) << " " << statisticName(k) << ": " << e.mean << " +- " << e.sem << " vs "
            << expected;
    };
    expectNear(CK::EqualTime, Statistic::AutoMean, 0.5);
    expectNear(CK::EqualTime, Statistic::CrossMean, 0.0);
    expectNear(CK::EqualTime, Statistic::PrOverN, 1.0);
    expectNear(CK::EqualTime, Statistic::M2, 0.25);
    expectNear(CK::ZeroFrequency, Statistic::AutoMean, 1.0);
    expectNear(CK::ZeroFrequency, Statistic::PrOverN, 1.0);
    // The plug-in PR of the same data is visibly biased low: the correction matters.
    EXPECT_LT(s.at(Variable::X, CK::ZeroFrequency, Statistic::PrOverNRaw).mean, 0.9);
}

// Leaky units driven by Ornstein-Uhlenbeck noise with C(tau) = sigma^2/(2 tau_n) exp(-|tau|/tau_n):
// Var x = sigma^2 / (2 (1 + tau_n)) and the zero-frequency power is sigma^2 whatever tau_n. The
// noise is held over each step, a bias of order dt / tau_n (0.4 % here), far below 5 sem.
TEST_P(BackendTest, ColoredNoiseGivesTheFilteredOrnsteinUhlenbeckVariance) {
    EnsembleSpec spec = smallLinearSpec(32, 0.0);
    spec.noise.sigma = 1.2;
    spec.noise.tau = 2.0;
    spec.integration.dt = 0.01;
    spec.integration.t_max = 400.0;
    spec.integration.t_bin = 25.0;
    spec.integration.t_burn = 30.0;
    const EnsembleSummary s = summarize(run(spec));
    const Estimate& et = s.at(Variable::X, CK::EqualTime, Statistic::AutoMean);
    const Estimate& zf = s.at(Variable::X, CK::ZeroFrequency, Statistic::AutoMean);
    const double sigma2 = 1.2 * 1.2;
    EXPECT_LT(std::fabs(et.mean - sigma2 / (2.0 * 3.0)), 5.0 * et.sem) << et.mean << " +- " << et.sem;
    EXPECT_LT(std::fabs(zf.mean - sigma2), 5.0 * zf.sem) << zf.mean << " +- " << zf.sem;
}

TEST_P(BackendTest, LinearPhiEqualsX) {
    const std::vector<RealizationResult> results = run(smallLinearSpec(16, 0.4));
    for (const RealizationResult& r : results)
        for (const CK c : {CK::EqualTime, CK::ZeroFrequency})
            for (int k = 0; k < kStatisticCount; ++k)
                EXPECT_DOUBLE_EQ(r.at(Variable::X, c).stats[k], r.at(Variable::Phi, c).stats[k]);
}

TEST_P(BackendTest, SameSeedGivesIdenticalResultsAndAnotherSeedDoesNot) {
    EnsembleSpec spec = smallLinearSpec(16, 0.5);
    spec.network.activation.kind = ActivationKind::Tanh;
    const std::vector<RealizationResult> a = run(spec);
    const std::vector<RealizationResult> b = run(spec);
    spec.ensemble.seed = 6;
    const std::vector<RealizationResult> c = run(spec);
    for (size_t r = 0; r < a.size(); ++r) {
        EXPECT_TRUE(identicalValues(a[r].at(Variable::Phi, CK::EqualTime).stats,
                                    b[r].at(Variable::Phi, CK::EqualTime).stats));
        EXPECT_FALSE(identicalValues(a[r].at(Variable::Phi, CK::EqualTime).stats,
                                     c[r].at(Variable::Phi, CK::EqualTime).stats));
    }
}

TEST_P(BackendTest, ResultsComeInRealizationOrder) {
    EnsembleSpec spec = smallLinearSpec(8, 0.3);
    spec.ensemble.first_realization = 10;
    spec.ensemble.realizations = 5;
    const std::vector<RealizationResult> results = run(spec);
    ASSERT_EQ(results.size(), 5u);
    for (int r = 0; r < 5; ++r) EXPECT_EQ(results[r].realization, 10 + r);
}

TEST_P(BackendTest, ABlowUpStopsTheRunNamingRealizationAndStep) {
    EnsembleSpec spec = smallLinearSpec(16, 0.5);
    spec.network.activation.kind = ActivationKind::Relu;
    spec.coupling.g = 6.0;
    spec.coupling.mean = 12.0;  // strongly excitatory: relu units run away
    spec.noise.input = 1.0;
    spec.ensemble.first_realization = 3;
    try {
        run(spec);
        FAIL() << "expected a DivergenceError";
    } catch (const DivergenceError& e) {
        EXPECT_GE(e.realization(), 3);
        EXPECT_GT(e.step(), 0);
        EXPECT_NE(std::string(e.what()).find("exceeds integration.blow_up"), std::string::npos) << e.what();
    }
}

TEST_P(BackendTest, ProgressReachesEveryRealization) {
    EnsembleSpec spec = smallLinearSpec(8, 0.3);
    std::int64_t last_done = 0;
    double last_fraction = 0.0;
    RunControl control;
    control.on_progress = [&](const Progress& p) {
        last_done = p.realizations_done;
        last_fraction = p.fraction;
    };
    run(spec, control);
    EXPECT_EQ(last_done, spec.ensemble.realizations);
    EXPECT_NEAR(last_fraction, 1.0, 1e-12);
}

TEST_P(BackendTest, EigenvaluesSumToTheTrace) {
    EnsembleSpec spec = smallLinearSpec(12, 0.4);
    spec.statistics.eigenvalues = true;
    for (const RealizationResult& r : run(spec)) {
        const CovarianceResult& c = r.at(Variable::X, CK::ZeroFrequency);
        ASSERT_EQ(c.eigenvalues.size(), 12u);
        double sum = 0.0;
        for (const double l : c.eigenvalues) sum += l;
        EXPECT_NEAR(sum / 12.0, c.stats[static_cast<int>(Statistic::M1)], 1e-10);
    }
}

// The ensemble means of every phi statistic of two runs differ by less than 3 combined standard errors.
void expectEqualWithinErrorBars(const std::vector<RealizationResult>& a_runs,
                                const std::vector<RealizationResult>& b_runs) {
    for (const CK c : {CK::EqualTime, CK::ZeroFrequency})
        for (int k = 0; k < kStatisticCount; ++k) {
            const MeanAndError a = ensembleMean(a_runs, Variable::Phi, c, k);
            const MeanAndError b = ensembleMean(b_runs, Variable::Phi, c, k);
            const double spread = std::hypot(a.error, b.error);
            const double z = a.mean == b.mean ? 0.0 : (a.mean - b.mean) / spread;
            EXPECT_LE(std::fabs(z), 3.0) << statisticName(static_cast<Statistic>(k)) << " "
                                         << covarianceName(c) << ": " << a.mean << " vs " << b.mean;
        }
}

// coupling.storage = bf16 / fp16 rounds J (and Phi for the product) to 16 bits: each realization
// changes in its low digits, and the ensemble statistics stay within their error bars.
TEST_P(BackendTest, SixteenBitCouplingsChangeNoStatisticBeyondItsErrorBar) {
    if (GetParam().precision != Precision::Fp32) GTEST_SKIP() << "16-bit coupling storage is FP32-only";
    EnsembleSpec spec = smallLinearSpec(32, 0.8);
    spec.network.activation.kind = ActivationKind::Tanh;
    spec.ensemble.realizations = 12;
    const std::vector<RealizationResult> full = run(spec);
    for (const CouplingStorage storage : {CouplingStorage::Bf16, CouplingStorage::Fp16}) {
        spec.coupling.storage = storage;
        const std::vector<RealizationResult> rounded = run(spec);
        EXPECT_FALSE(identicalValues(full[0].at(Variable::Phi, CK::EqualTime).stats,
                                     rounded[0].at(Variable::Phi, CK::EqualTime).stats))
            << "the 16-bit storage changed nothing";
        expectEqualWithinErrorBars(full, rounded);
    }
}

// integration.precision = "tf32" (the product on the tensor cores, inputs rounded to TF32) keeps the
// statistics within their error bars of the FP32 run on the CUDA backend; the CPU backend, which has
// no such product, refuses it naming the key.
TEST_P(BackendTest, Tf32ProductChangesNoStatisticBeyondItsErrorBarOrIsRefused) {
    if (GetParam().precision != Precision::Fp32) GTEST_SKIP() << "tf32 is compared with the fp32 run";
    EnsembleSpec spec = smallLinearSpec(32, 0.8);
    spec.network.activation.kind = ActivationKind::Tanh;
    spec.ensemble.realizations = 12;
    spec.integration.precision = Precision::Tf32;
    const std::unique_ptr<Backend> backend = makeBackend(GetParam().kind);
    if (GetParam().kind == BackendKind::Cpu) {
        try {
            backend->run(spec, {});
            ADD_FAILURE() << "the CPU backend ran tf32";
        } catch (const ConfigError& e) {
            EXPECT_NE(std::string(e.what()).find("integration.precision"), std::string::npos) << e.what();
            EXPECT_NE(std::string(e.what()).find("tf32"), std::string::npos) << e.what();
        }
        return;
    }
    const std::vector<RealizationResult> tf32 = backend->run(spec, {});
    expectEqualWithinErrorBars(run(spec), tf32);  // run() sets fp32
}

INSTANTIATE_TEST_SUITE_P(Backends, BackendTest, ::testing::ValuesIn(allBackendCases()), caseName);

}  // namespace
}  // namespace quench::testing
