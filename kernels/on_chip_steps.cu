#include "noise_draw_cursor.hpp"
#include "on_chip_steps.cuh"
#include "quench/reduced_precision.hpp"
#include "quench/rng.hpp"
#include "storage_bits.cuh"

namespace quench::kernels {

namespace {

// Padded width of a block's rows: the smallest of 32, 64, 128 that holds n.
__host__ __device__ constexpr int paddedWidth(int n) {
    return n <= 32 ? 32 : (n <= 64 ? 64 : kOnChipMaxN);
}

// h = row . phi over the padded width, four partial sums for instruction-level parallelism; phi is
// read as float4 broadcasts (every thread of the block reads the same address).
template <int W>
__device__ float rowDot(const float (&row)[W], const float* __restrict__ phi) {
    const float4* phi4 = reinterpret_cast<const float4*>(phi);
    float acc[4] = {0.f, 0.f, 0.f, 0.f};
#pragma unroll
    for (int q = 0; q < W / 4; ++q) {
        const float4 f = phi4[q];
        acc[0] = fmaf(row[4 * q + 0], f.x, acc[0]);
        acc[1] = fmaf(row[4 * q + 1], f.y, acc[1]);
        acc[2] = fmaf(row[4 * q + 2], f.z, acc[2]);
        acc[3] = fmaf(row[4 * q + 3], f.w, acc[3]);
    }
    return (acc[0] + acc[1]) + (acc[2] + acc[3]);
}

// Steps whose noise one refill draws: enough that all W threads compute a Philox counter when one
// step needs fewer (K = 1: n / 4 counters), so that the long dependent chain of Philox and the
// normal inversion is paid once per `depth` steps instead of every step by a quarter of the block.
constexpr int kMaxNoiseDepth = 8;
__host__ __device__ inline int noiseDepth(int n, int trials) {
    const int draws = trials * ((n + 3) / 4);
    const int depth = paddedWidth(n) / draws;
    return depth < 1 ? 1 : (depth > kMaxNoiseDepth ? kMaxNoiseDepth : depth);
}

// Shared memory per block, trial-major with W entries per trial: phi, x, the noise of `depth`
// steps (FP32), then the two bin integrals (FP64) when measured.
template <int W>
__global__ void __launch_bounds__(W)
    onChipStepsKernel(const OnChipStepParams p, const float* __restrict__ j,
                      const std::uint16_t* __restrict__ j16, float* __restrict__ x,
                      double* __restrict__ bin_x, double* __restrict__ bin_phi,
                      unsigned long long* __restrict__ first_bad_step) {
    extern __shared__ __align__(16) unsigned char shared[];
    const int n = p.n;
    const int k = p.trials;
    const int i = static_cast<int>(threadIdx.x);
    const bool owns_row = i < n;
    const std::size_t slot = blockIdx.x;
    const std::size_t kw = static_cast<std::size_t>(k) * W;
    const int depth = noiseDepth(n, k);
    float* const phi_s = reinterpret_cast<float*>(shared);
    float* const x_s = phi_s + kw;
    float* const noise_s = x_s + kw;  // [step in refill][trial][neuron]
    double* const bx_s = reinterpret_cast<double*>(noise_s + depth * kw);
    double* const bp_s = bx_s + kw;

    // Row i of J_r, read once per launch: entry c at `first + c stride`.
    float row[W];
    const std::size_t matrix = slot * static_cast<std::size_t>(n) * n;
    const std::size_t first = matrix + (owns_row ? static_cast<std::size_t>(i) : 0) * (p.row_major ? n : 1);
    const std::size_t stride = p.row_major ? 1 : static_cast<std::size_t>(n);
    const bool full = p.storage == CouplingStorage::Full;
#pragma unroll
    for (int c = 0; c < W; ++c) {
        const bool inside = owns_row && c < n;
        const std::size_t e = first + static_cast<std::size_t>(c) * stride;
        row[c] = !inside ? 0.f : (full ? j[e] : storageValue(j16[e], p.storage));
    }

    const std::size_t state = slot * static_cast<std::size_t>(k) * n;
    for (int t = 0; t < k; ++t) {
        const std::size_t e = state + static_cast<std::size_t>(t) * n + i;
        x_s[t * W + i] = owns_row ? x[e] : 0.f;
        if (p.accumulate_bins) {
            bx_s[t * W + i] = owns_row ? bin_x[e] : 0.0;
            bp_s[t * W + i] = owns_row ? bin_phi[e] : 0.0;
        }
    }

    const float decay = static_cast<float>(p.decay);
    const float drive_gain = static_cast<float>(p.drive_gain);
    const float kick = static_cast<float>(p.kick);
    const float input = static_cast<float>(p.input);
    const float limit = static_cast<float>(p.blow_up);
    const std::uint64_t realization = static_cast<std::uint64_t>(p.first_realization) + slot;
    const int blocks = (n + 3) / 4;
    const int draws = k * blocks;
    const NoiseDrawCursor first_draw = NoiseDrawCursor::at(i, k, blocks);
    bool reported = false;
    int ahead = 0;  // (s - step_begin) % depth, carried: a 64-bit remainder per step is costly

    for (std::int64_t s = p.step_begin; s < p.step_end; ++s, ahead = ahead + 1 == depth ? 0 : ahead + 1) {
        for (int t = 0; t < k; ++t) {
            const float v = x_s[t * W + i];
            const float f = owns_row ? p.activation.value(v) : 0.f;
            // The product's operand; the bins keep the unrounded phi.
            phi_s[t * W + i] = roundToStorage(f, p.storage);
            if (p.accumulate_bins && owns_row) {
                bx_s[t * W + i] += p.dt * static_cast<double>(v);
                bp_s[t * W + i] += p.dt * static_cast<double>(f);
            }
        }
        // The noise of steps s .. s + depth - 1: one Philox counter per (step, trial, block of 4
        // neurons), as on the CPU. Read by later steps only after the barriers between.
        if (ahead == 0) {
            NoiseDrawCursor draw = first_draw;
            for (int d = i; d < depth * draws; d += W, draw.advance(W, k, blocks)) {
                const std::int64_t step = s + draw.ahead;
                if (step >= p.step_end) break;
                const Uint4 u =
                    philoxDraw(p.seed, RngStream::Noise, realization, static_cast<std::uint64_t>(step),
                               noiseIndexB(draw.trial, draw.block));
                float* const out =
                    noise_s + (static_cast<std::size_t>(draw.ahead) * k + draw.trial) * W + 4 * draw.block;
#pragma unroll
                for (int c = 0; c < 4; ++c) out[c] = normalFromBits(u.v[c]);
            }
        }
        const float* const noise = noise_s + static_cast<std::size_t>(ahead) * kw;
        __syncthreads();
        if (owns_row) {
            bool bad = false;
            for (int t = 0; t < k; ++t) {
                const float h = rowDot<W>(row, phi_s + t * W);
                const float v = decay * x_s[t * W + i] + drive_gain * (h + input) + kick * noise[t * W + i];
                x_s[t * W + i] = v;
                // Written so that NaN counts as bad.
                bad = bad || !(fabsf(v) <= limit);
            }
            if (bad && !reported) {
                atomicMin(&first_bad_step[slot], static_cast<unsigned long long>(s) + 1ull);
                reported = true;
            }
        }
        __syncthreads();
    }

    if (!owns_row) return;
    for (int t = 0; t < k; ++t) {
        const std::size_t e = state + static_cast<std::size_t>(t) * n + i;
        x[e] = x_s[t * W + i];
        if (p.accumulate_bins) {
            bin_x[e] = bx_s[t * W + i];
            bin_phi[e] = bp_s[t * W + i];
        }
    }
}

template <int W>
cudaError_t launchWidth(const OnChipStepParams& p, const float* j, const std::uint16_t* j16, float* x,
                        double* bin_x, double* bin_phi, unsigned long long* first_bad_step,
                        cudaStream_t stream) {
    const std::size_t shared = onChipSharedBytes(p.n, p.trials, p.accumulate_bins != 0);
    const cudaError_t status = cudaFuncSetAttribute(
        onChipStepsKernel<W>, cudaFuncAttributeMaxDynamicSharedMemorySize, static_cast<int>(shared));
    if (status != cudaSuccess) return status;
    onChipStepsKernel<W><<<static_cast<unsigned int>(p.wave), W, shared, stream>>>(p, j, j16, x, bin_x,
                                                                                   bin_phi, first_bad_step);
    return cudaGetLastError();
}

}  // namespace

std::size_t onChipSharedBytes(int n, int trials, bool accumulate_bins) {
    const std::size_t kw = static_cast<std::size_t>(trials) * static_cast<std::size_t>(paddedWidth(n));
    const std::size_t floats = static_cast<std::size_t>(2 + noiseDepth(n, trials));
    return kw * (floats * sizeof(float) + (accumulate_bins ? 2 * sizeof(double) : 0));
}

cudaError_t launchOnChipSteps(const OnChipStepParams& p, const float* j, const std::uint16_t* j16, float* x,
                              double* bin_x, double* bin_phi, unsigned long long* first_bad_step,
                              cudaStream_t stream) {
    if (p.step_end <= p.step_begin || p.wave < 1) return cudaSuccess;
    switch (paddedWidth(p.n)) {
        case 32:
            return launchWidth<32>(p, j, j16, x, bin_x, bin_phi, first_bad_step, stream);
        case 64:
            return launchWidth<64>(p, j, j16, x, bin_x, bin_phi, first_bad_step, stream);
        default:
            return launchWidth<kOnChipMaxN>(p, j, j16, x, bin_x, bin_phi, first_bad_step, stream);
    }
}

}  // namespace quench::kernels
