// Where the O(n^3) statistics run (quench/spectral_kernels.hpp): the host's BLAS/LAPACK kernels give the
// traces of powers and the spectrum of a known matrix, and the device's cuBLAS/cuSOLVER kernels give the
// host's numbers to rounding (FP64 on both sides: relative 1e-10). The device tests skip without a GPU.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "backend_fixture.hpp"
#include "quench/backend.hpp"
#include "quench/error.hpp"
#include "quench/spectral_kernels.hpp"
#include "quench/statistics.hpp"
#ifdef QUENCH_HAVE_CUDA
#include "cuda/cuda_check.hpp"
#include "cuda/device_spectral_kernels.hpp"
#endif
#include "scoped_environment.hpp"

namespace quench::testing {
namespace {

using Matrix = std::vector<double>;

// A = Q diag(d) Q^T with Q the rotation by theta in the (0, 1) plane: eigenvalues d, any order.
Matrix rotatedDiagonal(const std::vector<double>& d, double theta) {
    const int n = static_cast<int>(d.size());
    Matrix a(static_cast<std::size_t>(n) * n, 0.0);
    for (int i = 0; i < n; ++i) a[static_cast<std::size_t>(i) * n + i] = d[i];
    const double c = std::cos(theta), s = std::sin(theta);
    a[0] = c * c * d[0] + s * s * d[1];
    a[static_cast<std::size_t>(n) + 1] = s * s * d[0] + c * c * d[1];
    a[1] = a[static_cast<std::size_t>(n)] = c * s * (d[0] - d[1]);
    return a;
}

double powerSum(const std::vector<double>& d, int k) {
    double s = 0.0;
    for (const double v : d) s += std::pow(v, k);
    return s;
}

TEST(HostSpectralKernels, GiveTheTracesOfPowersAndTheSpectrumOfAKnownMatrix) {
    const std::vector<double> d = {3.0, 0.5, 1.5, 2.0};
    SplitCovariance c;
    c.n = 4;
    c.pooled = rotatedDiagonal(d, 0.7);
    for (Matrix& g : c.group) g = c.pooled;  // identical groups: split and plug-in agree
    const SpectralMoments m = hostSpectralKernels().moments(c);
    EXPECT_NEAR(m.raw_cube, powerSum(d, 3), 1e-12);
    EXPECT_NEAR(m.raw_fourth, powerSum(d, 4), 1e-12);
    EXPECT_NEAR(m.split_cube, powerSum(d, 3), 1e-12);
    EXPECT_NEAR(m.split_fourth, powerSum(d, 4), 1e-12);
    const std::vector<double> w = hostSpectralKernels().eigenvalues({&c.pooled}, 4).front();
    const std::vector<double> expected = {0.5, 1.5, 2.0, 3.0};
    ASSERT_EQ(w.size(), expected.size());
    for (std::size_t i = 0; i < w.size(); ++i) EXPECT_NEAR(w[i], expected[i], 1e-12);
}

#ifdef QUENCH_HAVE_CUDA
// Host code, runs everywhere.
TEST(StatisticsOnDevice, FromN256ByDefaultAndAsTheSwitchSays) {
    {
        const ScopedEnvironment automatic("QUENCH_CUDA_STATISTICS", "auto");
        EXPECT_FALSE(cuda::statisticsOnDevice(255));
        EXPECT_TRUE(cuda::statisticsOnDevice(256));
    }
    {
        const ScopedEnvironment host("QUENCH_CUDA_STATISTICS", "host");
        EXPECT_FALSE(cuda::statisticsOnDevice(4096));
    }
    {
        const ScopedEnvironment device("QUENCH_CUDA_STATISTICS", "device");
        EXPECT_TRUE(cuda::statisticsOnDevice(8));
    }
    const ScopedEnvironment wrong("QUENCH_CUDA_STATISTICS", "gpu");
    try {
        cuda::statisticsOnDevice(8);
        FAIL() << "an unknown place was accepted";
    } catch (const ConfigError& e) {
        EXPECT_NE(std::string(e.what()).find("QUENCH_CUDA_STATISTICS = gpu"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("auto, host or device"), std::string::npos) << e.what();
    }
}

// A sample covariance of `samples` standard normal vectors in n dimensions (symmetric, positive).
Matrix sampleCovariance(int n, int samples, std::mt19937_64& rng) {
    std::normal_distribution<double> normal;
    Matrix c(static_cast<std::size_t>(n) * n, 0.0);
    std::vector<double> v(static_cast<std::size_t>(n));
    for (int s = 0; s < samples; ++s) {
        for (double& x : v) x = normal(rng);
        for (int i = 0; i < n; ++i)
            for (int j = 0; j < n; ++j) c[static_cast<std::size_t>(i) * n + j] += v[i] * v[j] / samples;
    }
    return c;
}

SplitCovariance randomSplit(int n, std::mt19937_64& rng) {
    SplitCovariance c;
    c.n = n;
    c.pooled.assign(static_cast<std::size_t>(n) * n, 0.0);
    for (Matrix& g : c.group) {
        g = sampleCovariance(n, 2 * n, rng);
        for (std::size_t e = 0; e < g.size(); ++e) c.pooled[e] += g[e] / kSplitGroups;
    }
    return c;
}

void expectClose(double host, double device, const char* what, int n) {
    EXPECT_LE(std::fabs(host - device), 1e-10 * std::fabs(host)) << what << " at n = " << n;
}

class DeviceSpectralKernelsTest : public ::testing::Test {
protected:
    void SetUp() override { QUENCH_SKIP_UNLESS_AVAILABLE(BackendKind::Cuda); }
};

// n = 7 and 32 take the batched Jacobi solver, 33 and 300 syevd; the moments are DGEMMs at every n.
TEST_F(DeviceSpectralKernelsTest, GiveTheHostsMomentsAndEigenvaluesToRounding) {
    const cuda::CudaStream stream;
    cuda::DeviceSpectralKernels device(stream.get());
    std::mt19937_64 rng(5);
    for (const int n : {7, 32, 33, 300}) {
        std::vector<SplitCovariance> splits;
        for (int b = 0; b < (n <= cuda::kBatchedJacobiMaxN ? 9 : 2); ++b)
            splits.push_back(randomSplit(n, rng));
        std::vector<const Matrix*> pooled;
        for (const SplitCovariance& c : splits) {
            pooled.push_back(&c.pooled);
            const SpectralMoments h = hostSpectralKernels().moments(c);
            const SpectralMoments d = device.moments(c);
            expectClose(h.raw_cube, d.raw_cube, "raw Tr C^3", n);
            expectClose(h.raw_fourth, d.raw_fourth, "raw Tr C^4", n);
            expectClose(h.split_cube, d.split_cube, "split Tr C^3", n);
            expectClose(h.split_fourth, d.split_fourth, "split Tr C^4", n);
        }
        const std::vector<std::vector<double>> h = hostSpectralKernels().eigenvalues(pooled, n);
        const std::vector<std::vector<double>> d = device.eigenvalues(pooled, n);
        ASSERT_EQ(h.size(), d.size());
        for (std::size_t b = 0; b < h.size(); ++b) {
            ASSERT_EQ(d[b].size(), static_cast<std::size_t>(n));
            const double scale = std::max(std::fabs(h[b].front()), std::fabs(h[b].back()));
            for (int i = 0; i < n; ++i)
                EXPECT_NEAR(h[b][i], d[b][i], 1e-10 * scale)
                    << "eigenvalue " << i << " of matrix " << b << " at n = " << n;
        }
    }
}
#endif

}  // namespace
}  // namespace quench::testing
