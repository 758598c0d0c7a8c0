#include "cpu/cpu_backend.hpp"

#include <cblas.h>
#include <fmt/format.h>

#include <atomic>
#include <exception>
#include <fstream>
#include <mutex>
#include <thread>

#include "cpu/blas_kernels_note.hpp"
#include "cpu/realization_integrator.hpp"
#include "memory_plan.hpp"
#include "progress_reporter.hpp"
#include "quench/error.hpp"

namespace quench::cpu {

namespace {

int hardwareThreads() {
    return std::max(1u, std::thread::hardware_concurrency());
}

std::string cpuModel() {
    std::ifstream cpuinfo("/proc/cpuinfo");
    std::string line;
    while (std::getline(cpuinfo, line))
        if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
    return "unknown CPU";
}

}  // namespace

CpuBackend::CpuBackend() = default;

std::string CpuBackend::description() const {
    return fmt::format("{}, {} hardware threads, BLAS {}", cpuModel(), hardwareThreads(),
                       openblas_get_config());
}

std::string CpuBackend::performanceNote() const {
    return slowBlasKernelsNote();
}

std::string CpuBackend::device() const {
    return fmt::format("{} ({} hardware threads)", cpuModel(), hardwareThreads());
}

std::int64_t CpuBackend::realizationsInFlight(const EnsembleSpec& spec) const {
    const int threads = spec.run.threads > 0 ? spec.run.threads : hardwareThreads();
    return std::max<std::int64_t>(1, std::min<std::int64_t>(threads, spec.ensemble.realizations));
}

std::vector<RealizationResult> CpuBackend::run(const EnsembleSpec& spec, const RunControl& control) {
    validate(spec);
    if (spec.integration.precision == Precision::Tf32)
        throw ConfigError("integration.precision", "\"tf32\"",
                          "\"fp32\" or \"fp64\" on the CPU backend (tf32 is the GPU's tensor-core product: "
                          "run with --backend cuda on an NVIDIA GPU)");
    const std::int64_t count = spec.ensemble.realizations;
    const int workers = static_cast<int>(realizationsInFlight(spec));
    checkMemory(spec, cpuMemoryPlan(spec, workers));
    // Threads go to realizations; BLAS (covariance updates, eigenvalues) runs single-threaded in each
    // worker. A threaded BLAS would round differently depending on how many realizations this call
    // got, and a realization's numbers must not depend on the waves, MPI ranks or resumes that cut the
    // ensemble into calls.
    openblas_set_num_threads(1);

    const StepPlan plan = planSteps(spec.integration);
    ProgressReporter progress(control, count, plan.burn_steps + plan.measure_steps);
    std::vector<RealizationResult> results(static_cast<std::size_t>(count));
    std::atomic<std::int64_t> next{0};
    std::atomic<bool> cancelled{false};
    std::exception_ptr failure;
    std::mutex failure_mutex;
    IntegratorHooks hooks;
    hooks.on_steps = [&progress](std::int64_t s) { progress.steps(s); };
    hooks.cancelled = &cancelled;
    hooks.stop = control.stop;
    hooks.keep_covariances = control.keep_covariances;
    const auto stopRequested = [&control]() { return control.stop != nullptr && control.stop->load(); };

    auto worker = [&]() {
        for (std::int64_t i = next++; i < count && !cancelled.load() && !stopRequested(); i = next++) {
            try {
                results[static_cast<std::size_t>(i)] =
                    integrateRealization(spec, spec.ensemble.first_realization + i, hooks);
                progress.realizationsDone(1);
            } catch (...) {
                std::lock_guard<std::mutex> lock(failure_mutex);
                if (!failure) failure = std::current_exception();
                cancelled = true;
            }
        }
    };
    std::vector<std::thread> pool;
    for (int w = 1; w < workers; ++w) pool.emplace_back(worker);
    worker();
    for (std::thread& t : pool) t.join();
    if (failure) std::rethrow_exception(failure);
    if (stopRequested()) throw Interrupted("stopped on request before all realizations finished");
    return results;
}

}  // namespace quench::cpu
