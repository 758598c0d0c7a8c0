#pragma once
// The activation of one kind with its default parameters (power law alpha = 0.5, ...): what the theory
// tests hand the solvers.
#include "quench/activation.hpp"

namespace quench::testing {

inline Activation activationOf(ActivationKind kind) {
    Activation a;
    a.kind = kind;
    return a;
}

}  // namespace quench::testing
