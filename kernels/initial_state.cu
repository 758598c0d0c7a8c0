#include "initial_state.cuh"
#include "launch_config.cuh"
#include "quench/rng.hpp"

namespace quench::kernels {

namespace {

// One thread per (slot, trial, block of 4 neurons): one Philox counter feeds 4 neurons.
template <class Real>
__global__ void initialStateKernel(const InitialStateParams p, Real* __restrict__ x, Real* __restrict__ eta) {
    const std::size_t n = static_cast<std::size_t>(p.n);
    const std::size_t blocks = (n + 3) / 4;
    const std::size_t per_slot = blocks * static_cast<std::size_t>(p.trials);
    const std::size_t total = per_slot * static_cast<std::size_t>(p.wave);
    const std::size_t stride = static_cast<std::size_t>(gridDim.x) * blockDim.x;
    for (std::size_t idx = static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x; idx < total;
         idx += stride) {
        const std::size_t slot = idx / per_slot;
        const std::size_t trial = (idx % per_slot) / blocks;
        const std::size_t block = idx % blocks;
        const std::uint64_t realization = static_cast<std::uint64_t>(p.first_realization) + slot;
        const std::uint32_t index_b = noiseIndexB(static_cast<int>(trial), static_cast<int>(block));
        const std::size_t base = (slot * static_cast<std::size_t>(p.trials) + trial) * n;
        const Uint4 ux = philoxDraw(p.seed, RngStream::InitialState, realization, 0u, index_b);
        Uint4 ue{};
        if (p.colored) ue = philoxDraw(p.seed, RngStream::InitialNoise, realization, 0u, index_b);
        for (int c = 0; c < 4; ++c) {
            const std::size_t i = block * 4 + static_cast<std::size_t>(c);
            if (i >= n) break;
            // Rounded to Real first, then scaled in Real, like the CPU.
            x[base + i] = static_cast<Real>(normalFromBits(ux.v[c])) * static_cast<Real>(p.init_std);
            if (p.colored)
                eta[base + i] = static_cast<Real>(normalFromBits(ue.v[c])) * static_cast<Real>(p.eta_std);
        }
    }
}

}  // namespace

template <class Real>
cudaError_t launchInitialState(const InitialStateParams& p, Real* x, Real* eta, cudaStream_t stream) {
    const std::size_t total =
        static_cast<std::size_t>((p.n + 3) / 4) * p.trials * static_cast<std::size_t>(p.wave);
    initialStateKernel<Real><<<gridFor(total), kBlockSize, 0, stream>>>(p, x, eta);
    return cudaGetLastError();
}

template cudaError_t launchInitialState<float>(const InitialStateParams&, float*, float*, cudaStream_t);
template cudaError_t launchInitialState<double>(const InitialStateParams&, double*, double*, cudaStream_t);

}  // namespace quench::kernels
