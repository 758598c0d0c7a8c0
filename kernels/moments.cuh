#pragma once
// Moment bookkeeping on measured steps: the gather of a wave's trials into split-group order (FP64)
// for the cuBLAS covariance products, with the per-group first moments summed on the way.
#include <cuda_runtime_api.h>

#include <cstddef>

namespace quench::kernels {

inline constexpr int kGroups = 4;  // quench::kSplitGroups (the header is host-only)

struct GatherParams {
    int n = 0;
    int trials = 0;
    int wave = 0;
};

// For every slot r, neuron i and trial t (layouts: slot r, element r (trials n) + t n + i):
//   dst[r, column[t], i] = src[r, t, i]                 (columns ordered by group, group g first at
//                                                         the host-computed offset of g)
//   prev_dst[r, column[t], i] = prev_src[r, t, i]        (only when prev_src is not null)
//   first[(r kGroups + group[t]) n + i] += src[r, t, i]
// column and group are device arrays of `trials` ints (one time segment's table).
template <class Source>
cudaError_t launchGatherGroups(const GatherParams& p, const int* column, const int* group, const Source* src,
                               double* dst, const double* prev_src, double* prev_dst, double* first,
                               cudaStream_t stream);

}  // namespace quench::kernels
