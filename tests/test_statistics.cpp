// Statistics of a covariance matrix and their disorder summaries.
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <random>
#include <utility>

#include "quench/realization_result.hpp"
#include "quench/statistics.hpp"

namespace quench {
namespace {

using Matrix = std::vector<double>;

double stat(const StatisticValues& s, Statistic k) {
    return s[static_cast<int>(k)];
}

Matrix product(const Matrix& a, const Matrix& b, int n) {
    Matrix c(static_cast<size_t>(n) * n, 0.0);
    for (int i = 0; i < n; ++i)
        for (int k = 0; k < n; ++k)
            for (int j = 0; j < n; ++j) c[i * n + j] += a[i * n + k] * b[k * n + j];
    return c;
}

double trace(const Matrix& a, int n) {
    double t = 0;
    for (int i = 0; i < n; ++i) t += a[i * n + i];
    return t;
}

// A fixed symmetric positive-definite test matrix with unequal diagonal and off-diagonal entries.
Matrix testCovariance(int n) {
    Matrix c(static_cast<size_t>(n) * n);
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j)
            c[i * n + j] = i == j ? 1.0 + 0.1 * i : 0.2 * std::cos(i + j) / (1 + std::abs(i - j));
    return c;
}

SplitCovariance noiseless(const Matrix& c, int n) {
    SplitCovariance s;
    s.n = n;
    for (auto& g : s.group) g = c;
    s.pooled = c;
    return s;
}

TEST(CovarianceStatistics, EqualGroupsGiveTheExactFunctionalsOfTheMatrix) {
    const int n = 7;
    const Matrix c = testCovariance(n);
    const StatisticValues s = computeStatistics(noiseless(c, n));
    double diag = 0, diag2 = 0, off = 0, off2 = 0;
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j) {
            const double v = c[i * n + j];
            if (i == j) {
                diag += v;
                diag2 += v * v;
            } else {
                off += v;
                off2 += v * v;
            }
        }
    const double pairs = n * (n - 1.0);
    const Matrix c2 = product(c, c, n);
    const Matrix c3 = product(c2, c, n);
    const Matrix c4 = product(c2, c2, n);
    EXPECT_NEAR(stat(s, Statistic::AutoMean), diag / n, 1e-14);
    EXPECT_NEAR(stat(s, Statistic::AutoVar), diag2 / n - diag * diag / (n * n), 1e-14);
    EXPECT_NEAR(stat(s, Statistic::CrossMean), off / pairs, 1e-14);
    EXPECT_NEAR(stat(s, Statistic::CrossVar), off2 / pairs - off * off / (pairs * pairs), 1e-14);
    EXPECT_NEAR(stat(s, Statistic::M2), trace(c2, n) / n, 1e-13);
    EXPECT_NEAR(stat(s, Statistic::M3), trace(c3, n) / n, 1e-13);
    EXPECT_NEAR(stat(s, Statistic::M4), trace(c4, n) / n, 1e-13);
    EXPECT_NEAR(stat(s, Statistic::Pr), diag * diag / trace(c2, n), 1e-13);
    EXPECT_NEAR(stat(s, Statistic::PrOverN), diag * diag / trace(c2, n) / n, 1e-13);
    for (const auto& [raw, corrected] : {std::pair{Statistic::M2Raw, Statistic::M2},
                                         {Statistic::M3Raw, Statistic::M3},
                                         {Statistic::M4Raw, Statistic::M4},
                                         {Statistic::PrRaw, Statistic::Pr},
                                         {Statistic::CrossVarRaw, Statistic::CrossVar},
                                         {Statistic::AutoVarRaw, Statistic::AutoVar}})
        EXPECT_NEAR(stat(s, raw), stat(s, corrected), 1e-12) << statisticName(raw);
}

// Sample covariances of K Gaussian vectors: the plug-in participation ratio is biased low by
// about PR^2/K; the split-sample estimator is not.
TEST(CovarianceStatistics, SplitSampleEstimatorsRemoveTheWishartBias) {
    const int n = 20, per_group = 40, repeats = 300;
    std::mt19937_64 rng(11);
    std::normal_distribution<double> normal;
    std::vector<double> scale(n);  // independent coordinates with variances 1..n/2
    for (int i = 0; i < n; ++i) scale[i] = std::sqrt(0.5 + 0.5 * i);
    double var_sum = 0, var2_sum = 0;
    for (int i = 0; i < n; ++i) {
        var_sum += scale[i] * scale[i];
        var2_sum += std::pow(scale[i], 4);
    }
    const double true_pr = var_sum * var_sum / var2_sum;
    const double true_m2 = var2_sum / n;
    std::vector<double> pr, pr_raw, m2, m2_raw;
    for (int rep = 0; rep < repeats; ++rep) {
        SplitCovariance s;
        s.n = n;
        s.pooled.assign(n * n, 0.0);
        for (auto& g : s.group) {
            g.assign(n * n, 0.0);
            for (int k = 0; k < per_group; ++k) {
                std::vector<double> x(n);
                for (int i = 0; i < n; ++i) x[i] = scale[i] * normal(rng);
                for (int i = 0; i < n; ++i)
                    for (int j = 0; j < n; ++j) g[i * n + j] += x[i] * x[j] / per_group;
            }
            for (int e = 0; e < n * n; ++e) s.pooled[e] += g[e] / kSplitGroups;
        }
        const StatisticValues v = computeStatistics(s);
        pr.push_back(stat(v, Statistic::Pr));
        pr_raw.push_back(stat(v, Statistic::PrRaw));
        m2.push_back(stat(v, Statistic::M2));
        m2_raw.push_back(stat(v, Statistic::M2Raw));
    }
    const Estimate e_m2 = estimate(m2), e_m2_raw = estimate(m2_raw), e_pr = estimate(pr),
                   e_pr_raw = estimate(pr_raw);
    // m2 is a U-statistic: exactly unbiased. |z| < 4.
    EXPECT_LT(std::fabs(e_m2.mean - true_m2) / e_m2.sem, 4.0);
    // The plug-in m2 exceeds the truth by about (Tr C)^2 / (N K): far outside its error.
    EXPECT_GT((e_m2_raw.mean - true_m2) / e_m2_raw.sem, 10.0);
    // PR is a ratio of unbiased estimates: its remaining bias is second order, well inside 2 %.
    EXPECT_NEAR(e_pr.mean / true_pr, 1.0, 0.02);
    // Plug-in: E Tr C_hat^2 = Tr C^2 + (Tr C)^2 / K to leading order, so PR_raw = PR / (1 + PR / K).
    const double k_total = kSplitGroups * per_group;
    EXPECT_NEAR(e_pr_raw.mean / true_pr, 1.0 / (1.0 + true_pr / k_total), 0.02);
    EXPECT_LT(e_pr_raw.mean / true_pr, 0.95);
}

// The ratio of the two unbiased split estimates, d / t with d of (Tr C)^2 and t of Tr C^2, is biased by
// the noise of t: E[1 / t] = (1 + Var t / t^2) / E t. A heavy spectrum (variances 1/k) with groups of
// 10 samples puts that bias at 4 % (10 standard errors); the reported PR removes it to second order,
// estimating Var t and Cov(d, t) from the groups' own spread (TraceSquareNoise).
TEST(CovarianceStatistics, ParticipationRatioCarriesNoRatioBias) {
    const int n = 50, per_group = 10, repeats = 2000;
    std::mt19937_64 rng(2);
    std::normal_distribution<double> normal;
    double var_sum = 0, var2_sum = 0;
    for (int k = 1; k <= n; ++k) {
        var_sum += 1.0 / k;
        var2_sum += 1.0 / (static_cast<double>(k) * k);
    }
    const double truth = var_sum * var_sum / var2_sum / n;
    std::vector<double> corrected, ratio;
    for (int rep = 0; rep < repeats; ++rep) {
        SplitCovariance s;
        s.n = n;
        s.pooled.assign(n * n, 0.0);
        std::vector<double> x(n);
        for (auto& g : s.group) {
            g.assign(n * n, 0.0);
            for (int k = 0; k < per_group; ++k) {
                for (int i = 0; i < n; ++i) x[i] = normal(rng) / std::sqrt(i + 1.0);
                for (int i = 0; i < n; ++i)
                    for (int j = 0; j < n; ++j) g[i * n + j] += x[i] * x[j] / per_group;
            }
            for (int e = 0; e < n * n; ++e) s.pooled[e] += g[e] / kSplitGroups;
        }
        corrected.push_back(stat(computeStatistics(s), Statistic::PrOverN));
        double d = 0.0, t = 0.0;
        for (int g = 0; g < kSplitGroups; ++g)
            for (int h = g + 1; h < kSplitGroups; ++h) {
                d += trace(s.group[g], n) * trace(s.group[h], n);
                for (int e = 0; e < n * n; ++e) t += s.group[g][e] * s.group[h][e];
            }
        ratio.push_back(d / t / n);
    }
    const Estimate e = estimate(corrected), r = estimate(ratio);
    EXPECT_LT(std::fabs(e.mean - truth) / e.sem, 4.0) << e.mean << " +- " << e.sem << " against " << truth;
    EXPECT_GT((r.mean - truth) / r.sem, 6.0) << "the uncorrected ratio: " << r.mean << " +- " << r.sem;
}

// ---- z-scored statistics: the correlation matrix R_ij = C_ij / sqrt(C_ii C_jj) ----

// Four different noisy group estimates of one covariance and their pooled mean: a split covariance
// as a run produces it.
SplitCovariance noisySplit(int n, unsigned seed) {
    std::mt19937_64 rng(seed);
    std::normal_distribution<double> normal;
    const Matrix c = testCovariance(n);
    SplitCovariance s;
    s.n = n;
    s.pooled.assign(n * n, 0.0);
    for (auto& g : s.group) {
        g = c;
        for (int i = 0; i < n; ++i)
            for (int j = 0; j <= i; ++j) {
                const double e = 0.05 * normal(rng);
                g[i * n + j] += e;
                if (i != j) g[j * n + i] += e;
            }
        for (int e = 0; e < n * n; ++e) s.pooled[e] += g[e] / kSplitGroups;
    }
    return s;
}

// D^{1/2} C D^{1/2} for every group and the pooled matrix.
SplitCovariance rescaled(const SplitCovariance& s, const std::vector<double>& d) {
    SplitCovariance out = s;
    const int n = s.n;
    auto apply = [&](Matrix& m) {
        for (int i = 0; i < n; ++i)
            for (int j = 0; j < n; ++j) m[i * n + j] *= std::sqrt(d[i] * d[j]);
    };
    for (auto& g : out.group) apply(g);
    apply(out.pooled);
    return out;
}

constexpr Statistic kZScored[] = {Statistic::ZCrossMean, Statistic::ZCrossVar, Statistic::ZPrOverN,
                                  Statistic::ZM2};

TEST(CorrelationMatrix, HasUnitDiagonalAndEveryGroupIsDividedByThePooledDiagonal) {
    const int n = 9;
    const SplitCovariance s = noisySplit(n, 5);
    const SplitCovariance r = correlationOf(s);
    ASSERT_EQ(r.n, n);
    for (int i = 0; i < n; ++i) EXPECT_NEAR(r.pooled[i * n + i], 1.0, 1e-15);
    for (int g = 0; g < kSplitGroups; ++g)
        for (int i = 0; i < n; ++i)
            for (int j = 0; j < n; ++j)
                EXPECT_NEAR(r.group[g][i * n + j],
                            s.group[g][i * n + j] / std::sqrt(s.pooled[i * n + i] * s.pooled[j * n + j]),
                            1e-15);
}

TEST(ZScoredStatistics, EqualGroupsGiveTheExactFunctionalsOfTheCorrelationMatrix) {
    const int n = 7;
    const Matrix c = testCovariance(n);
    const StatisticValues s = computeStatistics(noiseless(c, n));
    Matrix r(c.size());
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j) r[i * n + j] = c[i * n + j] / std::sqrt(c[i * n + i] * c[j * n + j]);
    double off = 0, off2 = 0;
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j)
            if (i != j) {
                off += r[i * n + j];
                off2 += r[i * n + j] * r[i * n + j];
            }
    const double pairs = n * (n - 1.0);
    const double tr_r2 = trace(product(r, r, n), n);
    EXPECT_NEAR(stat(s, Statistic::ZCrossMean), off / pairs, 1e-14);
    EXPECT_NEAR(stat(s, Statistic::ZCrossVar), off2 / pairs - off * off / (pairs * pairs), 1e-14);
    EXPECT_NEAR(stat(s, Statistic::ZM2), tr_r2 / n, 1e-13);
    // Tr R = N, so PR(R) / N = N / Tr R^2.
    EXPECT_NEAR(stat(s, Statistic::ZPrOverN), n / tr_r2, 1e-13);
}

// Heterogeneous single-unit scales (e.g. heterogeneous gains) change every covariance statistic but
// none of the z-scored ones: R is invariant under C -> D^{1/2} C D^{1/2}, exactly, group by group.
TEST(ZScoredStatistics, AreInvariantUnderAHeterogeneousDiagonalRescaling) {
    const int n = 12;
    const SplitCovariance s = noisySplit(n, 7);
    std::vector<double> d(n);
    for (int i = 0; i < n; ++i) d[i] = 0.3 + 0.4 * i;  // a 17-fold spread of variances
    const StatisticValues before = computeStatistics(s);
    const StatisticValues after = computeStatistics(rescaled(s, d));
    for (const Statistic k : kZScored)
        EXPECT_NEAR(stat(after, k), stat(before, k), 1e-12 * (1.0 + std::fabs(stat(before, k))))
            << statisticName(k);
    EXPECT_GT(std::fabs(stat(after, Statistic::PrOverN) - stat(before, Statistic::PrOverN)), 0.05);
    EXPECT_GT(std::fabs(stat(after, Statistic::AutoMean) - stat(before, Statistic::AutoMean)), 0.5);
}

TEST(ZScoredStatistics, AreInvariantUnderAGlobalScale) {
    const int n = 10;
    const SplitCovariance s = noisySplit(n, 9);
    const StatisticValues before = computeStatistics(s);
    const StatisticValues after = computeStatistics(rescaled(s, std::vector<double>(n, 37.0)));
    for (const Statistic k : kZScored)
        EXPECT_NEAR(stat(after, k), stat(before, k), 1e-12 * (1.0 + std::fabs(stat(before, k))))
            << statisticName(k);
    EXPECT_NEAR(stat(after, Statistic::M2), 37.0 * 37.0 * stat(before, Statistic::M2),
                1e-10 * stat(after, Statistic::M2));
}

// With a homogeneous diagonal (every C_ii = a) R = C / a exactly: the z-scored statistics are the
// covariance statistics rescaled, c / a, dc2 / a^2, m2 / a^2, and PR/N itself.
TEST(ZScoredStatistics, WithAConstantDiagonalAreTheCovarianceStatisticsRescaled) {
    const int n = 8;
    const double a = 2.5;
    Matrix c(static_cast<size_t>(n) * n);
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j) c[i * n + j] = i == j ? a : 0.3 * std::cos(1.0 + i + j);
    const StatisticValues s = computeStatistics(noiseless(c, n));
    EXPECT_NEAR(stat(s, Statistic::ZCrossMean), stat(s, Statistic::CrossMean) / a, 1e-14);
    EXPECT_NEAR(stat(s, Statistic::ZCrossVar), stat(s, Statistic::CrossVar) / (a * a), 1e-14);
    EXPECT_NEAR(stat(s, Statistic::ZM2), stat(s, Statistic::M2) / (a * a), 1e-13);
    EXPECT_NEAR(stat(s, Statistic::ZPrOverN), stat(s, Statistic::PrOverN), 1e-13);
}

// A short zero-frequency run can estimate a unit's variance at or below zero; R is undefined for
// that unit, which is left out: the z-scored statistics are those of the other units.
TEST(ZScoredStatistics, LeaveOutAUnitWhoseVarianceEstimateIsNotPositive) {
    const int n = 9, dropped = 4;
    SplitCovariance s = noisySplit(n, 13);
    for (auto& g : s.group) g[dropped * n + dropped] = -0.2;
    s.pooled[dropped * n + dropped] = -0.2;
    SplitCovariance rest;
    rest.n = n - 1;
    auto without = [&](const Matrix& m) {
        Matrix out;
        for (int i = 0; i < n; ++i)
            for (int j = 0; j < n; ++j)
                if (i != dropped && j != dropped) out.push_back(m[i * n + j]);
        return out;
    };
    for (int g = 0; g < kSplitGroups; ++g) rest.group[g] = without(s.group[g]);
    rest.pooled = without(s.pooled);
    const StatisticValues all = computeStatistics(s), expected = computeStatistics(rest);
    for (const Statistic k : kZScored) {
        EXPECT_TRUE(std::isfinite(stat(all, k))) << statisticName(k);
        EXPECT_NEAR(stat(all, k), stat(expected, k), 1e-14) << statisticName(k);
    }
    EXPECT_EQ(withPositiveVariance(s).n, n - 1);
}

// ---- the finite-sample bias of the z-scored estimators (docs/theory/zscored.md) ----

// A covariance with a 4-fold spread of variances, O(N^-1/2) cross-covariances and a positive mean
// correlation (so that the cross mean and its square enter too), its Cholesky factor, and R.
struct WishartCase {
    int n = 0;
    Matrix c, cholesky, r;
};

WishartCase wishartCase(int n, double mean_correlation) {
    std::mt19937_64 rng(23);
    std::normal_distribution<double> normal;
    Matrix x(static_cast<size_t>(n) * n);
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j) x[i * n + j] = (i == j ? 1.0 : 0.0) + 0.5 * normal(rng) / std::sqrt(n);
    std::vector<double> scale(n);
    for (int i = 0; i < n; ++i) scale[i] = std::sqrt(0.5 + 1.5 * i / (n - 1.0));
    WishartCase w;
    w.n = n;
    w.c.assign(static_cast<size_t>(n) * n, 0.0);
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j) {
            double v = mean_correlation / std::sqrt(n);
            for (int k = 0; k < n; ++k) v += x[i * n + k] * x[j * n + k];
            w.c[i * n + j] = v * scale[i] * scale[j];
        }
    w.cholesky.assign(w.c.size(), 0.0);
    for (int j = 0; j < n; ++j) {
        double d = w.c[j * n + j];
        for (int k = 0; k < j; ++k) d -= w.cholesky[j * n + k] * w.cholesky[j * n + k];
        w.cholesky[j * n + j] = std::sqrt(d);
        for (int i = j + 1; i < n; ++i) {
            double v = w.c[i * n + j];
            for (int k = 0; k < j; ++k) v -= w.cholesky[i * n + k] * w.cholesky[j * n + k];
            w.cholesky[i * n + j] = v / w.cholesky[j * n + j];
        }
    }
    w.r.resize(w.c.size());
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j)
            w.r[i * n + j] = w.c[i * n + j] / std::sqrt(w.c[i * n + i] * w.c[j * n + j]);
    return w;
}

// Four groups, each the sample covariance of `per_group` Gaussian vectors.
SplitCovariance wishartSplit(const WishartCase& w, int per_group, std::mt19937_64& rng) {
    std::normal_distribution<double> normal;
    const int n = w.n;
    SplitCovariance s;
    s.n = n;
    s.pooled.assign(static_cast<size_t>(n) * n, 0.0);
    std::vector<double> z(n), x(n);
    for (auto& g : s.group) {
        g.assign(static_cast<size_t>(n) * n, 0.0);
        for (int k = 0; k < per_group; ++k) {
            for (double& v : z) v = normal(rng);
            for (int i = 0; i < n; ++i) {
                x[i] = 0.0;
                for (int m = 0; m <= i; ++m) x[i] += w.cholesky[i * n + m] * z[m];
            }
            for (int i = 0; i < n; ++i)
                for (int j = 0; j < n; ++j) g[i * n + j] += x[i] * x[j] / per_group;
        }
        for (size_t e = 0; e < g.size(); ++e) s.pooled[e] += g[e] / kSplitGroups;
    }
    return s;
}

// Every group is divided by the same noisy pooled diagonal, which correlates with the group's own
// entries. For Wishart groups (K samples in all) the per-group noise is known: Var(d_i) / d_i^2 = 2 / K,
// Cov(R_ij, d_i) / d_i = 2 r_ij / K, so the pair mean of sum_ij R^g_ij R^h_ij is low by
// (2 N + sum_{i != j} (4 r_ij^2 - 2 r_ij^4)) / K to leading order. The bias the groups' own spread
// estimates is that one.
TEST(ZScoredBias, IsTheSecondOrderBiasOfWishartGroups) {
    const int n = 40, per_group = 25, repeats = 300;
    const WishartCase w = wishartCase(n, 0.0);
    const double k_total = kSplitGroups * per_group;
    double expected = 2.0 * n;
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j)
            if (i != j) expected += 4.0 * std::pow(w.r[i * n + j], 2) - 2.0 * std::pow(w.r[i * n + j], 4);
    expected /= -k_total;
    std::mt19937_64 rng(5);
    std::vector<double> bias, rel_var;
    for (int rep = 0; rep < repeats; ++rep) {
        const ZScoredBias b = zScoredBias(correlationOf(wishartSplit(w, per_group, rng)));
        bias.push_back(b.trace_sq);
        rel_var.push_back(b.diag_rel_var);
    }
    const Estimate e = estimate(bias), v = estimate(rel_var);
    // Both come out of ratios of noisy estimates: their own O(1/K) relative bias is the tolerance.
    EXPECT_NEAR(e.mean / expected, 1.0, 0.1) << "estimated " << e.mean << " +- " << e.sem;
    EXPECT_NEAR(v.mean * k_total / 2.0, 1.0, 0.1);
}

// With the correction, the z-scored statistics of 25-sample groups are unbiased within their
// errors (|z| < 4), where the uncorrected z_m2 was low by (2 + 4 N dc2_z) / K (20 standard errors).
TEST(ZScoredStatistics, AreUnbiasedForWishartGroupsOfTwentyFiveSamples) {
    const int n = 40, per_group = 25, repeats = 400;
    for (const double mean_correlation : {0.0, 0.5}) {
        const WishartCase w = wishartCase(n, mean_correlation);
        double off = 0.0, off2 = 0.0;
        for (int i = 0; i < n; ++i)
            for (int j = 0; j < n; ++j)
                if (i != j) {
                    off += w.r[i * n + j];
                    off2 += w.r[i * n + j] * w.r[i * n + j];
                }
        const double pairs = n * (n - 1.0);
        const double truth_m2 = 1.0 + off2 / n;
        const std::pair<Statistic, double> truth[] = {
            {Statistic::ZCrossMean, off / pairs},
            {Statistic::ZCrossVar, off2 / pairs - off * off / (pairs * pairs)},
            {Statistic::ZM2, truth_m2},
            {Statistic::ZPrOverN, 1.0 / truth_m2}};
        std::mt19937_64 rng(7);
        std::array<std::vector<double>, kStatisticCount> values;
        for (int rep = 0; rep < repeats; ++rep) {
            const StatisticValues v = computeStatistics(wishartSplit(w, per_group, rng));
            for (const auto& [k, t] : truth) values[static_cast<int>(k)].push_back(stat(v, k));
        }
        for (const auto& [k, t] : truth) {
            const Estimate e = estimate(values[static_cast<int>(k)]);
            EXPECT_LT(std::fabs(e.mean - t) / e.sem, 4.0)
                << statisticName(k) << " at mean correlation " << mean_correlation << ": " << e.mean << " +- "
                << e.sem << " against " << t;
        }
    }
}

// Groups of two samples resolve no unit's variance (relative variance of the pooled diagonal about
// 1/4): the second moments of R are not estimated rather than reported with an O(1) bias.
TEST(ZScoredStatistics, AreNotEstimatedWhenTheUnitVariancesAreNotResolved) {
    const WishartCase w = wishartCase(30, 0.0);
    std::mt19937_64 rng(3);
    const SplitCovariance s = wishartSplit(w, 2, rng);
    ASSERT_GT(zScoredBias(correlationOf(s)).diag_rel_var, kZScoredMaxDiagRelVar);
    const StatisticValues v = computeStatistics(s);
    for (const Statistic k : {Statistic::ZCrossVar, Statistic::ZM2, Statistic::ZPrOverN})
        EXPECT_TRUE(std::isnan(stat(v, k))) << statisticName(k);
    EXPECT_TRUE(std::isfinite(stat(v, Statistic::ZCrossMean)));
    EXPECT_TRUE(std::isfinite(stat(v, Statistic::M2)));
}

// Names of the z-scored statistics, as JSON, CSV, HDF5 and the tables spell them.
TEST(ZScoredStatistics, NamesAreStable) {
    EXPECT_EQ(statisticName(Statistic::ZCrossMean), "z_cross_mean");
    EXPECT_EQ(statisticName(Statistic::ZCrossVar), "z_cross_var");
    EXPECT_EQ(statisticName(Statistic::ZPrOverN), "z_pr_over_n");
    EXPECT_EQ(statisticName(Statistic::ZM2), "z_m2");
    EXPECT_TRUE(isZScoredStatistic(Statistic::ZM2));
    EXPECT_FALSE(isRawStatistic(Statistic::ZM2));
    EXPECT_TRUE(isRawStatistic(Statistic::M4Raw));
}

TEST(Estimate, MeanVarianceStandardErrorAndMedian) {
    const Estimate e = estimate({1.0, 2.0, 4.0, 10.0});
    EXPECT_DOUBLE_EQ(e.mean, 4.25);
    EXPECT_DOUBLE_EQ(e.var, (3.25 * 3.25 + 2.25 * 2.25 + 0.25 * 0.25 + 5.75 * 5.75) / 3.0);
    EXPECT_DOUBLE_EQ(e.sem, std::sqrt(e.var / 4.0));
    EXPECT_DOUBLE_EQ(e.median, 3.0);
    EXPECT_DOUBLE_EQ(estimate({5.0, 1.0, 3.0}).median, 3.0);
    EXPECT_EQ(estimate({}).count, 0);
}

TEST(Eigenvalues, OfAKnownMatrix) {
    const std::vector<double> w = symmetricEigenvalues({2.0, 1.0, 1.0, 2.0}, 2);
    ASSERT_EQ(w.size(), 2u);
    EXPECT_NEAR(w[0], 1.0, 1e-14);
    EXPECT_NEAR(w[1], 3.0, 1e-14);
}

}  // namespace
}  // namespace quench
