// The random numbers are a pure function of (seed, stream, realization, index_a, index_b).
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <set>
#include <utility>

#include "quench/rng.hpp"

namespace quench {
namespace {

TEST(Philox, SameCounterGivesSameNumbers) {
    const Uint4 a = philoxDraw(42, RngStream::Noise, 7, 123456789012ull, 99);
    const Uint4 b = philoxDraw(42, RngStream::Noise, 7, 123456789012ull, 99);
    for (int i = 0; i < 4; ++i) EXPECT_EQ(a.v[i], b.v[i]);
}

TEST(Philox, EveryCounterFieldChangesTheNumbers) {
    const Uint4 base = philoxDraw(1, RngStream::Noise, 0, 0, 0);
    const Uint4 variants[] = {
        philoxDraw(2, RngStream::Noise, 0, 0, 0),          philoxDraw(1, RngStream::Coupling, 0, 0, 0),
        philoxDraw(1, RngStream::Noise, 1, 0, 0),          philoxDraw(1, RngStream::Noise, 0, 1, 0),
        philoxDraw(1, RngStream::Noise, 0, 1ull << 40, 0), philoxDraw(1, RngStream::Noise, 0, 0, 1),
        philoxDraw(1ull << 32, RngStream::Noise, 0, 0, 0)};
    for (const Uint4& v : variants) EXPECT_NE(v.v[0], base.v[0]);
}

TEST(Philox, MatchesTheRandom123KnownAnswer) {
    // Known-answer test of Philox4x32-10 from Random123's kat_vectors: counter and key all ones.
    r123::Philox4x32 gen;
    const r123::Philox4x32::ctr_type ctr = {{0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu}};
    const r123::Philox4x32::key_type key = {{0xffffffffu, 0xffffffffu}};
    const r123::Philox4x32::ctr_type out = gen(ctr, key);
    EXPECT_EQ(out.v[0], 0x408f276du);
    EXPECT_EQ(out.v[1], 0x41c83b0eu);
    EXPECT_EQ(out.v[2], 0xa20bc7c6u);
    EXPECT_EQ(out.v[3], 0x6d5451fdu);
}

TEST(Normals, HaveZeroMeanUnitVarianceAndGaussianKurtosis) {
    const int blocks = 200000;
    double s1 = 0, s2 = 0, s4 = 0;
    for (int b = 0; b < blocks; ++b) {
        double z[4];
        normal4<double>(3, RngStream::Noise, 0, static_cast<std::uint64_t>(b), 5, z);
        for (const double v : z) {
            s1 += v;
            s2 += v * v;
            s4 += v * v * v * v;
        }
    }
    const double count = 4.0 * blocks;
    // Standard errors: mean 1/sqrt(n), variance sqrt(2/n), fourth moment sqrt(96/n).
    EXPECT_NEAR(s1 / count, 0.0, 5.0 / std::sqrt(count));
    EXPECT_NEAR(s2 / count, 1.0, 5.0 * std::sqrt(2.0 / count));
    EXPECT_NEAR(s4 / count, 3.0, 5.0 * std::sqrt(96.0 / count));
}

TEST(Normals, InversionMatchesTheExactGaussianQuantile) {
    // z(a) must equal Phi^-1(u) with u = (a + 1/2) / 2^32; Phi^-1 by Newton on erfc in double.
    for (const std::uint32_t a : {0u, 1u, 1000u, 0x10000000u, 0x7fffffffu, 0x80000000u, 0xc0000000u,
                                  0xffff0000u, 0xfffffff0u, 0xffffffffu}) {
        const double u = (a + 0.5) / 4294967296.0;
        double z = 0.0;
        for (int it = 0; it < 100; ++it) {
            const double cdf = 0.5 * std::erfc(-z / std::sqrt(2.0));
            z -= (cdf - u) / (std::exp(-z * z / 2) / std::sqrt(2 * M_PI));
        }
        // Giles' polynomial is fitted for |x| < 1 - 6e-8 (|z| < 5.4); the last 2e-8 of each tail, which
        // exact integer arithmetic also reaches, is extrapolated and good to 4e-4.
        const double tolerance = std::fabs(z) < 5.4 ? 2e-6 : 4e-4;
        EXPECT_NEAR(normalFromBits(a), z, tolerance * (1.0 + std::fabs(z))) << "a = " << a;
    }
}

TEST(Normals, LogMatchesTheLibraryLog) {
    for (float x = 1e-9f; x < 1.0f; x *= 1.37f)
        EXPECT_NEAR(logPositive(x), std::log(x), 2e-7 * (1 + std::fabs(std::log(x))));
}

// The stream is part of the contract: the same bits from every build (portable, -march=native,
// -O0) and on the GPU. The first four integers are ones whose normal a compiler's own choice of
// multiply-add contraction once moved by a float ulp.
TEST(Normals, AreTheSameBitsInEveryBuild) {
    const std::pair<std::uint32_t, std::uint32_t> expected[] = {
        {0x002a1fcau, 0xc04e073bu}, {0x00bbd087u, 0xc030d0eau}, {0x012147ffu, 0xc02797c2u},
        {0x015cf9bcu, 0xc023746fu}, {0x00000000u, 0xc0cabcb0u}, {0x7fffffffu, 0x80000000u},
        {0x9e3779b9u, 0x3e99c3b9u}, {0xffffffffu, 0x40cabcb0u}};
    for (const auto& [a, bits] : expected) {
        const float z = normalFromBits(a);
        std::uint32_t got = 0;
        std::memcpy(&got, &z, sizeof got);
        EXPECT_EQ(got, bits) << "a = " << a << ", z = " << z;
    }
}

TEST(Normals, AreFiniteAndSymmetricAtTheExtremes) {
    EXPECT_TRUE(std::isfinite(normalFromBits(0u)));
    EXPECT_FLOAT_EQ(normalFromBits(0u), -normalFromBits(0xffffffffu));
    EXPECT_GT(normalFromBits(0xffffffffu), 6.0f);
}

}  // namespace
}  // namespace quench

#include "cpu/noise_block.hpp"

namespace quench {
namespace {

// The integers are identical; the float arithmetic of the inversion may be contracted to FMAs
// differently in the vectorized library code, so values agree to float rounding.
TEST(NoiseBlock, EqualsTheScalarStreamElementForElement) {
    const int n = 13, trials = 3;  // n not a multiple of 4: the last block is partial
    cpu::NoiseBlock block(n, trials);
    std::vector<float> out(n * trials);
    block.fill<float>(0x123456789abcull, RngStream::Noise, 17, (1ull << 33) + 5, out.data());
    for (int t = 0; t < trials; ++t)
        for (int i = 0; i < n; ++i) {
            float z[4];
            normal4<float>(0x123456789abcull, RngStream::Noise, 17, (1ull << 33) + 5, noiseIndexB(t, i / 4),
                           z);
            EXPECT_NEAR(out[i * trials + t], z[i % 4], 1e-6f * (1.0f + std::fabs(z[i % 4])))
                << "neuron " << i << " trial " << t;
        }
}

}  // namespace
}  // namespace quench
