// Annealed disorder (coupling.disorder = "annealed", docs/theory/annealed.md): J_r is redrawn every
// coupling.redraw_interval of measured time. Exact: the schedule, the keys of the redrawn couplings, and
// that one epoch is the quenched run bit for bit. Statistical (|z| < 4 from the measured standard
// errors): the auto means of an annealed run equal the quenched ones (up to the derived redraw
// transient), and its cross-covariance dispersion N dc2 is the quenched one divided by M_eff.
#include <cmath>
#include <functional>

#include "backend_fixture.hpp"
#include "identical_values.hpp"
#include "quench/coupling.hpp"
#include "quench/disorder_epochs.hpp"
#include "quench/error.hpp"
#include "quench/theory/annealed_theory.hpp"

namespace quench::testing {
namespace {

using CK = CovarianceKind;

EnsembleSpec annealedSpec(int n, double g, double redraw_interval) {
    EnsembleSpec s = smallLinearSpec(n, g);
    s.coupling.disorder = Disorder::Annealed;
    s.coupling.redraw_interval = redraw_interval;
    return s;
}

void expectIdentical(const std::vector<RealizationResult>& a, const std::vector<RealizationResult>& b) {
    ASSERT_EQ(a.size(), b.size());
    for (size_t r = 0; r < a.size(); ++r)
        for (int v = 0; v < kVariableCount; ++v)
            for (int c = 0; c < kCovarianceCount; ++c)
                EXPECT_TRUE(identicalValues(a[r].cov[v][c].stats, b[r].cov[v][c].stats));
}

std::string configErrorKey(const std::function<void()>& action) {
    try {
        action();
    } catch (const ConfigError& e) {
        return e.key();
    }
    return "(no ConfigError)";
}

// ---- the schedule ----

TEST(EpochPlan, QuenchedDisorderIsOneEpochWithoutRedraws) {
    const EpochPlan p = epochPlan(smallLinearSpec(10, 0.5));
    EXPECT_EQ(p.epochs, 1);
    EXPECT_EQ(p.redraws, 0);
    EXPECT_EQ(epochOfStep(p, 1'000'000, 1000), 0);
}

TEST(EpochPlan, EpochsAreWholeBinsCountedFromTheEndOfTheBurnIn) {
    const EnsembleSpec s = annealedSpec(10, 0.5, 50.0);  // t_max = 200, t_bin = 10, dt = 0.02
    const EpochPlan p = epochPlan(s);
    EXPECT_EQ(p.bins_per_epoch, 5);
    EXPECT_EQ(p.epoch_steps, 2500);
    EXPECT_EQ(p.epochs, 4);
    EXPECT_EQ(p.redraws, 3);
    const std::int64_t burn = 1000;
    EXPECT_EQ(epochOfStep(p, 0, burn), 0);
    EXPECT_EQ(epochOfStep(p, burn + 2499, burn), 0);
    EXPECT_EQ(epochOfStep(p, burn + 2500, burn), 1);
    EXPECT_EQ(epochOfStep(p, burn + 9999, burn), 3);
}

TEST(EpochPlan, EffectiveEpochCountIsTheInverseSumOfSquaredShares) {
    EXPECT_DOUBLE_EQ(effectiveEpochCount(annealedSpec(10, 0.5, 50.0), CK::ZeroFrequency), 4.0);
    EXPECT_DOUBLE_EQ(effectiveEpochCount(annealedSpec(10, 0.5, 50.0), CK::EqualTime), 4.0);
    // 20 bins in epochs of 3: six full epochs and one of 2 bins -> (20)^2 / (6 * 9 + 4).
    EXPECT_DOUBLE_EQ(effectiveEpochCount(annealedSpec(10, 0.5, 30.0), CK::ZeroFrequency), 400.0 / 58.0);
    EXPECT_DOUBLE_EQ(effectiveEpochCount(annealedSpec(10, 0.5, 400.0), CK::ZeroFrequency), 1.0);
}

// ---- the keys of the redrawn couplings ----

TEST(AnnealedCoupling, EpochZeroIsTheQuenchedCoupling) {
    const EnsembleSpec s = annealedSpec(12, 0.5, 20.0);
    EXPECT_EQ(couplingMatrix(s, 3, 0), couplingMatrix(s, 3));
    EXPECT_EQ(couplingMatrix(s, 3, 0), couplingMatrix(smallLinearSpec(12, 0.5), 3));
}

TEST(AnnealedCoupling, EachEpochIsAPureFunctionOfSeedRealizationAndEpoch) {
    const EnsembleSpec a = annealedSpec(12, 0.5, 20.0);
    EnsembleSpec b = a;
    b.ensemble.realizations = 1000;
    b.ensemble.first_realization = 5;
    b.ensemble.trials = 64;
    b.coupling.redraw_interval = 60.0;
    b.ensemble.noise_seed = 99;  // the couplings never use the noise seed
    EXPECT_EQ(couplingMatrix(a, 7, 3), couplingMatrix(b, 7, 3));
    EXPECT_NE(couplingMatrix(a, 7, 3), couplingMatrix(a, 7, 4));
    EXPECT_NE(couplingMatrix(a, 7, 3), couplingMatrix(a, 8, 3));
    EXPECT_NE(couplingMatrix(a, 7, 1), couplingMatrix(a, 7, 0));
}

TEST(AnnealedCoupling, RedrawnCouplingsHaveTheIidMoments) {
    const int n = 200;
    EnsembleSpec s = annealedSpec(n, 0.8, 20.0);
    s.coupling.symmetry = 0.4;
    const std::vector<double> j = couplingMatrix(s, 2, 5);
    double sum2 = 0.0, cross = 0.0;
    for (int i = 0; i < n; ++i)
        for (int k = 0; k < n; ++k) {
            sum2 += j[static_cast<size_t>(i) * n + k] * j[static_cast<size_t>(i) * n + k];
            if (i != k) cross += j[static_cast<size_t>(i) * n + k] * j[static_cast<size_t>(k) * n + i];
        }
    const double variance = sum2 / n;  // N var(J_ij) = g^2
    EXPECT_NEAR(variance, 0.64, 4.0 * 0.64 * std::sqrt(2.0 / (n * n)));
    EXPECT_NEAR(cross / n / variance, 0.4, 0.03);  // eta, over n^2 pairs
}

// ---- config ----

TEST(AnnealedConfig, RefusesWhatTheModeCannotRun) {
    const auto keyOf = [](EnsembleSpec s) { return configErrorKey([&] { validate(s); }); };
    EnsembleSpec every_step = annealedSpec(10, 0.5, 0.02);
    EXPECT_EQ(keyOf(every_step), "coupling.redraw_interval");
    EXPECT_EQ(keyOf(annealedSpec(10, 0.5, 15.0)), "coupling.redraw_interval");  // not a multiple of t_bin
    EnsembleSpec random_mode = annealedSpec(10, 0.5, 20.0);
    random_mode.coupling.model = CouplingModel::RandomMode;
    EXPECT_EQ(keyOf(random_mode), "coupling.disorder");
    EnsembleSpec few_trials = annealedSpec(10, 0.5, 20.0);
    few_trials.ensemble.trials = 3;
    EXPECT_EQ(keyOf(few_trials), "ensemble.trials");
    EnsembleSpec quenched = smallLinearSpec(10, 0.5);
    quenched.coupling.redraw_interval = 15.0;  // not read for quenched disorder
    EXPECT_NO_THROW(validate(quenched));
    EXPECT_EQ(epochPlan(quenched).epochs, 1);
    EnsembleSpec by_default = annealedSpec(10, 0.5, 10.0);
    by_default.coupling.redraw_interval.reset();  // unset: every bin
    EXPECT_NO_THROW(validate(by_default));
    EXPECT_EQ(epochPlan(by_default).epochs, 20);
}

// ---- runs (both backends; CPU-vs-CUDA agreement is in test_cpu_vs_cuda.cpp) ----

class AnnealedRunTest : public BackendTest {};

TEST_P(AnnealedRunTest, ARedrawIntervalLongerThanTheRunIsTheQuenchedRunBitForBit) {
    EnsembleSpec quenched = smallLinearSpec(16, 0.6);
    quenched.network.activation.kind = ActivationKind::Tanh;
    quenched.integration.t_max = 100.0;
    EnsembleSpec annealed = quenched;
    annealed.coupling.disorder = Disorder::Annealed;
    annealed.coupling.redraw_interval = 1000.0;
    expectIdentical(run(quenched), run(annealed));
}

TEST_P(AnnealedRunTest, RedrawsChangeTheRunAndKeepItIndependentOfThreadsAndSubsets) {
    if (GetParam().kind == BackendKind::Cuda)
        GTEST_SKIP()
            << "bit identity across thread counts and subsets is the CPU's contract (cuBLAS picks its "
               "FP32 kernel by the wave size)";
    EnsembleSpec s = annealedSpec(16, 0.6, 20.0);
    s.network.activation.kind = ActivationKind::Tanh;
    s.integration.t_max = 100.0;
    s.ensemble.realizations = 4;
    s.run.threads = 1;
    const std::vector<RealizationResult> one = run(s);
    EnsembleSpec quenched = s;
    quenched.coupling.disorder = Disorder::Quenched;
    quenched.coupling.redraw_interval.reset();
    EXPECT_FALSE(identicalValues(one[0].at(Variable::X, CK::EqualTime).stats,
                                 run(quenched)[0].at(Variable::X, CK::EqualTime).stats));
    EnsembleSpec two = s;
    two.run.threads = 2;
    expectIdentical(one, run(two));
    EnsembleSpec part = s;
    part.ensemble.first_realization = 2;
    part.ensemble.realizations = 2;
    const std::vector<RealizationResult> tail = run(part);
    expectIdentical(tail, {one[2], one[3]});
}

// Linear network, N = 30, g = 0.5: an annealed ensemble (4 epochs of 80) against a quenched one with another
// seed. E[N dc2] of the epoch mean is exactly sum_e w_e^2 E[N dc2] of one epoch at any N (independent
// epochs, zero-mean cross-covariances), up to the redraw transients; the auto means differ only by the
// derived transient factor.
TEST_P(AnnealedRunTest, MeansAgreeWithQuenchedAndCrossDispersionShrinksByTheEpochCount) {
    if (GetParam().precision != Precision::Fp32)
        GTEST_SKIP() << "one precision suffices for a statistical test";
    EnsembleSpec quenched = smallLinearSpec(30, 0.5);
    quenched.integration.t_max = 320.0;
    quenched.integration.dt = 0.04;  // the same dt for both: its O(dt) bias cancels in the comparison
    quenched.ensemble.realizations = 32;
    quenched.ensemble.seed = 11;
    EnsembleSpec annealed = quenched;
    annealed.coupling.disorder = Disorder::Annealed;
    annealed.coupling.redraw_interval = 80.0;  // long epochs: transients ~ 1/T_e
    annealed.ensemble.seed = 12;
    const std::vector<RealizationResult> q = run(quenched);
    const std::vector<RealizationResult> a = run(annealed);
    const double redraws = static_cast<double>(epochPlan(annealed).redraws);
    for (const CK c : {CK::EqualTime, CK::ZeroFrequency}) {
        const double epochs = effectiveEpochCount(annealed, c);
        ASSERT_DOUBLE_EQ(epochs, 4.0);
        const double deficit = c == CK::EqualTime ? theory::equalTimeRedrawDeficit(0.5)
                                                  : theory::zeroFrequencyRedrawDeficit(0.5);
        const double factor = 1.0 - redraws * deficit / quenched.integration.t_max;
        const int auto_mean = static_cast<int>(Statistic::AutoMean);
        const MeanAndError aq = ensembleMean(q, Variable::X, c, auto_mean);
        const MeanAndError aa = ensembleMean(a, Variable::X, c, auto_mean);
        const double z_a = (aa.mean - factor * aq.mean) / std::hypot(aa.error, factor * aq.error);
        RecordProperty(std::string("z_auto_mean_") + std::string(covarianceName(c)), std::to_string(z_a));
        EXPECT_LT(std::fabs(z_a), 4.0) << covarianceName(c) << ": a annealed " << aa.mean << " +- "
                                       << aa.error << ", quenched x factor " << factor * aq.mean;
        const int cross_var = static_cast<int>(Statistic::CrossVar);
        const MeanAndError dq = ensembleMean(q, Variable::X, c, cross_var);
        const MeanAndError da = ensembleMean(a, Variable::X, c, cross_var);
        const double z_d = (da.mean - dq.mean / epochs) / std::hypot(da.error, dq.error / epochs);
        RecordProperty(std::string("z_n_dc2_") + std::string(covarianceName(c)), std::to_string(z_d));
        RecordProperty(std::string("ratio_n_dc2_") + std::string(covarianceName(c)),
                       std::to_string(da.mean * epochs / dq.mean));
        EXPECT_LT(std::fabs(z_d), 4.0) << covarianceName(c) << ": N dc2 annealed " << 30 * da.mean << " +- "
                                       << 30 * da.error << ", quenched / M " << 30 * dq.mean / epochs;
        // The difference itself is resolved: the annealed dispersion is far below the quenched one.
        const double z_q = (dq.mean - da.mean) / std::hypot(da.error, dq.error);
        RecordProperty(std::string("z_vs_quenched_") + std::string(covarianceName(c)), std::to_string(z_q));
        EXPECT_GT(z_q, 4.0) << covarianceName(c);
    }
}

std::vector<BackendCase> cpuCases() {
    return {{BackendKind::Cpu, Precision::Fp64}, {BackendKind::Cpu, Precision::Fp32}};
}

INSTANTIATE_TEST_SUITE_P(Backends, AnnealedRunTest, ::testing::ValuesIn(cpuCases()), caseName);

}  // namespace
}  // namespace quench::testing
