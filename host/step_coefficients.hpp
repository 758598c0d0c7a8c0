#pragma once
// The coefficients of one integration step, shared by every backend so that they integrate the
// same recursion: x' = decay x + drive_gain (h + I + eta) + kick xi, and for colored noise
// eta' = ou_decay eta + ou_kick xi. In double; each backend rounds them to its working precision.
#include <cmath>

#include "quench/ensemble_spec.hpp"

namespace quench {

struct StepCoefficients {
    double decay = 0.0, drive_gain = 0.0, kick = 0.0;
    double ou_decay = 0.0, ou_kick = 0.0;
    bool colored = false;
};

// For a neuron with time constant tau (in units of the global time unit), tau dx = (-x + h + I) dt +
// sigma dW: the leak decays at rate 1/tau and the white noise enters as sigma / tau. tau = 1 gives the
// same doubles as the homogeneous model, operation for operation.
inline StepCoefficients stepCoefficients(const EnsembleSpec& spec, double tau = 1.0) {
    const double dt = spec.integration.dt;
    const double sigma = spec.noise.sigma;
    StepCoefficients c;
    c.colored = spec.noise.tau > 0.0;
    if (spec.integration.method == IntegrationMethod::EulerMaruyama) {
        c.decay = 1.0 - dt / tau;
        c.drive_gain = dt / tau;
        c.kick = c.colored ? 0.0 : sigma * std::sqrt(dt) / tau;
    } else {
        // Exact for the leak with the input frozen over the step: Var of the kick is
        // (sigma / tau)^2 (1 - e^2) tau / 2.
        const double e = std::exp(-dt / tau);
        c.decay = e;
        c.drive_gain = 1.0 - e;
        c.kick = c.colored ? 0.0 : sigma * std::sqrt((1.0 - e * e) / (2.0 * tau));
    }
    if (c.colored) {
        // Exact OU update with stationary variance sigma^2 / (2 tau).
        const double e = std::exp(-dt / spec.noise.tau);
        c.ou_decay = e;
        c.ou_kick = sigma * std::sqrt((1.0 - e * e) / (2.0 * spec.noise.tau));
    }
    return c;
}

}  // namespace quench
