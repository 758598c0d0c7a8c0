#include "coupling_generation.cuh"
#include "launch_config.cuh"
#include "quench/reduced_precision.hpp"
#include "quench/rng.hpp"
#include "storage_bits.cuh"

namespace quench::kernels {

namespace {

// Normal number e of one realization's couplings, as couplingMatrix() draws it: counter index_a = e / 4,
// component e % 4, widened from float to double; stream Coupling for epoch 0 (the quenched J), stream
// AnnealedCoupling with index_b = epoch for the redraws of annealed disorder.
__device__ double couplingNormal(std::uint64_t seed, std::uint64_t realization, std::size_t e,
                                 std::uint32_t epoch) {
    const RngStream stream = epoch == 0u ? RngStream::Coupling : RngStream::AnnealedCoupling;
    const Uint4 u = philoxDraw(seed, stream, realization, static_cast<std::uint64_t>(e / 4), epoch);
    return static_cast<double>(normalFromBits(u.v[e % 4]));
}

// Stores one entry: in the working precision, or rounded to 16 bits (coupling.storage).
template <class Real>
struct FullStore {
    Real* j;
    __device__ void operator()(std::size_t idx, double value) const { j[idx] = static_cast<Real>(value); }
};
struct SixteenBitStore {
    std::uint16_t* j;
    CouplingStorage storage;
    __device__ void operator()(std::size_t idx, double value) const {
        j[idx] = storageBits(roundToStorage(static_cast<float>(value), storage), storage);
    }
};

template <class Store>
__global__ void iidCouplingKernel(const IidCouplingParams p, const Store store) {
    const std::size_t n = static_cast<std::size_t>(p.n);
    const std::size_t nn = n * n;
    const std::size_t total = nn * static_cast<std::size_t>(p.wave);
    const std::size_t stride = static_cast<std::size_t>(gridDim.x) * blockDim.x;
    for (std::size_t idx = static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x; idx < total;
         idx += stride) {
        const std::size_t slot = idx / nn;
        const std::size_t pos = idx % nn;  // position in J_r's layout
        const std::size_t row = p.row_major ? pos / n : pos % n;
        const std::size_t col = p.row_major ? pos % n : pos / n;
        const std::uint64_t realization = static_cast<std::uint64_t>(p.first_realization) + slot;
        const std::size_t e = row * n + col;  // row-major entry, the index of its normal number
        const std::size_t t = col * n + row;  // the transposed entry
        // The same expression as iidCoupling() on the host, in double, rounded once to Real.
        double value;
        if (row == col) {
            value =
                p.zero_diagonal ? 0.0 : p.shift + p.scale * couplingNormal(p.seed, realization, e, p.epoch);
        } else if (row < col) {
            value = p.shift + p.scale * (p.sym * couplingNormal(p.seed, realization, e, p.epoch) +
                                         p.anti * couplingNormal(p.seed, realization, t, p.epoch));
        } else {
            value = p.shift + p.scale * (p.sym * couplingNormal(p.seed, realization, t, p.epoch) -
                                         p.anti * couplingNormal(p.seed, realization, e, p.epoch));
        }
        store(idx, value);
    }
}

}  // namespace

template <class Real>
cudaError_t launchIidCoupling(const IidCouplingParams& p, Real* j, cudaStream_t stream) {
    const std::size_t total = static_cast<std::size_t>(p.n) * p.n * static_cast<std::size_t>(p.wave);
    iidCouplingKernel<<<gridFor(total), kBlockSize, 0, stream>>>(p, FullStore<Real>{j});
    return cudaGetLastError();
}

cudaError_t launchIidCoupling16(const IidCouplingParams& p, CouplingStorage storage, std::uint16_t* j,
                                cudaStream_t stream) {
    const std::size_t total = static_cast<std::size_t>(p.n) * p.n * static_cast<std::size_t>(p.wave);
    iidCouplingKernel<<<gridFor(total), kBlockSize, 0, stream>>>(p, SixteenBitStore{j, storage});
    return cudaGetLastError();
}

template cudaError_t launchIidCoupling<float>(const IidCouplingParams&, float*, cudaStream_t);
template cudaError_t launchIidCoupling<double>(const IidCouplingParams&, double*, cudaStream_t);

}  // namespace quench::kernels
