#include "cuda/device_spectral_kernels.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <climits>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <utility>

#include "quench/error.hpp"
#include "quench/statistics.hpp"

namespace quench::cuda {

namespace {

constexpr int kInputs = kSplitGroups + 1;  // the groups, then the pooled matrix
constexpr int kProducts = 3;
// Matrices per syevjBatched call: bounds its buffers (8 KiB a matrix at n = 32).
constexpr std::size_t kJacobiBatch = 4096;

std::size_t squared(int n) {
    return static_cast<std::size_t>(n) * static_cast<std::size_t>(n);
}

// The syevj parameters (tolerance: machine precision; at most 100 sweeps), owned.
class JacobiParameters {
public:
    JacobiParameters() { QUENCH_CUSOLVER_CHECK(cusolverDnCreateSyevjInfo(&info_)); }
    ~JacobiParameters() {
        if (info_ != nullptr) cusolverDnDestroySyevjInfo(info_);
    }
    JacobiParameters(const JacobiParameters&) = delete;
    JacobiParameters& operator=(const JacobiParameters&) = delete;
    syevjInfo_t get() const { return info_; }

private:
    syevjInfo_t info_ = nullptr;
};

}  // namespace

bool statisticsOnDevice(int n) {
    const char* value = std::getenv("QUENCH_CUDA_STATISTICS");
    const std::string_view place = value == nullptr ? std::string_view("auto") : std::string_view(value);
    if (place == "host") return false;
    if (place == "device") return true;
    if (place != "auto")
        throw ConfigError("QUENCH_CUDA_STATISTICS", std::string(place), "auto, host or device");
    return n >= kDeviceStatisticsMinN;
}

DeviceSpectralKernels::DeviceSpectralKernels(cudaStream_t stream)
    : stream_(stream), blas_(stream), solver_(stream) {}

double DeviceSpectralKernels::workspaceBytes(int n) {
    return static_cast<double>(kInputs + kProducts + 2) * static_cast<double>(squared(n)) * sizeof(double);
}

void DeviceSpectralKernels::reserveMoments(int n) {
    if (n == moments_n_) return;
    // cuBLAS counts the elements of a dot product in an int.
    if (squared(n) > static_cast<std::size_t>(INT_MAX))
        throw BackendError(fmt::format("cuda backend: the device statistics take n up to 46340, not {}", n));
    inputs_ = DeviceBuffer<double>(kInputs * squared(n));
    work_ = DeviceBuffer<double>(kProducts * squared(n));
    moments_n_ = n;
}

// The host matrices are pageable: the copy has finished reading them when the call returns.
void DeviceSpectralKernels::upload(const std::vector<double>& host, double* device) {
    QUENCH_CUDA_CHECK(
        cudaMemcpyAsync(device, host.data(), host.size() * sizeof(double), cudaMemcpyHostToDevice, stream_));
}

double DeviceSpectralKernels::dot(const double* a, const double* b, std::size_t count) {
    double result = 0.0;  // host pointer mode: the call waits for the result
    QUENCH_CUBLAS_CHECK(cublasDdot(blas_.get(), static_cast<int>(count), a, 1, b, 1, &result));
    return result;
}

// c = a b. The inputs are symmetric, so their row-major host layout is also their column-major one;
// c is the product in column-major layout. Sums of elementwise products (dot) do not depend on the
// layout as long as both operands share it.
void DeviceSpectralKernels::product(const double* a, const double* b, double* c, int n) {
    const double one = 1.0, zero = 0.0;
    QUENCH_CUBLAS_CHECK(
        cublasDgemm(blas_.get(), CUBLAS_OP_N, CUBLAS_OP_N, n, n, n, &one, a, n, b, n, &zero, c, n));
}

void DeviceSpectralKernels::transpose(const double* a, double* t, int n) {
    const double one = 1.0, zero = 0.0;
    QUENCH_CUBLAS_CHECK(
        cublasDgeam(blas_.get(), CUBLAS_OP_T, CUBLAS_OP_N, n, n, &one, a, n, &zero, a, n, t, n));
}

// The host kernels' formulas (host_spectral_kernels.cpp), with Tr(A B) = sum_ij A_ij (B^T)_ij.
SpectralMoments DeviceSpectralKernels::moments(const SplitCovariance& c) {
    const int n = c.n;
    reserveMoments(n);
    const std::size_t nn = squared(n);
    const auto input = [&](int i) { return inputs_.data() + static_cast<std::size_t>(i) * nn; };
    double* const p = work_.data();
    double* const q = p + nn;
    double* const t = q + nn;
    for (int g = 0; g < kSplitGroups; ++g) upload(c.group[g], input(g));
    upload(c.pooled, input(kSplitGroups));

    SpectralMoments m;
    const double* pooled = input(kSplitGroups);
    product(pooled, pooled, p, n);  // C^2, symmetric
    m.raw_cube = dot(p, pooled, nn);
    m.raw_fourth = dot(p, p, nn);

    product(input(0), input(1), p, n);  // P01
    product(input(2), input(3), q, n);  // P23
    m.split_cube =
        (dot(p, input(2), nn) + dot(p, input(3), nn) + dot(q, input(0), nn) + dot(q, input(1), nn)) / 4.0;
    const double p01_dot_p23 = dot(p, q, nn);
    transpose(q, t, n);
    const double tr_p01_p23 = dot(p, t, nn);
    product(input(0), input(2), p, n);  // P02
    product(input(1), input(3), q, n);  // P13
    transpose(q, t, n);
    m.split_fourth = (tr_p01_p23 + p01_dot_p23 + dot(p, t, nn)) / 3.0;
    return m;
}

std::vector<std::vector<double>> DeviceSpectralKernels::eigenvalues(
    const std::vector<const std::vector<double>*>& matrices, int n) {
    if (n <= kBatchedJacobiMaxN) return batchedJacobi(matrices, n);
    std::vector<std::vector<double>> out;
    out.reserve(matrices.size());
    for (const std::vector<double>* matrix : matrices) out.push_back(divideAndConquer(*matrix, n));
    return out;
}

// The lower triangle in column-major layout is the upper one of the row-major host matrix, the
// triangle the host's LAPACKE_dsyevd(ROW_MAJOR, 'U') reads.
std::vector<std::vector<double>> DeviceSpectralKernels::batchedJacobi(
    const std::vector<const std::vector<double>*>& matrices, int n) {
    std::vector<std::vector<double>> out;
    out.reserve(matrices.size());
    const std::size_t nn = squared(n);
    const JacobiParameters parameters;
    for (std::size_t first = 0; first < matrices.size(); first += kJacobiBatch) {
        const std::size_t count = std::min(kJacobiBatch, matrices.size() - first);
        const int batch = static_cast<int>(count);
        DeviceBuffer<double> a(count * nn), w(count * static_cast<std::size_t>(n));
        DeviceBuffer<int> info(count);
        for (std::size_t b = 0; b < count; ++b) upload(*matrices[first + b], a.data() + b * nn);
        int lwork = 0;
        QUENCH_CUSOLVER_CHECK(cusolverDnDsyevjBatched_bufferSize(solver_.get(), CUSOLVER_EIG_MODE_NOVECTOR,
                                                                 CUBLAS_FILL_MODE_LOWER, n, a.data(), n,
                                                                 w.data(), &lwork, parameters.get(), batch));
        DeviceBuffer<double> work(static_cast<std::size_t>(std::max(lwork, 1)));
        QUENCH_CUSOLVER_CHECK(cusolverDnDsyevjBatched(
            solver_.get(), CUSOLVER_EIG_MODE_NOVECTOR, CUBLAS_FILL_MODE_LOWER, n, a.data(), n, w.data(),
            work.data(), lwork, info.data(), parameters.get(), batch));
        std::vector<double> values(w.size());
        std::vector<int> status(count);
        QUENCH_CUDA_CHECK(
            cudaMemcpyAsync(values.data(), w.data(), w.bytes(), cudaMemcpyDeviceToHost, stream_));
        QUENCH_CUDA_CHECK(
            cudaMemcpyAsync(status.data(), info.data(), info.bytes(), cudaMemcpyDeviceToHost, stream_));
        QUENCH_CUDA_CHECK(cudaStreamSynchronize(stream_));
        for (std::size_t b = 0; b < count; ++b) {
            // A matrix whose sweeps did not converge is solved again on the host rather than reported
            // to a lower accuracy.
            if (status[b] != 0) {
                out.push_back(hostSpectralKernels().eigenvalues({matrices[first + b]}, n).front());
                continue;
            }
            const auto begin = values.begin() + static_cast<std::ptrdiff_t>(b * static_cast<std::size_t>(n));
            out.emplace_back(begin, begin + n);  // syevj returns them ascending
        }
    }
    return out;
}

std::vector<double> DeviceSpectralKernels::divideAndConquer(const std::vector<double>& matrix, int n) {
    DeviceBuffer<double> a(squared(n)), w(static_cast<std::size_t>(n));
    DeviceBuffer<int> info(1);
    upload(matrix, a.data());
    int lwork = 0;
    QUENCH_CUSOLVER_CHECK(cusolverDnDsyevd_bufferSize(
        solver_.get(), CUSOLVER_EIG_MODE_NOVECTOR, CUBLAS_FILL_MODE_LOWER, n, a.data(), n, w.data(), &lwork));
    DeviceBuffer<double> work(static_cast<std::size_t>(std::max(lwork, 1)));
    QUENCH_CUSOLVER_CHECK(cusolverDnDsyevd(solver_.get(), CUSOLVER_EIG_MODE_NOVECTOR, CUBLAS_FILL_MODE_LOWER,
                                           n, a.data(), n, w.data(), work.data(), lwork, info.data()));
    std::vector<double> values(static_cast<std::size_t>(n));
    int status = 0;
    QUENCH_CUDA_CHECK(cudaMemcpyAsync(values.data(), w.data(), w.bytes(), cudaMemcpyDeviceToHost, stream_));
    QUENCH_CUDA_CHECK(cudaMemcpyAsync(&status, info.data(), sizeof(int), cudaMemcpyDeviceToHost, stream_));
    QUENCH_CUDA_CHECK(cudaStreamSynchronize(stream_));
    if (status != 0)
        throw BackendError(
            fmt::format("cuda backend: cusolverDnDsyevd failed with info = {} (n = {})", status, n));
    return values;
}

}  // namespace quench::cuda
