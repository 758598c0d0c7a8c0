#pragma once
// Timing on the device for the CUDA benchmarks: CUDA events around the work, the median of repeats.
#include <cuda_runtime_api.h>

#include <algorithm>
#include <vector>

#include "cuda/cuda_check.hpp"

namespace quench::bench {

// Milliseconds of `work` between two events, the median of `repeats`.
template <class Work>
double medianMs(cudaStream_t stream, int repeats, const Work& work) {
    cudaEvent_t begin = nullptr, end = nullptr;
    QUENCH_CUDA_CHECK(cudaEventCreate(&begin));
    QUENCH_CUDA_CHECK(cudaEventCreate(&end));
    std::vector<double> times;
    for (int i = 0; i < repeats; ++i) {
        QUENCH_CUDA_CHECK(cudaEventRecord(begin, stream));
        work();
        QUENCH_CUDA_CHECK(cudaEventRecord(end, stream));
        QUENCH_CUDA_CHECK(cudaEventSynchronize(end));
        float ms = 0.f;
        QUENCH_CUDA_CHECK(cudaEventElapsedTime(&ms, begin, end));
        times.push_back(ms);
    }
    QUENCH_CUDA_CHECK(cudaEventDestroy(begin));
    QUENCH_CUDA_CHECK(cudaEventDestroy(end));
    std::sort(times.begin(), times.end());
    return times[times.size() / 2];
}

}  // namespace quench::bench
