#include "euler_step.cuh"
#include "launch_config.cuh"
#include "quench/reduced_precision.hpp"
#include "quench/rng.hpp"
#include "storage_bits.cuh"

namespace quench::kernels {

namespace {

template <class Real>
__global__ void activationKernel(const ActivationParams p, const Real* __restrict__ x,
                                 const Real* __restrict__ gain, Real* __restrict__ phi,
                                 std::uint16_t* __restrict__ phi16, double* __restrict__ bin_x,
                                 double* __restrict__ bin_phi) {
    const std::size_t stride = static_cast<std::size_t>(gridDim.x) * blockDim.x;
    const std::size_t n = static_cast<std::size_t>(p.n);
    const std::size_t per_slot = n * static_cast<std::size_t>(p.trials);
    for (std::size_t e = static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x; e < p.count;
         e += stride) {
        const Real v = x[e];
        // Element e is neuron e % n of slot e / (k n); the CPU also rounds b_i x to Real first.
        const Real f = gain == nullptr
                           ? p.activation.value(v)
                           : p.activation.value(static_cast<Real>(gain[(e / per_slot) * n + e % n] * v));
        phi[e] = f;
        if (phi16 != nullptr)
            phi16[e] = storageBits(roundToStorage(static_cast<float>(f), p.storage), p.storage);
        if (p.accumulate_bins) {
            bin_x[e] += p.dt * static_cast<double>(v);
            bin_phi[e] += p.dt * static_cast<double>(f);
        }
    }
}

// One thread per (slot, trial, block of 4 neurons): one Philox counter gives the noise of 4
// neurons, components neuron % 4, exactly as NoiseBlock::fill lays them out.
template <class Real>
__global__ void eulerStepKernel(const EulerStepParams p, const NeuronCoefficients<Real> neuron,
                                Real* __restrict__ x, const Real* __restrict__ h, Real* __restrict__ eta,
                                unsigned long long* __restrict__ first_bad_step) {
    const std::size_t n = static_cast<std::size_t>(p.n);
    const std::size_t blocks = (n + 3) / 4;
    const std::size_t per_slot = blocks * static_cast<std::size_t>(p.trials);
    const std::size_t total = per_slot * static_cast<std::size_t>(p.wave);
    const std::size_t stride = static_cast<std::size_t>(gridDim.x) * blockDim.x;
    const Real decay = static_cast<Real>(p.decay);
    const Real drive_gain = static_cast<Real>(p.drive_gain);
    const Real kick = static_cast<Real>(p.kick);
    const Real ou_decay = static_cast<Real>(p.ou_decay);
    const Real ou_kick = static_cast<Real>(p.ou_kick);
    const Real input = static_cast<Real>(p.input);
    const Real limit = static_cast<Real>(p.blow_up);
    for (std::size_t idx = static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x; idx < total;
         idx += stride) {
        const std::size_t slot = idx / per_slot;
        const std::size_t trial = (idx % per_slot) / blocks;
        const std::size_t block = idx % blocks;
        const std::uint64_t realization = static_cast<std::uint64_t>(p.first_realization) + slot;
        const Uint4 u = philoxDraw(p.seed, RngStream::Noise, realization, p.step,
                                   noiseIndexB(static_cast<int>(trial), static_cast<int>(block)));
        const std::size_t base = (slot * static_cast<std::size_t>(p.trials) + trial) * n;
        bool bad = false;
        for (int c = 0; c < 4; ++c) {
            const std::size_t i = block * 4 + static_cast<std::size_t>(c);
            if (i >= n) break;
            const std::size_t e = base + i;
            const Real xi = static_cast<Real>(normalFromBits(u.v[c]));
            Real v = x[e];
            if (neuron.decay != nullptr) {
                // The CPU's heterogeneous update, operation for operation.
                const std::size_t q = slot * n + i;
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
            // Written so that NaN counts as bad.
            bad = bad || !(fabs(v) <= limit);
        }
        if (bad) atomicMin(&first_bad_step[slot], static_cast<unsigned long long>(p.step) + 1ull);
    }
}

}  // namespace

template <class Real>
cudaError_t launchActivation(const ActivationParams& p, const Real* x, const Real* gain, Real* phi,
                             std::uint16_t* phi16, double* bin_x, double* bin_phi, cudaStream_t stream) {
    activationKernel<Real>
        <<<gridFor(p.count), kBlockSize, 0, stream>>>(p, x, gain, phi, phi16, bin_x, bin_phi);
    return cudaGetLastError();
}

template <class Real>
cudaError_t launchEulerStep(const EulerStepParams& p, const NeuronCoefficients<Real>& neuron, Real* x,
                            const Real* h, Real* eta, unsigned long long* first_bad_step,
                            cudaStream_t stream) {
    const std::size_t total =
        static_cast<std::size_t>((p.n + 3) / 4) * p.trials * static_cast<std::size_t>(p.wave);
    eulerStepKernel<Real><<<gridFor(total), kBlockSize, 0, stream>>>(p, neuron, x, h, eta, first_bad_step);
    return cudaGetLastError();
}

template cudaError_t launchActivation<float>(const ActivationParams&, const float*, const float*, float*,
                                             std::uint16_t*, double*, double*, cudaStream_t);
template cudaError_t launchActivation<double>(const ActivationParams&, const double*, const double*, double*,
                                              std::uint16_t*, double*, double*, cudaStream_t);
template cudaError_t launchEulerStep<float>(const EulerStepParams&, const NeuronCoefficients<float>&, float*,
                                            const float*, float*, unsigned long long*, cudaStream_t);
template cudaError_t launchEulerStep<double>(const EulerStepParams&, const NeuronCoefficients<double>&,
                                             double*, const double*, double*, unsigned long long*,
                                             cudaStream_t);

}  // namespace quench::kernels
