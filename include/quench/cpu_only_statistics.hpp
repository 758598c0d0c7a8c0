#pragma once
// Statistics only the CPU backend computes (the CUDA backend refuses them; `--backend auto` runs them
// on the CPU): the single-unit autocorrelation and the frequency-resolved statistics.
#include <string>

#include "quench/ensemble_spec.hpp"

namespace quench {

struct CpuOnlyStatistic {
    std::string key;    // the config key that asks for it; empty when the spec asks for none
    std::string value;  // its value, as written in a config
};

inline CpuOnlyStatistic cpuOnlyStatistic(const EnsembleSpec& spec) {
    if (spec.statistics.autocorrelation) return {"statistics.autocorrelation", "true"};
    if (spec.statistics.modes > 0) return {"statistics.modes", std::to_string(spec.statistics.modes)};
    if (!spec.statistics.frequencies.empty()) {
        std::string list;
        for (const double w : spec.statistics.frequencies)
            list += (list.empty() ? "" : ", ") + std::to_string(w);
        return {"statistics.frequencies", "[" + list + "]"};
    }
    return {};
}

}  // namespace quench
