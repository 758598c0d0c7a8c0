#pragma once
// Which noise draws one thread of the on-chip step kernel computes when it refills the noise of
// `depth` steps: draws d = i, i + width, i + 2 width, ... below depth * trials * blocks, where draw d is
// the Philox counter of (step offset d / (trials blocks), trial, block of 4 neurons) in that order.
// The coordinates of a thread's first draw are divided out once per launch; every later one follows by
// carrying, because integer division costs the GPU a long instruction sequence per draw. Plain C++
// (QUENCH_HD) so that the CPU tests check it against the divisions.
#include "quench/host_device.hpp"

namespace quench::kernels {

struct NoiseDrawCursor {
    int ahead = 0;  // step offset within the refill
    int trial = 0;
    int block = 0;  // block of 4 neurons

    // Draw d's coordinates.
    QUENCH_HD static NoiseDrawCursor at(int d, int trials, int blocks) {
        const int draws = trials * blocks;
        return NoiseDrawCursor{d / draws, (d % draws) / blocks, d % blocks};
    }

    // The coordinates of draw d + width, from those of draw d.
    QUENCH_HD void advance(int width, int trials, int blocks) {
        block += width;
        while (block >= blocks) {
            block -= blocks;
            if (++trial == trials) {
                trial = 0;
                ++ahead;
            }
        }
    }
};

}  // namespace quench::kernels
