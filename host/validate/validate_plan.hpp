#pragma once
// What `quench validate` runs: the network sizes, the realizations at each size, the parameter grid
// and the pass threshold. Read from the [validate] section of the config (ignored by simulate and
// theory) and replaced by command-line flags where given; --quick uses [validate.quick].
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace quench::validation {

struct ValidatePlan {
    std::string title;                       // one line naming the preset
    std::vector<int> sizes;                  // network sizes N, ascending
    std::vector<std::int64_t> realizations;  // R at each size; empty: the config's ensemble.realizations
    std::vector<std::string> scans;          // KEY=START:STOP:STEP or KEY=V1,V2,..., as quench theory --scan
    std::vector<std::string> overrides;      // extra --set overrides (the quick mode's)
    double threshold = 4.0;                  // PASS when |z| <= threshold
    bool quick = false;
};

// Flags given on the command line; unset ones fall back to the config's [validate] section.
struct PlanFlags {
    std::optional<std::vector<int>> sizes;
    std::optional<std::vector<std::int64_t>> realizations;
    std::optional<std::vector<std::string>> scans;
    std::optional<double> threshold;
    bool quick = false;
};

// The plan of a config file (or of the embedded default when path is empty); without sizes anywhere,
// the config's own network.n (default_size). Throws ConfigError naming the validate.* key (or the
// flag) and the value.
ValidatePlan loadValidatePlan(const std::string& config_path, const PlanFlags& flags, int default_size);

// "100,200,400" -> {100, 200, 400}; throws ConfigError naming the flag.
std::vector<std::int64_t> parseIntegerList(const std::string& text, const std::string& flag);

}  // namespace quench::validation
