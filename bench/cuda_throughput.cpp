// Throughput of the CUDA backend's integration (StepEngine, the code `quench simulate` runs), with
// the device's two ceilings measured in the same process: the device-to-device copy bandwidth and
// the cuBLAS SGEMM rate. Per case (N, R, K) it reports neuron-steps per second, achieved FLOP/s and
// bytes/s and the fraction of the roofline. bench/run_cuda_bench.py runs it beside the PyTorch peer
// (bench/peers/torch_batched.py) on the same GPU and records bench/results/cuda-*.json.
//
// The step loop is timed alone (no covariance accumulation): it is what the peer computes. Minimal
// traffic per realization and step: J once (4 N^2 bytes in FP32, 2 N^2 in bf16/fp16) on the cuBLAS path,
// nothing on the on-chip path (J_r stays in registers); x read and written (8 N K). Work: 2 N^2 K flops.
#include <cublas_v2.h>
#include <cuda_runtime_api.h>
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "bench_cases.hpp"
#include "cli/run_clock.hpp"
#include "cuda/cuda_check.hpp"
#include "cuda/device_info.hpp"
#include "cuda/step_engine.hpp"
#include "cuda_timing.hpp"
#include "quench/build_info.hpp"
#include "quench/error.hpp"

namespace {

using quench::cuda::DeviceBuffer;

using quench::bench::Case;
using quench::bench::parseCases;

using quench::bench::medianMs;

// Bytes read plus written per second by a large device-to-device copy.
double copyBandwidth(cudaStream_t stream) {
    const std::size_t bytes = std::size_t(2) << 30;
    DeviceBuffer<unsigned char> a(bytes), b(bytes);
    QUENCH_CUDA_CHECK(cudaMemsetAsync(a.data(), 1, bytes, stream));
    const auto copy = [&] {
        QUENCH_CUDA_CHECK(cudaMemcpyAsync(b.data(), a.data(), bytes, cudaMemcpyDeviceToDevice, stream));
    };
    copy();
    const double ms = medianMs(stream, 10, copy);
    return 2.0 * static_cast<double>(bytes) / (ms * 1e-3);
}

// FLOP/s of a large FP32 GEMM on data that is not zero: plain FP32 (CUBLAS_COMPUTE_32F, no TF32), or
// with compute = CUBLAS_COMPUTE_32F_FAST_TF32 the tensor cores' TF32 rate.
double sgemmRate(cudaStream_t stream, cublasHandle_t blas, cublasComputeType_t compute = CUBLAS_COMPUTE_32F) {
    const int m = 8192;
    const std::size_t elements = static_cast<std::size_t>(m) * m;
    DeviceBuffer<float> a(elements), b(elements), c(elements);
    std::vector<float> host(elements);
    for (std::size_t i = 0; i < elements; ++i) host[i] = static_cast<float>((i * 2654435761u) % 1000) * 1e-3f;
    QUENCH_CUDA_CHECK(cudaMemcpy(a.data(), host.data(), a.bytes(), cudaMemcpyHostToDevice));
    QUENCH_CUDA_CHECK(cudaMemcpy(b.data(), host.data(), b.bytes(), cudaMemcpyHostToDevice));
    const float one = 1.f, zero = 0.f;
    const auto gemm = [&] {
        QUENCH_CUBLAS_CHECK(cublasGemmEx(blas, CUBLAS_OP_N, CUBLAS_OP_N, m, m, m, &one, a.data(), CUDA_R_32F,
                                         m, b.data(), CUDA_R_32F, m, &zero, c.data(), CUDA_R_32F, m, compute,
                                         CUBLAS_GEMM_DEFAULT));
    };
    gemm();
    const double ms = medianMs(stream, 5, gemm);
    return 2.0 * static_cast<double>(m) * m * m / (ms * 1e-3);
}

// FLOP/s of a large bf16 GEMM with FP32 accumulation (the tensor cores), the compute ceiling of the
// 16-bit coupling storages. Operands are bit patterns of small non-zero bf16 values.
double bf16GemmRate(cudaStream_t stream, cublasHandle_t blas) {
    const int m = 8192;
    const std::size_t elements = static_cast<std::size_t>(m) * m;
    DeviceBuffer<std::uint16_t> a(elements), b(elements);
    DeviceBuffer<float> c(elements);
    std::vector<std::uint16_t> host(elements);
    for (std::size_t i = 0; i < elements; ++i)
        host[i] = static_cast<std::uint16_t>(0x3c00u + (i * 2654435761u) % 256u);
    QUENCH_CUDA_CHECK(cudaMemcpy(a.data(), host.data(), a.bytes(), cudaMemcpyHostToDevice));
    QUENCH_CUDA_CHECK(cudaMemcpy(b.data(), host.data(), b.bytes(), cudaMemcpyHostToDevice));
    const float one = 1.f, zero = 0.f;
    const auto gemm = [&] {
        QUENCH_CUBLAS_CHECK(cublasGemmEx(blas, CUBLAS_OP_N, CUBLAS_OP_N, m, m, m, &one, a.data(), CUDA_R_16BF,
                                         m, b.data(), CUDA_R_16BF, m, &zero, c.data(), CUDA_R_32F, m,
                                         CUBLAS_COMPUTE_32F, CUBLAS_GEMM_DEFAULT));
    };
    gemm();
    const double ms = medianMs(stream, 5, gemm);
    return 2.0 * static_cast<double>(m) * m * m / (ms * 1e-3);
}

quench::EnsembleSpec specFor(const Case& c, quench::Precision precision, quench::CouplingStorage storage) {
    quench::EnsembleSpec s;
    s.network.n = c.n;
    s.network.activation.kind = quench::ActivationKind::Tanh;
    s.coupling.g = 0.9;
    s.noise.sigma = 0.5;
    s.integration.dt = 0.05;
    s.integration.precision = precision;
    s.coupling.storage = storage;
    s.ensemble.realizations = c.r;
    s.ensemble.trials = c.k;
    return s;
}

// gemm_rate: the ceiling of the cuBLAS path's product (FP32 SGEMM, or bf16 tensor cores for 16-bit
// storage); the on-chip path multiplies in FP32 whatever the storage, so its ceiling is sgemm.
template <class Real>
nlohmann::json runCase(const Case& c, const quench::EnsembleSpec& spec, double bandwidth, double sgemm,
                       double gemm_rate, double target_seconds, cudaStream_t stream, cublasHandle_t blas) {
    quench::cuda::StepEngine<Real> engine(spec, c.r, stream, blas);
    engine.start(0, c.r);
    std::int64_t s = 0;
    const auto steps = [&](std::int64_t count) {
        engine.advance(s, s + count, nullptr, nullptr);
        s += count;
    };
    steps(3);  // warm-up: module load, cuBLAS heuristics
    const double probe_ms = medianMs(stream, 1, [&] { steps(10); }) / 10.0;
    const std::int64_t per_repeat =
        std::clamp<std::int64_t>(static_cast<std::int64_t>(target_seconds * 1e3 / probe_ms), 10, 100000);
    const double ms = medianMs(stream, 3, [&] { steps(per_repeat); });
    QUENCH_CUDA_CHECK(cudaStreamSynchronize(stream));
    const std::vector<unsigned long long> flags = engine.divergenceFlags();
    const bool diverged =
        std::any_of(flags.begin(), flags.end(), [](unsigned long long f) { return f != ~0ull; });

    // The floor of coupling.storage = "regenerate" (J_r drawn from its keys inside the step): the
    // device's rate of drawing the very entries it stores, measured on the annealed redraw kernel.
    const double generate_ms = medianMs(stream, 3, [&] { engine.loadEpoch(1); });

    const double seconds = ms * 1e-3 / static_cast<double>(per_repeat);
    const double n = c.n, r = c.r, k = c.k;
    const double real = sizeof(Real);
    const double j_entry = spec.coupling.storage == quench::CouplingStorage::Full ? real : 2.0;
    const bool on_chip = engine.path() == quench::cuda::StepPath::OnChip;
    const double bytes = r * ((on_chip ? 0.0 : j_entry * n * n) + 2.0 * real * n * k);
    const double flops = r * 2.0 * n * n * k;
    const double t_memory = bytes / bandwidth;
    const double t_compute = flops / (on_chip ? sgemm : gemm_rate);
    nlohmann::json out;
    out["n"] = c.n;
    out["r"] = c.r;
    out["k"] = c.k;
    out["path"] = quench::cuda::stepPathName(engine.path());
    if (on_chip) out["on_chip_shape"] = quench::cuda::onChipShapeName(c.n, c.k);
    out["steps_timed"] = per_repeat;
    out["seconds_per_step"] = seconds;
    out["neuron_steps_per_s"] = n * k * r / seconds;
    out["bytes_per_step"] = bytes;
    out["flops_per_step"] = flops;
    out["achieved_gb_s"] = bytes / seconds * 1e-9;
    out["achieved_tflop_s"] = flops / seconds * 1e-12;
    out["roofline_fraction"] = std::max(t_memory, t_compute) / seconds;
    out["bound"] = t_memory > t_compute ? "bandwidth" : "compute";
    out["coupling_generation_entries_per_s"] = r * n * n / (generate_ms * 1e-3);
    out["coupling_generation_seconds_per_wave"] = generate_ms * 1e-3;
    if (diverged) out["warning"] = "some realization left the blow-up bound during the timing";
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"Throughput of quench's CUDA integration, with the device's measured ceilings"};
    std::string cases_text = "64:8192:1,128:8192:1,1024:1024:1";
    std::string precision_name = "fp32";
    std::string storage = "fp32";
    std::string json_path;
    double target_seconds = 0.3;
    app.add_option("--cases", cases_text, "N:R:K list, comma-separated");
    app.add_option("--precision", precision_name, "working precision")
        ->check(CLI::IsMember({"fp32", "fp64", "tf32"}));
    app.add_option("--storage", storage, "how J is stored: fp32 (the working precision), bf16, fp16")
        ->check(CLI::IsMember({"fp32", "bf16", "fp16"}));
    app.add_option("--target-seconds", target_seconds, "length of one timed repeat")
        ->check(CLI::PositiveNumber);
    app.add_option("--json", json_path, "write the results here (also printed)");
    CLI11_PARSE(app, argc, argv);
    try {
        const std::vector<Case> cases = parseCases(cases_text);
        const quench::Precision precision = precision_name == "fp64"   ? quench::Precision::Fp64
                                            : precision_name == "tf32" ? quench::Precision::Tf32
                                                                       : quench::Precision::Fp32;
        const quench::CouplingStorage coupling_storage = storage == "bf16"   ? quench::CouplingStorage::Bf16
                                                         : storage == "fp16" ? quench::CouplingStorage::Fp16
                                                                             : quench::CouplingStorage::Full;
        std::string why;
        if (!quench::cuda::cudaDeviceAvailable(&why)) {
            std::cerr << "quench_bench_cuda: " << why << "\n";
            return 4;
        }
        const quench::cuda::CudaStream stream;
        const quench::cuda::CublasHandle blas(stream.get());
        const double bandwidth = copyBandwidth(stream.get());
        const double sgemm = sgemmRate(stream.get(), blas.get());
        // The compute ceiling of the product: FP32 SGEMM, or the tensor cores' bf16 or TF32 rate.
        const double gemm_rate = coupling_storage != quench::CouplingStorage::Full
                                     ? bf16GemmRate(stream.get(), blas.get())
                                 : precision == quench::Precision::Tf32
                                     ? sgemmRate(stream.get(), blas.get(), CUBLAS_COMPUTE_32F_FAST_TF32)
                                     : sgemm;
        const quench::cuda::DeviceInfo info = quench::cuda::currentDeviceInfo();
        nlohmann::json out;
        out["device"] = info.name;
        out["commit"] = quench::buildInfo().commit;
        out["version"] = quench::buildInfo().version;
        out["date"] = quench::cli::utcNow();
        out["precision"] = precision_name;
        out["storage"] = storage;
        out["bandwidth_gb_s"] = bandwidth * 1e-9;
        out["sgemm_tflop_s"] = sgemm * 1e-12;
        if (coupling_storage != quench::CouplingStorage::Full) out["bf16_gemm_tflop_s"] = gemm_rate * 1e-12;
        if (precision == quench::Precision::Tf32) out["tf32_gemm_tflop_s"] = gemm_rate * 1e-12;
        out["cases"] = nlohmann::json::array();
        for (const Case& c : cases) {
            nlohmann::json row;
            try {
                const quench::EnsembleSpec spec = specFor(c, precision, coupling_storage);
                row = precision == quench::Precision::Fp64
                          ? runCase<double>(c, spec, bandwidth, sgemm, gemm_rate, target_seconds,
                                            stream.get(), blas.get())
                          : runCase<float>(c, spec, bandwidth, sgemm, gemm_rate, target_seconds, stream.get(),
                                           blas.get());
            } catch (const std::exception& e) {
                row = {{"n", c.n}, {"r", c.r}, {"k", c.k}, {"error", e.what()}};
                cudaGetLastError();  // an out-of-memory here is not sticky; clear it for the next case
            }
            row["precision"] = precision_name;
            row["storage"] = storage;
            std::cerr << row.dump() << "\n";
            out["cases"].push_back(row);
        }
        std::cout << out.dump(2) << "\n";
        if (!json_path.empty()) std::ofstream(json_path) << out.dump(2) << "\n";
        return 0;
    } catch (const quench::ConfigError& e) {
        std::cerr << "quench_bench_cuda: " << e.what() << "\n";
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "quench_bench_cuda: " << e.what() << "\n";
        return 1;
    }
}
