#include "mpi/rank_share.hpp"

namespace quench::mpi {

namespace {

// floor(count * rank / ranks) without overflow for any realistic count (< 2^40) and ranks.
std::int64_t blockStart(std::int64_t count, int rank, int ranks) {
    const std::int64_t whole = count / ranks;
    const std::int64_t rest = count % ranks;
    return whole * rank + (rest * rank) / ranks;
}

}  // namespace

RealizationRange rankShare(RealizationRange all, int rank, int ranks) {
    const std::int64_t begin = blockStart(all.count, rank, ranks);
    const std::int64_t end = blockStart(all.count, rank + 1, ranks);
    return {all.first + begin, end - begin};
}

}  // namespace quench::mpi
