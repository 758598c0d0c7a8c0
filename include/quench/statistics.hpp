#pragma once
// Statistics of one covariance matrix, and their names (stable: scripts rely on them).
#include <array>
#include <optional>
#include <string_view>
#include <vector>

namespace quench {

class SpectralKernels;

enum class Variable : int { X, Phi };
enum class CovarianceKind : int { EqualTime, ZeroFrequency };

// Bias-corrected estimators come first (these are the default names); "_raw" are the plug-in
// values of the pooled covariance, which overestimate Tr C^2 by about (Tr C)^2 / K_eff.
enum class Statistic : int {
    AutoMean,   // mean_i C_ii
    AutoVar,    // var_i C_ii                       (split-sample corrected)
    CrossMean,  // mean_{i != j} C_ij
    CrossVar,   // var_{i != j} C_ij                 (split-sample corrected)
    Pr,         // (Tr C)^2 / Tr C^2                 (split-sample and ratio corrected)
    PrOverN,    // Pr / N
    M1,         // Tr C / N
    M2,         // Tr C^2 / N                        (split-sample corrected)
    M3,         // Tr C^3 / N                        (split-sample corrected)
    M4,         // Tr C^4 / N                        (split-sample corrected)
    AutoVarRaw,
    CrossVarRaw,
    PrRaw,
    PrOverNRaw,
    M2Raw,
    M3Raw,
    M4Raw,
    // Statistics of the correlation matrix R_ij = C_ij / sqrt(C_ii C_jj) (z-scored activity), with
    // the diagonal pooled over all groups; mean_i R_ii = 1 by construction. Each split group is
    // normalized by the pooled diagonal, the same corrected estimators are applied, and the bias that
    // the noisy diagonal leaves is removed to leading order (ZScoredBias; docs/theory/zscored.md).
    // Units whose pooled variance is not positive are left out of R.
    ZCrossMean,  // mean_{i != j} R_ij
    ZCrossVar,   // var_{i != j} R_ij                 (split-sample and diagonal-noise corrected)
    ZPrOverN,    // N / Tr R^2 = (Tr R)^2 / Tr R^2 / N, as Tr R = N exactly (ratio corrected)
    ZM2,         // Tr R^2 / N                        (split-sample and diagonal-noise corrected)
    Count
};
// The plug-in ("_raw") estimators of the covariance statistics.
inline constexpr bool isRawStatistic(Statistic s) {
    return static_cast<int>(s) >= static_cast<int>(Statistic::AutoVarRaw) &&
           static_cast<int>(s) <= static_cast<int>(Statistic::M4Raw);
}
// The statistics of the correlation matrix R (z-scored activity).
inline constexpr bool isZScoredStatistic(Statistic s) {
    return static_cast<int>(s) >= static_cast<int>(Statistic::ZCrossMean) &&
           static_cast<int>(s) < static_cast<int>(Statistic::Count);
}
inline constexpr int kStatisticCount = static_cast<int>(Statistic::Count);
inline constexpr int kVariableCount = 2;
inline constexpr int kCovarianceCount = 2;

std::string_view statisticName(Statistic s);
std::string_view variableName(Variable v);          // "x", "phi"
std::string_view covarianceName(CovarianceKind c);  // "equal_time", "zero_frequency"

using StatisticValues = std::array<double, kStatisticCount>;

// The sample covariance split into kSplitGroups independent parts (disjoint trials, or disjoint
// time segments when there are fewer trials than groups) plus the pooled estimate. Products of
// distinct groups are unbiased for products of the true covariance, which removes the
// finite-sample bias of Tr C^2, Tr C^3, Tr C^4 and of the variances.
inline constexpr int kSplitGroups = 4;
struct SplitCovariance {
    int n = 0;
    std::array<std::vector<double>, kSplitGroups> group;  // n x n, row-major, symmetric
    std::vector<double> pooled;                           // n x n
};

StatisticValues computeStatistics(const SplitCovariance& c);
// The same, with the O(n^3) products on `kernels` (quench/spectral_kernels.hpp).
StatisticValues computeStatistics(const SplitCovariance& c, SpectralKernels& kernels);

// The split covariance of the correlation matrix: every group and the pooled matrix divided by
// sqrt(d_i d_j) with d the pooled diagonal (the pooled result has unit diagonal). A unit whose
// pooled variance is zero or not finite gives non-finite entries.
SplitCovariance correlationOf(const SplitCovariance& c);

// The units whose pooled variance is positive and finite (all of them, normally): the z-scored
// statistics are those of this sub-matrix, so a unit whose variance a short run estimates at or below
// zero is left out of R rather than making every z-scored statistic undefined.
SplitCovariance withPositiveVariance(const SplitCovariance& c);

// The leading (second-order) finite-sample bias of the z-scored split estimators, estimated from the
// spread of the correlation matrix's own groups (docs/theory/zscored.md, "Finite-sample bias"). Every
// group is divided by the same noisy pooled diagonal, which correlates with the group's entries:
// without this correction z_m2 comes out low by about (2 + 4 N dc2_z) / K_eff, which at zero frequency
// (K_eff = tens of bins) is 10-30 %. Each term pairs the difference of two groups (the noise) with the
// other two groups (the signal), so no product of one group's noise with itself enters. Assumes
// groups of equal size. `r` is a correlation matrix's split (correlationOf).
struct ZScoredBias {
    double trace_sq = 0.0;  // of the pair mean of sum_ij R^g_ij R^h_ij
    double diag_sq = 0.0;   // of the pair mean of sum_i R^g_ii R^h_ii
    double off_prod = 0.0;  // of the pair mean of (sum_{i != j} R^g_ij) (sum_{i != j} R^h_ij)
    double off_sum = 0.0;   // of sum_{i != j} of the pooled R
    // mean_i of the relative variance of the pooled diagonal, Var(d_i) / d_i^2: the expansion
    // parameter; the bias terms neglected are of its second order.
    double diag_rel_var = 0.0;
};
ZScoredBias zScoredBias(const SplitCovariance& r);

// Beyond this relative variance of the pooled diagonal (a relative standard error of about 30 %) the
// expansion behind ZScoredBias fails (measured: unbiased within 1.3 standard errors up to 0.07, erratic
// from 0.15), and z_cross_var, z_m2 and z_pr_over_n are not estimated (NaN, written as null).
inline constexpr double kZScoredMaxDiagRelVar = 0.1;

// The sampling noise of the split estimate T of Tr A^2 (the pair mean of sum_ij A^g_ij A^h_ij), from
// the groups' own spread: T is unbiased, but a ratio of it is not (E[1/T] = (1 + Var T / T^2) / E T to
// second order), which biased the participation ratio by (8 / (N K_eff)) (m4 / m2^2 - m3 / (m1 m2)) for
// Wishart noise (docs/theory/zscored.md, "Ratios"). For a correlation matrix (`correlation`) the diagonal's
// term is that of the pooled variances' noise. Assumes groups of equal size.
struct TraceSquareNoise {
    double var = 0.0;             // Var T
    double cov_with_trace = 0.0;  // Cov(Tr A-pooled, T)
};
TraceSquareNoise traceSquareNoise(const SplitCovariance& a, bool correlation);

// The second-order correction of a ratio is capped at this fraction of it: beyond, the expansion has
// failed for that realization (a heavy spectrum seen in a few bins), and the cap keeps the ratio positive.
inline constexpr double kMaxRatioCorrection = 0.5;

// Eigenvalues of a symmetric n x n matrix, ascending (LAPACK dsyevd).
std::vector<double> symmetricEigenvalues(const std::vector<double>& matrix, int n);

}  // namespace quench
