#include "cuda/cuda_check.hpp"

#include <fmt/format.h>

namespace quench::cuda {

void throwCudaError(cudaError_t status, const char* call, const char* file, int line) {
    throw BackendError(fmt::format("cuda backend: {} failed: {} ({}) at {}:{}", call,
                                   cudaGetErrorString(status), cudaGetErrorName(status), file, line));
}

void throwCublasError(cublasStatus_t status, const char* call, const char* file, int line) {
    throw BackendError(fmt::format("cuda backend: {} failed: {} (status {}) at {}:{}", call,
                                   cublasGetStatusString(status), static_cast<int>(status), file, line));
}

CudaStream::CudaStream() {
    QUENCH_CUDA_CHECK(cudaStreamCreateWithFlags(&stream_, cudaStreamNonBlocking));
}

CudaStream::~CudaStream() {
    if (stream_ != nullptr) cudaStreamDestroy(stream_);
}

void CudaStream::synchronize() const {
    QUENCH_CUDA_CHECK(cudaStreamSynchronize(stream_));
}

CublasHandle::CublasHandle(cudaStream_t stream) {
    QUENCH_CUBLAS_CHECK(cublasCreate(&handle_));
    const cublasStatus_t bound = cublasSetStream(handle_, stream);
    if (bound != CUBLAS_STATUS_SUCCESS) {
        cublasDestroy(handle_);  // the constructor throws, so the destructor will not run
        QUENCH_CUBLAS_CHECK(bound);
    }
}

CublasHandle::~CublasHandle() {
    if (handle_ != nullptr) cublasDestroy(handle_);
}

}  // namespace quench::cuda
