// The coupling product H_r = J_r Phi_r of one step for a whole wave, timed in the four ways one
// strided-batched cuBLAS GEMM can compute it. Which is fastest depends on N, K and the operand type
// and cannot be derived; StepEngine's layout choice (rowMajorCouplings) cites these measurements.
//   column_n  H (n x k) = J Phi, J column-major (CUBLAS_OP_N)
//   row_t     H (n x k) = J Phi, J row-major (CUBLAS_OP_T on the stored J)
//   state_t   H^T (k x n) = Phi^T J^T, J row-major, Phi neuron-major (CUBLAS_OP_T on Phi): the result
//             trial-major, as torch.bmm on an R x N x K state lays it out
//   torch     H^T (k x n) = Phi^T J^T with Phi also trial-major (both CUBLAS_OP_N): torch.bmm's call
// Operands hold a constant small value (the time of a GEMM does not depend on the values).
#include <cublas_v2.h>
#include <cuda_runtime_api.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "bench_cases.hpp"
#include "cuda/cuda_check.hpp"
#include "cuda/device_info.hpp"
#include "cuda_timing.hpp"
#include "quench/error.hpp"

namespace {

using quench::cuda::DeviceBuffer;

// The second operand is always applied as stored (CUBLAS_OP_N).
struct Form {
    const char* name;
    bool trial_major_result;     // H^T (k x n) instead of H (n x k)
    cublasOperation_t op_first;  // on J (first operand of H = J Phi) or on Phi (of H^T = Phi^T J^T)
};

constexpr Form kForms[] = {{"column_n", false, CUBLAS_OP_N},
                           {"row_t", false, CUBLAS_OP_T},
                           {"state_t", true, CUBLAS_OP_T},
                           {"torch", true, CUBLAS_OP_N}};

// Milliseconds per product: the median over 5 repeats of `calls` back-to-back products.
template <class Work>
double msPerCall(cudaStream_t stream, int calls, const Work& work) {
    const auto batch = [&] {
        for (int c = 0; c < calls; ++c) work();
    };
    return quench::bench::medianMs(stream, 5, batch) / calls;
}

nlohmann::json timeCase(int n, int r, int k, bool bf16, cudaStream_t stream, cublasHandle_t blas) {
    const std::size_t nn = static_cast<std::size_t>(n) * n;
    const std::size_t nk = static_cast<std::size_t>(n) * k;
    const std::size_t operand_bytes = bf16 ? 2 : 4;
    DeviceBuffer<unsigned char> j(nn * r * operand_bytes), phi(nk * r * operand_bytes);
    DeviceBuffer<float> h(nk * r);
    // 0x3c bytes: 0.0115 in FP32, 0.0115 in bf16.
    QUENCH_CUDA_CHECK(cudaMemsetAsync(j.data(), 0x3c, j.bytes(), stream));
    QUENCH_CUDA_CHECK(cudaMemsetAsync(phi.data(), 0x3c, phi.bytes(), stream));
    const cudaDataType_t operand = bf16 ? CUDA_R_16BF : CUDA_R_32F;
    const float one = 1.f, zero = 0.f;
    nlohmann::json row = {{"n", n}, {"r", r}, {"k", k}, {"operands", bf16 ? "bf16" : "fp32"}};
    for (const Form& f : kForms) {
        const auto product = [&] {
            if (!f.trial_major_result) {
                QUENCH_CUBLAS_CHECK(cublasGemmStridedBatchedEx(
                    blas, f.op_first, CUBLAS_OP_N, n, k, n, &one, j.data(), operand, n,
                    static_cast<long long>(nn), phi.data(), operand, n, static_cast<long long>(nk), &zero,
                    h.data(), CUDA_R_32F, n, static_cast<long long>(nk), r, CUBLAS_COMPUTE_32F,
                    CUBLAS_GEMM_DEFAULT));
            } else {
                const int ld_phi = f.op_first == CUBLAS_OP_T ? n : k;
                QUENCH_CUBLAS_CHECK(cublasGemmStridedBatchedEx(
                    blas, f.op_first, CUBLAS_OP_N, k, n, n, &one, phi.data(), operand, ld_phi,
                    static_cast<long long>(nk), j.data(), operand, n, static_cast<long long>(nn), &zero,
                    h.data(), CUDA_R_32F, k, static_cast<long long>(nk), r, CUBLAS_COMPUTE_32F,
                    CUBLAS_GEMM_DEFAULT));
            }
        };
        product();  // heuristics, module load
        const double probe = msPerCall(stream, 1, product);
        const int calls = std::clamp(static_cast<int>(20.0 / std::max(probe, 1e-3)), 3, 200);
        row[f.name] = msPerCall(stream, calls, product) * 1e3;  // microseconds
    }
    return row;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{
        "Time the four cuBLAS formulations of one step's coupling product (microseconds per product)"};
    std::string cases_text = "1024:1024:32,2048:256:32,4096:64:32";
    bool bf16 = false;
    app.add_option("--cases", cases_text, "N:R:K list, comma-separated");
    app.add_flag("--bf16", bf16, "bf16 operands (FP32 accumulation and result), as coupling.storage = bf16");
    CLI11_PARSE(app, argc, argv);
    try {
        const std::vector<quench::bench::Case> cases = quench::bench::parseCases(cases_text);
        std::string why;
        if (!quench::cuda::cudaDeviceAvailable(&why)) {
            std::cerr << "quench_bench_gemm_layouts: " << why << "\n";
            return 4;
        }
        const quench::cuda::CudaStream stream;
        const quench::cuda::CublasHandle blas(stream.get());
        nlohmann::json out = {{"device", quench::cuda::currentDeviceInfo().name}, {"unit", "microseconds"}};
        for (const quench::bench::Case& c : cases) {
            const nlohmann::json row = timeCase(c.n, c.r, c.k, bf16, stream.get(), blas.get());
            std::cerr << row.dump() << "\n";
            out["cases"].push_back(row);
        }
        std::cout << out.dump(1) << "\n";
        return 0;
    } catch (const quench::ConfigError& e) {
        std::cerr << "quench_bench_gemm_layouts: " << e.what() << "\n";
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "quench_bench_gemm_layouts: " << e.what() << "\n";
        return 1;
    }
}
