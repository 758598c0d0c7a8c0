#include "launch_config.cuh"
#include "moments.cuh"

namespace quench::kernels {

namespace {

// One thread per (slot, neuron), looping over the trials: consecutive threads read consecutive
// neurons (coalesced), and each thread owns its first-moment entries, so no atomics are needed.
template <class Source>
__global__ void gatherGroupsKernel(const GatherParams p, const int* __restrict__ column,
                                   const int* __restrict__ group, const Source* __restrict__ src,
                                   double* __restrict__ dst, const double* __restrict__ prev_src,
                                   double* __restrict__ prev_dst, double* __restrict__ first) {
    const std::size_t n = static_cast<std::size_t>(p.n);
    const std::size_t trials = static_cast<std::size_t>(p.trials);
    const std::size_t total = n * static_cast<std::size_t>(p.wave);
    const std::size_t stride = static_cast<std::size_t>(gridDim.x) * blockDim.x;
    for (std::size_t idx = static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x; idx < total;
         idx += stride) {
        const std::size_t slot = idx / n;
        const std::size_t i = idx % n;
        const std::size_t base = slot * trials * n;
        double sums[kGroups] = {0.0, 0.0, 0.0, 0.0};
        for (std::size_t t = 0; t < trials; ++t) {
            const double v = static_cast<double>(src[base + t * n + i]);
            const std::size_t to = base + static_cast<std::size_t>(column[t]) * n + i;
            dst[to] = v;
            if (prev_src != nullptr) prev_dst[to] = prev_src[base + t * n + i];
            sums[group[t]] += v;
        }
        for (int g = 0; g < kGroups; ++g)
            first[(slot * kGroups + static_cast<std::size_t>(g)) * n + i] += sums[g];
    }
}

}  // namespace

template <class Source>
cudaError_t launchGatherGroups(const GatherParams& p, const int* column, const int* group, const Source* src,
                               double* dst, const double* prev_src, double* prev_dst, double* first,
                               cudaStream_t stream) {
    const std::size_t total = static_cast<std::size_t>(p.n) * static_cast<std::size_t>(p.wave);
    gatherGroupsKernel<Source>
        <<<gridFor(total), kBlockSize, 0, stream>>>(p, column, group, src, dst, prev_src, prev_dst, first);
    return cudaGetLastError();
}

template cudaError_t launchGatherGroups<float>(const GatherParams&, const int*, const int*, const float*,
                                               double*, const double*, double*, double*, cudaStream_t);
template cudaError_t launchGatherGroups<double>(const GatherParams&, const int*, const int*, const double*,
                                                double*, const double*, double*, double*, cudaStream_t);

}  // namespace quench::kernels
