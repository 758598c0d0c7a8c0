#pragma once
// The CUDA backend: realizations run in waves that fit the device memory; within a wave every step
// is one batched GEMM (H_r = J_r Phi_r for all realizations) plus two elementwise kernels, and the
// covariances are accumulated by cuBLAS in FP64 on the measured steps. The statistics are finished
// on the host with the same code as the CPU backend. Host code only: kernels live in kernels/*.cu.
#include <cstddef>
#include <string>
#include <vector>

#include "quench/backend.hpp"

namespace quench::cuda {

class CudaBackend final : public Backend {
public:
    // Throws BackendError when no usable device is present (see cudaDeviceAvailable()).
    CudaBackend();
    std::string name() const override { return "cuda"; }
    std::string description() const override;
    std::string device() const override;
    std::vector<RealizationResult> run(const EnsembleSpec& spec, const RunControl& control) override;
    std::int64_t realizationsInFlight(const EnsembleSpec& spec) const override;

private:
    std::string device_name_;
    std::size_t total_bytes_ = 0;
    std::string wave_plan_ = "no run yet";  // of the last run, for description()
    std::string step_path_ = "no run yet";
};

}  // namespace quench::cuda
