// The reproducibility contract: a realization's result depends only on (seed, realization) and
// the spec, never on how the ensemble is cut into threads or runs.
#include <cblas.h>

#include <algorithm>
#include <cmath>

#include "backend_fixture.hpp"
#include "identical_values.hpp"
#include "quench/coupling.hpp"
#include "quench/rng.hpp"

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
            for (int c = 0; c < kCovarianceCount; ++c)
                EXPECT_TRUE(identicalValues(a.cov[v][c].stats, b.cov[v][c].stats));
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
    EXPECT_FALSE(
        identicalValues(a.at(Variable::X, CK::EqualTime).stats, b.at(Variable::X, CK::EqualTime).stats));
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

// The random-mode J as it was built before per-mode overlaps existed (one rho for every mode).
std::vector<double> singleOverlapRandomModeCoupling(const EnsembleSpec& spec, std::int64_t realization) {
    const int n = spec.network.n;
    const int p = modeCount(spec.coupling, n);
    const std::size_t np = static_cast<std::size_t>(n) * p;
    auto normals = [&](RngStream stream) {
        std::vector<double> z((np + 3) / 4 * 4);
        for (std::size_t block = 0; block < z.size() / 4; ++block)
            normal4<double>(spec.ensemble.seed, stream, static_cast<std::uint64_t>(realization), block, 0u,
                            &z[block * 4]);
        z.resize(np);
        return z;
    };
    std::vector<double> u = normals(RngStream::ModeOutput);
    const std::vector<double> w = normals(RngStream::ModeInput);
    const std::vector<double> d = modeSpectrum(spec.coupling, n);
    const double unit = 1.0 / std::sqrt(static_cast<double>(n));
    const double rho = spec.coupling.overlap;
    const double rest = std::sqrt(1.0 - rho * rho);
    std::vector<double> vd(np);
    for (std::size_t e = 0; e < np; ++e)
        vd[e] = d[e % static_cast<std::size_t>(p)] * unit * (rho * u[e] + rest * w[e]);
    for (double& x : u) x *= unit;
    std::vector<double> j(static_cast<std::size_t>(n) * n);
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, n, n, p, 1.0, u.data(), p, vd.data(), p, 0.0,
                j.data(), n);
    return j;
}

EnsembleSpec randomModeSpec(ModeSpectrum spectrum) {
    EnsembleSpec s = smallLinearSpec(60, 0.5);
    s.coupling.model = CouplingModel::RandomMode;
    s.coupling.spectrum = spectrum;
    s.coupling.spectrum_decay = 0.5;
    s.coupling.mode_ratio = 0.75;
    s.coupling.overlap = -0.3;
    return s;
}

// The reference is computed here, in another translation unit, so the compiler may contract the
// multiply-adds of the single-precision normal inversion (normalFromBits) differently under
// -march=native: the comparison is to float rounding, 1e-6 of the largest entry (a wrong stream,
// index or overlap changes entries by O(1) of it).
TEST(CouplingMatrix, ZeroOverlapSpreadReproducesTheSingleOverlapCouplings) {
    for (const ModeSpectrum spectrum : {ModeSpectrum::PowerLaw, ModeSpectrum::TwoValued}) {
        const EnsembleSpec s = randomModeSpec(spectrum);
        for (const std::int64_t r : {0, 5}) {
            const std::vector<double> j = couplingMatrix(s, r);
            const std::vector<double> reference = singleOverlapRandomModeCoupling(s, r);
            ASSERT_EQ(j.size(), reference.size());
            double largest = 0.0;
            for (const double v : reference) largest = std::max(largest, std::fabs(v));
            for (std::size_t e = 0; e < j.size(); ++e) EXPECT_NEAR(j[e], reference[e], 1e-6 * largest) << e;
        }
        EXPECT_EQ(modeOverlaps(s, 3), std::vector<double>(45, -0.3));
    }
}

TEST(CouplingMatrix, OverlapSpreadDrawsReproducibleUniformOverlapsPerModeAndRealization) {
    EnsembleSpec s = randomModeSpec(ModeSpectrum::Flat);
    s.network.n = 400;
    s.coupling.mode_ratio = 1.0;
    s.coupling.overlap_spread = 0.4;
    const std::vector<double> rho = modeOverlaps(s, 2);
    ASSERT_EQ(rho.size(), 400u);
    EXPECT_EQ(rho, modeOverlaps(s, 2));
    EXPECT_NE(rho, modeOverlaps(s, 3));
    double mean = 0.0, var = 0.0;
    for (const double r : rho) {
        EXPECT_GE(r, -0.7);
        EXPECT_LE(r, 0.1);
        mean += r / 400.0;
    }
    for (const double r : rho) var += (r - mean) * (r - mean) / 400.0;
    EXPECT_NEAR(mean, -0.3, 5.0 * 0.4 / std::sqrt(3.0 * 400.0));
    EXPECT_NEAR(var, 0.16 / 3.0, 0.25 * 0.16 / 3.0);
    // The contract: rho_a = overlap + spread (2 u - 1), u from integer a % 4 of counter a / 4.
    const Uint4 bits = philoxDraw(s.ensemble.seed, RngStream::ModeOverlap, 2, 1, 0u);
    EXPECT_DOUBLE_EQ(rho[6], -0.3 + 0.4 * (2.0 * uniformFromBits(bits.v[2]) - 1.0));
    // The u and w streams are untouched: changing the spread changes J only through rho_a.
    const std::vector<double> j = couplingMatrix(s, 2);
    s.coupling.overlap_spread = 0.0;
    EXPECT_NE(j, couplingMatrix(s, 2));
    // The spread rotates v_a within span(u_a, w_a): the Frobenius norm of J stays close to N g^2.
    double frob = 0.0;
    for (const double x : j) frob += x * x;
    EXPECT_NEAR(frob / (400 * 0.25), 1.0, 0.15);
}

TEST(CouplingMatrix, TwoValuedEffectiveRankIsTheClosedForm) {
    EnsembleSpec s = randomModeSpec(ModeSpectrum::TwoValued);
    s.network.n = 200;
    s.coupling.mode_ratio = 1.0;
    s.coupling.strong_fraction = 0.1;
    s.coupling.weak_ratio = 0.2;
    const double s2 = 20 + 180 * 0.04, s4 = 20 + 180 * 0.0016;
    EXPECT_NEAR(couplingEffectiveRank(s.coupling, 200), s2 * s2 / s4, 1e-9);
    const std::vector<double> d = modeSpectrum(s.coupling, 200);
    EXPECT_EQ(std::count(d.begin(), d.end(), d.front()), 20);
    EXPECT_NEAR(d.back() / d.front(), 0.2, 1e-15);
    s.coupling.weak_ratio = 0.0;
    EXPECT_NEAR(couplingEffectiveRank(s.coupling, 200), 20.0, 1e-12);
}

INSTANTIATE_TEST_SUITE_P(Backends, RngInvarianceTest, ::testing::ValuesIn(allBackendCases()), caseName);

}  // namespace
}  // namespace quench::testing
