// The random numbers are a pure function of (seed, stream, realization, index_a, index_b).
#include <gtest/gtest.h>

#include <cmath>
#include <set>

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
    const Uint4 variants[] = {philoxDraw(2, RngStream::Noise, 0, 0, 0), philoxDraw(1, RngStream::Coupling, 0, 0, 0),
                              philoxDraw(1, RngStream::Noise, 1, 0, 0), philoxDraw(1, RngStream::Noise, 0, 1, 0),
                              philoxDraw(1, RngStream::Noise, 0, 1ull << 40, 0),
                              philoxDraw(1, RngStream::Noise, 0, 0, 1), philoxDraw(1ull << 32, RngStream::Noise, 0, 0, 0)};
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

TEST(Normals, FloatAndDoubleAgreeToFloatRounding) {
    for (std::uint64_t a = 0; a < 1000; ++a) {
        double zd[4];
        float zf[4];
        normal4<double>(9, RngStream::Noise, 2, a, 3, zd);
        normal4<float>(9, RngStream::Noise, 2, a, 3, zf);
        for (int i = 0; i < 4; ++i) EXPECT_NEAR(zf[i], zd[i], 1e-5 * (1.0 + std::fabs(zd[i])));
    }
}

TEST(Normals, AreFiniteForExtremeIntegers) {
    double z0, z1;
    boxMuller<double>(0u, 0u, z0, z1);
    EXPECT_TRUE(std::isfinite(z0) && std::isfinite(z1));
    boxMuller<double>(0xffffffffu, 0xffffffffu, z0, z1);
    EXPECT_TRUE(std::isfinite(z0) && std::isfinite(z1));
    EXPECT_NEAR(z0, 0.0, 1e-4);  // u1 = 1 gives radius 0
}

}  // namespace
}  // namespace quench
