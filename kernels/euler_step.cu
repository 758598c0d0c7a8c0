#include "euler_step.cuh"
#include "launch_config.cuh"
#include "quench/reduced_precision.hpp"
#include "quench/rng.hpp"
#include "storage_bits.cuh"

namespace quench::kernels {

namespace {

// phi of one element, b_i x rounded to Real first as on the CPU when gain is given (q = slot n + i);
// phi16 receives it rounded to the 16-bit storage, the GEMM's operand.
template <class Real>
__device__ Real activated(const Activation& activation, Real v, const Real* __restrict__ gain,
                          std::size_t q) {
    return gain == nullptr ? activation.value(v) : activation.value(static_cast<Real>(gain[q] * v));
}

template <class Real>
__device__ void storePhi(Real f, std::size_t e, CouplingStorage storage, Real* __restrict__ phi,
                         std::uint16_t* __restrict__ phi16) {
    phi[e] = f;
    if (phi16 != nullptr) phi16[e] = storageBits(roundToStorage(static_cast<float>(f), storage), storage);
}

// Index: std::uint32_t when every element index fits (64-bit division is a long instruction
// sequence on the GPU, and these kernels divide per thread), else std::size_t.
template <class Real, class Index>
__global__ void activationKernel(const ActivationParams p, const Real* __restrict__ x,
                                 const Real* __restrict__ gain, Real* __restrict__ phi,
                                 std::uint16_t* __restrict__ phi16, double* __restrict__ bin_x,
                                 double* __restrict__ bin_phi) {
    const Index stride = static_cast<Index>(gridDim.x) * blockDim.x;
    const Index n = static_cast<Index>(p.n);
    const Index per_slot = n * static_cast<Index>(p.trials);
    const Index count = static_cast<Index>(p.count);
    for (Index e = static_cast<Index>(blockIdx.x) * blockDim.x + threadIdx.x; e < count; e += stride) {
        const Real v = x[e];
        Real f;
        if (p.phi_current) {
            f = phi[e];
        } else {
            // Element e is neuron e % n of slot e / (k n).
            f = activated(p.activation, v, gain, gain == nullptr ? 0 : (e / per_slot) * n + e % n);
            storePhi(f, e, p.storage, phi, phi16);
        }
        if (p.accumulate_bins) {
            bin_x[e] += p.dt * static_cast<double>(v);
            bin_phi[e] += p.dt * static_cast<double>(f);
        }
    }
}

// One thread per (slot, trial, block of 4 neurons): one Philox counter gives the noise of 4
// neurons, components neuron % 4, exactly as NoiseBlock::fill lays them out.
template <class Real, class Index>
__global__ void eulerStepKernel(const EulerStepParams p, const NeuronCoefficients<Real> neuron,
                                Real* __restrict__ x, const Real* __restrict__ h, Real* __restrict__ eta,
                                const Real* __restrict__ gain, Real* __restrict__ phi,
                                std::uint16_t* __restrict__ phi16,
                                unsigned long long* __restrict__ first_bad_step) {
    const Index n = static_cast<Index>(p.n);
    const Index trials = static_cast<Index>(p.trials);
    const Index blocks = (n + 3) / 4;
    const Index total = blocks * trials * static_cast<Index>(p.wave);
    const Index stride = static_cast<Index>(gridDim.x) * blockDim.x;
    const Real decay = static_cast<Real>(p.decay);
    const Real drive_gain = static_cast<Real>(p.drive_gain);
    const Real kick = static_cast<Real>(p.kick);
    const Real ou_decay = static_cast<Real>(p.ou_decay);
    const Real ou_kick = static_cast<Real>(p.ou_kick);
    const Real input = static_cast<Real>(p.input);
    const Real limit = static_cast<Real>(p.blow_up);
    const std::uint64_t step = p.step + (p.step_base != nullptr ? *p.step_base : 0);
    for (Index idx = static_cast<Index>(blockIdx.x) * blockDim.x + threadIdx.x; idx < total; idx += stride) {
        const Index row = idx / blocks;  // slot k + trial
        const Index block = idx - row * blocks;
        const Index slot = row / trials;
        const Index trial = row - slot * trials;
        const std::uint64_t realization = static_cast<std::uint64_t>(p.first_realization) + slot;
        const Uint4 u = philoxDraw(p.seed, RngStream::Noise, realization, step,
                                   noiseIndexB(static_cast<int>(trial), static_cast<int>(block)));
        const Index base = row * n;
        bool bad = false;
        for (int c = 0; c < 4; ++c) {
            const Index i = block * 4 + static_cast<Index>(c);
            if (i >= n) break;
            const Index e = base + i;
            const Index q = slot * n + i;  // per-neuron arrays
            const Real xi = static_cast<Real>(normalFromBits(u.v[c]));
            Real v = x[e];
            if (neuron.decay != nullptr) {
                // The CPU's heterogeneous update, operation for operation.
                const Real noise = p.colored ? eta[e] : Real(0);
                v = neuron.decay[q] * v + neuron.drive[q] * (h[e] + input + noise) + neuron.kick[q] * xi;
                if (p.colored) eta[e] = ou_decay * eta[e] + ou_kick * xi;
            } else if (p.colored) {
                v = decay * v + drive_gain * (h[e] + input + eta[e]);
                eta[e] = ou_decay * eta[e] + ou_kick * xi;
            } else {
                v = decay * v + drive_gain * (h[e] + input) + kick * xi;
            }
            x[e] = v;
            if (phi != nullptr) storePhi(activated(p.activation, v, gain, q), e, p.storage, phi, phi16);
            // Written so that NaN counts as bad.
            bad = bad || !(fabs(v) <= limit);
        }
        if (bad) atomicMin(&first_bad_step[slot], static_cast<unsigned long long>(step) + 1ull);
    }
}

__global__ void setStepBaseKernel(std::uint64_t* base, std::uint64_t value) {
    *base = value;
}

__global__ void advanceStepBaseKernel(std::uint64_t* base, std::uint64_t by) {
    *base += by;
}

// Whether indices up to `count` (plus one grid stride) fit the 32-bit kernels.
bool fitsUint32(std::size_t count) {
    return count < (std::size_t(1) << 31);
}

}  // namespace

template <class Real>
cudaError_t launchActivation(const ActivationParams& p, const Real* x, const Real* gain, Real* phi,
                             std::uint16_t* phi16, double* bin_x, double* bin_phi, cudaStream_t stream) {
    if (fitsUint32(p.count))
        activationKernel<Real, std::uint32_t>
            <<<gridFor(p.count), kBlockSize, 0, stream>>>(p, x, gain, phi, phi16, bin_x, bin_phi);
    else
        activationKernel<Real, std::size_t>
            <<<gridFor(p.count), kBlockSize, 0, stream>>>(p, x, gain, phi, phi16, bin_x, bin_phi);
    return cudaGetLastError();
}

template <class Real>
cudaError_t launchEulerStep(const EulerStepParams& p, const NeuronCoefficients<Real>& neuron, Real* x,
                            const Real* h, Real* eta, const Real* gain, Real* phi, std::uint16_t* phi16,
                            unsigned long long* first_bad_step, cudaStream_t stream) {
    const std::size_t total =
        static_cast<std::size_t>((p.n + 3) / 4) * p.trials * static_cast<std::size_t>(p.wave);
    const std::size_t elements = static_cast<std::size_t>(p.n) * p.trials * static_cast<std::size_t>(p.wave);
    if (fitsUint32(elements))
        eulerStepKernel<Real, std::uint32_t><<<gridFor(total), kBlockSize, 0, stream>>>(
            p, neuron, x, h, eta, gain, phi, phi16, first_bad_step);
    else
        eulerStepKernel<Real, std::size_t><<<gridFor(total), kBlockSize, 0, stream>>>(
            p, neuron, x, h, eta, gain, phi, phi16, first_bad_step);
    return cudaGetLastError();
}

template cudaError_t launchActivation<float>(const ActivationParams&, const float*, const float*, float*,
                                             std::uint16_t*, double*, double*, cudaStream_t);
template cudaError_t launchActivation<double>(const ActivationParams&, const double*, const double*, double*,
                                              std::uint16_t*, double*, double*, cudaStream_t);
template cudaError_t launchEulerStep<float>(const EulerStepParams&, const NeuronCoefficients<float>&, float*,
                                            const float*, float*, const float*, float*, std::uint16_t*,
                                            unsigned long long*, cudaStream_t);
template cudaError_t launchEulerStep<double>(const EulerStepParams&, const NeuronCoefficients<double>&,
                                             double*, const double*, double*, const double*, double*,
                                             std::uint16_t*, unsigned long long*, cudaStream_t);

cudaError_t launchSetStepBase(std::uint64_t* base, std::uint64_t value, cudaStream_t stream) {
    setStepBaseKernel<<<1, 1, 0, stream>>>(base, value);
    return cudaGetLastError();
}

cudaError_t launchAdvanceStepBase(std::uint64_t* base, std::uint64_t by, cudaStream_t stream) {
    advanceStepBaseKernel<<<1, 1, 0, stream>>>(base, by);
    return cudaGetLastError();
}

}  // namespace quench::kernels
