#include "cuda/step_engine.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <string>
#include <string_view>
#include <type_traits>

#include "coupling_generation.cuh"
#include "cuda/device_info.hpp"
#include "euler_step.cuh"
#include "initial_state.cuh"
#include "on_chip_steps.cuh"
#include "quench/coupling.hpp"
#include "quench/error.hpp"
#include "quench/neuron_parameters.hpp"
#include "quench/reduced_precision.hpp"
#include "storage_bits.cuh"

namespace quench::cuda {

namespace {

// The GEMM's data and compute types in the working precision.
template <class Real>
struct GemmTypes;
template <>
struct GemmTypes<float> {
    // Plain FP32 (no TF32): the CPU reference is FP32 too.
    static constexpr cudaDataType_t data = CUDA_R_32F;
    static constexpr cublasComputeType_t compute = CUBLAS_COMPUTE_32F;
};
template <>
struct GemmTypes<double> {
    static constexpr cudaDataType_t data = CUDA_R_64F;
    static constexpr cublasComputeType_t compute = CUBLAS_COMPUTE_64F;
};

// QUENCH_CUDA_STEP_PATH=cublas|on_chip|auto (default auto): a developer's switch to compare the
// two paths on one problem (tests and bench/); on_chip is still refused where it cannot run.
std::string_view requestedPath() {
    const char* value = std::getenv("QUENCH_CUDA_STEP_PATH");
    return value == nullptr ? std::string_view("auto") : std::string_view(value);
}

// QUENCH_CUDA_FUSED_UPDATE=0: a developer's switch back to the separate activation kernel every step
// (the update then writes x only), to time the fused update against it in one run.
bool fusedUpdate() {
    const char* value = std::getenv("QUENCH_CUDA_FUSED_UPDATE");
    if (value == nullptr || std::string_view(value) == "1") return true;
    if (std::string_view(value) == "0") return false;
    throw ConfigError("QUENCH_CUDA_FUSED_UPDATE", value, "0 or 1");
}

// The shape the on-chip kernel takes at (n, trials): QUENCH_CUDA_ON_CHIP_SHAPE, or by default the
// fastest measured (H200, 2026-11-27, bench/README.md): one barrier with 96 of 128 columns in registers
// for one trial above n = 64 (3.5 % over two barriers at n = 128), two barriers everywhere else (the
// one-barrier shapes' larger shared memory costs resident blocks: 23-46 % slower at 32 trials).
std::string_view onChipShapeNameAt(int n, int trials) {
    const char* value = std::getenv("QUENCH_CUDA_ON_CHIP_SHAPE");
    if (value != nullptr && std::string_view(value) != "auto") return value;
    return trials == 1 && n > 64 ? "one_barrier_r96" : "two_barriers";
}

}  // namespace

kernels::OnChipShape onChipShape(int n, int trials) {
    const std::string_view name = onChipShapeNameAt(n, trials);
    const int width = kernels::onChipPaddedWidth(n);
    kernels::OnChipShape shape{name != "two_barriers", width};
    if (name == "one_barrier_r96" || name == "one_barrier_r64")
        shape.register_columns = std::min(width, name == "one_barrier_r96" ? 96 : 64);
    else if (name != "two_barriers" && name != "one_barrier")
        throw ConfigError("QUENCH_CUDA_ON_CHIP_SHAPE", std::string(name),
                          "one of auto, two_barriers, one_barrier, one_barrier_r96, one_barrier_r64");
    return shape;
}

std::string onChipShapeName(int n, int trials) {
    onChipShape(n, trials);  // refuses a name it does not know
    return std::string(onChipShapeNameAt(n, trials));
}

bool rowMajorCouplings(int trials, CouplingStorage storage) {
    return trials == 1 && storage == CouplingStorage::Full;
}

const char* stepPathName(StepPath path) {
    return path == StepPath::OnChip ? "on_chip" : "cublas";
}

bool stepGraphsEnabled() {
    const char* value = std::getenv("QUENCH_CUDA_GRAPHS");
    if (value == nullptr || std::string_view(value) == "0") return false;
    if (std::string_view(value) == "1") return true;
    throw ConfigError("QUENCH_CUDA_GRAPHS", value, "0 or 1");
}

bool cublasStepsReplayGraphs() {
    return fusedUpdate() && stepGraphsEnabled();
}

StepPath chooseStepPath(const EnsembleSpec& spec, std::string* why) {
    const auto refuse = [why](std::string reason) {
        if (why != nullptr) *why = std::move(reason);
        return StepPath::Cublas;
    };
    const std::string_view requested = requestedPath();
    if (requested != "auto" && requested != "cublas" && requested != "on_chip")
        throw ConfigError("QUENCH_CUDA_STEP_PATH", std::string(requested), "one of auto, cublas, on_chip");
    if (requested == "cublas") return refuse("QUENCH_CUDA_STEP_PATH=cublas");
    if (spec.integration.precision == Precision::Tf32)
        return refuse("tf32 is the tensor-core product of the cuBLAS path");
    if (spec.integration.precision != Precision::Fp32) return refuse("the on-chip path is FP32 only");
    if (spec.noise.tau > 0.0) return refuse("the on-chip path integrates white noise only");
    if (heterogeneousNeurons(spec))
        return refuse("per-neuron gains and time constants run on the cuBLAS path (its elementwise kernels)");
    if (spec.network.n > kernels::kOnChipMaxN)
        return refuse(fmt::format("n = {} > {} (J_r does not fit in one block's registers and shared memory)",
                                  spec.network.n, kernels::kOnChipMaxN));
    const std::size_t shared = kernels::onChipSharedBytes(spec.network.n, spec.ensemble.trials, true,
                                                          onChipShape(spec.network.n, spec.ensemble.trials));
    const std::size_t limit = currentDeviceInfo().shared_bytes_per_block;
    if (shared > limit)
        return refuse(fmt::format("{} trials need {} bytes of shared memory per block, the device allows {}",
                                  spec.ensemble.trials, shared, limit));
    return StepPath::OnChip;
}

template <class Real>
StepEngine<Real>::StepEngine(const EnsembleSpec& spec, int capacity, cudaStream_t stream, cublasHandle_t blas)
    : spec_(spec),
      n_(spec.network.n),
      k_(spec.ensemble.trials),
      capacity_(capacity),
      coef_(stepCoefficients(spec)),
      path_(chooseStepPath(spec)),
      stream_(stream),
      blas_(blas),
      nn_(static_cast<std::size_t>(n_) * n_),
      nk_(static_cast<std::size_t>(n_) * k_),
      storage_(spec.coupling.storage),
      row_major_(path_ == StepPath::Cublas && rowMajorCouplings(k_, storage_)),
      sixteen_bit_(storage_ != CouplingStorage::Full),
      tf32_(spec.integration.precision == Precision::Tf32),
      fused_update_(fusedUpdate()),
      replay_graphs_(path_ == StepPath::Cublas && cublasStepsReplayGraphs()),
      j_(sixteen_bit_ ? 0 : nn_ * capacity),
      x_(nk_ * capacity),
      phi_(nk_ * capacity),
      h_(nk_ * capacity),
      eta_(nk_ * capacity),
      j16_(sixteen_bit_ ? nn_ * capacity : 0),
      phi16_(sixteen_bit_ ? nk_ * capacity : 0),
      first_bad_step_(static_cast<std::size_t>(capacity)),
      step_base_(1),
      gains_(perNeuron(spec.network.gain)),
      time_scales_(perNeuron(spec.network.tau)),
      gain_(gains_ ? static_cast<std::size_t>(n_) * capacity : 0),
      decay_(time_scales_ ? static_cast<std::size_t>(n_) * capacity : 0),
      drive_(time_scales_ ? static_cast<std::size_t>(n_) * capacity : 0),
      kick_(time_scales_ ? static_cast<std::size_t>(n_) * capacity : 0) {
    if (sixteen_bit_ && !std::is_same_v<Real, float>)
        throw ConfigError("coupling.storage", "bf16/fp16",
                          "16-bit couplings need integration.precision = \"fp32\"");
}

template <class Real>
void StepEngine<Real>::start(std::int64_t first, int count) {
    if (count < 1 || count > capacity_)
        throw BackendError(fmt::format(
            "cuda backend: a wave of {} realizations does not fit the {} allocated", count, capacity_));
    first_ = first;
    count_ = count;
    step_graphs_cache_.clear();  // captured for the previous wave's size
    eta_.zero(stream_);
    // 0xFF bytes: every flag is kNoDivergence.
    QUENCH_CUDA_CHECK(cudaMemsetAsync(first_bad_step_.data(), 0xFF, first_bad_step_.bytes(), stream_));
    epoch_ = 0;
    generateCouplings(0);
    neuronParameters();
    initialState();
    phi_current_ = false;
}

template <class Real>
void StepEngine<Real>::neuronParameters() {
    if (!gains_ && !time_scales_) return;
    const std::size_t n = static_cast<std::size_t>(n_);
    const std::size_t total = n * static_cast<std::size_t>(count_);
    std::vector<Real> gain(gains_ ? total : 0), decay(time_scales_ ? total : 0), drive(decay.size()),
        kick(decay.size());
    for (int slot = 0; slot < count_; ++slot) {
        const std::size_t base = static_cast<std::size_t>(slot) * n;
        if (gains_) {
            const std::vector<double> b = drawNeuronParameters(spec_.network.gain, spec_.ensemble.seed,
                                                               RngStream::NeuronGain, first_ + slot, n_);
            for (std::size_t i = 0; i < n; ++i) gain[base + i] = static_cast<Real>(b[i]);
        }
        if (time_scales_) {
            const std::vector<double> tau = drawNeuronParameters(
                spec_.network.tau, spec_.ensemble.seed, RngStream::NeuronTimeConstant, first_ + slot, n_);
            for (std::size_t i = 0; i < n; ++i) {
                const StepCoefficients c = stepCoefficients(spec_, tau[i]);
                decay[base + i] = static_cast<Real>(c.decay);
                drive[base + i] = static_cast<Real>(c.drive_gain);
                kick[base + i] = static_cast<Real>(c.kick);
            }
        }
    }
    const auto upload = [this](DeviceBuffer<Real>& device, const std::vector<Real>& host) {
        if (host.empty()) return;
        QUENCH_CUDA_CHECK(cudaMemcpyAsync(device.data(), host.data(), host.size() * sizeof(Real),
                                          cudaMemcpyHostToDevice, stream_));
    };
    upload(gain_, gain);
    upload(decay_, decay);
    upload(drive_, drive);
    upload(kick_, kick);
    // The host vectors die here: wait for the copies.
    QUENCH_CUDA_CHECK(cudaStreamSynchronize(stream_));
}

template <class Real>
void StepEngine<Real>::loadEpoch(std::int64_t epoch) {
    if (spec_.coupling.model != CouplingModel::Iid)
        throw ConfigError("coupling.disorder", "\"annealed\"",
                          "annealed disorder needs coupling.model = \"iid\"");
    generateCouplings(epoch);
    epoch_ = epoch;
}

template <class Real>
void StepEngine<Real>::generateCouplings(std::int64_t epoch) {
    if (spec_.coupling.model == CouplingModel::Iid) {
        const CouplingSpec& c = spec_.coupling;
        kernels::IidCouplingParams p;
        p.n = n_;
        p.wave = count_;
        p.first_realization = first_;
        p.seed = spec_.ensemble.seed;
        p.scale = c.g / std::sqrt(static_cast<double>(n_));
        p.shift = c.mean / n_;
        p.sym = std::sqrt((1.0 + c.symmetry) / 2.0);
        p.anti = std::sqrt((1.0 - c.symmetry) / 2.0);
        p.zero_diagonal = c.zero_diagonal ? 1 : 0;
        p.row_major = row_major_ ? 1 : 0;
        p.epoch = static_cast<std::uint32_t>(epoch);
        if (sixteen_bit_)
            QUENCH_CUDA_CHECK(kernels::launchIidCoupling16(p, storage_, j16_.data(), stream_));
        else
            QUENCH_CUDA_CHECK(kernels::launchIidCoupling<Real>(p, j_.data(), stream_));
        return;
    }
    if (sixteen_bit_) {
        copyRandomModeCouplings<std::uint16_t>(j16_.data(), [this](double v) {
            return kernels::storageBits(roundToStorage(static_cast<float>(v), storage_), storage_);
        });
        return;
    }
    copyRandomModeCouplings<Real>(j_.data(), [](double v) { return static_cast<Real>(v); });
}

template <class Real>
template <class Stored, class Convert>
void StepEngine<Real>::copyRandomModeCouplings(Stored* device, const Convert& convert) {
    // The one exception to "J is generated on the device": random-mode couplings are built on
    // the host by couplingMatrix() and copied (to be moved to the device: two GEMM-able factors).
    std::vector<Stored> rounded(nn_);
    for (int slot = 0; slot < count_; ++slot) {
        const std::vector<double> j = couplingMatrix(spec_, first_ + slot);  // row-major
        const std::size_t n = static_cast<std::size_t>(n_);
        for (std::size_t row = 0; row < n; ++row)
            for (std::size_t col = 0; col < n; ++col)
                rounded[row_major_ ? row * n + col : col * n + row] = convert(j[row * n + col]);
        QUENCH_CUDA_CHECK(cudaMemcpyAsync(device + static_cast<std::size_t>(slot) * nn_, rounded.data(),
                                          nn_ * sizeof(Stored), cudaMemcpyHostToDevice, stream_));
        // `rounded` is rewritten for the next slot: wait for this copy.
        QUENCH_CUDA_CHECK(cudaStreamSynchronize(stream_));
    }
}

template <class Real>
void StepEngine<Real>::initialState() {
    kernels::InitialStateParams p;
    p.n = n_;
    p.trials = k_;
    p.wave = count_;
    p.first_realization = first_;
    p.seed = spec_.ensemble.noiseSeed();
    p.init_std = spec_.integration.init_std;
    p.colored = coef_.colored ? 1 : 0;
    p.eta_std = coef_.colored ? spec_.noise.sigma / std::sqrt(2.0 * spec_.noise.tau) : 0.0;
    QUENCH_CUDA_CHECK(kernels::launchInitialState<Real>(p, x_.data(), eta_.data(), stream_));
}

template <class Real>
void StepEngine<Real>::activation(double* bin_x, double* bin_phi) {
    if (phi_current_ && bin_x == nullptr) return;
    kernels::ActivationParams p;
    p.phi_current = phi_current_ ? 1 : 0;
    p.activation = spec_.network.activation;
    p.count = waveElements();
    p.accumulate_bins = bin_x != nullptr ? 1 : 0;
    p.dt = spec_.integration.dt;
    p.storage = storage_;
    p.n = n_;
    p.trials = k_;
    QUENCH_CUDA_CHECK(kernels::launchActivation<Real>(p, x_.data(), gains_ ? gain_.data() : nullptr,
                                                      phi_.data(), sixteen_bit_ ? phi16_.data() : nullptr,
                                                      bin_x, bin_phi, stream_));
    phi_current_ = true;
}

// H_r = J_r Phi_r for every slot: one call. Column-major: the stored J_r (n x n, ld n; couplingOp()),
// Phi and H (n x k, ld n).
template <class Real>
void StepEngine<Real>::couplingProduct() {
    if (sixteen_bit_) {
        // 16-bit operands on the tensor cores, FP32 accumulation and output.
        const float one = 1.f;
        const float zero = 0.f;
        const cudaDataType_t operand = storage_ == CouplingStorage::Bf16 ? CUDA_R_16BF : CUDA_R_16F;
        QUENCH_CUBLAS_CHECK(cublasGemmStridedBatchedEx(
            blas_, couplingOp(), CUBLAS_OP_N, n_, k_, n_, &one, j16_.data(), operand, n_,
            static_cast<long long>(nn_), phi16_.data(), operand, n_, static_cast<long long>(nk_), &zero,
            h_.data(), CUDA_R_32F, n_, static_cast<long long>(nk_), count_, CUBLAS_COMPUTE_32F,
            CUBLAS_GEMM_DEFAULT));
        return;
    }
    const Real one = Real(1);
    const Real zero = Real(0);
    QUENCH_CUBLAS_CHECK(cublasGemmStridedBatchedEx(
        blas_, couplingOp(), CUBLAS_OP_N, n_, k_, n_, &one, j_.data(), GemmTypes<Real>::data, n_,
        static_cast<long long>(nn_), phi_.data(), GemmTypes<Real>::data, n_, static_cast<long long>(nk_),
        &zero, h_.data(), GemmTypes<Real>::data, n_, static_cast<long long>(nk_), count_,
        tf32_ ? CUBLAS_COMPUTE_32F_FAST_TF32 : GemmTypes<Real>::compute, CUBLAS_GEMM_DEFAULT));
}

template <class Real>
void StepEngine<Real>::update(std::int64_t s) {
    launchUpdate(static_cast<std::uint64_t>(s), nullptr);
}

template <class Real>
void StepEngine<Real>::launchUpdate(std::uint64_t step, const std::uint64_t* base) {
    kernels::EulerStepParams p;
    p.n = n_;
    p.trials = k_;
    p.wave = count_;
    p.first_realization = first_;
    p.seed = spec_.ensemble.noiseSeed();
    p.step = step;
    p.step_base = base;
    p.decay = coef_.decay;
    p.drive_gain = coef_.drive_gain;
    p.kick = coef_.kick;
    p.ou_decay = coef_.ou_decay;
    p.ou_kick = coef_.ou_kick;
    p.colored = coef_.colored ? 1 : 0;
    p.input = spec_.noise.input;
    p.blow_up = spec_.integration.blow_up;
    p.activation = spec_.network.activation;
    p.storage = storage_;
    kernels::NeuronCoefficients<Real> neuron;
    if (time_scales_) neuron = {decay_.data(), drive_.data(), kick_.data()};
    QUENCH_CUDA_CHECK(kernels::launchEulerStep<Real>(
        p, neuron, x_.data(), h_.data(), eta_.data(), gains_ ? gain_.data() : nullptr,
        fused_update_ ? phi_.data() : nullptr, fused_update_ && sixteen_bit_ ? phi16_.data() : nullptr,
        first_bad_step_.data(), stream_));
    phi_current_ = fused_update_;
}

template <class Real>
void StepEngine<Real>::advance(std::int64_t begin, std::int64_t end, double* bin_x, double* bin_phi) {
    if constexpr (std::is_same_v<Real, float>) {
        if (path_ == StepPath::OnChip) {
            advanceOnChip(begin, end, bin_x, bin_phi);
            return;
        }
    }
    std::int64_t s = begin;
    if (replay_graphs_) {
        // A graph replays steps that start from a current phi: the first step after start() or after the
        // on-chip path runs alone.
        if (s < end && !phi_current_) stepOnce(s++, bin_x, bin_phi);
        if (end - s >= kStepsPerGraph) {
            const StepGraph& graph = graphFor(bin_x, bin_phi);
            QUENCH_CUDA_CHECK(
                kernels::launchSetStepBase(step_base_.data(), static_cast<std::uint64_t>(s), stream_));
            for (; end - s >= kStepsPerGraph; s += kStepsPerGraph) graph.exec.launch(stream_);
        }
    }
    for (; s < end; ++s) stepOnce(s, bin_x, bin_phi);
}

template <class Real>
void StepEngine<Real>::stepOnce(std::int64_t s, double* bin_x, double* bin_phi) {
    activation(bin_x, bin_phi);
    couplingProduct();
    update(s);
}

// The graph's update kernels read their step as *step_base_ + offset, and its last node moves
// step_base_ on, so that one instantiated graph serves every run of kStepsPerGraph steps.
template <class Real>
const typename StepEngine<Real>::StepGraph& StepEngine<Real>::graphFor(double* bin_x, double* bin_phi) {
    for (const StepGraph& g : step_graphs_cache_)
        if (g.bin_x == bin_x && g.bin_phi == bin_phi) return g;
    StepGraph graph;
    graph.bin_x = bin_x;
    graph.bin_phi = bin_phi;
    graph.exec = captureGraph(stream_, [&] {
        for (int offset = 0; offset < kStepsPerGraph; ++offset) {
            activation(bin_x, bin_phi);
            couplingProduct();
            launchUpdate(static_cast<std::uint64_t>(offset), step_base_.data());
        }
        QUENCH_CUDA_CHECK(kernels::launchAdvanceStepBase(step_base_.data(), kStepsPerGraph, stream_));
    });
    step_graphs_cache_.push_back(std::move(graph));
    return step_graphs_cache_.back();
}

template <class Real>
void StepEngine<Real>::advanceOnChip(std::int64_t begin, std::int64_t end, double* bin_x, double* bin_phi) {
    kernels::OnChipStepParams p;
    p.n = n_;
    p.trials = k_;
    p.wave = count_;
    p.first_realization = first_;
    p.seed = spec_.ensemble.noiseSeed();
    p.step_begin = begin;
    p.step_end = end;
    p.activation = spec_.network.activation;
    p.decay = coef_.decay;
    p.drive_gain = coef_.drive_gain;
    p.kick = coef_.kick;
    p.input = spec_.noise.input;
    p.blow_up = spec_.integration.blow_up;
    p.accumulate_bins = bin_x != nullptr ? 1 : 0;
    p.dt = spec_.integration.dt;
    p.storage = storage_;
    p.row_major = row_major_ ? 1 : 0;
    p.shape = onChipShape(n_, k_);
    if constexpr (std::is_same_v<Real, float>)
        QUENCH_CUDA_CHECK(kernels::launchOnChipSteps(p, j_.data(), j16_.data(), x_.data(), bin_x, bin_phi,
                                                     first_bad_step_.data(), stream_));
    phi_current_ = false;  // the kernel keeps phi in shared memory
}

template <class Real>
std::vector<unsigned long long> StepEngine<Real>::divergenceFlags() const {
    std::vector<unsigned long long> flags(static_cast<std::size_t>(count_));
    QUENCH_CUDA_CHECK(cudaMemcpyAsync(flags.data(), first_bad_step_.data(), flags.size() * sizeof(flags[0]),
                                      cudaMemcpyDeviceToHost, stream_));
    QUENCH_CUDA_CHECK(cudaStreamSynchronize(stream_));
    return flags;
}

template class StepEngine<float>;
template class StepEngine<double>;

}  // namespace quench::cuda
