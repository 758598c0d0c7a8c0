#include "cli/stop_signal.hpp"

#include <csignal>

namespace quench::cli {

namespace {

std::atomic<bool> g_stop{false};
volatile std::sig_atomic_t g_signal = 0;
struct sigaction g_previous_int {};
struct sigaction g_previous_term {};

extern "C" void onStopSignal(int signal_number) {
    g_signal = signal_number;
    g_stop.store(true);
    // A second signal takes the default action (terminate) at once.
    struct sigaction fallback {};
    fallback.sa_handler = SIG_DFL;
    sigemptyset(&fallback.sa_mask);
    sigaction(signal_number, &fallback, nullptr);
}

}  // namespace

StopSignalGuard::StopSignalGuard() {
    static_assert(std::atomic<bool>::is_always_lock_free, "the stop flag must be safe in a signal handler");
    g_stop.store(false);
    g_signal = 0;
    struct sigaction action {};
    action.sa_handler = onStopSignal;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, &g_previous_int);
    sigaction(SIGTERM, &action, &g_previous_term);
}

StopSignalGuard::~StopSignalGuard() {
    sigaction(SIGINT, &g_previous_int, nullptr);
    sigaction(SIGTERM, &g_previous_term, nullptr);
}

const std::atomic<bool>* StopSignalGuard::flag() const {
    return &g_stop;
}

int StopSignalGuard::signalNumber() const {
    return static_cast<int>(g_signal);
}

}  // namespace quench::cli
