#include "cli/summary_table.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <string>

#include "io/result_writer.hpp"
#include "quench/statistics.hpp"

namespace quench::cli {

namespace {

void printRow(const EnsembleSummary& s, Variable v, CovarianceKind c, int n) {
    auto cell = [&](Statistic k, double scale) {
        const Estimate& e = s.at(v, c, k);
        return fmt::format("{:>10.5g} ± {:<9.2g}", e.mean * scale, e.sem * scale);
    };
    fmt::print("  {:<4}{:<15}{}{}{}{}{}\n", variableName(v), covarianceName(c),
               cell(Statistic::AutoMean, 1.0), cell(Statistic::CrossMean, 1.0), cell(Statistic::CrossVar, n),
               cell(Statistic::PrOverN, 1.0), cell(Statistic::M2, 1.0));
}

void printZScoredRow(const EnsembleSummary& s, Variable v, CovarianceKind c, int n) {
    auto cell = [&](Statistic k, double scale) {
        const Estimate& e = s.at(v, c, k);
        return fmt::format("{:>10.5g} ± {:<9.2g}", e.mean * scale, e.sem * scale);
    };
    fmt::print("  {:<4}{:<15}{}{}{}{}\n", variableName(v), covarianceName(c),
               cell(Statistic::ZCrossMean, 1.0), cell(Statistic::ZCrossVar, n),
               cell(Statistic::ZPrOverN, 1.0), cell(Statistic::ZM2, 1.0));
}

// A few points of every curve (all of them are in the result files).
void printSeries(const EnsembleSummary& summary) {
    fmt::print("curves (disorder mean ± standard error; every point in PREFIX.json / .h5):\n");
    for (const SeriesSummary& s : summary.series) {
        fmt::print("  {}:", s.name);
        const std::size_t stride = std::max<std::size_t>(1, s.points.size() / 5);
        for (std::size_t k = 0; k < s.points.size(); k += stride)
            fmt::print("  {}={:g}: {:.4g} ± {:.2g}", s.abscissa, s.at[k], s.points[k].mean, s.points[k].sem);
        fmt::print("\n");
    }
}

}  // namespace

void printSummaryTable(const EnsembleSummary& summary, int n) {
    fmt::print("disorder mean ± standard error over realizations (split-sample corrected estimators):\n");
    fmt::print("  {:<4}{:<15}{:>22}{:>22}{:>22}{:>22}{:>22}\n", "var", "covariance", "auto_mean a",
               "cross_mean c", "N cross_var", "pr_over_n", "m2");
    for (const Variable v : {Variable::X, Variable::Phi})
        for (const CovarianceKind c : {CovarianceKind::EqualTime, CovarianceKind::ZeroFrequency})
            printRow(summary, v, c, n);
    fmt::print("z-scored: the correlation matrix R_ij = C_ij / sqrt(C_ii C_jj) (mean_i R_ii = 1):\n");
    fmt::print("  {:<4}{:<15}{:>22}{:>22}{:>22}{:>22}\n", "var", "covariance", "z_cross_mean",
               "N z_cross_var", "z_pr_over_n", "z_m2");
    for (const Variable v : {Variable::X, Variable::Phi})
        for (const CovarianceKind c : {CovarianceKind::EqualTime, CovarianceKind::ZeroFrequency})
            printZScoredRow(summary, v, c, n);
    if (!summary.series.empty()) printSeries(summary);
    bool z_scored_missing = false;
    for (const std::string& name : io::nonFiniteStatistics(summary)) {
        fmt::print("warning: {} is not finite (written as null)\n", name);
        z_scored_missing = z_scored_missing || name.find(".z_") != std::string::npos;
    }
    if (z_scored_missing)
        fmt::print(
            "  a z-scored second moment is not estimated where the run resolves the unit variances too "
            "poorly\n  to normalize by (relative variance of the pooled diagonal above {:g} in some "
            "realization):\n  a longer run or more zero-frequency bins (integration.t_max, ensemble.trials) "
            "mends it\n  (docs/theory/zscored.md)\n",
            kZScoredMaxDiagRelVar);
}

}  // namespace quench::cli
