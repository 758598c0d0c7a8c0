#pragma once
// The seam between the front end and the engines that integrate the ensemble. A backend runs the
// realizations an EnsembleSpec asks for and hands back their statistics; it prints nothing.
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "quench/ensemble_spec.hpp"
#include "quench/realization_result.hpp"

namespace quench {

enum class BackendKind : int { Cpu, Cuda, Auto };

struct Progress {
    std::int64_t realizations_done = 0;
    std::int64_t realizations_total = 0;
    double fraction = 0.0;  // of all integration steps
};

struct RunControl {
    std::function<void(const Progress&)> on_progress;  // called from worker threads, serialized
    bool keep_covariances = false;                     // fill CovarianceResult::matrix
    // When set and it turns true (a signal), the backend abandons the realizations in flight and
    // throws Interrupted; realizations already returned by earlier calls are unaffected.
    const std::atomic<bool>* stop = nullptr;
};

class Backend {
public:
    virtual ~Backend() = default;
    virtual std::string name() const = 0;
    virtual std::string description() const = 0;  // threads, BLAS, device
    // The processor that runs the integration (CPU model, GPU name), for result provenance.
    virtual std::string device() const { return description(); }
    // What would make this machine run faster, said before a run ("" when nothing).
    virtual std::string performanceNote() const { return ""; }
    // Results are in realization order. Throws DivergenceError, BackendError, Interrupted.
    virtual std::vector<RealizationResult> run(const EnsembleSpec& spec, const RunControl& control) = 0;
    // How many realizations of this spec the backend integrates at once (threads, or a device wave):
    // the natural unit of work between checkpoints.
    virtual std::int64_t realizationsInFlight(const EnsembleSpec& spec) const {
        return spec.ensemble.realizations;
    }
};

std::unique_ptr<Backend> makeBackend(BackendKind kind);
std::string_view backendName(BackendKind kind);
// "cpu", "cuda"; anything else is Auto (the command line restricts the names before this).
BackendKind backendKindFromName(std::string_view name);
bool backendAvailable(BackendKind kind, std::string* why = nullptr);
std::vector<std::string> compiledBackends();
// With several processes on a node (MPI ranks), gives each its own GPU: device local_rank mod count.
// Does nothing without CUDA or without a device.
void assignDeviceToLocalRank(int local_rank);

}  // namespace quench
