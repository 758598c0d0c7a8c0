#pragma once
// The lag grid of the single-unit autocorrelation, shared by the accumulator and the theory: a sample
// every lag_stride steps (lag_interval rounded to whole steps), lags tau_k = k lag_stride dt for
// k = 0 .. lags - 1 (tau_max rounded to whole lag intervals).
#include <algorithm>
#include <cmath>
#include <cstdint>

#include "quench/ensemble_spec.hpp"

namespace quench {

struct LagPlan {
    std::int64_t lag_stride = 1;
    int lags = 0;  // 0 unless statistics.autocorrelation
    double lagTime(double dt) const { return static_cast<double>(lag_stride) * dt; }
};

inline LagPlan planLags(const EnsembleSpec& spec) {
    LagPlan plan;
    if (!spec.statistics.autocorrelation) return plan;
    const double dt = spec.integration.dt;
    plan.lag_stride = std::max<std::int64_t>(1, std::llround(spec.statistics.lag_interval / dt));
    plan.lags = static_cast<int>(std::llround(spec.statistics.tau_max / plan.lagTime(dt))) + 1;
    return plan;
}

// The coarse lag grid of the mode autocorrelation: mode_lags lags spanning [0, tau_max], each a whole
// number of steps (lags = 0 unless statistics.modes > 0).
inline LagPlan planModeLags(const EnsembleSpec& spec) {
    LagPlan plan;
    if (spec.statistics.modes <= 0) return plan;
    const double dt = spec.integration.dt;
    const double spacing = spec.statistics.tau_max / std::max(1, spec.statistics.mode_lags - 1);
    plan.lag_stride = std::max<std::int64_t>(1, std::llround(spacing / dt));
    plan.lags = spec.statistics.mode_lags;
    return plan;
}

}  // namespace quench
