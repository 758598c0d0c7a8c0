#pragma once
// The likely cause of a divergence, appended to the message of every backend's DivergenceError.
#include <fmt/format.h>

#include <string>

#include "quench/ensemble_spec.hpp"

namespace quench {

inline std::string divergenceHint(const EnsembleSpec& spec) {
    const CouplingSpec& c = spec.coupling;
    if (!spec.network.activation.unbounded())
        return "; reduce integration.dt or check the coupling and input";
    const std::string bulk =
        c.model == CouplingModel::RandomMode
            ? fmt::format(
                  "random-mode couplings with g = {:.4g}: the largest modes of a realization can put an "
                  "eigenvalue of J past 1 well before g reaches 1",
                  c.g)
            : fmt::format(
                  "g (1 + symmetry) = {:.4g} sets the bulk edge of the spectrum of J, and at finite N "
                  "single realizations reach past it",
                  c.g * (1.0 + c.symmetry));
    return "; the activation is unbounded and this realization has no stationary state (an eigenvalue of J "
           "with real part above 1): " +
           bulk;
}

}  // namespace quench
