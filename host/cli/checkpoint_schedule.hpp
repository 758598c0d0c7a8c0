#pragma once
// When the next checkpoint is due: after run.checkpoint_every_realizations more realizations or
// run.checkpoint_every_seconds of wall time since the last one, whichever comes first.
#include <chrono>
#include <cstdint>

#include "quench/ensemble_spec.hpp"

namespace quench::cli {

class CheckpointSchedule {
public:
    CheckpointSchedule(const RunSpec& run, std::int64_t realizations_done);
    bool enabled() const;
    bool due(std::int64_t realizations_done) const;
    void written(std::int64_t realizations_done);

private:
    double every_seconds_;
    std::int64_t every_realizations_;
    std::int64_t last_done_;
    std::chrono::steady_clock::time_point last_time_;
};

}  // namespace quench::cli
