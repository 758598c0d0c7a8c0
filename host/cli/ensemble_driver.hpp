#pragma once
// Runs the realizations of a simulation that are not done yet, in waves: each wave is cut into one
// contiguous block per MPI rank (rankShare), every rank integrates its block, rank 0 gathers the
// results in realization order and writes a checkpoint when one is due or a signal asked the run to
// stop. Errors are agreed on by all ranks after every wave, so a failing rank never leaves the others
// waiting.
#include <atomic>
#include <string>
#include <vector>

#include "cli/progress_bar.hpp"
#include "io/result_writer.hpp"
#include "io/stored_run.hpp"
#include "mpi/communicator.hpp"
#include "quench/backend.hpp"

namespace quench::cli {

struct DriverInput {
    const EnsembleSpec& spec;
    Backend& backend;
    const mpi::Communicator& comm;
    std::vector<RealizationResult> done;  // complete realizations from a checkpoint (rank 0 holds them)
    std::int64_t done_count = 0;          // how many, known to every rank
    io::ConfigSource source;              // stored in checkpoints
    std::string checkpoint_path;
    io::Provenance provenance;  // of checkpoints (date and wall time are filled in)
    const std::atomic<bool>* stop = nullptr;
};

struct DriverOutcome {
    int exit_code = 0;                       // agreed by all ranks: kExitOk, kExitInterrupted, ...
    std::string message;                     // this rank's error, if it had one (empty otherwise)
    std::vector<RealizationResult> results;  // rank 0, when complete: all realizations in order
    bool checkpoint_written = false;
};

DriverOutcome driveEnsemble(DriverInput input, ProgressBar& bar);

}  // namespace quench::cli
