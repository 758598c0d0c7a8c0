#pragma once
// The activation a research tool names on its command line: tanh, erf, power_law (with alpha) or pade (the
// tanh_3_2 preset, as the validation presets use it).
#include <stdexcept>
#include <string>

#include "quench/activation.hpp"

namespace quench::bench {

inline Activation activationFromName(const std::string& name, double alpha) {
    const auto kind = parseActivationKind(name);
    if (!kind) throw std::invalid_argument("--activation: unknown name '" + name + "'");
    if (*kind == ActivationKind::Pade) {
        const PadeCoefficients preset = *padePreset("tanh_3_2");
        return makePadeActivation(preset.p, preset.q);
    }
    Activation phi;
    phi.kind = *kind;
    phi.alpha = alpha;
    return phi;
}

}  // namespace quench::bench
