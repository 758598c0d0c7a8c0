#include "noise_draw_cursor.hpp"
#include "on_chip_steps.cuh"
#include "quench/reduced_precision.hpp"
#include "quench/rng.hpp"
#include "storage_bits.cuh"

namespace quench::kernels {

namespace {

// h = row . phi over the padded width, four partial sums for instruction-level parallelism: the first
// C entries of the row from registers, the rest as float4 from shared memory (tail[q W], the row's
// quads q, conflict-free across a warp); phi is read as float4 broadcasts (every thread of the block
// reads the same address).
template <int C, int kSharedQuads, int W>
__device__ float rowDot(const float (&row)[C], const float4* __restrict__ tail,
                        const float* __restrict__ phi) {
    const float4* phi4 = reinterpret_cast<const float4*>(phi);
    float acc[4] = {0.f, 0.f, 0.f, 0.f};
#pragma unroll
    for (int q = 0; q < C / 4; ++q) {
        const float4 f = phi4[q];
        acc[0] = fmaf(row[4 * q + 0], f.x, acc[0]);
        acc[1] = fmaf(row[4 * q + 1], f.y, acc[1]);
        acc[2] = fmaf(row[4 * q + 2], f.z, acc[2]);
        acc[3] = fmaf(row[4 * q + 3], f.w, acc[3]);
    }
#pragma unroll
    for (int q = 0; q < kSharedQuads; ++q) {
        const float4 f = phi4[C / 4 + q];
        const float4 r = tail[q * W];
        acc[0] = fmaf(r.x, f.x, acc[0]);
        acc[1] = fmaf(r.y, f.y, acc[1]);
        acc[2] = fmaf(r.z, f.z, acc[2]);
        acc[3] = fmaf(r.w, f.w, acc[3]);
    }
    return (acc[0] + acc[1]) + (acc[2] + acc[3]);
}

// Steps whose noise one refill draws: enough that all W threads compute a Philox counter when one
// step needs fewer (K = 1: n / 4 counters), so that the long dependent chain of Philox and the
// normal inversion is paid once per `depth` steps instead of every step by a quarter of the block.
constexpr int kMaxNoiseDepth = 8;
__host__ __device__ inline int noiseDepth(int n, int trials) {
    const int draws = trials * ((n + 3) / 4);
    const int depth = onChipPaddedWidth(n) / draws;
    return depth < 1 ? 1 : (depth > kMaxNoiseDepth ? kMaxNoiseDepth : depth);
}

// The per-launch shape of the kernel (OnChipShape, chosen by the host): with two barriers a step
// computes phi and the noise, synchronizes, takes the products and updates, and synchronizes again
// before phi is overwritten. With one barrier, phi is double-buffered and phi of the new state is
// computed right after the update, and the noise ring has one slot more than a refill fills, so the
// refill at step s never overwrites the noise of step s - 1 that slower threads may still read.
// Row i's first C columns live in registers and the rest in shared memory (read by thread i alone,
// so it needs no barrier): fewer registers a thread, more resident blocks to hide the latencies.
template <bool kOneBarrier>
__host__ __device__ constexpr int phiBuffers() {
    return kOneBarrier ? 2 : 1;
}
__host__ __device__ inline int noiseSlots(int depth, bool one_barrier) {
    return depth + (one_barrier ? 1 : 0);
}

// Shared memory per block, in this order, trial-major with W entries per trial: the shared columns of
// J_r ((W - C) / 4 float4 per row), phi (one or two buffers), x, the noise ring (FP32), then the two
// bin integrals (FP64) when measured.
template <int W, int C, bool kOneBarrier, int kMinBlocks>
__global__ void __launch_bounds__(W, kMinBlocks)
    onChipStepsKernel(const OnChipStepParams p, const float* __restrict__ j,
                      const std::uint16_t* __restrict__ j16, float* __restrict__ x,
                      double* __restrict__ bin_x, double* __restrict__ bin_phi,
                      unsigned long long* __restrict__ first_bad_step) {
    static_assert(C % 4 == 0 && C > 0 && C <= W, "register columns: a positive multiple of 4, at most W");
    constexpr int kSharedQuads = (W - C) / 4;
    extern __shared__ __align__(16) unsigned char shared[];
    const int n = p.n;
    const int k = p.trials;
    const int i = static_cast<int>(threadIdx.x);
    const bool owns_row = i < n;
    const std::size_t slot = blockIdx.x;
    const std::size_t kw = static_cast<std::size_t>(k) * W;
    const int depth = noiseDepth(n, k);
    const int ring = noiseSlots(depth, kOneBarrier);
    float4* const row_s = reinterpret_cast<float4*>(shared);  // [quad][row]
    float* const phi_s = reinterpret_cast<float*>(row_s + kSharedQuads * W);
    float* const x_s = phi_s + phiBuffers<kOneBarrier>() * kw;
    float* const noise_s = x_s + kw;  // [slot][trial][neuron]
    double* const bx_s = reinterpret_cast<double*>(noise_s + ring * kw);
    double* const bp_s = bx_s + kw;

    // Row i of J_r, read once per launch: entry c at `first + c stride`.
    const std::size_t matrix = slot * static_cast<std::size_t>(n) * n;
    const std::size_t first = matrix + (owns_row ? static_cast<std::size_t>(i) : 0) * (p.row_major ? n : 1);
    const std::size_t stride = p.row_major ? 1 : static_cast<std::size_t>(n);
    const bool full = p.storage == CouplingStorage::Full;
    const auto entry = [&](int c) -> float {
        const std::size_t e = first + static_cast<std::size_t>(c) * stride;
        return !(owns_row && c < n) ? 0.f : (full ? j[e] : storageValue(j16[e], p.storage));
    };
    float row[C];
#pragma unroll
    for (int c = 0; c < C; ++c) row[c] = entry(c);
    for (int q = 0; q < kSharedQuads; ++q) {
        const int c = C + 4 * q;
        row_s[q * W + i] = make_float4(entry(c), entry(c + 1), entry(c + 2), entry(c + 3));
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

    // phi of the state in buffer `out` (the product's operand, rounded like J; the bins keep the
    // unrounded phi), and the state and phi into the bins.
    const auto activate = [&](float* out) {
        for (int t = 0; t < k; ++t) {
            const float v = x_s[t * W + i];
            const float f = owns_row ? p.activation.value(v) : 0.f;
            out[t * W + i] = roundToStorage(f, p.storage);
            if (p.accumulate_bins && owns_row) {
                bx_s[t * W + i] += p.dt * static_cast<double>(v);
                bp_s[t * W + i] += p.dt * static_cast<double>(f);
            }
        }
    };
    // The noise of steps s .. s + depth - 1 into the ring from `now` (step s's slot): one Philox
    // counter per (step, trial, block of 4 neurons), as on the CPU.
    const auto refill = [&](std::int64_t s, int now) {
        NoiseDrawCursor draw = first_draw;
        for (int d = i; d < depth * draws; d += W, draw.advance(W, k, blocks)) {
            const std::int64_t step = s + draw.ahead;
            if (step >= p.step_end) break;
            const Uint4 u = philoxDraw(p.seed, RngStream::Noise, realization,
                                       static_cast<std::uint64_t>(step), noiseIndexB(draw.trial, draw.block));
            const int at = now + draw.ahead < ring ? now + draw.ahead : now + draw.ahead - ring;
            float* const out = noise_s + (static_cast<std::size_t>(at) * k + draw.trial) * W + 4 * draw.block;
#pragma unroll
            for (int c = 0; c < 4; ++c) out[c] = normalFromBits(u.v[c]);
        }
    };
    // h_i = sum_j J_ij phi_j and the update of row i, for every trial.
    const auto update = [&](std::int64_t s, const float* phi, const float* noise) {
        if (!owns_row) return;
        bool bad = false;
        for (int t = 0; t < k; ++t) {
            const float h = rowDot<C, kSharedQuads, W>(row, row_s + i, phi + t * W);
            const float v = decay * x_s[t * W + i] + drive_gain * (h + input) + kick * noise[t * W + i];
            x_s[t * W + i] = v;
            // Written so that NaN counts as bad.
            bad = bad || !(fabsf(v) <= limit);
        }
        if (bad && !reported) {
            atomicMin(&first_bad_step[slot], static_cast<unsigned long long>(s) + 1ull);
            reported = true;
        }
    };

    // ahead = (s - step_begin) % depth and now = (s - step_begin) % ring, carried: a 64-bit
    // remainder per step is costly.
    int ahead = 0;
    int now = 0;
    int buffer = 0;
    if (kOneBarrier && p.step_begin < p.step_end) activate(phi_s);
    for (std::int64_t s = p.step_begin; s < p.step_end; ++s) {
        float* const phi = phi_s + buffer * kw;
        if (!kOneBarrier) activate(phi);
        if (ahead == 0) refill(s, now);
        __syncthreads();
        update(s, phi, noise_s + static_cast<std::size_t>(now) * kw);
        if (kOneBarrier) {
            buffer ^= 1;
            if (s + 1 < p.step_end) activate(phi_s + buffer * kw);
        } else {
            __syncthreads();
        }
        ahead = ahead + 1 == depth ? 0 : ahead + 1;
        now = now + 1 == ring ? 0 : now + 1;
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

template <int W, int C, bool kOneBarrier, int kMinBlocks>
cudaError_t launchShape(const OnChipStepParams& p, const float* j, const std::uint16_t* j16, float* x,
                        double* bin_x, double* bin_phi, unsigned long long* first_bad_step,
                        cudaStream_t stream) {
    const auto kernel = onChipStepsKernel<W, C, kOneBarrier, kMinBlocks>;
    const std::size_t shared = onChipSharedBytes(p.n, p.trials, p.accumulate_bins != 0, p.shape);
    const cudaError_t status =
        cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, static_cast<int>(shared));
    if (status != cudaSuccess) return status;
    kernel<<<static_cast<unsigned int>(p.wave), W, shared, stream>>>(p, j, j16, x, bin_x, bin_phi,
                                                                     first_bad_step);
    return cudaGetLastError();
}

// Blocks of W threads an SM should hold with every column in registers (168, 126 and 80 registers a
// thread at W = 128, 64, 32). Unasked, nvcc gives these kernels 196-200, 144-149 and 112-120 (it had
// given 168, 122 and 72 before the noise ring and the one-barrier variant), one block fewer at W = 128.
template <int W>
constexpr int kAllRegisterBlocks = W == kOnChipMaxN ? 3 : (W == 64 ? 8 : 24);

template <int W>
cudaError_t launchWidth(const OnChipStepParams& p, const float* j, const std::uint16_t* j16, float* x,
                        double* bin_x, double* bin_phi, unsigned long long* first_bad_step,
                        cudaStream_t stream) {
    constexpr int kBlocks = kAllRegisterBlocks<W>;
    if (!p.shape.one_barrier)
        return launchShape<W, W, false, kBlocks>(p, j, j16, x, bin_x, bin_phi, first_bad_step, stream);
    if constexpr (W == kOnChipMaxN) {
        // The most blocks whose register budget (65536 an SM) holds the columns without spilling.
        if (p.shape.register_columns == 96)
            return launchShape<W, 96, true, 4>(p, j, j16, x, bin_x, bin_phi, first_bad_step, stream);
        if (p.shape.register_columns == 64)
            return launchShape<W, 64, true, 5>(p, j, j16, x, bin_x, bin_phi, first_bad_step, stream);
    }
    return launchShape<W, W, true, kBlocks>(p, j, j16, x, bin_x, bin_phi, first_bad_step, stream);
}

}  // namespace

bool validOnChipShape(int n, OnChipShape shape) {
    const int w = onChipPaddedWidth(n);
    const int c = shape.register_columns;
    if (c == w) return true;
    return shape.one_barrier && w == kOnChipMaxN && (c == 96 || c == 64);
}

std::size_t onChipSharedBytes(int n, int trials, bool accumulate_bins, OnChipShape shape) {
    const std::size_t w = static_cast<std::size_t>(onChipPaddedWidth(n));
    const std::size_t kw = static_cast<std::size_t>(trials) * w;
    const std::size_t floats = static_cast<std::size_t>((shape.one_barrier ? 2 : 1) + 1 +
                                                        noiseSlots(noiseDepth(n, trials), shape.one_barrier));
    const std::size_t row_floats = w * (w - static_cast<std::size_t>(shape.register_columns));
    return row_floats * sizeof(float) +
           kw * (floats * sizeof(float) + (accumulate_bins ? 2 * sizeof(double) : 0));
}

cudaError_t launchOnChipSteps(const OnChipStepParams& p, const float* j, const std::uint16_t* j16, float* x,
                              double* bin_x, double* bin_phi, unsigned long long* first_bad_step,
                              cudaStream_t stream) {
    if (p.step_end <= p.step_begin || p.wave < 1) return cudaSuccess;
    if (!validOnChipShape(p.n, p.shape)) return cudaErrorInvalidValue;
    switch (onChipPaddedWidth(p.n)) {
        case 32:
            return launchWidth<32>(p, j, j16, x, bin_x, bin_phi, first_bad_step, stream);
        case 64:
            return launchWidth<64>(p, j, j16, x, bin_x, bin_phi, first_bad_step, stream);
        default:
            return launchWidth<kOnChipMaxN>(p, j, j16, x, bin_x, bin_phi, first_bad_step, stream);
    }
}

}  // namespace quench::kernels
