#pragma once
// Statistics of one covariance matrix, and their names (stable: scripts rely on them).
#include <array>
#include <optional>
#include <string_view>
#include <vector>

namespace quench {

enum class Variable : int { X, Phi };
enum class CovarianceKind : int { EqualTime, ZeroFrequency };

// Bias-corrected estimators come first (these are the default names); "_raw" are the plug-in
// values of the pooled covariance, which overestimate Tr C^2 by about (Tr C)^2 / K_eff.
enum class Statistic : int {
    AutoMean,   // mean_i C_ii
    AutoVar,    // var_i C_ii                       (split-sample corrected)
    CrossMean,  // mean_{i != j} C_ij
    CrossVar,   // var_{i != j} C_ij                 (split-sample corrected)
    Pr,         // (Tr C)^2 / Tr C^2                 (split-sample corrected)
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
    Count
};
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

// Eigenvalues of a symmetric n x n matrix, ascending (LAPACK dsyevd).
std::vector<double> symmetricEigenvalues(const std::vector<double>& matrix, int n);

}  // namespace quench
