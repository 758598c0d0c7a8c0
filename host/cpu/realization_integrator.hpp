#pragma once
// Integrates one realization (all its trials) and returns its statistics.
#include <atomic>
#include <functional>

#include "quench/ensemble_spec.hpp"
#include "quench/realization_result.hpp"

namespace quench::cpu {

struct IntegratorHooks {
    // Called every few hundred steps with the number of steps done since the last call.
    std::function<void(std::int64_t steps)> on_steps;
    const std::atomic<bool>* cancelled = nullptr;  // stop early (another realization failed)
    const std::atomic<bool>* stop = nullptr;       // stop early (a signal asked the run to stop)
    bool keep_covariances = false;
};

RealizationResult integrateRealization(const EnsembleSpec& spec, std::int64_t realization,
                                       const IntegratorHooks& hooks);

}  // namespace quench::cpu
