#pragma once
// What `quench validate` measured and predicted, before any comparison: per grid point, the
// ensemble summary at every network size and the theory for the point.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "quench/realization_result.hpp"
#include "quench/theory/prediction.hpp"
#include "quench/theory/series_prediction.hpp"

namespace quench::validation {

// Eigenvalues of one covariance pooled over the realizations of one run, as a density histogram.
struct SpectrumHistogram {
    std::vector<double> edges;    // bins + 1 ascending edges
    std::vector<double> density;  // integrates to 1 over the edges
    std::int64_t eigenvalues = 0;
};

struct SizeRun {
    int n = 0;
    std::int64_t realizations = 0;
    EnsembleSummary summary;  // the statistics' means adjusted by draw_controls controls (0: plain means)
    int draw_controls = 0;    // exact zero-mean controls of the per-neuron draws (neuron_draw_controls.hpp)
    // [variable]: the zero-frequency covariance spectrum, when statistics.eigenvalues is on.
    std::array<std::optional<SpectrumHistogram>, kVariableCount> zero_frequency_spectrum;
    double wall_seconds = 0.0;
    std::string result_prefix;  // where its simulate-style JSON/CSV were written
};

struct PointRun {
    std::vector<std::pair<std::string, double>> parameters;  // the scan values of the point
    std::string label;                                       // e.g. "coupling.g=0.5"
    std::vector<SizeRun> sizes;                              // ascending N
    theory::TheoryPrediction prediction;                     // at the largest N (N enters random modes)
    bool phi_is_x = false;                                   // linear activation: phi's statistics are x's
    std::vector<theory::TheorySeries> series_prediction;     // theory curves of the series (at the largest N)
};

// The density histogram of all values (edges spanning [min, max], padded by half a bin).
SpectrumHistogram histogramOf(const std::vector<double>& values, int bins);

}  // namespace quench::validation
