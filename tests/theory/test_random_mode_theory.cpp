// Random-mode couplings: spectra conventions, the rho = 0 closed form, the cavity for rho != 0, and
// both against exact finite-N inverses averaged over realizations.
#include "quench/theory/random_mode_theory.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <stdexcept>
#include <vector>

#include "quench/activation.hpp"
#include "quench/theory/dmft.hpp"
#include "quench/theory/lyapunov.hpp"
#include "random_mode_coupling.hpp"

namespace {

using namespace quench::theory;
using Matrix = std::vector<double>;
using quench::testing::randomModeCoupling;

struct Sample {
    double mean = 0.0, standard_error = 0.0;
};

// (Tr C)^2 / (N Tr C^2) of one exact covariance.
double prOverN(const Matrix& C, int n) {
    double trace = 0.0, trace2 = 0.0;
    for (int i = 0; i < n; ++i) trace += C[i * n + i];
    for (const double c : C) trace2 += c * c;
    return trace * trace / trace2 / n;
}

Sample sampleOf(const std::vector<double>& values) {
    const double count = static_cast<double>(values.size());
    double mean = 0.0, var = 0.0;
    for (const double x : values) mean += x / count;
    for (const double x : values) var += (x - mean) * (x - mean) / (count - 1.0);
    return Sample{mean, std::sqrt(var / count)};
}

Sample finiteNPrOverN(const std::vector<double>& D, int n, double rho, int realizations, std::uint64_t seed,
                      double spread = 0.0) {
    std::mt19937_64 rng(seed);
    std::vector<double> pr;
    for (int r = 0; r < realizations; ++r)
        pr.push_back(prOverN(zeroFrequencyCovariance(randomModeCoupling(D, n, rho, rng, spread), n, 1.0), n));
    return sampleOf(pr);
}

TEST(RandomModeSpectrum, IsNormalizedToCouplingVarianceAndOrderedLargestFirst) {
    for (const ModeSpectrum kind : {ModeSpectrum::Flat, ModeSpectrum::PowerLaw, ModeSpectrum::Exponential}) {
        const std::vector<double> D = randomModeSpectrum(kind, 150, 200, 0.7, 1.0);
        double s2 = 0.0;
        for (const double d : D) s2 += d * d;
        EXPECT_NEAR(s2 / 200.0, 0.49, 1e-13);
        for (std::size_t a = 1; a < D.size(); ++a) EXPECT_LE(D[a], D[a - 1]);
    }
    EXPECT_NEAR(effectiveRank(randomModeSpectrum(ModeSpectrum::Flat, 150, 200, 0.7, 0.0)), 150.0, 1e-9);
    EXPECT_EQ(parseModeSpectrum("power_law"), ModeSpectrum::PowerLaw);
    EXPECT_THROW(parseModeSpectrum("gaussian"), std::domain_error);
    EXPECT_THROW(randomModeSpectrum(ModeSpectrum::PowerLaw, 0, 200, 0.5, 1.0), std::domain_error);
    EXPECT_THROW(randomModeSpectrum(ModeSpectrum::PowerLaw, 10, 200, 0.5, -1.0), std::domain_error);
}

TEST(RandomModeSpectrum, TwoValuedHasClosedFormVarianceAndEffectiveRank) {
    // P_s = round(f P) strong modes of strength c, P - P_s weak ones of strength r c:
    // g^2 = c^2 (P_s + (P - P_s) r^2) / N, PR_D = (P_s + (P - P_s) r^2)^2 / (P_s + (P - P_s) r^4).
    struct Case {
        int P, N;
        double f, r, strong;
    };
    for (const Case c :
         {Case{200, 200, 0.1, 0.2, 20}, Case{150, 200, 0.33, 0.0, 50}, Case{300, 200, 1.0, 0.5, 300},
          Case{100, 100, 0.001, 0.3, 1}, Case{80, 100, 0.5, 1.0, 40}}) {
        const std::vector<double> D =
            randomModeSpectrum(ModeSpectrum::TwoValued, c.P, c.N, 0.4, 0.0, c.f, c.r);
        ASSERT_EQ(D.size(), static_cast<std::size_t>(c.P));
        EXPECT_EQ(quench::strongModeCount(c.P, c.f), static_cast<int>(c.strong));
        const double weak = c.P - c.strong;
        const double s2 = c.strong + weak * c.r * c.r;
        const double s4 = c.strong + weak * std::pow(c.r, 4);
        const double scale = 0.4 * std::sqrt(c.N / s2);
        for (int a = 0; a < c.P; ++a) EXPECT_NEAR(D[a], (a < c.strong ? 1.0 : c.r) * scale, 1e-13) << a;
        double sum2 = 0.0;
        for (const double d : D) sum2 += d * d;
        EXPECT_NEAR(sum2 / c.N, 0.16, 1e-13);
        EXPECT_NEAR(effectiveRank(D), s2 * s2 / s4, 1e-9 * s2);
        // The collapse variable: kappa = g^4 N / PR_D = (1/N) sum D^4.
        EXPECT_NEAR(randomModeZeroFrequency(D, c.N, 0.0, 1.0).kappa, std::pow(0.4, 4) * c.N * s4 / (s2 * s2),
                    1e-12);
    }
    EXPECT_EQ(parseModeSpectrum("two_valued"), ModeSpectrum::TwoValued);
    EXPECT_THROW(randomModeSpectrum(ModeSpectrum::TwoValued, 10, 10, 0.5, 0.0, 0.0, 0.5), std::domain_error);
    EXPECT_THROW(randomModeSpectrum(ModeSpectrum::TwoValued, 10, 10, 0.5, 0.0, 1.5, 0.5), std::domain_error);
    EXPECT_THROW(randomModeSpectrum(ModeSpectrum::TwoValued, 10, 10, 0.5, 0.0, 0.5, -0.1), std::domain_error);
    EXPECT_THROW(randomModeSpectrum(ModeSpectrum::TwoValued, 10, 10, 0.5, 0.0, 0.5, 1.1), std::domain_error);
}

TEST(RandomModeZeroFrequency, PerModeOverlapsReduceToOneOverlapWhenEqual) {
    const int n = 200;
    const std::vector<double> D = randomModeSpectrum(ModeSpectrum::PowerLaw, n, n, 0.5, 0.5);
    const RandomModeZeroFrequency one = randomModeZeroFrequency(D, n, -0.3, 1.0);
    const RandomModeZeroFrequency each =
        randomModeZeroFrequency(D, n, std::vector<double>(D.size(), -0.3), 1.0);
    EXPECT_EQ(one.pr_over_n, each.pr_over_n);
    EXPECT_EQ(one.auto_mean, each.auto_mean);
    EXPECT_EQ(randomModeZeroFrequencyUniformOverlap(D, n, -0.3, 0.0, 1.0).pr_over_n, one.pr_over_n);
    // All rho_a = 0: the closed form.
    EXPECT_EQ(randomModeZeroFrequency(D, n, std::vector<double>(D.size(), 0.0), 1.0).pr_over_n,
              randomModeZeroFrequency(D, n, 0.0, 1.0).pr_over_n);
    EXPECT_THROW(randomModeZeroFrequency(D, n, std::vector<double>(3, 0.0), 1.0), std::domain_error);
    EXPECT_THROW(randomModeZeroFrequencyUniformOverlap(D, n, 0.5, 0.6, 1.0), std::domain_error);
}

TEST(RandomModeZeroFrequency, OverlapSpreadMatchesExactInverseAveragedOverRealizations) {
    // rho_a uniform in [-0.9, 0.1] (mean -0.4, spread 0.5), flat g = 0.5: the spread moves PR/N away
    // from the single-overlap value, and the per-mode cavity follows the finite-N average.
    const int n = 200, realizations = 6;
    const std::vector<double> D = randomModeSpectrum(ModeSpectrum::Flat, n, n, 0.5, 0.0);
    const double spread = randomModeZeroFrequencyUniformOverlap(D, n, -0.4, 0.5, 1.0).pr_over_n;
    const double single = randomModeZeroFrequency(D, n, -0.4, 1.0).pr_over_n;
    const Sample s = finiteNPrOverN(D, n, -0.4, realizations, 23, 0.5);
    std::printf(
        "[ finite N ] flat rho_a in [-0.9, 0.1]: PR/N %.4f +- %.4f, theory %.4f (single rho -0.4: %.4f)\n",
        s.mean, s.standard_error, spread, single);
    EXPECT_NEAR(s.mean, spread, 5.0 * s.standard_error + 3.0 / n);
    // The spread is resolved: the single-overlap prediction is excluded.
    EXPECT_GT(std::fabs(s.mean - single), 5.0 * s.standard_error + 1.0 / n);
    // The quadrature has converged: 32 (the default) and 128 nodes agree.
    EXPECT_NEAR(randomModeZeroFrequencyUniformOverlap(D, n, -0.4, 0.5, 1.0, 128).pr_over_n, spread, 1e-4);
}

// ET covariance (Lyapunov) of linear random-mode networks, rho = 0: the all-frequency kernel with the factor
// 1 + kappa |chi(w)|^2 |chi(w')|^2 (theory.md section 4; prediction.cpp randomModeLinearEqualTime), which
// at kappa = 0 is the iid ET dimension. Tolerance as above. (Independently, scipy Lyapunov solves of the flat
// case, P = N/4, g = 0.6, gave 0.611(13), 0.627(10), 0.624(5), 0.629(5) at N = 100, 200, 400, 800 against
// 0.6313.)
TEST(RandomModeEqualTime, KappaKernelMatchesExactLyapunovAveragedOverRealizationsAtN200) {
    const int n = 200, realizations = 8;
    const double g = 0.6;
    quench::Activation linear;
    linear.kind = quench::ActivationKind::Linear;
    const DmftCorrelation c = solveWhiteNoiseCorrelation(linear, g, 1.0);
    const double iid = equalTimeActivationDimension(c, g);
    struct Case {
        ModeSpectrum kind;
        int modes;
        double decay;
    };
    for (const Case k : {Case{ModeSpectrum::Flat, n / 4, 0.0}, Case{ModeSpectrum::PowerLaw, n, 0.5}}) {
        const std::vector<double> D = randomModeSpectrum(k.kind, k.modes, n, g, k.decay);
        double kappa = 0.0;
        for (const double d : D) kappa += d * d * d * d / n;
        const double theory = equalTimeActivationDimension(c, g, 200, kappa);
        std::mt19937_64 rng(29);
        std::vector<double> pr;
        for (int r = 0; r < realizations; ++r)
            pr.push_back(prOverN(equalTimeCovariance(randomModeCoupling(D, n, 0.0, rng), n, 1.0), n));
        const Sample sample = sampleOf(pr);
        const double mean = sample.mean, se = sample.standard_error;
        std::printf(
            "[ finite N ] ET random mode P = %d decay %.1f kappa %.3f: PR/N %.4f +- %.4f, theory %.4f (iid "
            "%.4f)\n",
            k.modes, k.decay, kappa, mean, se, theory, iid);
        EXPECT_NEAR(mean, theory, 5.0 * se + 3.0 / n);
        // The flat spectrum's realizations barely fluctuate, so there the kappa term is resolved.
        if (k.kind == ModeSpectrum::Flat) EXPECT_GT(std::fabs(mean - iid), 5.0 * se + 1.0 / n);
    }
}

// With mode overlap the ET auto mean is no longer the iid sigma^2 / (2 sqrt(1 - g^2)): the cavity at every
// frequency (K = 1 + i w in place of 1) against exact Lyapunov covariances (flat P = N/2, g = 0.5, N = 300).
TEST(RandomModeEqualTime, AutoMeanWithOverlapMatchesExactLyapunovAveragedOverRealizations) {
    const int n = 300, realizations = 4;
    const double g = 0.5, iid = 1.0 / (2.0 * std::sqrt(1.0 - g * g));
    const std::vector<double> D = randomModeSpectrum(ModeSpectrum::Flat, n / 2, n, g, 0.0);
    EXPECT_NEAR(randomModeEqualTimeAutoMean(D, n, std::vector<double>(D.size(), 1e-9), 1.0), iid, 1e-6);
    for (const double rho : {-0.5, 0.2}) {
        const double theory = randomModeEqualTimeAutoMean(D, n, std::vector<double>(D.size(), rho), 1.0);
        std::mt19937_64 rng(31);
        std::vector<double> a;
        for (int r = 0; r < realizations; ++r) {
            const Matrix C = equalTimeCovariance(randomModeCoupling(D, n, rho, rng), n, 1.0);
            double trace = 0.0;
            for (int i = 0; i < n; ++i) trace += C[i * n + i];
            a.push_back(trace / n);
        }
        const Sample sample = sampleOf(a);
        std::printf("[ finite N ] ET auto mean, rho = %.1f: %.5f +- %.5f, theory %.5f (iid %.5f)\n", rho,
                    sample.mean, sample.standard_error, theory, iid);
        EXPECT_NEAR(sample.mean, theory, 5.0 * sample.standard_error + 2.0 / n);
        EXPECT_GT(std::fabs(theory - iid), 0.05) << "the overlap must change the single-site value";
    }
    EXPECT_NEAR(randomModeEqualTimeAutoMeanUniformOverlap(D, n, -0.5, 0.0, 1.5, 0.0),
                2.25 * randomModeEqualTimeAutoMean(D, n, std::vector<double>(D.size(), -0.5), 1.0), 1e-9);
}

// The ET four-point statistics with mode overlap: the two-copy cavity at every pair of frequencies.
// At rho -> 0 it must reproduce the kappa kernel of the uncorrelated modes (an independent route: the
// linear DMFT spectrum in the all-frequency formula); at rho != 0 the exact Lyapunov covariances of
// finite-N realizations (flat P = N/2, g = 0.5, N = 300), within 5 SE plus 2/N for the O(1/N) offset.
TEST(RandomModeEqualTime, FourPointWithOverlapMatchesExactLyapunovAveragedOverRealizations) {
    const int n = 300, realizations = 4;
    const double g = 0.5;
    const std::vector<double> D = randomModeSpectrum(ModeSpectrum::Flat, n / 2, n, g, 0.0);
    quench::Activation linear;
    linear.kind = quench::ActivationKind::Linear;
    double kappa = 0.0;
    for (const double d : D) kappa += d * d * d * d / n;
    const double kernel =
        equalTimeActivationDimension(solveWhiteNoiseCorrelation(linear, g, 1.0), g, 200, kappa);
    EXPECT_NEAR(randomModeEqualTime(D, n, std::vector<double>(D.size(), 1e-9), 1.0).pr_over_n, kernel, 2e-4);
    for (const double rho : {-0.5, 0.2}) {
        const RandomModeZeroFrequency theory =
            randomModeEqualTime(D, n, std::vector<double>(D.size(), rho), 1.0);
        std::mt19937_64 rng(37);
        std::vector<double> m2, pr;
        for (int r = 0; r < realizations; ++r) {
            const Matrix C = equalTimeCovariance(randomModeCoupling(D, n, rho, rng), n, 1.0);
            double trace2 = 0.0;
            for (const double c : C) trace2 += c * c;
            m2.push_back(trace2 / n);
            pr.push_back(prOverN(C, n));
        }
        const Sample sm2 = sampleOf(m2), spr = sampleOf(pr);
        std::printf(
            "[ finite N ] ET rho = %.1f: m2 %.5f +- %.5f, theory %.5f; PR/N %.5f +- %.5f, theory %.5f "
            "(rho = 0: %.5f)\n",
            rho, sm2.mean, sm2.standard_error, theory.m2, spr.mean, spr.standard_error, theory.pr_over_n,
            kernel);
        EXPECT_NEAR(sm2.mean, theory.m2, 5.0 * sm2.standard_error + 2.0 / n);
        EXPECT_NEAR(spr.mean, theory.pr_over_n, 5.0 * spr.standard_error + 2.0 / n);
        EXPECT_GT(std::fabs(theory.pr_over_n - kernel), 0.05) << "the overlap must change the dimension";
        EXPECT_NEAR(theory.n_cross_var, theory.m2 - theory.auto_mean * theory.auto_mean, 1e-12);
    }
}

// Ornstein-Uhlenbeck noise (spectrum sigma^2 / (1 + tau_n^2 w^2)) weights every frequency of the same
// cavities. At rho -> 0 the auto mean must be the iid closed form sigma^2 / (2 b (1 + b tau_n)),
// b = sqrt(1 - g^2), and the dimension the kappa kernel with the colored linear DMFT's spectrum (an
// independent route); at rho = -0.5 the exact colored-noise Lyapunov covariances of finite-N realizations
// (flat P = N/2, g = 0.5, N = 200), within 5 SE plus 2/N for the O(1/N) offset, at tau_n = 0.1, 1, 10.
TEST(RandomModeEqualTime, ColoredNoiseWithOverlapMatchesExactLyapunovAveragedOverRealizations) {
    const int n = 200, realizations = 4;
    const double g = 0.5, b = std::sqrt(1.0 - g * g);
    const std::vector<double> D = randomModeSpectrum(ModeSpectrum::Flat, n / 2, n, g, 0.0);
    quench::Activation linear;
    linear.kind = quench::ActivationKind::Linear;
    double kappa = 0.0;
    for (const double d : D) kappa += d * d * d * d / n;
    for (const double tau : {0.1, 1.0, 10.0}) {
        const RandomModeZeroFrequency near_zero =
            randomModeEqualTime(D, n, std::vector<double>(D.size(), 1e-9), 1.0, tau);
        EXPECT_NEAR(near_zero.auto_mean, 1.0 / (2.0 * b * (1.0 + b * tau)), 1e-6) << "tau_n = " << tau;
        const double kernel =
            equalTimeActivationDimension(solveColoredNoiseCorrelation(linear, g, 1.0, tau), g, 200, kappa);
        EXPECT_NEAR(near_zero.pr_over_n, kernel, 5e-4) << "tau_n = " << tau;

        const RandomModeZeroFrequency theory =
            randomModeEqualTime(D, n, std::vector<double>(D.size(), -0.5), 1.0, tau);
        std::mt19937_64 rng(41);
        std::vector<double> a, m2, pr;
        for (int r = 0; r < realizations; ++r) {
            const Matrix C =
                coloredNoiseEqualTimeCovariance(randomModeCoupling(D, n, -0.5, rng), n, 1.0, tau);
            double trace = 0.0, trace2 = 0.0;
            for (int i = 0; i < n; ++i) trace += C[i * n + i];
            for (const double c : C) trace2 += c * c;
            a.push_back(trace / n);
            m2.push_back(trace2 / n);
            pr.push_back(prOverN(C, n));
        }
        const Sample sa = sampleOf(a), sm2 = sampleOf(m2), spr = sampleOf(pr);
        std::printf(
            "[ finite N ] ET rho = -0.5, tau_n = %.1f: a %.5f +- %.5f, theory %.5f; m2 %.5f +- %.5f, theory "
            "%.5f; PR/N %.5f +- %.5f, theory %.5f (rho = 0: %.5f)\n",
            tau, sa.mean, sa.standard_error, theory.auto_mean, sm2.mean, sm2.standard_error, theory.m2,
            spr.mean, spr.standard_error, theory.pr_over_n, kernel);
        EXPECT_NEAR(sa.mean, theory.auto_mean, 5.0 * sa.standard_error + 2.0 * theory.auto_mean / n);
        EXPECT_NEAR(sm2.mean, theory.m2, 5.0 * sm2.standard_error + 2.0 * theory.m2 / n);
        EXPECT_NEAR(spr.mean, theory.pr_over_n, 5.0 * spr.standard_error + 2.0 / n);
        EXPECT_GT(std::fabs(theory.pr_over_n - kernel), 0.05) << "the overlap must change the dimension";
    }
    EXPECT_THROW(randomModeEqualTimeAutoMean(D, n, std::vector<double>(D.size(), -0.5), 1.0, -1.0),
                 std::domain_error);
}

TEST(RandomModeZeroFrequency, UncorrelatedModesReproduceClosedForm) {
    const int n = 300;
    const std::vector<double> D = randomModeSpectrum(ModeSpectrum::PowerLaw, n, n, 0.5, 0.5);
    const RandomModeZeroFrequency rm = randomModeZeroFrequency(D, n, 0.0, 1.0);
    EXPECT_NEAR(rm.pr_over_n, randomModeZeroFrequencyPrOverNUncorrelated(0.5, n, effectiveRank(D)), 1e-14);
    EXPECT_NEAR(rm.auto_mean, 1.0 / 0.75, 1e-14);
}

TEST(RandomModeZeroFrequency, CavityAtSmallOverlapApproachesTheUncorrelatedClosedForm) {
    const int n = 300;
    const std::vector<double> D = randomModeSpectrum(ModeSpectrum::Exponential, n, n, 0.5, 3.0);
    const double closed = randomModeZeroFrequency(D, n, 0.0, 1.0).pr_over_n;
    EXPECT_NEAR(randomModeZeroFrequency(D, n, 1e-6, 1.0).pr_over_n, closed, 1e-5);
    EXPECT_NEAR(randomModeZeroFrequency(D, n, -1e-6, 1.0).pr_over_n, closed, 1e-5);
}

// Next to the edge the smallest eigenvalue of (1-J)^T (1-J) can lie below the central-difference step, so
// r'(0) comes from one-sided differences at eps > 0 (the closure's equivalent network of tanh, g = 1.5,
// rho = 0.2: gamma = 0.44193). The ZF PR/N is then tiny but defined, and continuous with a point farther in.
TEST(RandomModeZeroFrequency, NextToTheEdgeTheDimensionIsStillDefined) {
    const int n = 100;
    const std::vector<double> D = randomModeSpectrum(ModeSpectrum::Flat, n / 2, n, 1.5 * 0.44193, 0.0);
    const RandomModeZeroFrequency edge = randomModeZeroFrequency(D, n, 0.2, 1.0);
    EXPECT_GT(edge.pr_over_n, 0.0);
    EXPECT_LT(edge.pr_over_n, 0.01);
    const std::vector<double> inner = randomModeSpectrum(ModeSpectrum::Flat, n / 2, n, 1.5 * 0.43, 0.0);
    const double farther = randomModeZeroFrequency(inner, n, 0.2, 1.0).pr_over_n;
    EXPECT_GT(farther, edge.pr_over_n);
    EXPECT_LT(farther, 10.0 * edge.pr_over_n);
}

TEST(RandomModeZeroFrequency, MatchesExactInverseAveragedOverRealizationsAtN200) {
    // Tolerance: 5 standard errors plus 3/N for the (not derived) O(1/N) offset.
    const int n = 200, realizations = 6;
    struct Case {
        ModeSpectrum kind;
        double decay, rho;
    };
    for (const Case c : {Case{ModeSpectrum::Flat, 0.0, 0.0}, Case{ModeSpectrum::Flat, 0.0, -0.5},
                         Case{ModeSpectrum::PowerLaw, 0.5, -0.5}, Case{ModeSpectrum::Flat, 0.0, 0.3}}) {
        const std::vector<double> D = randomModeSpectrum(c.kind, n, n, 0.5, c.decay);
        const double theory = randomModeZeroFrequency(D, n, c.rho, 1.0).pr_over_n;
        const Sample s = finiteNPrOverN(D, n, c.rho, realizations, 17);
        std::printf("[ finite N ] random mode decay %.1f rho %+.2f: PR/N %.4f +- %.4f, theory %.4f\n",
                    c.decay, c.rho, s.mean, s.standard_error, theory);
        EXPECT_NEAR(s.mean, theory, 5.0 * s.standard_error + 3.0 / n) << "rho = " << c.rho;
    }
}

TEST(RandomModeZeroFrequency, UnstableParametersThrowDomainError) {
    const int n = 200;
    EXPECT_THROW(randomModeZeroFrequency(randomModeSpectrum(ModeSpectrum::Flat, n, n, 1.1, 0.0), n, 0.0, 1.0),
                 std::domain_error);
    // Positive overlap with positive D shifts the bulk right: flat, g = 0.5, rho = 0.5 reaches z = 1.
    EXPECT_THROW(randomModeZeroFrequency(randomModeSpectrum(ModeSpectrum::Flat, n, n, 0.5, 0.0), n, 0.5, 1.0),
                 std::domain_error);
    EXPECT_THROW(randomModeZeroFrequency({0.5}, n, 1.5, 1.0), std::domain_error);
    EXPECT_THROW(randomModeZeroFrequencyPrOverNUncorrelated(1.0, n, 10.0), std::domain_error);
}

}  // namespace
