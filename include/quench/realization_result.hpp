#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "quench/series.hpp"
#include "quench/statistics.hpp"

namespace quench {

struct CovarianceResult {
    StatisticValues stats{};
    std::vector<double> eigenvalues;  // ascending; empty unless statistics.eigenvalues
    std::vector<double> matrix;       // pooled n x n; empty unless RunControl::keep_covariances
};

struct RealizationResult {
    std::int64_t realization = 0;
    // [variable][covariance]
    std::array<std::array<CovarianceResult, kCovarianceCount>, kVariableCount> cov;
    double coupling_effective_rank = 0.0;  // (sum D^2)^2 / sum D^4 for random modes; N for iid
    std::int64_t samples = 0;              // equal-time samples (all trials)
    std::int64_t bins = 0;                 // zero-frequency bins (all trials)
    // Curves (temporal observables: statistics.autocorrelation, statistics.frequencies); empty unless
    // asked for. Every realization of a run holds the same names in the same order.
    std::vector<Series> series;

    const CovarianceResult& at(Variable v, CovarianceKind c) const {
        return cov[static_cast<int>(v)][static_cast<int>(c)];
    }
    CovarianceResult& at(Variable v, CovarianceKind c) {
        return cov[static_cast<int>(v)][static_cast<int>(c)];
    }
};

// Disorder statistics of one quantity over the realizations.
struct Estimate {
    double mean = 0.0;
    double var = 0.0;  // unbiased variance over realizations
    double sem = 0.0;  // sqrt(var / R)
    double median = 0.0;
    std::int64_t count = 0;
};

// The disorder summary of one series: the abscissa and one Estimate per point.
struct SeriesSummary {
    std::string name;
    std::string abscissa;
    std::vector<double> at;
    std::vector<Estimate> points;
};

struct EnsembleSummary {
    // [variable][covariance][statistic]
    std::array<std::array<std::array<Estimate, kStatisticCount>, kCovarianceCount>, kVariableCount> est;
    const Estimate& at(Variable v, CovarianceKind c, Statistic s) const {
        return est[static_cast<int>(v)][static_cast<int>(c)][static_cast<int>(s)];
    }
    std::vector<SeriesSummary> series;  // in the realizations' order
    const SeriesSummary* findSeries(const std::string& name) const;
};

Estimate estimate(std::vector<double> values);
EnsembleSummary summarize(const std::vector<RealizationResult>& realizations);
// The per-point summary of the series of the realizations (those of the first realization; throws
// std::runtime_error when another realization's series differ in name or length).
std::vector<SeriesSummary> summarizeSeries(const std::vector<RealizationResult>& realizations);

}  // namespace quench
