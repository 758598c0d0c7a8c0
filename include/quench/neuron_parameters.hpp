#pragma once
// Single-neuron heterogeneity: per-neuron gains b_i (phi_i = phi(b_i x_i)) and time constants tau_i,
// drawn once per realization like J, from their own counter-based streams (docs/config.md states the
// distributions). The same neuron of the same realization gets the same value on every backend and
// thread count, because the value is a pure function of (seed, stream, realization, neuron).
#include <cmath>
#include <cstdint>
#include <vector>

#include "quench/rng.hpp"

namespace quench {

enum class NeuronDistribution : int {
    None,       // every neuron gets `mean`
    Lognormal,  // mean * exp(s z - s^2 / 2), z ~ N(0, 1), s^2 = log(1 + cv^2)
    Uniform,    // mean * (1 + sqrt(3) cv (2 u - 1)), u ~ U(0, 1); needs cv < 1 / sqrt(3)
};

struct NeuronParameterSpec {
    NeuronDistribution distribution = NeuronDistribution::None;
    double mean = 1.0;
    double cv = 0.0;  // coefficient of variation std / mean
};

// False exactly when every neuron has the value 1, the model without heterogeneity: the integrators
// then keep their scalar code path, so such runs are bit-identical to those before the option existed.
inline bool perNeuron(const NeuronParameterSpec& p) {
    return p.distribution != NeuronDistribution::None || p.mean != 1.0;
}

// The value for one 32-bit random integer (the neuron's draw).
double neuronParameterFromBits(const NeuronParameterSpec& p, std::uint32_t bits);

// The values of neurons 0 .. n-1 of one realization (stream NeuronGain or NeuronTimeConstant).
std::vector<double> drawNeuronParameters(const NeuronParameterSpec& p, std::uint64_t seed, RngStream stream,
                                         std::int64_t realization, int n);

// Exact moments E[v^k] of the distribution (used by the theory and the tests).
inline double neuronParameterMoment(const NeuronParameterSpec& p, int k) {
    const double mk = std::pow(p.mean, k);
    switch (p.distribution) {
        case NeuronDistribution::Lognormal:
            // E[exp(k s z - k s^2/2)] = exp(k (k - 1) s^2 / 2) = (1 + cv^2)^(k (k - 1) / 2)
            return mk * std::pow(1.0 + p.cv * p.cv, 0.5 * k * (k - 1));
        case NeuronDistribution::Uniform: {
            // E[(1 + w)^k], w uniform on [-h, h]: ((1 + h)^(k+1) - (1 - h)^(k+1)) / (2 h (k + 1))
            const double h = std::sqrt(3.0) * p.cv;
            if (h == 0.0) return mk;
            return mk * (std::pow(1.0 + h, k + 1) - std::pow(1.0 - h, k + 1)) / (2.0 * h * (k + 1));
        }
        case NeuronDistribution::None:
            break;
    }
    return mk;
}

}  // namespace quench
