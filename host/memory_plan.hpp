#pragma once
// How much memory a run needs, decided before anything large is allocated.
#include <cstdint>
#include <string>

#include "quench/ensemble_spec.hpp"

namespace quench {

struct MemoryPlan {
    double bytes_per_worker = 0.0;  // J, state, accumulators of one realization in flight
    int workers = 1;                // realizations in flight at once
    double bytes_results = 0.0;     // kept per-realization results (statistics, spectra)
    double total() const { return bytes_per_worker * workers + bytes_results; }
};

// workers = 0 counts only the results kept on the host (a run whose integration is on a device).
MemoryPlan cpuMemoryPlan(const EnsembleSpec& spec, int workers);

// Host bytes of the temporal accumulators of one realization in flight (x and phi each): the sample
// rings and lag sums of the autocorrelations, the lagged n x n sums of the mode autocorrelation (two
// halves), and per frequency the split groups' n x n complex cross-spectral sums and running
// transforms. The CUDA backend keeps the autocorrelations on the host for every realization of a wave.
double temporalBytes(const EnsembleSpec& spec);

// The budget in bytes: run.memory_gb, or 80 % of the memory available now.
double memoryBudgetBytes(const RunSpec& run);

// Throws ConfigError on network.n (or ensemble.realizations when the results dominate) when the
// plan does not fit the budget, saying how much is needed and how much there is.
void checkMemory(const EnsembleSpec& spec, const MemoryPlan& plan);

}  // namespace quench
