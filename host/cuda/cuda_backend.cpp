#include "cuda/cuda_backend.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <climits>
#include <cmath>
#include <complex>
#include <functional>
#include <memory>
#include <utility>
#include <vector>

#include "cpu/autocorrelation_accumulator.hpp"
#include "cpu/mode_autocorrelation_accumulator.hpp"
#include "cpu/spectral_accumulator.hpp"
#include "cuda/cuda_check.hpp"
#include "cuda/device_info.hpp"
#include "cuda/device_spectral_kernels.hpp"
#include "cuda/step_engine.hpp"
#include "divergence_hint.hpp"
#include "euler_step.cuh"
#include "memory_plan.hpp"
#include "moments.cuh"
#include "progress_reporter.hpp"
#include "quench/coupling.hpp"
#include "quench/disorder_epochs.hpp"
#include "quench/error.hpp"
#include "quench/lag_plan.hpp"
#include "spectral_transform.cuh"
#include "statistics/split_covariance.hpp"

namespace quench::cuda {

namespace {

static_assert(kernels::kGroups == kSplitGroups,
              "the gather kernel and the statistics disagree on the groups");

// Steps between divergence checks and progress reports (the only host-device synchronizations of
// the step loop).
constexpr std::int64_t kStepsPerCheck = 256;

double gib(double bytes) {
    return bytes / (1024.0 * 1024.0 * 1024.0);
}

// ---- memory plan: how many realizations run at once ----

struct WavePlan {
    double bytes_per_realization = 0.0;
    double budget = 0.0;
    int per_wave = 0;
    std::int64_t waves = 0;
};

// Device bytes of one realization in flight: J (2 bytes an entry with 16-bit coupling.storage), the
// per-trial arrays (x, phi, h, eta in the working precision, phi16 with 16-bit storage; current and
// previous bin integrals of x and phi and two gather buffers in FP64), the
// FP64 accumulators of both variables (per group: equal-time, bin and lag-one sums, n x n; two
// first-moment vectors), the divergence flag and, with statistics.frequencies, the running window
// transforms of both variables (one complex FP64 value per trial, unit and frequency).
double bytesPerRealization(const EnsembleSpec& spec) {
    const double n = spec.network.n;
    const double k = spec.ensemble.trials;
    const double real = spec.integration.precision == Precision::Fp64 ? 8.0 : 4.0;
    const bool sixteen_bit = spec.coupling.storage != CouplingStorage::Full;
    const double transforms = kVariableCount * static_cast<double>(spec.statistics.frequencies.size()) * 16.0;
    const double per_trial = 4.0 * real + (sixteen_bit ? 2.0 : 0.0) + (4.0 + 2.0) * 8.0 + transforms;
    const double accumulators = kVariableCount * kSplitGroups * (3.0 * n * n + 2.0 * n) * 8.0;
    return n * n * (sixteen_bit ? 2.0 : real) + n * k * per_trial + accumulators + 8.0;
}

WavePlan planWaves(const EnsembleSpec& spec, std::size_t free_bytes) {
    WavePlan plan;
    plan.bytes_per_realization = bytesPerRealization(spec);
    plan.budget = spec.run.memory_gb > 0.0 ? spec.run.memory_gb * 1024.0 * 1024.0 * 1024.0
                                           : 0.8 * static_cast<double>(free_bytes);
    // The device statistics' matrices come out of the same budget.
    const double statistics_bytes =
        statisticsOnDevice(spec.network.n) ? DeviceSpectralKernels::workspaceBytes(spec.network.n) : 0.0;
    plan.budget -= statistics_bytes;
    double fit = std::floor(plan.budget / plan.bytes_per_realization);
    // The temporal accumulators of every realization of a wave live on the host: the wave also fits there.
    const double host_bytes = temporalBytes(spec);
    if (host_bytes > 0.0) fit = std::min(fit, std::floor(memoryBudgetBytes(spec.run) / host_bytes));
    const std::int64_t realizations = spec.ensemble.realizations;
    plan.per_wave = static_cast<int>(std::min<double>({fit, static_cast<double>(realizations), INT_MAX}));
    if (plan.per_wave < 1)
        throw ConfigError(
            "network.n", std::to_string(spec.network.n),
            fmt::format("one realization needs {:.2f} GiB of device memory (and {:.2f} GiB of "
                        "host memory for its temporal statistics) but the budget is {:.2f} GiB "
                        "(run.memory_gb, default 80 % of the free device memory, less {:.2f} GiB "
                        "for the statistics on the device); reduce "
                        "network.n, ensemble.trials, statistics.mode_lags or "
                        "statistics.frequencies",
                        gib(plan.bytes_per_realization), gib(host_bytes), gib(plan.budget),
                        gib(statistics_bytes)));
    plan.waves = (realizations + plan.per_wave - 1) / plan.per_wave;
    return plan;
}

// ---- split groups: the CPU's SplitPlan, as tables the gather kernel reads ----

// For one time segment: the column of each trial in the gathered (group-ordered) matrix, its group,
// and where each group's columns start.
struct GroupTable {
    std::vector<int> column;
    std::vector<int> group;
    std::array<int, kSplitGroups> count{};
    std::array<int, kSplitGroups> offset{};
};

GroupTable groupTable(const SplitPlan& split, int trials, int segment) {
    GroupTable table;
    table.column.resize(static_cast<std::size_t>(trials));
    table.group.resize(static_cast<std::size_t>(trials));
    for (int t = 0; t < trials; ++t) ++table.count[split.group(t, segment)];
    for (int g = 1; g < kSplitGroups; ++g) table.offset[g] = table.offset[g - 1] + table.count[g - 1];
    std::array<int, kSplitGroups> next = table.offset;
    // Trials in increasing order within a group, as the CPU's gatherRows() visits them.
    for (int t = 0; t < trials; ++t) {
        const int g = split.group(t, segment);
        table.group[t] = g;
        table.column[t] = next[g]++;
    }
    return table;
}

// Device sums of one variable (x or phi) for every realization slot of a wave. Per slot: kSplitGroups
// n x n matrices (column-major, group g at g n^2) and kSplitGroups n-vectors.
struct VariableMoments {
    DeviceBuffer<double> et_second, et_first;
    DeviceBuffer<double> bin_second, bin_first, lag;
    DeviceBuffer<double> bin, prev_bin;  // bin integrals, per-trial layout

    VariableMoments(std::size_t matrices, std::size_t vectors, std::size_t per_trial)
        : et_second(matrices),
          et_first(vectors),
          bin_second(matrices),
          bin_first(vectors),
          lag(matrices),
          bin(per_trial),
          prev_bin(per_trial) {}

    void zero(cudaStream_t stream) {
        for (DeviceBuffer<double>* b :
             {&et_second, &et_first, &bin_second, &bin_first, &lag, &bin, &prev_bin})
            b->zero(stream);
    }
};

// Integrates waves of up to `capacity` realizations (StepEngine) and accumulates their covariances,
// with all device buffers allocated once. Per-trial arrays (bins, gather buffers) have the
// engine's layout, slot r (k n) + t n + i.
template <class Real>
class WaveIntegrator {
public:
    using StepsCallback = std::function<void(std::int64_t steps)>;

    WaveIntegrator(const EnsembleSpec& spec, int capacity, cudaStream_t stream, cublasHandle_t blas)
        : spec_(spec),
          n_(spec.network.n),
          k_(spec.ensemble.trials),
          plan_(planSteps(spec.integration)),
          epochs_(epochPlan(spec)),
          lag_plan_(planLags(spec)),
          mode_plan_(planModeLags(spec)),
          spectral_plan_(cpu::planSpectral(spec)),
          split_(k_),
          stream_(stream),
          blas_(blas),
          nn_(static_cast<std::size_t>(n_) * n_),
          nk_(static_cast<std::size_t>(n_) * k_),
          engine_(spec, capacity, stream, blas),
          gathered_(nk_ * capacity),
          gathered_prev_(nk_ * capacity),
          moments_{VariableMoments(kSplitGroups * nn_ * capacity,
                                   kSplitGroups * static_cast<std::size_t>(n_) * capacity, nk_ * capacity),
                   VariableMoments(kSplitGroups * nn_ * capacity,
                                   kSplitGroups * static_cast<std::size_t>(n_) * capacity, nk_ * capacity)},
          transforms_(kVariableCount * spectral_plan_.omegas.size() * nk_ * capacity),
          device_kernels_(statisticsOnDevice(n_) ? std::make_unique<DeviceSpectralKernels>(stream)
                                                 : nullptr) {
        uploadGroupTables();
        uploadSpectralCoefficients();
    }

    // Realizations first .. first + count - 1 (count <= capacity), in order.
    std::vector<RealizationResult> run(std::int64_t first, int count, const StepsCallback& on_steps,
                                       bool keep_covariances) {
        first_ = first;
        count_ = count;
        reset();
        engine_.start(first, count);
        const std::int64_t total = plan_.burn_steps + plan_.measure_steps;
        std::int64_t reported = 0;
        for (std::int64_t s = 0; s < total;) {
            const bool measuring = s >= plan_.burn_steps;
            const std::int64_t epoch = epochOfStep(epochs_, s, plan_.burn_steps);
            if (epoch != engine_.epoch()) engine_.loadEpoch(epoch);
            if (measuring && measuresAt(s - plan_.burn_steps)) {
                measuredStep(s);
                ++s;
            } else {
                // Up to the next measurement, divergence check or end of the burn-in, in one go.
                std::int64_t end = std::min(total, (s / kStepsPerCheck + 1) * kStepsPerCheck);
                end = measuring ? std::min(end, plan_.burn_steps + nextMeasurement(s - plan_.burn_steps))
                                : std::min(end, plan_.burn_steps);
                // Annealed disorder: J is redrawn at the start of the next epoch.
                if (measuring) end = std::min(end, plan_.burn_steps + (epoch + 1) * epochs_.epoch_steps);
                engine_.advance(s, end, measuring ? moments_[0].bin.data() : nullptr,
                                measuring ? moments_[1].bin.data() : nullptr);
                s = end;
            }
            if (s % kStepsPerCheck == 0 || s == total) {
                checkDivergence();  // synchronizes the stream
                if (on_steps) on_steps((s - reported) * static_cast<std::int64_t>(count_));
                reported = s;
            }
        }
        std::vector<RealizationResult> results;
        results.reserve(static_cast<std::size_t>(count_));
        std::vector<PendingSpectrum> pending;
        for (int slot = 0; slot < count_; ++slot)
            results.push_back(resultOf(slot, keep_covariances, pending));
        solveSpectra(pending, results);
        return results;
    }

private:
    // ---- setup of a wave ----

    void uploadGroupTables() {
        const int segments = split_.segments_per_trial;
        std::vector<int> columns, groups;
        for (int segment = 0; segment < segments; ++segment) {
            tables_.push_back(groupTable(split_, k_, segment));
            columns.insert(columns.end(), tables_.back().column.begin(), tables_.back().column.end());
            groups.insert(groups.end(), tables_.back().group.begin(), tables_.back().group.end());
        }
        columns_ = DeviceBuffer<int>(columns.size());
        groups_ = DeviceBuffer<int>(groups.size());
        QUENCH_CUDA_CHECK(cudaMemcpyAsync(columns_.data(), columns.data(), columns_.bytes(),
                                          cudaMemcpyHostToDevice, stream_));
        QUENCH_CUDA_CHECK(
            cudaMemcpyAsync(groups_.data(), groups.data(), groups_.bytes(), cudaMemcpyHostToDevice, stream_));
        // The host vectors die here: wait for the copies (pageable memory).
        QUENCH_CUDA_CHECK(cudaStreamSynchronize(stream_));
    }

    // The Welch taper-and-phase coefficients of every step of a window, [step][frequency] (the CPU
    // accumulator's table, so both backends weigh each step alike).
    void uploadSpectralCoefficients() {
        if (spectral_plan_.omegas.empty()) return;
        const std::vector<std::complex<double>> table = cpu::spectralCoefficients(spectral_plan_);
        std::vector<double2> device_table(table.size());
        for (std::size_t e = 0; e < table.size(); ++e)
            device_table[e] = make_double2(table[e].real(), table[e].imag());
        coefficients_ = DeviceBuffer<double2>(device_table.size());
        QUENCH_CUDA_CHECK(cudaMemcpyAsync(coefficients_.data(), device_table.data(), coefficients_.bytes(),
                                          cudaMemcpyHostToDevice, stream_));
        QUENCH_CUDA_CHECK(cudaStreamSynchronize(stream_));  // the host table dies here
    }

    void reset() {
        for (VariableMoments& m : moments_) m.zero(stream_);
        transforms_.zero(stream_);
        // 0xFF bytes: every flag is kNoDivergence.
        et_count_.fill(0);
        bin_count_.fill(0);
        lag_count_.fill(0);
        autocorrelation_.clear();
        modes_.clear();
        spectral_.clear();
        const bool zero_mean = centersOnZero(spec_);
        for (int e = 0; e < count_ * kVariableCount; ++e) {
            if (lag_plan_.lags > 0) autocorrelation_.emplace_back(n_, k_, lag_plan_.lags, zero_mean);
            if (mode_plan_.lags > 0) modes_.emplace_back(n_, k_, mode_plan_.lags, zero_mean);
            if (transformsEveryStep()) spectral_.emplace_back(n_, k_, spectral_plan_, zero_mean);
        }
    }

    // The frequency-resolved statistics add every measured step to their window transforms.
    bool transformsEveryStep() const { return !spectral_plan_.omegas.empty(); }

    bool samplesAutocorrelation(std::int64_t m) const {
        return lag_plan_.lags > 0 && m % lag_plan_.lag_stride == 0;
    }
    bool samplesModes(std::int64_t m) const { return mode_plan_.lags > 0 && m % mode_plan_.lag_stride == 0; }

    // ---- one measured step, in the CPU's order ----

    // Whether measured step m samples the equal-time moments or closes a bin.
    bool measuresAt(std::int64_t m) const {
        return transformsEveryStep() || m % plan_.sample_stride == 0 || (m + 1) % plan_.bin_steps == 0 ||
               samplesAutocorrelation(m) || samplesModes(m);
    }

    // The first measured step >= m at which measuresAt() holds.
    std::int64_t nextMeasurement(std::int64_t m) const {
        if (transformsEveryStep()) return m;
        const auto next = [m](std::int64_t stride) { return (m + stride - 1) / stride * stride; };
        const std::int64_t bin_end = (m + plan_.bin_steps) / plan_.bin_steps * plan_.bin_steps - 1;
        std::int64_t first = std::min(next(plan_.sample_stride), bin_end);
        if (lag_plan_.lags > 0) first = std::min(first, next(lag_plan_.lag_stride));
        if (mode_plan_.lags > 0) first = std::min(first, next(mode_plan_.lag_stride));
        return first;
    }

    void measuredStep(std::int64_t s) {
        engine_.activation(moments_[0].bin.data(), moments_[1].bin.data());
        measure(s - plan_.burn_steps);
        engine_.couplingProduct();
        engine_.update(s);
    }

    // ---- measurement (state before the update; the bins already include this step) ----

    void measure(std::int64_t m) {
        if (m % plan_.sample_stride == 0) sample(split_.segment(m, plan_.measure_steps));
        if (samplesAutocorrelation(m) || samplesModes(m))
            sampleTemporal(samplesAutocorrelation(m), samplesModes(m));
        if (transformsEveryStep()) addToTransforms(m);
        if ((m + 1) % plan_.bin_steps == 0) {
            const std::int64_t bin = m / plan_.bin_steps;
            if (bin < plan_.bins_per_trial) closeBins(bin);
        }
    }

    // Downloads x and phi of the wave and feeds each slot's host accumulators in the CPU's layout
    // (element i k + t; the device holds slot (k n) + t n + i).
    void sampleTemporal(bool autocorrelation, bool modes) {
        const std::size_t wave = engine_.waveElements();
        std::vector<Real> device_layout(wave);
        std::vector<Real> neuron_major(nk_);
        const Real* states[kVariableCount] = {engine_.x(), engine_.phi()};
        for (int v = 0; v < kVariableCount; ++v) {
            QUENCH_CUDA_CHECK(cudaMemcpyAsync(device_layout.data(), states[v], wave * sizeof(Real),
                                              cudaMemcpyDeviceToHost, stream_));
            QUENCH_CUDA_CHECK(cudaStreamSynchronize(stream_));
            for (int slot = 0; slot < count_; ++slot) {
                const Real* source = device_layout.data() + static_cast<std::size_t>(slot) * nk_;
                for (int t = 0; t < k_; ++t)
                    for (int i = 0; i < n_; ++i)
                        neuron_major[static_cast<std::size_t>(i) * k_ + t] =
                            source[static_cast<std::size_t>(t) * n_ + i];
                const std::size_t e = static_cast<std::size_t>(slot) * kVariableCount + v;
                if (autocorrelation) autocorrelation_[e].add(neuron_major.data());
                if (modes) modes_[e].add(neuron_major.data());
            }
        }
    }

    // Adds step m of its window to the device transforms of x and phi ([variable][frequency][element]);
    // a finished window travels to the slots' host accumulators, which form its outer products.
    void addToTransforms(std::int64_t m) {
        const std::int64_t window = m / spectral_plan_.window_steps;
        if (window >= spectral_plan_.windows_per_trial) return;  // the tail shorter than a window
        const std::int64_t step = m % spectral_plan_.window_steps;
        const int frequencies = static_cast<int>(spectral_plan_.omegas.size());
        const std::size_t wave = engine_.waveElements();
        const Real* states[kVariableCount] = {engine_.x(), engine_.phi()};
        for (int v = 0; v < kVariableCount; ++v)
            QUENCH_CUDA_CHECK(kernels::launchAccumulateTransforms<Real>(
                states[v], coefficients_.data() + static_cast<std::size_t>(step) * frequencies, frequencies,
                wave, transforms_.data() + static_cast<std::size_t>(v) * frequencies * wave, stream_));
        if (step + 1 == spectral_plan_.window_steps) closeWindow(window);
    }

    // Downloads the window's transforms and hands each slot and variable its own, in the CPU's layout
    // (element i k + t; the device holds slot (k n) + t n + i), then starts the next window from zero.
    void closeWindow(std::int64_t window) {
        const std::size_t frequencies = spectral_plan_.omegas.size();
        const std::size_t wave = engine_.waveElements();
        std::vector<double2> host(kVariableCount * frequencies * wave);
        QUENCH_CUDA_CHECK(cudaMemcpyAsync(host.data(), transforms_.data(), host.size() * sizeof(double2),
                                          cudaMemcpyDeviceToHost, stream_));
        QUENCH_CUDA_CHECK(cudaStreamSynchronize(stream_));
        std::vector<std::vector<std::complex<double>>> per_frequency(frequencies,
                                                                     std::vector<std::complex<double>>(nk_));
        for (int slot = 0; slot < count_; ++slot)
            for (int v = 0; v < kVariableCount; ++v) {
                for (std::size_t f = 0; f < frequencies; ++f) {
                    const double2* source = host.data() +
                                            (static_cast<std::size_t>(v) * frequencies + f) * wave +
                                            static_cast<std::size_t>(slot) * nk_;
                    for (int t = 0; t < k_; ++t)
                        for (int i = 0; i < n_; ++i) {
                            const double2 value = source[static_cast<std::size_t>(t) * n_ + i];
                            per_frequency[f][static_cast<std::size_t>(i) * k_ + t] = {value.x, value.y};
                        }
                }
                spectral_[static_cast<std::size_t>(slot) * kVariableCount + v].addWindow(per_frequency,
                                                                                         window);
            }
        transforms_.zero(stream_);
    }

    void sample(int segment) {
        const GroupTable& table = tables_[static_cast<std::size_t>(segment)];
        const Real* states[kVariableCount] = {engine_.x(), engine_.phi()};
        for (int v = 0; v < kVariableCount; ++v) {
            gather(segment, states[v], nullptr, moments_[v].et_first.data());
            addProducts(gathered_.data(), gathered_.data(), moments_[v].et_second.data(), table);
        }
        for (int g = 0; g < kSplitGroups; ++g) et_count_[g] += table.count[g];
    }

    void closeBins(std::int64_t bin) {
        const int segment = split_.segment(bin, plan_.bins_per_trial);
        const GroupTable& table = tables_[static_cast<std::size_t>(segment)];
        const bool has_previous = bin > 0;
        for (VariableMoments& m : moments_) {
            gather(segment, m.bin.data(), has_previous ? m.prev_bin.data() : nullptr, m.bin_first.data());
            addProducts(gathered_.data(), gathered_.data(), m.bin_second.data(), table);
            // lag += b_{k+1} b_k^T (column-major) = the CPU's row-major sum of b_k b_{k+1}^T.
            if (has_previous) addProducts(gathered_.data(), gathered_prev_.data(), m.lag.data(), table);
            std::swap(m.bin, m.prev_bin);
            m.bin.zero(stream_);
        }
        for (int g = 0; g < kSplitGroups; ++g) {
            bin_count_[g] += table.count[g];
            if (has_previous) lag_count_[g] += table.count[g];
        }
    }

    // Gathers src (and prev_src) of every slot into gathered_ (gathered_prev_) in group order.
    template <class Source>
    void gather(int segment, const Source* src, const double* prev_src, double* first) {
        kernels::GatherParams p;
        p.n = n_;
        p.trials = k_;
        p.wave = count_;
        const std::size_t table = static_cast<std::size_t>(segment) * k_;
        QUENCH_CUDA_CHECK(kernels::launchGatherGroups<Source>(
            p, columns_.data() + table, groups_.data() + table, src, gathered_.data(), prev_src,
            gathered_prev_.data(), first, stream_));
    }

    // sums[slot, g] += A_g B_g^T for each group g with trials in this segment, where A_g, B_g are the
    // n x count_g column blocks of group g in the gathered buffers. One batched call per group.
    void addProducts(const double* a, const double* b, double* sums, const GroupTable& table) {
        const double one = 1.0;
        for (int g = 0; g < kSplitGroups; ++g) {
            if (table.count[g] == 0) continue;
            const std::size_t column = static_cast<std::size_t>(table.offset[g]) * n_;
            QUENCH_CUBLAS_CHECK(cublasDgemmStridedBatched(
                blas_, CUBLAS_OP_N, CUBLAS_OP_T, n_, n_, table.count[g], &one, a + column, n_,
                static_cast<long long>(nk_), b + column, n_, static_cast<long long>(nk_), &one,
                sums + static_cast<std::size_t>(g) * nn_, n_, static_cast<long long>(kSplitGroups * nn_),
                count_));
        }
    }

    // ---- divergence ----

    void checkDivergence() {
        const std::vector<unsigned long long> flags = engine_.divergenceFlags();
        // The earliest divergence, the lowest realization among equals.
        const auto worst = std::min_element(flags.begin(), flags.end());
        if (*worst == kernels::kNoDivergence) return;
        const std::int64_t slot = worst - flags.begin();
        const std::int64_t s = static_cast<std::int64_t>(*worst);
        const std::string why = fmt::format("|x| exceeds integration.blow_up = {:.3g} or is not finite",
                                            spec_.integration.blow_up) +
                                divergenceHint(spec_);
        throw DivergenceError(first_ + slot, s, static_cast<double>(s) * spec_.integration.dt, why);
    }

    // ---- results ----

    std::vector<double> download(const DeviceBuffer<double>& buffer, std::size_t offset,
                                 std::size_t count) const {
        std::vector<double> host(count);
        QUENCH_CUDA_CHECK(cudaMemcpyAsync(host.data(), buffer.data() + offset, count * sizeof(double),
                                          cudaMemcpyDeviceToHost, stream_));
        QUENCH_CUDA_CHECK(cudaStreamSynchronize(stream_));
        return host;
    }

    // The kSplitGroups sums of one slot. The device matrices are column-major; the second moments
    // are symmetric and the lag sums were formed transposed, so read row-major they are exactly
    // what the CPU accumulator holds.
    GroupMoments groupMoments(const DeviceBuffer<double>& second, const DeviceBuffer<double>& first, int slot,
                              const std::array<std::int64_t, kSplitGroups>& counts) const {
        const std::vector<double> all_second =
            download(second, static_cast<std::size_t>(slot) * kSplitGroups * nn_, kSplitGroups * nn_);
        const std::size_t n = static_cast<std::size_t>(n_);
        const std::vector<double> all_first =
            download(first, static_cast<std::size_t>(slot) * kSplitGroups * n, kSplitGroups * n);
        GroupMoments out;
        for (int g = 0; g < kSplitGroups; ++g) {
            const std::size_t gs = static_cast<std::size_t>(g);
            out[g].second.assign(all_second.begin() + gs * nn_, all_second.begin() + (gs + 1) * nn_);
            out[g].first.assign(all_first.begin() + gs * n, all_first.begin() + (gs + 1) * n);
            out[g].count = counts[g];
        }
        return out;
    }

    // The O(n^3) statistics run on the device from kDeviceStatisticsMinN (QUENCH_CUDA_STATISTICS).
    SpectralKernels& spectralKernels() const {
        return device_kernels_ ? static_cast<SpectralKernels&>(*device_kernels_) : hostSpectralKernels();
    }

    // Small eigenvalue problems wait for the end of the wave and go to the device in one batch.
    bool batchesSpectra() const { return device_kernels_ && n_ <= kBatchedJacobiMaxN; }

    struct PendingSpectrum {
        int slot;
        int variable;
        int kind;
        std::vector<double> matrix;
    };

    void solveSpectra(const std::vector<PendingSpectrum>& pending,
                      std::vector<RealizationResult>& results) const {
        if (pending.empty()) return;
        std::vector<const std::vector<double>*> matrices;
        matrices.reserve(pending.size());
        for (const PendingSpectrum& p : pending) matrices.push_back(&p.matrix);
        std::vector<std::vector<double>> values = spectralKernels().eigenvalues(matrices, n_);
        for (std::size_t e = 0; e < pending.size(); ++e)
            results[static_cast<std::size_t>(pending[e].slot)]
                .cov[pending[e].variable][pending[e].kind]
                .eigenvalues = std::move(values[e]);
    }

    RealizationResult resultOf(int slot, bool keep_covariances, std::vector<PendingSpectrum>& pending) const {
        RealizationResult out;
        out.realization = first_ + slot;
        out.coupling_effective_rank = couplingEffectiveRank(spec_.coupling, n_);
        for (int g = 0; g < kSplitGroups; ++g) {
            out.samples += et_count_[g];
            out.bins += bin_count_[g];
        }
        const bool zero_mean = centersOnZero(spec_);
        const double t_bin = static_cast<double>(plan_.bin_steps) * spec_.integration.dt;
        for (int v = 0; v < kVariableCount; ++v) {
            const VariableMoments& m = moments_[v];
            const GroupMoments et = groupMoments(m.et_second, m.et_first, slot, et_count_);
            const GroupMoments bins = groupMoments(m.bin_second, m.bin_first, slot, bin_count_);
            const std::vector<double> all_lag =
                download(m.lag, static_cast<std::size_t>(slot) * kSplitGroups * nn_, kSplitGroups * nn_);
            std::array<std::vector<double>, kSplitGroups> lag;
            for (int g = 0; g < kSplitGroups; ++g) {
                const std::size_t gs = static_cast<std::size_t>(g);
                lag[g].assign(all_lag.begin() + gs * nn_, all_lag.begin() + (gs + 1) * nn_);
            }
            const bool batched = spec_.statistics.eigenvalues && batchesSpectra();
            for (int kind = 0; kind < kCovarianceCount; ++kind) {
                // One at a time: at large n each is five n x n FP64 matrices.
                const SplitCovariance c =
                    kind == 0 ? equalTimeCovariance(et, n_, zero_mean)
                              : zeroFrequencyCovariance(bins, lag, lag_count_, n_, zero_mean, t_bin);
                out.cov[v][kind] = covarianceResult(c, spec_.statistics.eigenvalues && !batched,
                                                    keep_covariances, spectralKernels());
                if (batched) pending.push_back({slot, v, kind, c.pooled});
            }
        }
        appendTemporalSeries(slot, out);
        return out;
    }

    // In the CPU backend's order: the autocorrelations of x and phi, their mode autocorrelations, then
    // their frequency-resolved statistics.
    void appendTemporalSeries(int slot, RealizationResult& out) const {
        const double dt = spec_.integration.dt;
        const std::size_t base = static_cast<std::size_t>(slot) * kVariableCount;
        for (std::size_t v = 0; !autocorrelation_.empty() && v < kVariableCount; ++v)
            out.series.push_back(autocorrelation_[base + v].result(
                std::string(variableName(static_cast<Variable>(v))) + ".autocorrelation",
                lag_plan_.lagTime(dt)));
        for (std::size_t v = 0; !modes_.empty() && v < kVariableCount; ++v)
            for (Series& s : modes_[base + v].results(std::string(variableName(static_cast<Variable>(v))),
                                                      mode_plan_.lagTime(dt), spec_.statistics.modes))
                out.series.push_back(std::move(s));
        for (std::size_t v = 0; !spectral_.empty() && v < kVariableCount; ++v)
            for (Series& s : spectral_[base + v].results(std::string(variableName(static_cast<Variable>(v)))))
                out.series.push_back(std::move(s));
    }

    const EnsembleSpec& spec_;
    const int n_;
    const int k_;
    const StepPlan plan_;
    const EpochPlan epochs_;                 // annealed disorder's redraws (quenched: one epoch)
    const LagPlan lag_plan_;                 // statistics.autocorrelation (lags = 0: off)
    const LagPlan mode_plan_;                // statistics.modes (lags = 0: off)
    const cpu::SpectralPlan spectral_plan_;  // statistics.frequencies (none: off)
    const SplitPlan split_;
    const cudaStream_t stream_;
    const cublasHandle_t blas_;
    const std::size_t nn_;  // n^2
    const std::size_t nk_;  // n k
    std::int64_t first_ = 0;
    int count_ = 0;
    StepEngine<Real> engine_;
    DeviceBuffer<double> gathered_, gathered_prev_;
    std::array<VariableMoments, kVariableCount> moments_;
    std::vector<GroupTable> tables_;  // per time segment
    DeviceBuffer<int> columns_, groups_;
    // Samples per group so far: the same for every slot and both variables.
    std::array<std::int64_t, kSplitGroups> et_count_{}, bin_count_{}, lag_count_{};
    // The streamed autocorrelations run on the host, as the CPU backend's do, on the wave's state
    // downloaded at their sample steps: [slot * kVariableCount + variable].
    std::vector<cpu::AutocorrelationAccumulator> autocorrelation_;
    std::vector<cpu::ModeAutocorrelationAccumulator> modes_;
    // The Welch window transforms of the wave ([variable][frequency][element], FP64 complex), the
    // coefficient table they are formed with, and the host accumulators of their outer products.
    DeviceBuffer<double2> transforms_;
    DeviceBuffer<double2> coefficients_;
    std::vector<cpu::SpectralAccumulator> spectral_;
    std::unique_ptr<DeviceSpectralKernels> device_kernels_;  // null: the statistics finish on the host
};

template <class Real>
std::vector<RealizationResult> runWaves(const EnsembleSpec& spec, const RunControl& control,
                                        const WavePlan& plan) {
    const CudaStream stream;
    const CublasHandle blas(stream.get());
    WaveIntegrator<Real> integrator(spec, plan.per_wave, stream.get(), blas.get());
    const StepPlan steps = planSteps(spec.integration);
    ProgressReporter progress(control, spec.ensemble.realizations, steps.burn_steps + steps.measure_steps);
    const auto on_steps = [&progress](std::int64_t s) { progress.steps(s); };
    std::vector<RealizationResult> results;
    results.reserve(static_cast<std::size_t>(spec.ensemble.realizations));
    for (std::int64_t done = 0; done < spec.ensemble.realizations; done += plan.per_wave) {
        if (control.stop != nullptr && control.stop->load())
            throw Interrupted("stopped on request before all realizations finished");
        const int count =
            static_cast<int>(std::min<std::int64_t>(plan.per_wave, spec.ensemble.realizations - done));
        std::vector<RealizationResult> wave =
            integrator.run(spec.ensemble.first_realization + done, count, on_steps, control.keep_covariances);
        for (RealizationResult& r : wave) results.push_back(std::move(r));
        progress.realizationsDone(count);
    }
    return results;
}

}  // namespace

CudaBackend::CudaBackend() {
    std::string why;
    if (!cudaDeviceAvailable(&why)) throw BackendError("cuda backend: " + why);
    const DeviceInfo info = currentDeviceInfo();
    device_name_ = fmt::format("{} (sm_{}{})", info.name, info.major, info.minor);
    total_bytes_ = info.total_bytes;
}

std::string CudaBackend::description() const {
    return fmt::format("{}, {:.1f} GiB; steps: {}; wave plan: {}", device_name_,
                       gib(static_cast<double>(total_bytes_)), step_path_, wave_plan_);
}

std::string CudaBackend::device() const {
    return device_name_;
}

std::int64_t CudaBackend::realizationsInFlight(const EnsembleSpec& spec) const {
    return planWaves(spec, currentDeviceInfo().free_bytes).per_wave;
}

std::vector<RealizationResult> CudaBackend::run(const EnsembleSpec& spec, const RunControl& control) {
    validate(spec);
    const DeviceInfo info = currentDeviceInfo();
    const WavePlan plan = planWaves(spec, info.free_bytes);
    std::string why;
    step_path_ = chooseStepPath(spec, &why) == StepPath::OnChip
                     ? fmt::format("on-chip kernel, {} (J_r on chip, many steps per launch)",
                                   onChipShapeName(spec.network.n, spec.ensemble.trials))
                     : fmt::format("cuBLAS batched GEMM ({}){}", why,
                                   cublasStepsReplayGraphs()
                                       ? fmt::format(", replayed as CUDA graphs of {} steps", kStepsPerGraph)
                                       : "");
    wave_plan_ =
        fmt::format("{} realization(s) per wave, {} wave(s), {:.3f} GiB per realization, budget {:.2f} GiB",
                    plan.per_wave, plan.waves, gib(plan.bytes_per_realization), gib(plan.budget));
    if (spec.integration.precision == Precision::Fp64) return runWaves<double>(spec, control, plan);
    return runWaves<float>(spec, control, plan);
}

}  // namespace quench::cuda
