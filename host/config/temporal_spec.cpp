// The checks of the statistics.* keys of the temporal observables.
#include <cmath>
#include <cstdint>

#include <fmt/format.h>

#include "quench/ensemble_spec.hpp"
#include "quench/error.hpp"
#include "quench/statistics.hpp"

namespace quench {
namespace {

// More lags than this is a trajectory store in disguise (the ring buffer holds lags x N x K values).
constexpr int kMaxLags = 4096;
constexpr double kTimeSlack = 1e-9;
constexpr std::size_t kMaxFrequencies = 32;
constexpr double kPi = 3.14159265358979323846;

std::string text(double value) {
    return fmt::format("{}", value);
}

void validateFrequencies(const EnsembleSpec& spec) {
    const StatisticsSpec& s = spec.statistics;
    if (s.frequencies.empty()) return;
    const IntegrationSpec& in = spec.integration;
    const double nyquist = kPi / in.dt;
    if (s.frequencies.size() > kMaxFrequencies)
        throw ConfigError("statistics.frequencies", fmt::format("[{} values]", s.frequencies.size()),
                          fmt::format("at most {} frequencies (each keeps {} N x N complex matrices per "
                                      "variable)",
                                      kMaxFrequencies, kSplitGroups));
    for (const double w : s.frequencies)
        if (!std::isfinite(w) || w < 0.0 || w >= nyquist)
            throw ConfigError(
                "statistics.frequencies", text(w),
                fmt::format("every angular frequency must lie in [0, pi / dt = {:.6g})", nyquist));
    if (!std::isfinite(s.window) || s.window < 10.0 * in.dt || s.window > in.t_max / 4.0)
        throw ConfigError("statistics.window", text(s.window),
                          fmt::format("the Welch window must be at least 10 steps (10 dt = {}) and at most "
                                      "t_max / 4 = {} (four windows per trial)",
                                      10.0 * in.dt, in.t_max / 4.0));
}

void validateModes(const EnsembleSpec& spec) {
    const StatisticsSpec& s = spec.statistics;
    if (s.modes < 0 || s.modes > 10 || s.modes > spec.network.n)
        throw ConfigError("statistics.modes", std::to_string(s.modes),
                          "the number of leading modes must be 0 (off) to 10, and at most network.n");
    if (s.modes == 0) return;
    if (spec.ensemble.trials < 2)
        throw ConfigError(
            "statistics.modes", std::to_string(s.modes),
            "the mode autocorrelation needs ensemble.trials >= 2 (the modes of the even trials are "
            "applied to the odd ones and vice versa)");
    if (s.mode_lags < 2 || s.mode_lags > 32)
        throw ConfigError("statistics.mode_lags", std::to_string(s.mode_lags),
                          "the mode autocorrelation needs 2 to 32 lags (each an N x N lagged covariance)");
    if (!std::isfinite(s.tau_max) || s.tau_max <= 0.0 || s.tau_max > spec.integration.t_max / 4.0)
        throw ConfigError(
            "statistics.tau_max", text(s.tau_max),
            fmt::format("the largest lag of the mode autocorrelation must lie in (0, t_max / 4 = {}]",
                        spec.integration.t_max / 4.0));
}

}  // namespace

void validateTemporal(const EnsembleSpec& spec) {
    validateFrequencies(spec);
    validateModes(spec);
    const StatisticsSpec& s = spec.statistics;
    if (!s.autocorrelation) return;
    const IntegrationSpec& in = spec.integration;
    if (!std::isfinite(s.lag_interval) || s.lag_interval < in.dt * (1.0 - kTimeSlack))
        throw ConfigError("statistics.lag_interval", text(s.lag_interval),
                          fmt::format("the lag spacing of the autocorrelation must be a finite time of at "
                                      "least one step dt = {}",
                                      in.dt));
    if (!std::isfinite(s.tau_max) || s.tau_max < 0.0 || s.tau_max > in.t_max / 4.0)
        throw ConfigError(
            "statistics.tau_max", text(s.tau_max),
            fmt::format("the largest lag of the autocorrelation must lie in [0, t_max / 4 = {}] "
                        "(every lag needs many pairs of samples within a trial)",
                        in.t_max / 4.0));
    if (s.tau_max / s.lag_interval + 1.0 > kMaxLags)
        throw ConfigError("statistics.tau_max", text(s.tau_max),
                          fmt::format("tau_max / lag_interval = {:.0f} lags is more than the {} the ring "
                                      "buffer of past samples allows; raise statistics.lag_interval",
                                      s.tau_max / s.lag_interval, kMaxLags - 1));
}

}  // namespace quench
