#pragma once
// The schedule of annealed disorder (coupling.disorder = "annealed"): the measured time is cut into
// epochs of coupling.redraw_interval, a whole number of zero-frequency bins, and J_r is redrawn at the
// start of every epoch but the first. Epoch e covers the measured steps [e E, (e + 1) E) with E the
// epoch length in steps; epoch 0 also covers the burn-in, so its J is the quenched J_r of the
// realization. Because E is a multiple of the bin length and both start at the end of the burn-in, a
// zero-frequency bin never straddles two couplings (only the lag-one pair across a redraw does, which
// is what the estimator needs to see the transient, docs/theory/annealed.md).
//
// Header-only arithmetic, shared by the simulator and the theory (which must not link the simulator).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

#include "quench/ensemble_spec.hpp"
#include "quench/statistics.hpp"

namespace quench {

struct EpochPlan {
    std::int64_t bins_per_epoch = 0;  // zero-frequency bins per epoch
    std::int64_t epoch_steps = 0;     // E: measured steps per epoch (quenched: more than the run has)
    std::int64_t epochs = 1;          // epochs that hold measured steps (quenched: 1)
    std::int64_t redraws = 0;         // redraws inside the measured time = epochs - 1
};

// Bins per epoch as requested, before validation (may be fractional or < 1 for bad input).
inline double requestedBinsPerEpoch(const EnsembleSpec& spec) {
    const double interval = spec.coupling.redraw_interval.value_or(spec.integration.t_bin);
    return interval / spec.integration.t_bin;
}

inline EpochPlan epochPlan(const EnsembleSpec& spec) {
    const IntegrationSpec& in = spec.integration;
    const std::int64_t bin_steps = std::max<std::int64_t>(1, std::llround(in.t_bin / in.dt));
    const std::int64_t measure_steps = std::llround(in.t_max / in.dt);
    EpochPlan p;
    if (spec.coupling.disorder == Disorder::Quenched) {
        p.bins_per_epoch = std::numeric_limits<std::int64_t>::max() / 2;
        p.epoch_steps = std::numeric_limits<std::int64_t>::max() / 2;
        return p;
    }
    p.bins_per_epoch = std::max<std::int64_t>(1, std::llround(requestedBinsPerEpoch(spec)));
    p.epoch_steps = p.bins_per_epoch * bin_steps;
    p.epochs = std::max<std::int64_t>(1, (measure_steps + p.epoch_steps - 1) / p.epoch_steps);
    p.redraws = p.epochs - 1;
    return p;
}

// The epoch of global step s (burn-in included), for the step's state update.
inline std::int64_t epochOfStep(const EpochPlan& p, std::int64_t s, std::int64_t burn_steps) {
    return s < burn_steps ? 0 : (s - burn_steps) / p.epoch_steps;
}

// 1 / sum_e w_e^2, where w_e is the share of epoch e in the data of one covariance: the equal-time
// samples (taken every sample_stride measured steps) or the zero-frequency bins. The pooled
// covariance is sum_e w_e C_e, so the disorder dispersion of its entries is that of one C_e divided by
// this number.
inline double effectiveEpochCount(const EnsembleSpec& spec, CovarianceKind kind) {
    const EpochPlan p = epochPlan(spec);
    if (p.epochs == 1) return 1.0;
    const IntegrationSpec& in = spec.integration;
    const std::int64_t bin_steps = std::max<std::int64_t>(1, std::llround(in.t_bin / in.dt));
    const std::int64_t measure_steps = std::llround(in.t_max / in.dt);
    const std::int64_t stride = std::max<std::int64_t>(1, std::llround(in.sample_interval / in.dt));
    // Items (samples or bins) with index 0 .. count-1, item k at measured step k * spacing.
    const bool bins = kind == CovarianceKind::ZeroFrequency;
    const std::int64_t spacing = bins ? bin_steps : stride;
    const std::int64_t count = bins ? measure_steps / bin_steps : (measure_steps + stride - 1) / stride;
    double sum = 0.0;
    double sum_sq = 0.0;
    for (std::int64_t e = 0; e < p.epochs; ++e) {
        // Items whose measured step lies in [e E, (e + 1) E).
        const std::int64_t first = (e * p.epoch_steps + spacing - 1) / spacing;
        const std::int64_t last = std::min(count, ((e + 1) * p.epoch_steps + spacing - 1) / spacing);
        const double w = static_cast<double>(std::max<std::int64_t>(0, last - first));
        sum += w;
        sum_sq += w * w;
    }
    return sum_sq > 0.0 ? sum * sum / sum_sq : 1.0;
}

}  // namespace quench
