// MPI ranks share the realizations of a wave in contiguous blocks, so gathering the blocks in rank
// order restores realization order; results travel between ranks as FP64 words, bit for bit.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>

#include "io/realization_packing.hpp"
#include "mpi/rank_share.hpp"

namespace quench {
namespace {

TEST(RankShare, BlocksCoverTheWaveInOrderAndDifferByAtMostOne) {
    for (const std::int64_t count : {0, 1, 2, 3, 7, 8, 64, 1001})
        for (const int ranks : {1, 2, 3, 8}) {
            std::int64_t next = 100;
            std::int64_t smallest = count, largest = 0;
            for (int rank = 0; rank < ranks; ++rank) {
                const mpi::RealizationRange share = mpi::rankShare({100, count}, rank, ranks);
                EXPECT_EQ(share.first, next) << count << " " << ranks << " " << rank;
                next += share.count;
                smallest = std::min(smallest, share.count);
                largest = std::max(largest, share.count);
            }
            EXPECT_EQ(next, 100 + count);
            EXPECT_LE(largest - smallest, 1);
        }
}

TEST(RankShare, OneRankRunsEverything) {
    const mpi::RealizationRange share = mpi::rankShare({5, 17}, 0, 1);
    EXPECT_EQ(share.first, 5);
    EXPECT_EQ(share.count, 17);
}

TEST(RealizationPacking, ARealizationSurvivesPackingBitForBit) {
    RealizationResult a;
    a.realization = 123456789012LL;
    a.coupling_effective_rank = 1.0 / 3.0;
    a.samples = -1;
    a.bins = 42;
    a.cov[0][1].stats[3] = std::numeric_limits<double>::quiet_NaN();
    a.cov[1][0].stats[0] = -0.0;
    a.cov[1][1].eigenvalues = {1.0, 2.5, 1e-300};
    a.cov[0][0].matrix = {4.0, -1.0, -1.0, 4.0};
    a.series.push_back(
        {"x.autocorrelation", "tau", {0.0, 0.5}, {1.25, std::numeric_limits<double>::quiet_NaN()}});
    std::vector<double> packed;
    io::packRealization(a, packed);
    io::packRealization(a, packed);
    std::size_t pos = 0;
    for (int copy = 0; copy < 2; ++copy) {
        const RealizationResult b = io::unpackRealization(packed, pos);
        EXPECT_EQ(b.realization, a.realization);
        EXPECT_EQ(b.samples, a.samples);
        EXPECT_EQ(b.bins, a.bins);
        for (int v = 0; v < kVariableCount; ++v)
            for (int c = 0; c < kCovarianceCount; ++c) {
                EXPECT_EQ(
                    std::memcmp(b.cov[v][c].stats.data(), a.cov[v][c].stats.data(), sizeof(StatisticValues)),
                    0);
                EXPECT_EQ(b.cov[v][c].eigenvalues, a.cov[v][c].eigenvalues);
                EXPECT_EQ(b.cov[v][c].matrix, a.cov[v][c].matrix);
            }
        ASSERT_EQ(b.series.size(), 1u);
        EXPECT_EQ(b.series[0].name, "x.autocorrelation");
        EXPECT_EQ(b.series[0].abscissa, "tau");
        EXPECT_EQ(b.series[0].at, a.series[0].at);
        EXPECT_EQ(b.series[0].values[0], 1.25);
        EXPECT_TRUE(std::isnan(b.series[0].values[1]));
    }
    EXPECT_EQ(pos, packed.size());
}

TEST(RealizationPacking, ATruncatedBufferIsAnErrorNotACrash) {
    RealizationResult a;
    a.cov[0][0].eigenvalues = {1.0, 2.0};
    std::vector<double> packed;
    io::packRealization(a, packed);
    for (std::size_t cut = 0; cut < packed.size(); ++cut) {
        const std::vector<double> part(packed.begin(), packed.begin() + static_cast<std::ptrdiff_t>(cut));
        std::size_t pos = 0;
        EXPECT_THROW(io::unpackRealization(part, pos), std::runtime_error) << cut;
    }
}

}  // namespace
}  // namespace quench
