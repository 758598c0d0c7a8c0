#pragma once
// phi(x) over a whole state array, with the dispatch on the activation kind hoisted out of the
// loop so that each loop is a plain elementwise kernel the compiler vectorizes.
#include <cstddef>

#include "quench/activation.hpp"

namespace quench::cpu {

template <class Real>
void applyActivation(const Activation& a, const Real* __restrict x, Real* __restrict phi, std::size_t count) {
    switch (a.kind) {
        case ActivationKind::Linear:
            for (std::size_t e = 0; e < count; ++e) phi[e] = x[e];
            return;
        case ActivationKind::Tanh:
            for (std::size_t e = 0; e < count; ++e) phi[e] = tanhOf(x[e]);
            return;
        case ActivationKind::Relu:
            for (std::size_t e = 0; e < count; ++e) phi[e] = x[e] > Real(0) ? x[e] : Real(0);
            return;
        default:
            for (std::size_t e = 0; e < count; ++e) phi[e] = a.value(x[e]);
            return;
    }
}

}  // namespace quench::cpu
