#pragma once
// Checked CUDA, cuBLAS and cuSOLVER calls, and RAII owners for every CUDA resource the backend holds.
// A failing call throws quench::BackendError naming the call, the error and file:line.
#include <cublas_v2.h>
#include <cuda_runtime_api.h>
#include <cusolverDn.h>

#include <cstddef>
#include <functional>
#include <utility>

#include "quench/error.hpp"

namespace quench::cuda {

[[noreturn]] void throwCudaError(cudaError_t status, const char* call, const char* file, int line);
[[noreturn]] void throwCublasError(cublasStatus_t status, const char* call, const char* file, int line);
[[noreturn]] void throwCusolverError(cusolverStatus_t status, const char* call, const char* file, int line);

inline void checkCuda(cudaError_t status, const char* call, const char* file, int line) {
    if (status != cudaSuccess) throwCudaError(status, call, file, line);
}
inline void checkCublas(cublasStatus_t status, const char* call, const char* file, int line) {
    if (status != CUBLAS_STATUS_SUCCESS) throwCublasError(status, call, file, line);
}
inline void checkCusolver(cusolverStatus_t status, const char* call, const char* file, int line) {
    if (status != CUSOLVER_STATUS_SUCCESS) throwCusolverError(status, call, file, line);
}

}  // namespace quench::cuda

#define QUENCH_CUDA_CHECK(call) ::quench::cuda::checkCuda((call), #call, __FILE__, __LINE__)
#define QUENCH_CUBLAS_CHECK(call) ::quench::cuda::checkCublas((call), #call, __FILE__, __LINE__)
#define QUENCH_CUSOLVER_CHECK(call) ::quench::cuda::checkCusolver((call), #call, __FILE__, __LINE__)

namespace quench::cuda {

// count elements of T in device memory; move-only. Freed in the destructor (errors there are
// ignored: a destructor must not throw, and a failed free leaves nothing to recover).
template <class T>
class DeviceBuffer {
public:
    DeviceBuffer() = default;
    explicit DeviceBuffer(std::size_t count) : count_(count) {
        if (count > 0) QUENCH_CUDA_CHECK(cudaMalloc(reinterpret_cast<void**>(&data_), count * sizeof(T)));
    }
    ~DeviceBuffer() { release(); }
    DeviceBuffer(const DeviceBuffer&) = delete;
    DeviceBuffer& operator=(const DeviceBuffer&) = delete;
    DeviceBuffer(DeviceBuffer&& other) noexcept
        : data_(std::exchange(other.data_, nullptr)), count_(std::exchange(other.count_, 0)) {}
    DeviceBuffer& operator=(DeviceBuffer&& other) noexcept {
        if (this != &other) {
            release();
            data_ = std::exchange(other.data_, nullptr);
            count_ = std::exchange(other.count_, 0);
        }
        return *this;
    }

    T* data() { return data_; }
    const T* data() const { return data_; }
    std::size_t size() const { return count_; }
    std::size_t bytes() const { return count_ * sizeof(T); }

    // Sets every byte to zero, ordered on `stream`.
    void zero(cudaStream_t stream) {
        if (count_ > 0) QUENCH_CUDA_CHECK(cudaMemsetAsync(data_, 0, bytes(), stream));
    }

private:
    void release() noexcept {
        if (data_ != nullptr) cudaFree(data_);
        data_ = nullptr;
        count_ = 0;
    }
    T* data_ = nullptr;
    std::size_t count_ = 0;
};

// A non-blocking stream (does not synchronize with the legacy default stream).
class CudaStream {
public:
    CudaStream();
    ~CudaStream();
    CudaStream(const CudaStream&) = delete;
    CudaStream& operator=(const CudaStream&) = delete;
    cudaStream_t get() const { return stream_; }
    void synchronize() const;

private:
    cudaStream_t stream_ = nullptr;
};

// A cuBLAS handle bound to one stream.
class CublasHandle {
public:
    explicit CublasHandle(cudaStream_t stream);
    ~CublasHandle();
    CublasHandle(const CublasHandle&) = delete;
    CublasHandle& operator=(const CublasHandle&) = delete;
    cublasHandle_t get() const { return handle_; }

private:
    cublasHandle_t handle_ = nullptr;
};

// An instantiated CUDA graph; move-only, destroyed with its owner.
class CudaGraphExec {
public:
    CudaGraphExec() = default;
    explicit CudaGraphExec(cudaGraphExec_t exec) : exec_(exec) {}
    ~CudaGraphExec() {
        if (exec_ != nullptr) cudaGraphExecDestroy(exec_);
    }
    CudaGraphExec(const CudaGraphExec&) = delete;
    CudaGraphExec& operator=(const CudaGraphExec&) = delete;
    CudaGraphExec(CudaGraphExec&& other) noexcept : exec_(std::exchange(other.exec_, nullptr)) {}
    CudaGraphExec& operator=(CudaGraphExec&& other) noexcept {
        if (this != &other) {
            if (exec_ != nullptr) cudaGraphExecDestroy(exec_);
            exec_ = std::exchange(other.exec_, nullptr);
        }
        return *this;
    }
    cudaGraphExec_t get() const { return exec_; }
    explicit operator bool() const { return exec_ != nullptr; }
    void launch(cudaStream_t stream) const;

private:
    cudaGraphExec_t exec_ = nullptr;
};

// What `record` enqueues on `stream`, captured (this thread only) and instantiated. If `record`
// throws, the capture is ended and its partial graph freed before the exception goes on.
CudaGraphExec captureGraph(cudaStream_t stream, const std::function<void()>& record);

// A dense cuSOLVER handle bound to one stream.
class CusolverHandle {
public:
    explicit CusolverHandle(cudaStream_t stream);
    ~CusolverHandle();
    CusolverHandle(const CusolverHandle&) = delete;
    CusolverHandle& operator=(const CusolverHandle&) = delete;
    cusolverDnHandle_t get() const { return handle_; }

private:
    cusolverDnHandle_t handle_ = nullptr;
};

}  // namespace quench::cuda
