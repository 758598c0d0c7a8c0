#pragma once
// The O(n^3) part of the statistics on the device: the split and plug-in products behind Tr C^3 and
// Tr C^4 by cuBLAS DGEMM, and the eigenvalues by cuSOLVER (batched Jacobi, syevjBatched, up to n = 32;
// divide and conquer, syevd, above). FP64 throughout, so the values are the host's to rounding. The
// matrices come from the host (the finished SplitCovariance) and the scalars go back: for n = 4096 the
// round trip is 5 x 128 MiB against about 0.8 TFLOP of products per covariance.
#include <cstddef>
#include <string>
#include <vector>

#include "cuda/cuda_check.hpp"
#include "quench/spectral_kernels.hpp"

namespace quench::cuda {

// Largest n that syevjBatched takes.
inline constexpr int kBatchedJacobiMaxN = 32;

// Where the CUDA backend finishes the O(n^3) statistics: QUENCH_CUDA_STATISTICS = auto | host | device
// (anything else is a ConfigError). auto puts them on the device from n = kDeviceStatisticsMinN, where a
// host dgemm of n^3 takes milliseconds; the crossover is an estimate, not yet measured.
inline constexpr int kDeviceStatisticsMinN = 256;
bool statisticsOnDevice(int n);

class DeviceSpectralKernels final : public SpectralKernels {
public:
    explicit DeviceSpectralKernels(cudaStream_t stream);
    SpectralMoments moments(const SplitCovariance& c) override;
    std::vector<std::vector<double>> eigenvalues(const std::vector<const std::vector<double>*>& matrices,
                                                 int n) override;

    // Device bytes it holds for n x n covariances at most: five inputs and three products for the
    // moments, a copy and a workspace (bounded by n^2 here) for syevd.
    static double workspaceBytes(int n);

private:
    void reserveMoments(int n);
    std::vector<std::vector<double>> batchedJacobi(const std::vector<const std::vector<double>*>& matrices,
                                                   int n);
    std::vector<double> divideAndConquer(const std::vector<double>& matrix, int n);
    double dot(const double* a, const double* b, std::size_t count);
    void product(const double* a, const double* b, double* c, int n);
    void transpose(const double* a, double* t, int n);
    void upload(const std::vector<double>& host, double* device);

    cudaStream_t stream_;
    CublasHandle blas_;
    CusolverHandle solver_;
    int moments_n_ = 0;
    DeviceBuffer<double> inputs_;  // the four groups and the pooled matrix
    DeviceBuffer<double> work_;    // three products
};

}  // namespace quench::cuda
