#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "quench/realization_result.hpp"

namespace quench {

Estimate estimate(std::vector<double> values) {
    Estimate e;
    e.count = static_cast<std::int64_t>(values.size());
    if (values.empty()) return e;
    double sum = 0.0;
    for (const double v : values) sum += v;
    e.mean = sum / static_cast<double>(values.size());
    double ss = 0.0;
    for (const double v : values) ss += (v - e.mean) * (v - e.mean);
    e.var = values.size() > 1 ? ss / static_cast<double>(values.size() - 1) : 0.0;
    e.sem = std::sqrt(e.var / static_cast<double>(values.size()));
    const size_t mid = values.size() / 2;
    std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(mid), values.end());
    e.median = values[mid];
    if (values.size() % 2 == 0) {
        const double below =
            *std::max_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(mid));
        e.median = 0.5 * (e.median + below);
    }
    return e;
}

EnsembleSummary summarize(const std::vector<RealizationResult>& realizations) {
    EnsembleSummary summary;
    std::vector<double> values(realizations.size());
    for (int v = 0; v < kVariableCount; ++v) {
        for (int c = 0; c < kCovarianceCount; ++c) {
            for (int s = 0; s < kStatisticCount; ++s) {
                for (size_t r = 0; r < realizations.size(); ++r)
                    values[r] = realizations[r].cov[v][c].stats[s];
                summary.est[v][c][s] = estimate(values);
            }
        }
    }
    summary.series = summarizeSeries(realizations);
    return summary;
}

std::vector<SeriesSummary> summarizeSeries(const std::vector<RealizationResult>& realizations) {
    std::vector<SeriesSummary> out;
    if (realizations.empty()) return out;
    for (size_t k = 0; k < realizations.front().series.size(); ++k) {
        const Series& first = realizations.front().series[k];
        SeriesSummary summary{first.name, first.abscissa, first.at, {}};
        std::vector<double> values(realizations.size());
        for (size_t point = 0; point < first.values.size(); ++point) {
            for (size_t r = 0; r < realizations.size(); ++r) {
                const std::vector<Series>& series = realizations[r].series;
                if (series.size() <= k || series[k].name != first.name ||
                    series[k].values.size() != first.values.size())
                    throw std::runtime_error("realizations hold different series (" + first.name + ")");
                values[r] = series[k].values[point];
            }
            summary.points.push_back(estimate(values));
        }
        out.push_back(std::move(summary));
    }
    return out;
}

const SeriesSummary* EnsembleSummary::findSeries(const std::string& name) const {
    for (const SeriesSummary& s : series)
        if (s.name == name) return &s;
    return nullptr;
}

}  // namespace quench
