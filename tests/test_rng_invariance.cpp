// The reproducibility contract: a realization's result depends only on (seed, realization) and
// the spec, never on how the ensemble is cut into threads or runs.
#include "backend_fixture.hpp"
#include "quench/coupling.hpp"

namespace quench::testing {
namespace {

using CK = CovarianceKind;

class RngInvarianceTest : public BackendTest {
protected:
    static EnsembleSpec spec() {
        EnsembleSpec s = smallLinearSpec(24, 0.8);
        s.network.activation.kind = ActivationKind::Tanh;
        s.ensemble.realizations = 6;
        s.ensemble.trials = 3;  // fewer trials than split groups: exercises the time-segment split
        s.integration.t_max = 100.0;
        return s;
    }
    static void expectIdentical(const RealizationResult& a, const RealizationResult& b) {
        EXPECT_EQ(a.realization, b.realization);
        for (int v = 0; v < kVariableCount; ++v)
            for (int c = 0; c < kCovarianceCount; ++c) EXPECT_EQ(a.cov[v][c].stats, b.cov[v][c].stats);
    }
};

TEST_P(RngInvarianceTest, ThreadCountDoesNotChangeAnyNumber) {
    EnsembleSpec one = spec();
    one.run.threads = 1;
    EnsembleSpec two = spec();
    two.run.threads = 2;
    const std::vector<RealizationResult> a = run(one);
    const std::vector<RealizationResult> b = run(two);
    ASSERT_EQ(a.size(), b.size());
    for (size_t r = 0; r < a.size(); ++r) expectIdentical(a[r], b[r]);
}

TEST_P(RngInvarianceTest, ASubsetRunAloneEqualsTheSameRealizationsInALargerRun) {
    const std::vector<RealizationResult> all = run(spec());
    EnsembleSpec subset = spec();
    subset.ensemble.first_realization = 2;
    subset.ensemble.realizations = 3;
    const std::vector<RealizationResult> part = run(subset);
    ASSERT_EQ(part.size(), 3u);
    for (size_t i = 0; i < part.size(); ++i) expectIdentical(part[i], all[i + 2]);
}

TEST_P(RngInvarianceTest, NoiseSeedChangesTheNoiseButNotTheNetwork) {
    EnsembleSpec other = spec();
    other.ensemble.noise_seed = 77;
    EXPECT_EQ(couplingMatrix(spec(), 3), couplingMatrix(other, 3));
    const RealizationResult a = run(spec()).at(0);
    const RealizationResult b = run(other).at(0);
    EXPECT_NE(a.at(Variable::X, CK::EqualTime).stats, b.at(Variable::X, CK::EqualTime).stats);
}

TEST(CouplingMatrix, DependsOnlyOnSeedAndRealization) {
    EnsembleSpec a = smallLinearSpec(10, 0.5);
    EnsembleSpec b = a;
    b.ensemble.realizations = 1000;
    b.ensemble.first_realization = 7;
    b.ensemble.trials = 1;
    EXPECT_EQ(couplingMatrix(a, 7), couplingMatrix(b, 7));
    EXPECT_NE(couplingMatrix(a, 7), couplingMatrix(a, 8));
}

TEST(CouplingMatrix, HasTheRequestedMomentsAndSymmetry) {
    EnsembleSpec s = smallLinearSpec(300, 0.8);
    s.coupling.symmetry = 0.4;
    s.coupling.mean = 2.0;
    const std::vector<double> j = couplingMatrix(s, 0);
    const int n = 300;
    double sum = 0, sum2 = 0, cross = 0;
    int pairs = 0;
    for (int i = 0; i < n; ++i)
        for (int k = 0; k < n; ++k) {
            const double v = j[i * n + k] - 2.0 / n;
            sum += v;
            sum2 += v * v;
            if (i < k) {
                cross += v * j[k * n + i] - v * 2.0 / n;
                ++pairs;
            }
        }
    const double var = sum2 / (n * n);
    EXPECT_NEAR(sum / (n * n), 0.0, 5.0 * std::sqrt(var / (n * n)));
    EXPECT_NEAR(var * n / (0.8 * 0.8), 1.0, 5.0 * std::sqrt(2.0 / (n * n)));
    EXPECT_NEAR(cross / pairs / var, 0.4, 5.0 / std::sqrt(pairs));
}

TEST(CouplingMatrix, RandomModesHaveTheRequestedVarianceAndRank) {
    EnsembleSpec s = smallLinearSpec(200, 0.7);
    s.coupling.model = CouplingModel::RandomMode;
    s.coupling.spectrum = ModeSpectrum::PowerLaw;
    s.coupling.spectrum_decay = 0.5;
    const std::vector<double> d = modeSpectrum(s.coupling, 200);
    double s2 = 0;
    for (const double x : d) s2 += x * x;
    EXPECT_NEAR(s2 / 200, 0.49, 1e-12);  // (1/N) sum D^2 = g^2
    const double rank = couplingEffectiveRank(s.coupling, 200);
    EXPECT_GT(rank, 1.0);
    EXPECT_LT(rank, 200.0);
    const std::vector<double> j = couplingMatrix(s, 1);
    double frob = 0;
    for (const double x : j) frob += x * x;
    // E ||J||_F^2 = sum_a D_a^2 E|u|^2 E|v|^2 = N g^2: within 25 % for one realization of low rank.
    EXPECT_NEAR(frob / (200 * 0.49), 1.0, 0.25);
}

INSTANTIATE_TEST_SUITE_P(Backends, RngInvarianceTest, ::testing::ValuesIn(allBackendCases()), caseName);

}  // namespace
}  // namespace quench::testing
