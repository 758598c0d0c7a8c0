#pragma once
// The processes that share one ensemble. Started by an MPI launcher (mpirun, srun) in a build with
// MPI, it is MPI_COMM_WORLD; otherwise it is this process alone (rank 0 of 1), without touching MPI.
// Every collective below is called by all ranks in the same order; errors are agreed on with
// agreeMax() first, so no rank is ever left waiting in a collective another rank skipped.
#include <vector>

#include "quench/realization_result.hpp"

namespace quench::mpi {

class Communicator {
public:
    Communicator();   // MPI_Init when launched by MPI; throws std::runtime_error naming the failed call
    ~Communicator();  // MPI_Finalize
    Communicator(const Communicator&) = delete;
    Communicator& operator=(const Communicator&) = delete;

    int rank() const { return rank_; }
    int size() const { return size_; }
    int localRank() const { return local_rank_; }  // among the ranks on this node (GPU choice)
    bool isRoot() const { return rank_ == 0; }

    // The largest of the codes all ranks pass (0 = fine): how ranks agree to stop together.
    int agreeMax(int code) const;
    // Rank 0 gets every rank's results concatenated in rank order; the other ranks get nothing.
    // The results travel as FP64 words, bit for bit.
    std::vector<RealizationResult> gatherToRoot(const std::vector<RealizationResult>& local) const;

    // Whether this build can use MPI at all (for `quench info`).
    static bool compiledWithMpi();

private:
    bool initialized_ = false;
    int rank_ = 0;
    int size_ = 1;
    int local_rank_ = 0;
};

}  // namespace quench::mpi
