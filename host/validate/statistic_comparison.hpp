#pragma once
// The judgement of `quench validate`: for one statistic of one grid point, the simulated disorder
// averages at each N against the theory at N = infinity (and its 1/N term where derived), the
// N-scaling fit S(N) = S_inf + a/N (+ b/N^2), z-scores and a PASS/FAIL verdict.
//
// Verdict rule (stated in every report): with two or more sizes the fitted S_inf is compared with
// the theory's S_inf, and the fitted a with the theory's 1/N coefficient where one is derived; with a
// single size the mean is compared with the theory including its 1/N term where derived. PASS when
// every such |z| <= threshold. The theory is exact numerics, so z = (fit - theory) / fit's error.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "quench/scaling_fit.hpp"
#include "quench/statistics.hpp"
#include "quench/theory/prediction.hpp"
#include "validate/validation_record.hpp"

namespace quench::validation {

// The statistics `validate` compares (n_cross_var = N * cross_var and n_auto_var = N * auto_var, the O(1)
// numbers the theory gives; auto_var itself where it is O(1), with per-neuron gains or time constants), then
// those of the correlation matrix R (z_n_cross_var = N * z_cross_var).
enum class Compared : int {
    AutoMean,
    CrossMean,
    AutoVar,
    NAutoVar,
    NCrossVar,
    M2,
    M3,
    PrOverN,
    ZCrossMean,
    ZNCrossVar,
    ZM2,
    ZPrOverN,
    Count
};
inline constexpr int kComparedCount = static_cast<int>(Compared::Count);
std::string_view comparedName(Compared s);  // "auto_mean", ..., "n_cross_var", ...

enum class Verdict : int { Pass, Fail, NoTheory, NoData };
std::string_view verdictName(Verdict v);  // "PASS", "FAIL", "no theory", "no data"

struct SizeComparison {
    int n = 0;
    double mean = 0.0, sem = 0.0;
    std::optional<double> theory;  // S_inf (+ c/N where derived)
    bool theory_has_first_order = false;
    std::optional<double> z;  // (mean - theory) / sem
};

struct StatisticComparison {
    Variable variable = Variable::X;
    CovarianceKind covariance = CovarianceKind::EqualTime;
    Compared statistic = Compared::AutoMean;
    std::vector<SizeComparison> sizes;
    theory::TheoryQuantity theory_inf;         // S at N = infinity
    theory::TheoryQuantity theory_one_over_n;  // c in S_inf + c / N
    ScalingFit fit;                            // ok only with >= 2 sizes
    std::optional<double> z_inf;               // fitted S_inf vs theory
    std::optional<double> z_slope;             // fitted a vs theory's c
    Verdict verdict = Verdict::NoData;
    std::string detail;  // the reason for no theory / no data, or what the theory rests on

    std::string name() const;  // "x.zero_frequency.pr_over_n"
    bool exact() const { return theory_inf.available() && theory_inf.basis == theory::Basis::Exact; }
};

// The theory's S_inf and 1/N coefficient of one compared statistic.
std::pair<theory::TheoryQuantity, theory::TheoryQuantity> theoryOf(const theory::CovariancePrediction& p,
                                                                   Compared s);

std::vector<StatisticComparison> compareStatistics(const PointRun& point, double threshold);

}  // namespace quench::validation
