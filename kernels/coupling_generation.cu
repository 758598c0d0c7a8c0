#include "coupling_generation.cuh"
#include "launch_config.cuh"
#include "quench/rng.hpp"

namespace quench::kernels {

namespace {

// Normal number e of the Coupling stream of one realization, as couplingMatrix() draws it: counter
// index_a = e / 4, component e % 4, widened from float to double.
__device__ double couplingNormal(std::uint64_t seed, std::uint64_t realization, std::size_t e) {
    const Uint4 u = philoxDraw(seed, RngStream::Coupling, realization, static_cast<std::uint64_t>(e / 4), 0u);
    return static_cast<double>(normalFromBits(u.v[e % 4]));
}

template <class Real>
__global__ void iidCouplingKernel(const IidCouplingParams p, Real* __restrict__ j) {
    const std::size_t n = static_cast<std::size_t>(p.n);
    const std::size_t nn = n * n;
    const std::size_t total = nn * static_cast<std::size_t>(p.wave);
    const std::size_t stride = static_cast<std::size_t>(gridDim.x) * blockDim.x;
    for (std::size_t idx = static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x; idx < total;
         idx += stride) {
        const std::size_t slot = idx / nn;
        const std::size_t pos = idx % nn;  // column-major position in J_r
        const std::size_t col = pos / n;
        const std::size_t row = pos % n;
        const std::uint64_t realization = static_cast<std::uint64_t>(p.first_realization) + slot;
        const std::size_t e = row * n + col;  // row-major entry, the index of its normal number
        const std::size_t t = col * n + row;  // the transposed entry
        // The same expression as iidCoupling() on the host, in double, rounded once to Real.
        double value;
        if (row == col) {
            value = p.zero_diagonal ? 0.0 : p.shift + p.scale * couplingNormal(p.seed, realization, e);
        } else if (row < col) {
            value = p.shift + p.scale * (p.sym * couplingNormal(p.seed, realization, e) +
                                         p.anti * couplingNormal(p.seed, realization, t));
        } else {
            value = p.shift + p.scale * (p.sym * couplingNormal(p.seed, realization, t) -
                                         p.anti * couplingNormal(p.seed, realization, e));
        }
        j[idx] = static_cast<Real>(value);
    }
}

}  // namespace

template <class Real>
cudaError_t launchIidCoupling(const IidCouplingParams& p, Real* j, cudaStream_t stream) {
    const std::size_t total = static_cast<std::size_t>(p.n) * p.n * static_cast<std::size_t>(p.wave);
    iidCouplingKernel<Real><<<gridFor(total), kBlockSize, 0, stream>>>(p, j);
    return cudaGetLastError();
}

template cudaError_t launchIidCoupling<float>(const IidCouplingParams&, float*, cudaStream_t);
template cudaError_t launchIidCoupling<double>(const IidCouplingParams&, double*, cudaStream_t);

}  // namespace quench::kernels
