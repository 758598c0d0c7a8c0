// Statistics of a covariance matrix and their disorder summaries.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

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
