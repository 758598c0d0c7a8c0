#pragma once
#include <array>
#include <cstdint>
#include <vector>

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

struct EnsembleSummary {
    // [variable][covariance][statistic]
    std::array<std::array<std::array<Estimate, kStatisticCount>, kCovarianceCount>, kVariableCount> est;
    const Estimate& at(Variable v, CovarianceKind c, Statistic s) const {
        return est[static_cast<int>(v)][static_cast<int>(c)][static_cast<int>(s)];
    }
};

Estimate estimate(std::vector<double> values);
EnsembleSummary summarize(const std::vector<RealizationResult>& realizations);

}  // namespace quench
