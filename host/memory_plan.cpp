#include "memory_plan.hpp"

#include <fmt/format.h>

#include <fstream>
#include <string>

#include "quench/error.hpp"
#include "quench/lag_plan.hpp"
#include "quench/statistics.hpp"

namespace quench {

namespace {

double availableBytes() {
    std::ifstream meminfo("/proc/meminfo");
    std::string key;
    double kb = 0.0;
    std::string unit;
    while (meminfo >> key >> kb >> unit)
        if (key == "MemAvailable:") return kb * 1024.0;
    return 8.0 * 1024.0 * 1024.0 * 1024.0;  // no /proc: assume a modest machine
}

double gib(double bytes) {
    return bytes / (1024.0 * 1024.0 * 1024.0);
}

}  // namespace

double temporalBytes(const EnsembleSpec& spec) {
    const double n = spec.network.n;
    const double k = spec.ensemble.trials;
    const double lags = planLags(spec).lags;
    const double mode_lags = planModeLags(spec).lags;
    const double frequencies = static_cast<double>(spec.statistics.frequencies.size());
    const double autocorrelation = lags > 0 ? lags * n * k + lags + n : 0.0;
    const double modes = mode_lags > 0 ? mode_lags * n * k + 2.0 * mode_lags * n * n + n : 0.0;
    const double spectral = frequencies * 2.0 * (kSplitGroups * (n * n + n) + n * k);  // complex = 2 doubles
    return kVariableCount * (autocorrelation + modes + spectral) * 8.0;
}

MemoryPlan cpuMemoryPlan(const EnsembleSpec& spec, int workers) {
    const double n = spec.network.n;
    const double k = spec.ensemble.trials;
    const double real = spec.integration.precision == Precision::Fp64 ? 8.0 : 4.0;
    // J in FP64 while it is generated and in the working precision; per variable the accumulators
    // hold kSplitGroups x (equal-time, bin, lag-bin) n x n FP64 sums; statistics need a few n x n
    // products on top.
    const double matrices = 2.0 * 3.0 * kSplitGroups + 8.0;
    const double per_worker =
        n * n * (8.0 + real) + matrices * n * n * 8.0 + 12.0 * k * n * 8.0 + temporalBytes(spec);
    MemoryPlan plan;
    plan.workers = workers;
    plan.bytes_per_worker = per_worker;
    // Kept until the end: the statistics, the spectra and (output.covariances) the pooled matrices.
    const double per_covariance =
        kStatisticCount + (spec.statistics.eigenvalues ? n : 0.0) + (spec.output.covariances ? n * n : 0.0);
    const double per_result = kVariableCount * kCovarianceCount * per_covariance * 8.0;
    plan.bytes_results = per_result * static_cast<double>(spec.ensemble.realizations);
    return plan;
}

double memoryBudgetBytes(const RunSpec& run) {
    if (run.memory_gb > 0.0) return run.memory_gb * 1024.0 * 1024.0 * 1024.0;
    return 0.8 * availableBytes();
}

void checkMemory(const EnsembleSpec& spec, const MemoryPlan& plan) {
    const double budget = memoryBudgetBytes(spec.run);
    if (plan.total() <= budget) return;
    const bool results_dominate = plan.bytes_results > plan.bytes_per_worker * plan.workers;
    const std::string key = results_dominate ? "ensemble.realizations" : "network.n";
    const std::string value =
        results_dominate ? std::to_string(spec.ensemble.realizations) : std::to_string(spec.network.n);
    throw ConfigError(
        key, value,
        fmt::format("the run needs {:.2f} GiB ({} realization(s) in flight at {:.2f} GiB each, "
                    "{:.2f} GiB of results) but the memory budget is {:.2f} GiB (run.memory_gb, "
                    "default 80 % of available memory); reduce network.n, run.threads or "
                    "ensemble.realizations",
                    gib(plan.total()), plan.workers, gib(plan.bytes_per_worker), gib(plan.bytes_results),
                    gib(budget)));
}

}  // namespace quench
