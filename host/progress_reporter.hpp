#pragma once
// Progress of one backend run, reported through RunControl::on_progress: realizations finished and
// the fraction of all integration steps. Serialized, so worker threads (CPU) and the single driver
// thread (CUDA) use the same reporter.
#include <cstdint>
#include <mutex>

#include "quench/backend.hpp"

namespace quench {

class ProgressReporter {
public:
    ProgressReporter(const RunControl& control, std::int64_t realizations, std::int64_t steps_per_realization)
        : control_(control),
          total_(realizations),
          total_steps_(static_cast<double>(realizations) * static_cast<double>(steps_per_realization)) {}
    void steps(std::int64_t count) {
        if (!control_.on_progress) return;
        std::lock_guard<std::mutex> lock(mutex_);
        steps_done_ += count;
        report();
    }
    void realizationsDone(std::int64_t count) {
        if (!control_.on_progress) return;
        std::lock_guard<std::mutex> lock(mutex_);
        done_ += count;
        report();
    }

private:
    void report() const {
        control_.on_progress(
            {done_, total_, total_steps_ > 0 ? static_cast<double>(steps_done_) / total_steps_ : 1.0});
    }
    const RunControl& control_;
    std::mutex mutex_;
    std::int64_t done_ = 0;
    std::int64_t steps_done_ = 0;
    const std::int64_t total_;
    const double total_steps_;
};

}  // namespace quench
