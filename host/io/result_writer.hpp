#pragma once
// The light result files of a simulation: PREFIX.json (everything) and PREFIX.csv (one row per
// realization). Both are written atomically.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "quench/ensemble_spec.hpp"
#include "quench/realization_result.hpp"

namespace quench::io {

struct Provenance {
    std::string backend;              // "cpu", "cuda"
    std::string backend_description;  // threads, BLAS, device
    std::string device;               // CPU model or GPU name
    std::string hostname;
    std::string date_utc;  // ISO 8601
    std::string command_line;
    double wall_seconds = 0.0;
    int ranks = 1;  // MPI processes that shared the realizations
};

struct RunRecord {
    const EnsembleSpec& spec;
    const std::vector<RealizationResult>& realizations;
    const EnsembleSummary& summary;
    Provenance provenance;
};

nlohmann::json resultToJson(const RunRecord& record);
std::string resultToCsv(const RunRecord& record);
void writeResults(const RunRecord& record, const std::string& prefix);

// Statistic values that are not finite (e.g. a participation ratio of a zero covariance) are
// written as JSON null / empty CSV fields; this lists them as "x.equal_time.pr" for a warning.
std::vector<std::string> nonFiniteStatistics(const EnsembleSummary& summary);

}  // namespace quench::io
