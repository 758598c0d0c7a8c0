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
// index_a = flat entry / 4, index_b = 0 (or the mode number).
#include <cmath>
#include <cstdint>

#include <Random123/philox.h>

#include "quench/host_device.hpp"

namespace quench {

enum class RngStream : std::uint32_t {
    Coupling = 1,      // iid J entries
    ModeOutput = 2,    // random-mode u_a
    ModeInput = 3,     // random-mode w_a (the part of v_a not shared with u_a)
    Noise = 4,         // white-noise increments (also drive the OU noise)
    InitialState = 5,  // x(0)
    InitialNoise = 6,  // OU noise at t = 0
};

struct Uint4 {
    std::uint32_t v[4];
};

QUENCH_HD Uint4 philoxDraw(std::uint64_t seed, RngStream stream, std::uint64_t realization,
                           std::uint64_t index_a, std::uint32_t index_b) {
    r123::Philox4x32 gen;
    const r123::Philox4x32::ctr_type ctr = {{static_cast<std::uint32_t>(index_a),
                                             static_cast<std::uint32_t>((index_a >> 32) & 0xFFFFFFu) |
                                                 (static_cast<std::uint32_t>(stream) << 24),
                                             index_b, static_cast<std::uint32_t>(realization)}};
    const r123::Philox4x32::key_type key = {
        {static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)}};
    const r123::Philox4x32::ctr_type out = gen(ctr, key);
    return Uint4{{out.v[0], out.v[1], out.v[2], out.v[3]}};
}

// Two standard normals from two 32-bit integers (Box-Muller; u1 in (0, 1] so log is finite).
template <class Real>
QUENCH_HD void boxMuller(std::uint32_t a, std::uint32_t b, Real& z0, Real& z1) {
    const Real two_pow_minus_32 = Real(2.3283064365386963e-10);
    const Real u1 = (Real(a) + Real(1)) * two_pow_minus_32;
    const Real u2 = Real(b) * two_pow_minus_32;
    const Real r = std::sqrt(Real(-2) * std::log(u1));
    const Real angle = Real(6.283185307179586477) * u2;
    z0 = r * std::cos(angle);
    z1 = r * std::sin(angle);
}

// Four standard normals for one counter.
template <class Real>
QUENCH_HD void normal4(std::uint64_t seed, RngStream stream, std::uint64_t realization, std::uint64_t index_a,
                       std::uint32_t index_b, Real out[4]) {
    const Uint4 u = philoxDraw(seed, stream, realization, index_a, index_b);
    boxMuller<Real>(u.v[0], u.v[1], out[0], out[1]);
    boxMuller<Real>(u.v[2], u.v[3], out[2], out[3]);
}

// index_b of the noise for neuron block (neuron / 4) of one trial.
QUENCH_HD std::uint32_t noiseIndexB(int trial, int neuron_block) {
    return (static_cast<std::uint32_t>(trial) << 16) | static_cast<std::uint32_t>(neuron_block);
}

inline constexpr int kMaxTrials = 1 << 16;
inline constexpr int kMaxNeurons = 4 << 16;

}  // namespace quench
