#pragma once
// The integration of a wave of realizations on the device, without measurement: J_r, the state
// (x, phi, h, eta) and the divergence flags, and the steps that move them. WaveIntegrator
// (cuda_backend.cpp) adds the covariance accumulation on top; bench/cuda_throughput.cpp times this
// alone. Layouts: J_r n x n at slot r n^2, column-major, or row-major (rowMajorCouplings);
// per-trial arrays at r (k n) + t n + i, i.e. X_r is n x k column-major, so that H_r = J_r Phi_r for
// the whole wave is one strided batched GEMM.
//
// Two paths integrate the same recursion (host/step_coefficients.hpp) with the same random numbers:
//  - cuBLAS: per step one batched GEMM (with 16-bit coupling.storage, on the tensor cores with FP32
//    accumulation) and one update kernel, which also writes phi of the new state; an activation
//    kernel runs only where phi is stale (after start() or the on-chip path) or bins are measured;
//  - on chip (kernels/on_chip_steps.cu): for FP32, n <= 128, white noise, homogeneous neurons, one block per
//    realization keeps its J_r on chip (kernels/on_chip_steps.cuh) and runs many steps per launch. Its sums
//    run in another order than cuBLAS's, so the two paths agree to rounding, not bit for bit.
#include <cublas_v2.h>
#include <cuda_runtime_api.h>

#include <cstdint>
#include <string>
#include <vector>

#include "cuda/cuda_check.hpp"
#include "quench/ensemble_spec.hpp"
#include "step_coefficients.hpp"

namespace quench::kernels {
struct OnChipShape;  // kernels/on_chip_steps.cuh
}

namespace quench::cuda {

// Whether the cuBLAS path stores J_r row-major (cuBLAS then reads J_r^T and applies CUBLAS_OP_T):
// for FP32 with K = 1 only. Measured on an H100 (bench/results/cuda-2026-11-26*.json), FP32: for
// K = 1 the product is a batched matrix-vector product, and rows contiguous in memory (as torch.bmm's
// row-major J gives) ran at the copy bandwidth where column-major ran 2-8 % slower; for K = 32
// column-major with CUBLAS_OP_N is 5-35 % faster than the transposed product. On an H200
// (bench/gemm_layouts.cpp, 2026-11-26) bf16 operands ran 2.5-5 % faster column-major than row-major
// at N >= 1024 for K = 1 and K = 32, and the trial-major form of the product (torch.bmm's own call on
// an R x N x K state) was no faster than column-major for FP32 K = 32 (within 2 %). The on-chip path
// reads J_r once per launch, one row per thread: column-major makes those reads coalesced.
bool rowMajorCouplings(int trials, CouplingStorage storage);

// Which path StepEngine::advance() takes.
// The on-chip kernel's shape (kernels::OnChipShape) at (n, trials), and its name.
// QUENCH_CUDA_ON_CHIP_SHAPE = auto | two_barriers | one_barrier | one_barrier_r96 | one_barrier_r64
// (default auto, the fastest measured) is a developer's switch between them: r96 and r64 keep that
// many of row i's 128 columns in registers (all of them at n <= 64).
kernels::OnChipShape onChipShape(int n, int trials);
std::string onChipShapeName(int n, int trials);

// QUENCH_CUDA_GRAPHS = 0 | 1 (default 0; anything else is a ConfigError): whether the cuBLAS path replays
// its steps as CUDA graphs of kStepsPerGraph steps (one launch instead of two or three per step: small
// problems are launch-bound). Off by default until it has been measured on a GPU.
inline constexpr int kStepsPerGraph = 32;
bool stepGraphsEnabled();
// Whether the cuBLAS path does replay them: the graphs need the fused update (QUENCH_CUDA_FUSED_UPDATE=0, a
// developer's switch, turns them off), so the run's description asks this, not stepGraphsEnabled().
bool cublasStepsReplayGraphs();

enum class StepPath { Cublas, OnChip };
const char* stepPathName(StepPath path);

// The on-chip path for this spec, or the cuBLAS path with `why` saying what rules it out.
StepPath chooseStepPath(const EnsembleSpec& spec, std::string* why = nullptr);

template <class Real>
class StepEngine {
public:
    StepEngine(const EnsembleSpec& spec, int capacity, cudaStream_t stream, cublasHandle_t blas);

    // Realizations first .. first + count - 1 (count <= capacity) from their J and x(0).
    void start(std::int64_t first, int count);

    // Annealed disorder: replaces every J_r of the wave by its redraw of this epoch (>= 1), generated on
    // the device from the AnnealedCoupling stream as couplingMatrix(spec, r, epoch) draws it.
    void loadEpoch(std::int64_t epoch);
    std::int64_t epoch() const { return epoch_; }

    // The parts of step s, in the CPU's order: phi = phi(x) (and when bin_x/bin_phi are given,
    // the bin integrals += dt x, dt phi; nothing when phi is current and no bins are asked),
    // H = J Phi, then x (and eta) updated with the noise of step s, and phi of the new x.
    void activation(double* bin_x, double* bin_phi);
    void couplingProduct();
    void update(std::int64_t s);

    // Steps [begin, end), each activation + product + update (bins as in activation()), on the
    // path chooseStepPath() picked.
    void advance(std::int64_t begin, std::int64_t end, double* bin_x, double* bin_phi);

    // Per slot of this wave: the first step after which some |x| exceeded blow_up or was not
    // finite, plus one; kernels::kNoDivergence when none. Synchronizes the stream.
    std::vector<unsigned long long> divergenceFlags() const;

    StepPath path() const { return path_; }
    int count() const { return count_; }
    std::int64_t first() const { return first_; }
    const Real* x() const { return x_.data(); }
    const Real* phi() const { return phi_.data(); }
    std::size_t waveElements() const { return nk_ * static_cast<std::size_t>(count_); }

private:
    void generateCouplings(std::int64_t epoch);
    // Random-mode couplings, built on the host by couplingMatrix() and copied in `Stored` form.
    template <class Stored, class Convert>
    void copyRandomModeCouplings(Stored* device, const Convert& convert);
    void initialState();
    // Per-neuron gains and step coefficients of this wave's realizations (slot r, neuron i at r n + i),
    // drawn on the host from the same streams as the CPU's; nothing without heterogeneity.
    void neuronParameters();
    // How the GEMM applies the stored J_r: as it is (column-major) or transposed (row-major storage).
    cublasOperation_t couplingOp() const { return row_major_ ? CUBLAS_OP_T : CUBLAS_OP_N; }
    void advanceOnChip(std::int64_t begin, std::int64_t end, double* bin_x, double* bin_phi);
    // The update kernel of step `step`, or of *base + step when base is given (a graph's steps).
    void launchUpdate(std::uint64_t step, const std::uint64_t* base);
    void stepOnce(std::int64_t s, double* bin_x, double* bin_phi);

    // kStepsPerGraph steps from a current phi, captured for this wave and these bin integrals.
    struct StepGraph {
        CudaGraphExec exec;
        double* bin_x = nullptr;
        double* bin_phi = nullptr;
    };
    const StepGraph& graphFor(double* bin_x, double* bin_phi);

    const EnsembleSpec& spec_;
    const int n_;
    const int k_;
    const int capacity_;
    const StepCoefficients coef_;
    const StepPath path_;
    const cudaStream_t stream_;
    const cublasHandle_t blas_;
    const std::size_t nn_;  // n^2
    const std::size_t nk_;  // n k
    const CouplingStorage storage_;
    const bool row_major_;    // on the cuBLAS path, rowMajorCouplings(k_, storage_)
    const bool sixteen_bit_;  // storage_ is Bf16 or Fp16: j16_ and phi16_ instead of j_
    const bool tf32_;         // integration.precision = "tf32": the FP32 product on the tensor cores
    const bool fused_update_;  // update() also writes phi (QUENCH_CUDA_FUSED_UPDATE, default 1)
    const bool replay_graphs_;  // the cuBLAS path replays graphs (stepGraphsEnabled() and the fused update)
    std::int64_t first_ = 0;
    int count_ = 0;
    std::int64_t epoch_ = 0;
    // phi_ (and phi16_) hold phi(x_): update() writes both, the on-chip path and start() only x_.
    bool phi_current_ = false;
    DeviceBuffer<Real> j_, x_, phi_, h_, eta_;
    DeviceBuffer<std::uint16_t> j16_, phi16_;  // storageBits() of J and of Phi rounded alike
    DeviceBuffer<unsigned long long> first_bad_step_;
    DeviceBuffer<std::uint64_t> step_base_;           // the first step of the graph being replayed
    std::vector<StepGraph> step_graphs_cache_;        // of this wave (start() clears them)
    const bool gains_;                                // per-neuron gains (network.gain_*)
    const bool time_scales_;                          // per-neuron time constants (network.tau_*)
    DeviceBuffer<Real> gain_, decay_, drive_, kick_;  // capacity x n each, when in use
};

}  // namespace quench::cuda
