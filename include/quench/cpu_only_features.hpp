#pragma once
// What only the CPU backend runs (the CUDA backend refuses it, naming the key; `--backend auto` runs it on
// the CPU): the frequency-resolved statistics (their Welch transforms need every step's state; the
// autocorrelations, sampled every lag, run on the CUDA backend too).
#include <string>

#include "quench/ensemble_spec.hpp"

namespace quench {

struct CpuOnlyFeature {
    std::string key;    // the config key that asks for it; empty when the spec asks for nothing CPU-only
    std::string value;  // its value, as written in a config
};

inline CpuOnlyFeature cpuOnlyFeature(const EnsembleSpec& spec) {
    if (!spec.statistics.frequencies.empty()) {
        std::string list;
        for (const double w : spec.statistics.frequencies)
            list += (list.empty() ? "" : ", ") + std::to_string(w);
        return {"statistics.frequencies", "[" + list + "]"};
    }
    return {};
}

}  // namespace quench
