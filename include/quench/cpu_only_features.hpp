#pragma once
// What `--backend auto` keeps on the CPU backend: the frequency-resolved statistics. The CUDA backend
// runs them too (device Welch transforms, host outer products per window: host/cuda/cuda_backend.cpp),
// but that path has not yet run on a GPU, so auto picks the verified one; `--backend cuda` runs it.
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
