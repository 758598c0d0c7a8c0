#pragma once
// The tau grid predict() hands the Gaussian closures (partially symmetric and random-mode overlap
// networks): what their tests solve on, so that tests and predictions compare like with like.
#include "quench/theory/dmft.hpp"

namespace quench::testing {

inline theory::DmftGridOptions closureGrid() {
    theory::DmftGridOptions options;
    options.dt = 0.02;
    return options;
}

}  // namespace quench::testing
