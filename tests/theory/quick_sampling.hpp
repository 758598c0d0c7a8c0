#pragma once
// The sampled DMFT's options for the unit tests: a few seconds on two cores, standard errors of a few 1e-3
// relative. Few warm-up iterations suffice where the closure that starts the iteration is exact or close
// (eta = 0, linear phi, moderate g).
#include "quench/theory/sampled_dmft.hpp"

namespace quench::testing {

inline theory::SampledDmftOptions quickSampling(int sampling_iterations) {
    theory::SampledDmftOptions o;
    o.warmup_iterations = 8;
    o.warmup_trajectories = 128;
    o.sampling_iterations = sampling_iterations;
    o.sampling_trajectories = 256;
    o.window = 100.0;
    return o;
}

}  // namespace quench::testing
