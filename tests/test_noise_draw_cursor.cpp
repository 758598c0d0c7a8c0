// The on-chip step kernel walks its share of a noise refill by carrying coordinates instead of
// dividing (kernels/noise_draw_cursor.hpp): every thread must visit exactly the draws, in the order and
// with the coordinates, that the divisions give.
#include <gtest/gtest.h>

#include "noise_draw_cursor.hpp"

namespace quench::kernels {
namespace {

TEST(NoiseDrawCursor, CarryingGivesTheCoordinatesOfEveryDrawOfEveryThread) {
    // (neurons, trials, threads per block, steps per refill) as the kernel combines them: padded widths
    // 32, 64, 128; blocks of 4 neurons that do or do not divide the width; one or many trials.
    const int cases[][4] = {{128, 1, 128, 4}, {128, 32, 128, 1}, {100, 1, 128, 5}, {100, 3, 128, 1},
                            {24, 4, 32, 1},   {7, 1, 32, 8},     {64, 5, 64, 1},   {33, 2, 64, 3}};
    for (const auto& c : cases) {
        const int n = c[0], trials = c[1], width = c[2], depth = c[3];
        const int blocks = (n + 3) / 4;
        const int draws = trials * blocks;
        for (int i = 0; i < width; ++i) {
            NoiseDrawCursor cursor = NoiseDrawCursor::at(i, trials, blocks);
            for (int d = i; d < depth * draws; d += width, cursor.advance(width, trials, blocks)) {
                EXPECT_EQ(cursor.ahead, d / draws) << "n " << n << " k " << trials << " d " << d;
                EXPECT_EQ(cursor.trial, (d % draws) / blocks) << "n " << n << " k " << trials << " d " << d;
                EXPECT_EQ(cursor.block, d % blocks) << "n " << n << " k " << trials << " d " << d;
            }
        }
    }
}

}  // namespace
}  // namespace quench::kernels
