#pragma once
// The elementwise parts of one integration step of a wave of realizations. Order per step
// (as on the CPU): phi = phi(x) [+ bin integrals when measuring]; H = J Phi (cuBLAS, host side);
// x, eta updated with the noise of this step. The update also writes phi of the new state, so that
// a step that measures nothing runs two kernels and reads the state once (the activation kernel
// then only adds the bin integrals, from the phi it finds).
#include <cuda_runtime_api.h>

#include <cstdint>

#include "quench/activation.hpp"
#include "quench/ensemble_spec.hpp"

namespace quench::kernels {

// Value of a per-realization divergence flag while the realization is healthy.
inline constexpr unsigned long long kNoDivergence = ~0ull;

struct ActivationParams {
    Activation activation{};
    std::size_t count = 0;  // elements: wave x trials x n
    int n = 0;              // neurons, to find a per-neuron gain (when given)
    int trials = 0;
    int accumulate_bins = 0;  // add dt x and dt phi to the FP64 bin integrals (measured steps)
    double dt = 0.0;
    CouplingStorage storage = CouplingStorage::Full;  // also write phi16 when 16-bit
    int phi_current = 0;  // phi (and phi16) already hold phi(x): only the bins are added
};

// phi = phi(x), or phi(b_i x) with gain[slot n + i] = b_i when gain is given (per-neuron gains); when
// accumulate_bins, bin_x += dt x and bin_phi += dt phi (same layout, FP64); with a 16-bit storage also
// phi16 = phi rounded to that format (the GEMM's operand). With phi_current, phi is read, not computed.
template <class Real>
cudaError_t launchActivation(const ActivationParams& p, const Real* x, const Real* gain, Real* phi,
                             std::uint16_t* phi16, double* bin_x, double* bin_phi, cudaStream_t stream);

// x' = decay x + drive_gain (h + input) + kick xi                        (white noise)
// x' = decay x + drive_gain (h + input + eta); eta' = ou_decay eta + ou_kick xi   (OU noise)
// Coefficients are the CPU's stepCoefficients() in double; the kernel rounds them to Real.
struct EulerStepParams {
    int n = 0;
    int trials = 0;
    int wave = 0;
    std::int64_t first_realization = 0;
    std::uint64_t seed = 0;  // ensemble.noiseSeed()
    std::uint64_t step = 0;  // index_a of the noise
    // When set, the step is *step_base + step: a CUDA graph replays its steps with fixed parameters
    // and a device-side base that advanceStepBase() moves on.
    const std::uint64_t* step_base = nullptr;
    double decay = 0.0, drive_gain = 0.0, kick = 0.0;
    double ou_decay = 0.0, ou_kick = 0.0;
    int colored = 0;
    double input = 0.0;
    double blow_up = 0.0;
    // phi of the new state, as launchActivation computes it (also phi16 with a 16-bit storage).
    Activation activation{};
    CouplingStorage storage = CouplingStorage::Full;
};

// Per-neuron time constants: the coefficients decay, drive_gain, kick of neuron i of slot r, each an
// array indexed r n + i, replace the scalars (as the CPU's heterogeneous update):
//   x' = decay_i x + drive_i (h + input + [eta]) + kick_i xi.
template <class Real>
struct NeuronCoefficients {
    const Real* decay = nullptr;
    const Real* drive = nullptr;
    const Real* kick = nullptr;
};

// first_bad_step[slot]: atomically lowered to step + 1 (the CPU's convention) when some |x| of the
// realization exceeds blow_up or is not finite after this update. neuron.decay == nullptr: the scalar
// coefficients of p. phi (and phi16 when not null, gain as launchActivation) receive phi of the new x,
// unless phi is null.
template <class Real>
cudaError_t launchEulerStep(const EulerStepParams& p, const NeuronCoefficients<Real>& neuron, Real* x,
                            const Real* h, Real* eta, const Real* gain, Real* phi, std::uint16_t* phi16,
                            unsigned long long* first_bad_step, cudaStream_t stream);

// The device-side step base of a graph's update kernels: set it, or move it on by `by` (one thread).
cudaError_t launchSetStepBase(std::uint64_t* base, std::uint64_t value, cudaStream_t stream);
cudaError_t launchAdvanceStepBase(std::uint64_t* base, std::uint64_t by, cudaStream_t stream);

}  // namespace quench::kernels
