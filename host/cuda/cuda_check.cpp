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

void throwCusolverError(cusolverStatus_t status, const char* call, const char* file, int line) {
    // cuSOLVER has no status string of its own; these are the ones its dense routines return.
    const char* name = "unknown status";
    switch (status) {
        case CUSOLVER_STATUS_NOT_INITIALIZED:
            name = "not initialized";
            break;
        case CUSOLVER_STATUS_ALLOC_FAILED:
            name = "allocation failed";
            break;
        case CUSOLVER_STATUS_INVALID_VALUE:
            name = "invalid value";
            break;
        case CUSOLVER_STATUS_ARCH_MISMATCH:
            name = "architecture mismatch";
            break;
        case CUSOLVER_STATUS_EXECUTION_FAILED:
            name = "execution failed";
            break;
        case CUSOLVER_STATUS_INTERNAL_ERROR:
            name = "internal error";
            break;
        case CUSOLVER_STATUS_NOT_SUPPORTED:
            name = "not supported";
            break;
        default:
            break;
    }
    throw BackendError(fmt::format("cuda backend: {} failed: {} (status {}) at {}:{}", call, name,
                                   static_cast<int>(status), file, line));
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

void CudaGraphExec::launch(cudaStream_t stream) const {
    QUENCH_CUDA_CHECK(cudaGraphLaunch(exec_, stream));
}

CudaGraphExec captureGraph(cudaStream_t stream, const std::function<void()>& record) {
    QUENCH_CUDA_CHECK(cudaStreamBeginCapture(stream, cudaStreamCaptureModeThreadLocal));
    try {
        record();
    } catch (...) {
        cudaGraph_t partial = nullptr;
        if (cudaStreamEndCapture(stream, &partial) == cudaSuccess && partial != nullptr)
            cudaGraphDestroy(partial);
        throw;
    }
    cudaGraph_t graph = nullptr;
    QUENCH_CUDA_CHECK(cudaStreamEndCapture(stream, &graph));
    cudaGraphExec_t exec = nullptr;
    const cudaError_t instantiated = cudaGraphInstantiate(&exec, graph, 0);
    cudaGraphDestroy(graph);  // the executable graph keeps what it needs
    QUENCH_CUDA_CHECK(instantiated);
    return CudaGraphExec(exec);
}

CusolverHandle::CusolverHandle(cudaStream_t stream) {
    QUENCH_CUSOLVER_CHECK(cusolverDnCreate(&handle_));
    const cusolverStatus_t bound = cusolverDnSetStream(handle_, stream);
    if (bound != CUSOLVER_STATUS_SUCCESS) {
        cusolverDnDestroy(handle_);  // the constructor throws, so the destructor will not run
        QUENCH_CUSOLVER_CHECK(bound);
    }
}

CusolverHandle::~CusolverHandle() {
    if (handle_ != nullptr) cusolverDnDestroy(handle_);
}

}  // namespace quench::cuda
