#pragma once
// What an HDF5 file of quench holds, in memory: the result of a run (format quench.simulate/1) or a
// checkpoint of an unfinished one (quench.checkpoint/1, which also holds how to rebuild its config).
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "quench/realization_result.hpp"

namespace quench::io {

inline constexpr const char* kResultFormat = "quench.simulate/1";
inline constexpr const char* kCheckpointFormat = "quench.checkpoint/1";

// Where a run's config came from, so `--resume FILE` can rebuild it exactly without the user's files.
struct ConfigSource {
    std::string toml;                    // the config file's text (or the embedded default job)
    std::string name;                    // its path or "<embedded default>", for messages
    std::vector<std::string> overrides;  // the --set overrides, in order
    std::string out_prefix;              // --out of the run
};

struct StoredRun {
    std::string format;
    std::map<std::string, std::string> provenance;  // root string attributes: version, backend, date...
    double wall_seconds = 0.0;
    std::uint64_t seed = 0;
    std::int64_t ranks = 1;
    std::int64_t realizations_total = 0;  // ensemble.realizations of the run
    nlohmann::json config;                // configToJson of the run
    std::vector<RealizationResult> realizations;
    std::optional<EnsembleSummary> summary;  // results only
    std::optional<ConfigSource> source;      // checkpoints only
};

}  // namespace quench::io
