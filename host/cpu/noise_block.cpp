#include "cpu/noise_block.hpp"

namespace quench::cpu {

namespace {

// Philox4x32-10 exactly as Random123 defines it, over arrays of counters that differ only in c2,
// written as plain loops the compiler vectorizes (32x32 -> 64-bit multiplies are native in AVX2).
void philoxBlocks(std::uint32_t c0, std::uint32_t c1, std::uint32_t c2_base, std::uint32_t c3,
                  std::uint32_t k0, std::uint32_t k1, int count, std::uint32_t* __restrict o0,
                  std::uint32_t* __restrict o1, std::uint32_t* __restrict o2, std::uint32_t* __restrict o3) {
    for (int b = 0; b < count; ++b) {
        std::uint32_t x0 = c0, x1 = c1, x2 = c2_base | static_cast<std::uint32_t>(b), x3 = c3;
        std::uint32_t ka = k0, kb = k1;
        for (int round = 0; round < 10; ++round) {
            const std::uint64_t p0 = static_cast<std::uint64_t>(0xD2511F53u) * x0;
            const std::uint64_t p1 = static_cast<std::uint64_t>(0xCD9E8D57u) * x2;
            const std::uint32_t y0 = static_cast<std::uint32_t>(p1 >> 32) ^ x1 ^ ka;
            const std::uint32_t y2 = static_cast<std::uint32_t>(p0 >> 32) ^ x3 ^ kb;
            x0 = y0;
            x1 = static_cast<std::uint32_t>(p1);
            x2 = y2;
            x3 = static_cast<std::uint32_t>(p0);
            ka += 0x9E3779B9u;
            kb += 0xBB67AE85u;
        }
        o0[b] = x0;
        o1[b] = x1;
        o2[b] = x2;
        o3[b] = x3;
    }
}

void normalsFromBits(const std::uint32_t* __restrict bits, float* __restrict out, int count) {
    for (int i = 0; i < count; ++i) out[i] = normalFromBits(bits[i]);
}

}  // namespace

NoiseBlock::NoiseBlock(int n, int trials)
    : n_(n),
      trials_(trials),
      blocks_((n + 3) / 4),
      bits_(4 * static_cast<std::size_t>(blocks_)),
      normals_(4 * static_cast<std::size_t>(blocks_)) {}

template <class Real>
void NoiseBlock::fill(std::uint64_t seed, RngStream stream, std::int64_t realization, std::uint64_t index_a,
                      Real* out) {
    const std::uint32_t c0 = static_cast<std::uint32_t>(index_a);
    const std::uint32_t c1 =
        static_cast<std::uint32_t>((index_a >> 32) & 0xFFFFFFu) | (static_cast<std::uint32_t>(stream) << 24);
    const std::uint32_t c3 = static_cast<std::uint32_t>(realization);
    const std::uint32_t k0 = static_cast<std::uint32_t>(seed);
    const std::uint32_t k1 = static_cast<std::uint32_t>(seed >> 32);
    const std::size_t b = static_cast<std::size_t>(blocks_);
    for (int t = 0; t < trials_; ++t) {
        philoxBlocks(c0, c1, noiseIndexB(t, 0), c3, k0, k1, blocks_, &bits_[0], &bits_[b], &bits_[2 * b],
                     &bits_[3 * b]);
        normalsFromBits(bits_.data(), normals_.data(), 4 * blocks_);
        for (int i = 0; i < n_; ++i)
            out[static_cast<std::size_t>(i) * trials_ + t] = static_cast<Real>(normals_[(i % 4) * b + i / 4]);
    }
}

template void NoiseBlock::fill<float>(std::uint64_t, RngStream, std::int64_t, std::uint64_t, float*);
template void NoiseBlock::fill<double>(std::uint64_t, RngStream, std::int64_t, std::uint64_t, double*);

}  // namespace quench::cpu
