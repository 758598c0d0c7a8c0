#pragma once
// Many integration steps per launch for small networks: one thread block per realization, one
// thread per row i of J_r, which the thread keeps on chip for the whole launch (in registers, or
// partly in shared memory: OnChipShape); Phi, the noise and the state live in shared memory. Per
// step: phi = phi(x) and the Philox noise of the step (the counters NoiseBlock::fill uses), a
// barrier, h_i = sum_j J_ij phi_j and the update of row i, and a second barrier unless phi is
// double-buffered. FP32, white noise, n <= 128 (kOnChipMaxN).
#include <cuda_runtime_api.h>

#include <cstddef>
#include <cstdint>

#include "quench/activation.hpp"
#include "quench/ensemble_spec.hpp"

namespace quench::kernels {

inline constexpr int kOnChipMaxN = 128;

// Padded width of a block's rows (its threads): the smallest of 32, 64, 128 that holds n.
__host__ __device__ constexpr int onChipPaddedWidth(int n) {
    return n <= 32 ? 32 : (n <= 64 ? 64 : kOnChipMaxN);
}

// How the kernel divides a step (kernels/on_chip_steps.cu): one barrier a step (phi double-buffered)
// or two, and how many of row i's columns a thread keeps in registers (the rest in shared memory):
// all of the padded width, or 96 or 64 of 128 with one barrier.
struct OnChipShape {
    int one_barrier = 0;
    int register_columns = kOnChipMaxN;
};

// Whether the kernel is built for that shape at that n.
bool validOnChipShape(int n, OnChipShape shape);

struct OnChipStepParams {
    int n = 0;
    int trials = 0;
    int wave = 0;
    std::int64_t first_realization = 0;
    std::uint64_t seed = 0;  // ensemble.noiseSeed()
    std::int64_t step_begin = 0;
    std::int64_t step_end = 0;  // steps [step_begin, step_end)
    Activation activation{};
    double decay = 0.0, drive_gain = 0.0, kick = 0.0;
    double input = 0.0;
    double blow_up = 0.0;
    int accumulate_bins = 0;  // bin_x += dt x, bin_phi += dt phi each step (measured steps)
    double dt = 0.0;
    CouplingStorage storage = CouplingStorage::Full;  // j16 (16-bit) instead of j, Phi rounded alike
    int row_major = 0;                                // J_r's layout (kernels/coupling_generation.cuh)
    OnChipShape shape{};
};

// Shared memory one block needs (bytes); compare with the device's opt-in limit per block.
std::size_t onChipSharedBytes(int n, int trials, bool accumulate_bins, OnChipShape shape);

// Runs the steps for every slot of the wave (cudaErrorInvalidValue for a shape not built). j: J_r in the GEMM
// path's layout (row_major); x: the per-trial state (read at the start, written at the end); first_bad_step
// as launchEulerStep. With a 16-bit storage, j is null and j16 holds the storageBits() of J_r in the same
// layout.
cudaError_t launchOnChipSteps(const OnChipStepParams& p, const float* j, const std::uint16_t* j16, float* x,
                              double* bin_x, double* bin_phi, unsigned long long* first_bad_step,
                              cudaStream_t stream);

}  // namespace quench::kernels
