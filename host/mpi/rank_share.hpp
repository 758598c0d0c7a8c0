#pragma once
// Which realizations each MPI rank integrates: a contiguous block of every wave, the same for any
// launcher, so concatenating the blocks in rank order gives the realizations in order.
#include <cstdint>

namespace quench::mpi {

struct RealizationRange {
    std::int64_t first = 0;  // absolute realization index
    std::int64_t count = 0;
};

// Rank `rank` of `ranks` gets [first + floor(rank * count / ranks), first + floor((rank + 1) * count /
// ranks)): the blocks differ in size by at most one and are empty only when count < ranks.
RealizationRange rankShare(RealizationRange all, int rank, int ranks);

}  // namespace quench::mpi
