#pragma once
// x(0) and, for Ornstein-Uhlenbeck noise, eta(0) of a wave of realizations, drawn at the indices
// the CPU uses (NoiseBlock::fill with index_a = 0 on the InitialState / InitialNoise streams).
#include <cuda_runtime_api.h>

#include <cstdint>

namespace quench::kernels {

struct InitialStateParams {
    int n = 0;
    int trials = 0;
    int wave = 0;
    std::int64_t first_realization = 0;
    std::uint64_t seed = 0;  // ensemble.noiseSeed()
    double init_std = 1.0;   // x(0) ~ N(0, init_std^2)
    int colored = 0;         // also draw eta(0)
    double eta_std = 0.0;    // sigma / sqrt(2 tau)
};

// State layout (all per-trial arrays of the CUDA backend): wave x trials x n, neuron fastest,
// element r (trials n) + t n + i. eta is written only when colored.
template <class Real>
cudaError_t launchInitialState(const InitialStateParams& p, Real* x, Real* eta, cudaStream_t stream);

}  // namespace quench::kernels
