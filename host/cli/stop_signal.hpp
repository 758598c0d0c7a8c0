#pragma once
// SIGINT and SIGTERM ask a simulation to stop: the first one sets a flag the run checks at the next
// realization boundary (it then writes a checkpoint and exits with kExitInterrupted); a second one
// kills the process as usual. The handlers are restored when the guard goes away.
#include <atomic>

namespace quench::cli {

class StopSignalGuard {
public:
    StopSignalGuard();
    ~StopSignalGuard();
    StopSignalGuard(const StopSignalGuard&) = delete;
    StopSignalGuard& operator=(const StopSignalGuard&) = delete;

    const std::atomic<bool>* flag() const;
    int signalNumber() const;  // the signal received, 0 if none
};

}  // namespace quench::cli
