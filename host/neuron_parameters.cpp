#include "quench/neuron_parameters.hpp"

#include <cmath>

namespace quench {

double neuronParameterFromBits(const NeuronParameterSpec& p, std::uint32_t bits) {
    switch (p.distribution) {
        case NeuronDistribution::Lognormal: {
            const double s2 = std::log1p(p.cv * p.cv);
            const double z = static_cast<double>(normalFromBits(bits));
            return p.mean * std::exp(std::sqrt(s2) * z - 0.5 * s2);
        }
        case NeuronDistribution::Uniform:
            return p.mean * (1.0 + std::sqrt(3.0) * p.cv * (2.0 * uniformFromBits(bits) - 1.0));
        case NeuronDistribution::None:
            break;
    }
    return p.mean;
}

std::vector<double> drawNeuronParameters(const NeuronParameterSpec& p, std::uint64_t seed, RngStream stream,
                                         std::int64_t realization, int n) {
    std::vector<double> out(static_cast<std::size_t>(n));
    for (int block = 0; block * 4 < n; ++block) {
        const Uint4 u = philoxDraw(seed, stream, static_cast<std::uint64_t>(realization),
                                   static_cast<std::uint64_t>(block), 0u);
        for (int c = 0; c < 4 && block * 4 + c < n; ++c)
            out[static_cast<std::size_t>(block * 4 + c)] = neuronParameterFromBits(p, u.v[c]);
    }
    return out;
}

}  // namespace quench
