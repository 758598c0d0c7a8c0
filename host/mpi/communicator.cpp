#include "mpi/communicator.hpp"

#include <climits>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>

#include "io/realization_packing.hpp"

#ifdef QUENCH_HAVE_MPI
#include <mpi.h>
#endif

namespace quench::mpi {

namespace {

// Environment variables that MPI launchers set in the processes they start.
bool launchedByMpi() {
    for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMI_RANK", "PMIX_RANK", "MPI_LOCALNRANKS"})
        if (std::getenv(name) != nullptr) return true;
    return false;
}

#ifdef QUENCH_HAVE_MPI
void check(int status, const char* call) {
    if (status == MPI_SUCCESS) return;
    char text[MPI_MAX_ERROR_STRING] = {};
    int length = 0;
    MPI_Error_string(status, text, &length);
    throw std::runtime_error(std::string(call) + " failed: " + text);
}
#endif

}  // namespace

bool Communicator::compiledWithMpi() {
#ifdef QUENCH_HAVE_MPI
    return true;
#else
    return false;
#endif
}

Communicator::Communicator() {
#ifdef QUENCH_HAVE_MPI
    if (!launchedByMpi()) return;
    check(MPI_Init(nullptr, nullptr), "MPI_Init");
    initialized_ = true;
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    check(MPI_Comm_rank(MPI_COMM_WORLD, &rank_), "MPI_Comm_rank");
    check(MPI_Comm_size(MPI_COMM_WORLD, &size_), "MPI_Comm_size");
    MPI_Comm node = MPI_COMM_NULL;
    check(MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, rank_, MPI_INFO_NULL, &node),
          "MPI_Comm_split_type");
    check(MPI_Comm_rank(node, &local_rank_), "MPI_Comm_rank (node)");
    check(MPI_Comm_free(&node), "MPI_Comm_free");
#else
    if (launchedByMpi())
        std::fprintf(
            stderr,
            "quench: warning: started by an MPI launcher, but this build has no MPI (configure found "
            "none): every process runs the whole ensemble\n");
#endif
}

Communicator::~Communicator() {
#ifdef QUENCH_HAVE_MPI
    if (initialized_) MPI_Finalize();
#endif
}

int Communicator::agreeMax(int code) const {
#ifdef QUENCH_HAVE_MPI
    if (!initialized_) return code;
    int agreed = code;
    check(MPI_Allreduce(&code, &agreed, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD), "MPI_Allreduce");
    return agreed;
#else
    return code;
#endif
}

std::vector<RealizationResult> Communicator::gatherToRoot(const std::vector<RealizationResult>& local) const {
    if (!initialized_) return local;
#ifdef QUENCH_HAVE_MPI
    std::vector<double> packed;
    for (const RealizationResult& r : local) io::packRealization(r, packed);
    const long long mine = static_cast<long long>(packed.size());
    std::vector<long long> sizes(static_cast<std::size_t>(size_));
    check(MPI_Allgather(&mine, 1, MPI_LONG_LONG, sizes.data(), 1, MPI_LONG_LONG, MPI_COMM_WORLD),
          "MPI_Allgather");
    std::vector<int> counts(sizes.size()), offsets(sizes.size());
    long long total = 0;
    for (std::size_t p = 0; p < sizes.size(); ++p) {
        total += sizes[p];
        if (total > INT_MAX)  // every rank sees the same sizes, so all throw together
            throw std::runtime_error(
                "MPI_Gatherv: one wave's results exceed 2^31 doubles; lower output.covariances or the wave "
                "size");
        counts[p] = static_cast<int>(sizes[p]);
        offsets[p] = static_cast<int>(total - sizes[p]);
    }
    std::vector<double> all(isRoot() ? static_cast<std::size_t>(total) : 0);
    check(MPI_Gatherv(packed.data(), static_cast<int>(mine), MPI_DOUBLE, all.data(), counts.data(),
                      offsets.data(), MPI_DOUBLE, 0, MPI_COMM_WORLD),
          "MPI_Gatherv");
    std::vector<RealizationResult> gathered;
    std::size_t pos = 0;
    while (pos < all.size()) gathered.push_back(io::unpackRealization(all, pos));
    return gathered;
#else
    return local;
#endif
}

}  // namespace quench::mpi
