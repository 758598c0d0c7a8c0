#include "cli/ensemble_driver.hpp"

#include <fmt/format.h>

#include <chrono>
#include <limits>

#include "cli/checkpoint_schedule.hpp"
#include "cli/commands.hpp"
#include "cli/run_clock.hpp"
#include "io/hdf5_writer.hpp"
#include "mpi/rank_share.hpp"
#include "quench/error.hpp"

namespace quench::cli {

namespace {

using Clock = std::chrono::steady_clock;

constexpr std::int64_t kMaxWaves = 20;    // without checkpoints
constexpr double kWaveLogInterval = 5.0;  // seconds between two wave log lines

double secondsSince(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

// One rank's part of a wave; the error of this rank becomes an exit code and a message.
struct WaveResult {
    int code = kExitOk;
    std::string message;
    std::vector<RealizationResult> results;
};

WaveResult runShare(const DriverInput& in, mpi::RealizationRange share, const RunControl& control) {
    WaveResult out;
    if (share.count == 0) return out;
    EnsembleSpec part = in.spec;
    part.ensemble.first_realization = share.first;
    part.ensemble.realizations = share.count;
    const std::string rank = in.comm.size() > 1 ? fmt::format(" (rank {})", in.comm.rank()) : "";
    try {
        out.results = in.backend.run(part, control);
    } catch (const Interrupted&) {
        out.code = kExitInterrupted;
    } catch (const ConfigError& e) {
        out.code = kExitUsage;
        out.message = e.what() + rank;
    } catch (const DivergenceError& e) {
        out.code = kExitDiverged;
        out.message = std::string(e.what()) + "; no result was written" + rank;
    } catch (const BackendError& e) {
        out.code = kExitBackend;
        out.message = std::string("backend ") + e.what() + rank;
    } catch (const std::exception& e) {
        out.code = kExitFailure;
        out.message = e.what() + rank;
    }
    return out;
}

class Driver {
public:
    Driver(DriverInput input, ProgressBar& bar)
        : in_(std::move(input)),
          bar_(bar),
          total_(in_.spec.ensemble.realizations),
          done_(in_.done_count),
          schedule_(in_.spec.run, in_.done_count),
          start_(Clock::now()) {
        all_ = std::move(in_.done);
        // Every rank must cut the waves alike: agree on the largest number in flight.
        const int in_flight = static_cast<int>(std::min<std::int64_t>(
            in_.backend.realizationsInFlight(in_.spec), std::numeric_limits<int>::max() / in_.comm.size()));
        const std::int64_t smallest =
            static_cast<std::int64_t>(in_.comm.agreeMax(in_flight)) * in_.comm.size();
        // With checkpoints the smallest wave (each worker one realization) keeps them on time; without,
        // at most kMaxWaves waves, so a signal still saves most of the work.
        const std::int64_t remaining = total_ - done_;
        const std::int64_t per_wave = (remaining + kMaxWaves - 1) / kMaxWaves;
        const std::int64_t multiple =
            schedule_.enabled() ? 1 : std::max<std::int64_t>(1, per_wave / smallest);
        wave_size_ = smallest * multiple;
    }

    DriverOutcome run() {
        DriverOutcome outcome;
        const std::int64_t waves = (total_ - done_ + wave_size_ - 1) / wave_size_;
        for (std::int64_t wave = 1; done_ < total_; ++wave) {
            const Clock::time_point wave_start = Clock::now();
            const mpi::RealizationRange range{in_.spec.ensemble.first_realization + done_,
                                              std::min(wave_size_, total_ - done_)};
            WaveResult mine =
                runShare(in_, mpi::rankShare(range, in_.comm.rank(), in_.comm.size()), control(range.count));
            const int agreed = in_.comm.agreeMax(mine.code);
            if (agreed != kExitOk && agreed != kExitInterrupted) return fail(agreed, mine.message);
            if (agreed == kExitOk) {
                for (RealizationResult& r : in_.comm.gatherToRoot(mine.results)) all_.push_back(std::move(r));
                done_ += range.count;
                if (waves > 1 && (done_ == total_ || secondsSince(last_log_) >= kWaveLogInterval)) {
                    last_log_ = Clock::now();
                    bar_.log(fmt::format(
                        "quench: wave {}/{}: realizations {}..{} done, {}/{} complete, {:.1f} s", wave, waves,
                        range.first, range.first + range.count - 1, done_, total_, secondsSince(wave_start)));
                }
            }
            const bool stop_requested = in_.stop != nullptr && in_.stop->load();
            const bool stopping = done_ < total_ && in_.comm.agreeMax(stop_requested ? 1 : 0) == 1;
            const bool due = done_ < total_ && (stopping || schedule_.due(done_));
            const int written = in_.comm.agreeMax(due ? writeCheckpoint() : kExitOk);
            if (written != kExitOk) return fail(written, message_);
            if (due) outcome.checkpoint_written = true;
            if (stopping) {
                outcome.exit_code = kExitInterrupted;
                return outcome;
            }
        }
        outcome.results = std::move(all_);
        return outcome;
    }

private:
    RunControl control(std::int64_t wave_count) {
        RunControl control;
        control.keep_covariances = in_.spec.output.covariances;
        control.stop = in_.stop;
        const double before = static_cast<double>(done_);
        const double total = static_cast<double>(total_);
        const std::int64_t done = done_;
        control.on_progress = [this, before, total, done, wave_count](const Progress& p) {
            const double share = p.realizations_total > 0 ? static_cast<double>(wave_count) : 0.0;
            Progress overall;
            overall.realizations_done = done + p.realizations_done * in_.comm.size();
            overall.realizations_total = total_;
            overall.fraction = (before + p.fraction * share) / total;
            bar_.update(overall);
        };
        return control;
    }

    // Rank 0 writes; returns kExitOk or the exit code of the failure (message_ says why).
    int writeCheckpoint() {
        if (!in_.comm.isRoot()) return kExitOk;
        const Clock::time_point t0 = Clock::now();
        io::Provenance p = in_.provenance;
        p.date_utc = utcNow();
        p.wall_seconds = secondsSince(start_);
        try {
            io::writeHdf5({in_.spec, all_, nullptr, &in_.source, p}, in_.checkpoint_path);
        } catch (const std::exception& e) {
            message_ = std::string("checkpoint not written: ") + e.what();
            return kExitUsage;
        }
        schedule_.written(done_);
        bar_.log(fmt::format("quench: checkpoint: {}/{} realizations -> {} ({:.2f} s)", done_, total_,
                             in_.checkpoint_path, secondsSince(t0)));
        return kExitOk;
    }

    DriverOutcome fail(int code, const std::string& message) {
        DriverOutcome outcome;
        outcome.exit_code = code;
        outcome.message = message;
        return outcome;
    }

    DriverInput in_;
    ProgressBar& bar_;
    const std::int64_t total_;
    std::int64_t done_;
    CheckpointSchedule schedule_;
    const Clock::time_point start_;
    Clock::time_point last_log_ = Clock::now();
    std::int64_t wave_size_ = 1;
    std::vector<RealizationResult> all_;
    std::string message_;
};

}  // namespace

DriverOutcome driveEnsemble(DriverInput input, ProgressBar& bar) {
    Driver driver(std::move(input), bar);
    return driver.run();
}

}  // namespace quench::cli
