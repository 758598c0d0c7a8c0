#include "cli/checkpoint_schedule.hpp"

namespace quench::cli {

CheckpointSchedule::CheckpointSchedule(const RunSpec& run, std::int64_t realizations_done)
    : every_seconds_(run.checkpoint_every_seconds),
      every_realizations_(run.checkpoint_every_realizations),
      last_done_(realizations_done),
      last_time_(std::chrono::steady_clock::now()) {}

bool CheckpointSchedule::enabled() const {
    return every_seconds_ > 0.0 || every_realizations_ > 0;
}

bool CheckpointSchedule::due(std::int64_t realizations_done) const {
    if (every_realizations_ > 0 && realizations_done - last_done_ >= every_realizations_) return true;
    if (every_seconds_ <= 0.0) return false;
    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - last_time_).count();
    return elapsed >= every_seconds_;
}

void CheckpointSchedule::written(std::int64_t realizations_done) {
    last_done_ = realizations_done;
    last_time_ = std::chrono::steady_clock::now();
}

}  // namespace quench::cli
