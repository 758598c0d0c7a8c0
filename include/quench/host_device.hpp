#pragma once
// Functions marked QUENCH_HD compile for host and device: the CPU and CUDA backends share one
// definition of the activations and of the random numbers, so both draw and compute the same values.
#if defined(__CUDACC__)
#define QUENCH_HD __host__ __device__ inline
#else
#define QUENCH_HD inline
#endif
