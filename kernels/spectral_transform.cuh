#pragma once
// The Welch window sums of the frequency-resolved statistics (host/cpu/spectral_accumulator.hpp) on the
// device: every measured step adds its tapered, phase-rotated state to the running transform of each
// frequency, so that only the finished window's transforms travel to the host.
#include <cuda_runtime_api.h>
#include <vector_types.h>

#include <cstddef>

namespace quench::kernels {

// transforms[f elements + e] += coefficients[f] state[e] for f < frequencies and e < elements
// (complex coefficients h(t_m) e^{-i w_f t_m} dt of one step, real state of the whole wave).
template <class Real>
cudaError_t launchAccumulateTransforms(const Real* state, const double2* coefficients, int frequencies,
                                       std::size_t elements, double2* transforms, cudaStream_t stream);

}  // namespace quench::kernels
