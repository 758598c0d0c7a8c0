#pragma once
// The reproducibility contract: every random number is a pure function of
// (seed, stream, realization, index_a, index_b) through Philox4x32-10. Nothing depends on batch
// size, thread count, rank or wave, so any subset of realizations can be recomputed alone and
// CPU and CUDA draw the same integers.
//
// Counter layout (128 bits):  c0 = index_a low 32 bits, c1 = index_a bits 32..55 | stream << 24,
//                             c2 = index_b, c3 = realization (low 32 bits)
// Key (64 bits):              the seed.
// The noise uses index_a = step, index_b = trial << 16 | neuron / 4; the couplings use
// index_a = flat entry / 4, index_b = 0 (or the mode number); the per-mode overlaps use
// index_a = mode / 4, index_b = 0, one uniform per integer; the redrawn couplings of annealed disorder
// use index_a = flat entry / 4, index_b = epoch (>= 1; epoch 0 is the quenched J from Coupling); the
// per-neuron gains and time constants use index_a = neuron / 4, index_b = 0, one integer per neuron.
#include <cmath>
#include <cstdint>
#include <cstring>

#include <Random123/philox.h>

#include "quench/host_device.hpp"

namespace quench {

enum class RngStream : std::uint32_t {
    Coupling = 1,             // iid J entries
    ModeOutput = 2,           // random-mode u_a
    ModeInput = 3,            // random-mode w_a (the part of v_a not shared with u_a)
    Noise = 4,                // white-noise increments (also drive the OU noise)
    InitialState = 5,         // x(0)
    InitialNoise = 6,         // OU noise at t = 0
    ModeOverlap = 7,          // random-mode per-mode overlaps rho_a (coupling.overlap_spread > 0 only)
    AnnealedCoupling = 8,     // iid J entries of the epochs >= 1 of annealed disorder (index_b = epoch)
    NeuronGain = 9,           // per-neuron gains b_i (network.gain_distribution != "none" only)
    NeuronTimeConstant = 10,  // per-neuron time constants tau_i (network.tau_distribution != "none" only)
    TheorySampling = 11,      // the sampled DMFT's single sites (theory/sampled_dmft.hpp), never a network
    TheoryOneLoop = 12,       // the one-loop 1/N terms' sample paths (host/theory/one_loop_site.hpp)
};

// A uniform number in (0, 1) from one 32-bit integer: (a + 1/2) / 2^32.
QUENCH_HD double uniformFromBits(std::uint32_t a) {
    return (static_cast<double>(a) + 0.5) * 2.3283064365386963e-10;
}

struct Uint4 {
    std::uint32_t v[4];
};

QUENCH_HD Uint4 philoxDraw(std::uint64_t seed, RngStream stream, std::uint64_t realization,
                           std::uint64_t index_a, std::uint32_t index_b) {
    r123::Philox4x32 gen;
    const r123::Philox4x32::ctr_type ctr = {
        {static_cast<std::uint32_t>(index_a),
         static_cast<std::uint32_t>((index_a >> 32) & 0xFFFFFFu) | (static_cast<std::uint32_t>(stream) << 24),
         index_b, static_cast<std::uint32_t>(realization)}};
    const r123::Philox4x32::key_type key = {
        {static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)}};
    const r123::Philox4x32::ctr_type out = gen(ctr, key);
    return Uint4{{out.v[0], out.v[1], out.v[2], out.v[3]}};
}

// a * b + c rounded once, on every backend. The normal numbers below spell out each fused
// multiply-add, because a compiler that contracts a * b + c on its own (nvcc always, GCC only when
// the target has FMA) would otherwise make the stream depend on the build: a portable x86-64 build
// drew normals one float ulp away from the GPU's, which FP64 runs then show at 1e-8.
QUENCH_HD float fusedMultiplyAdd(float a, float b, float c) {
#ifdef __CUDA_ARCH__
    return __fmaf_rn(a, b, c);
#else
    return std::fma(a, b, c);
#endif
}

// log(x) for x > 0 normal float (Cephes logf): written with plain arithmetic so that the CPU
// compiler vectorizes it and the GPU computes the same value. No product feeds a sum except
// through fusedMultiplyAdd.
QUENCH_HD float logPositive(float x) {
    std::uint32_t bits;
    std::memcpy(&bits, &x, sizeof bits);
    float e = static_cast<float>(static_cast<int>((bits >> 23) & 0xffu) - 126);
    bits = (bits & 0x807fffffu) | 0x3f000000u;  // mantissa in [0.5, 1)
    float m;
    std::memcpy(&m, &bits, sizeof m);
    // Arithmetic instead of a branch, so that loops over it vectorize.
    const float small = m < 0.707106781186547524f ? 1.0f : 0.0f;
    m = fusedMultiplyAdd(small, m, m);
    e -= small;
    const float t = m - 1.0f;
    const float z = t * t;
    float p = 7.0376836292e-2f;
    p = fusedMultiplyAdd(p, t, -1.1514610310e-1f);
    p = fusedMultiplyAdd(p, t, 1.1676998740e-1f);
    p = fusedMultiplyAdd(p, t, -1.2420140846e-1f);
    p = fusedMultiplyAdd(p, t, 1.4249322787e-1f);
    p = fusedMultiplyAdd(p, t, -1.6668057665e-1f);
    p = fusedMultiplyAdd(p, t, 2.0000714765e-1f);
    p = fusedMultiplyAdd(p, t, -2.4999993993e-1f);
    p = fusedMultiplyAdd(p, t, 3.3333331174e-1f);
    float y = t * z * p;
    y = fusedMultiplyAdd(-2.12194440e-4f, e, y);
    y = fusedMultiplyAdd(-0.5f, z, y);
    return fusedMultiplyAdd(0.693359375f, e, t + y);
}

// One standard normal from one 32-bit integer by inversion, z = sqrt(2) erfinv(2u - 1) with
// u = (a + 1/2) / 2^32 (Giles' single-precision erfinv: relative error < 2e-6 for |z| < 5.4, and
// < 4e-4 in the outermost 2e-8 of each tail). The distance of u from the nearer end is formed
// exactly in the integer domain, so the tails reach |z| = 6.3 without cancellation. One integer per normal
// keeps the stream layout simple on every backend.
QUENCH_HD float normalFromBits(std::uint32_t a) {
    const bool upper = a >= 0x80000000u;
    const std::uint32_t from_end = upper ? 0xffffffffu - a : a;
    // from_end < 2^31: a signed conversion, which vectorizes (an unsigned one branches).
    const float t =
        (static_cast<float>(static_cast<std::int32_t>(from_end)) + 0.5f) * 2.3283064365386963e-10f;
    const float w = -logPositive(4.0f * t * (1.0f - t));  // -log(1 - x^2)
    // Both branches of Giles' approximation are evaluated and one is selected, so that a loop over
    // many integers has no control flow and vectorizes.
    const float v = w - 2.5f;
    float central = 2.81022636e-08f;
    central = fusedMultiplyAdd(central, v, 3.43273939e-07f);
    central = fusedMultiplyAdd(central, v, -3.5233877e-06f);
    central = fusedMultiplyAdd(central, v, -4.39150654e-06f);
    central = fusedMultiplyAdd(central, v, 0.00021858087f);
    central = fusedMultiplyAdd(central, v, -0.00125372503f);
    central = fusedMultiplyAdd(central, v, -0.00417768164f);
    central = fusedMultiplyAdd(central, v, 0.246640727f);
    central = fusedMultiplyAdd(central, v, 1.50140941f);
    const float s = std::sqrt(w) - 3.0f;
    float tail = -0.000200214257f;
    tail = fusedMultiplyAdd(tail, s, 0.000100950558f);
    tail = fusedMultiplyAdd(tail, s, 0.00134934322f);
    tail = fusedMultiplyAdd(tail, s, -0.00367342844f);
    tail = fusedMultiplyAdd(tail, s, 0.00573950773f);
    tail = fusedMultiplyAdd(tail, s, -0.0076224613f);
    tail = fusedMultiplyAdd(tail, s, 0.00943887047f);
    tail = fusedMultiplyAdd(tail, s, 1.00167406f);
    tail = fusedMultiplyAdd(tail, s, 2.83297682f);
    const float p = w < 5.0f ? central : tail;
    const float x = fusedMultiplyAdd(-2.0f, t, 1.0f);  // |2u - 1|
    const float z = 1.41421356237309505f * p * x;
    return upper ? z : -z;
}

// Four standard normals for one counter.
template <class Real>
QUENCH_HD void normal4(std::uint64_t seed, RngStream stream, std::uint64_t realization, std::uint64_t index_a,
                       std::uint32_t index_b, Real out[4]) {
    const Uint4 u = philoxDraw(seed, stream, realization, index_a, index_b);
    for (int i = 0; i < 4; ++i) out[i] = static_cast<Real>(normalFromBits(u.v[i]));
}

// index_b of the noise for neuron block (neuron / 4) of one trial.
QUENCH_HD std::uint32_t noiseIndexB(int trial, int neuron_block) {
    return (static_cast<std::uint32_t>(trial) << 16) | static_cast<std::uint32_t>(neuron_block);
}

inline constexpr int kMaxTrials = 1 << 16;
inline constexpr int kMaxNeurons = 4 << 16;

}  // namespace quench
