// The CUDA backend against the CPU reference: the same spec on both gives the same per-realization
// statistics. Both draw the same random integers (Philox at the same counters), so the only
// differences are rounding (GEMM summation order, FMA contraction, FP64 accumulation order):
//   fp64: relative 1e-9 (absolute floor 1e-12); fp32: relative 1e-4 (absolute floor 1e-6).
// The networks are stable (g < 1), so rounding differences are damped, not amplified.
//
// These tests skip without a usable device. On a GPU machine, run:
//   QUENCH_REQUIRE_GPU=1 ctest --test-dir build -L cpu
//   compute-sanitizer --tool memcheck build/tests/quench_core_tests --gtest_filter='*Cuda*'
//   compute-sanitizer --tool racecheck build/tests/quench_core_tests --gtest_filter='*Cuda*'
// (QUENCH_REQUIRE_GPU=1 turns every "backend unavailable" skip into a failure.)
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <string>

#include "backend_fixture.hpp"
#include "scoped_environment.hpp"
#ifdef QUENCH_HAVE_CUDA
#include "cuda/step_engine.hpp"
#include "on_chip_steps.cuh"
#endif
#include "quench/error.hpp"
#include "quench/neuron_parameters.hpp"

namespace quench::testing {
namespace {

using CK = CovarianceKind;

class CpuVsCudaTest : public ::testing::TestWithParam<Precision> {
protected:
    void SetUp() override { QUENCH_SKIP_UNLESS_AVAILABLE(BackendKind::Cuda); }
    std::vector<RealizationResult> run(BackendKind kind, EnsembleSpec spec) const {
        spec.integration.precision = GetParam();
        return makeBackend(kind)->run(spec, {});
    }
    double relativeTolerance() const { return GetParam() == Precision::Fp64 ? 1e-9 : 1e-4; }
    double absoluteTolerance() const { return GetParam() == Precision::Fp64 ? 1e-12 : 1e-6; }

    void expectSameStatistics(const EnsembleSpec& spec) const {
        expectSameStatistics(run(BackendKind::Cpu, spec), run(BackendKind::Cuda, spec));
    }

    void expectSameStatistics(const std::vector<RealizationResult>& cpu,
                              const std::vector<RealizationResult>& gpu) const {
        ASSERT_EQ(cpu.size(), gpu.size());
        for (std::size_t r = 0; r < cpu.size(); ++r) {
            EXPECT_EQ(cpu[r].realization, gpu[r].realization);
            EXPECT_EQ(cpu[r].samples, gpu[r].samples);
            EXPECT_EQ(cpu[r].bins, gpu[r].bins);
            EXPECT_DOUBLE_EQ(cpu[r].coupling_effective_rank, gpu[r].coupling_effective_rank);
            for (int v = 0; v < kVariableCount; ++v)
                for (int c = 0; c < kCovarianceCount; ++c)
                    for (int k = 0; k < kStatisticCount; ++k) {
                        const double a = cpu[r].cov[v][c].stats[k];
                        const double b = gpu[r].cov[v][c].stats[k];
                        if (std::isnan(a) && std::isnan(b)) continue;  // not estimated by either
                        const double tolerance =
                            relativeTolerance() * std::max(std::fabs(a), std::fabs(b)) + absoluteTolerance();
                        EXPECT_LE(std::fabs(a - b), tolerance)
                            << "realization " << cpu[r].realization << " "
                            << variableName(static_cast<Variable>(v)) << " "
                            << covarianceName(static_cast<CK>(c)) << " "
                            << statisticName(static_cast<Statistic>(k)) << ": cpu " << a << ", cuda " << b;
                    }
        }
    }

    // The statistics and the streamed curves (per realization, in the CPU backend's order) agree to
    // rounding; one run per backend serves both comparisons.
    void expectSameStatisticsAndSeries(const EnsembleSpec& spec, std::size_t curves) const {
        const std::vector<RealizationResult> cpu = run(BackendKind::Cpu, spec);
        const std::vector<RealizationResult> gpu = run(BackendKind::Cuda, spec);
        expectSameStatistics(cpu, gpu);
        ASSERT_EQ(cpu.size(), gpu.size());
        for (std::size_t r = 0; r < cpu.size(); ++r) {
            ASSERT_EQ(cpu[r].series.size(), gpu[r].series.size());
            ASSERT_EQ(cpu[r].series.size(), curves);
            for (std::size_t q = 0; q < curves; ++q) {
                const Series& a = cpu[r].series[q];
                const Series& b = gpu[r].series[q];
                EXPECT_EQ(a.name, b.name);
                ASSERT_EQ(a.values.size(), b.values.size());
                for (std::size_t k = 0; k < a.values.size(); ++k)
                    EXPECT_LE(std::fabs(a.values[k] - b.values[k]),
                              relativeTolerance() * std::fabs(a.values[k]) + absoluteTolerance())
                        << a.name << " at " << a.at[k];
            }
        }
    }
};

// tanh, iid couplings with symmetry, white noise, exponential Euler, K >= 4 (trial split).
TEST_P(CpuVsCudaTest, TanhWithWhiteNoiseAndExponentialEuler) {
    EnsembleSpec spec = smallLinearSpec(48, 0.6);
    spec.network.activation.kind = ActivationKind::Tanh;
    spec.coupling.symmetry = 0.3;
    spec.integration.t_max = 100.0;
    spec.ensemble.realizations = 3;
    expectSameStatistics(spec);
}

// Linear units, OU noise, Euler-Maruyama, K < 4 (time-segment split), nonzero coupling mean and
// input (pooled sample mean), zero diagonal, a distinct noise seed.
TEST_P(CpuVsCudaTest, ColoredNoiseEulerMaruyamaAndTimeSegments) {
    EnsembleSpec spec = smallLinearSpec(20, 0.5);
    spec.integration.method = IntegrationMethod::EulerMaruyama;
    spec.noise.tau = 1.5;
    spec.noise.input = 0.3;
    spec.coupling.mean = 0.4;
    spec.coupling.zero_diagonal = true;
    spec.ensemble.trials = 3;
    spec.ensemble.noise_seed = 11;
    spec.ensemble.first_realization = 7;
    spec.integration.t_max = 120.0;
    expectSameStatistics(spec);
}

// Random-mode couplings (built on the host and copied), a non-odd activation, eigenvalues.
TEST_P(CpuVsCudaTest, RandomModeCouplingsWithRelu) {
    EnsembleSpec spec = smallLinearSpec(32, 0.5);
    spec.network.activation.kind = ActivationKind::Relu;
    spec.coupling.model = CouplingModel::RandomMode;
    spec.coupling.mode_ratio = 0.5;
    spec.coupling.overlap = 0.3;
    spec.noise.input = 0.2;
    spec.ensemble.trials = 5;
    spec.integration.t_max = 80.0;
    spec.statistics.eigenvalues = true;
    expectSameStatistics(spec);
}

// 16-bit coupling.storage: the CPU holds the same rounded J and rounds Phi for the product as the
// GPU's operands are (tensor cores or the on-chip path), so only the FP32 summation order differs.
// n = 48 runs on the on-chip path, n = 160 on cuBLAS.
TEST_P(CpuVsCudaTest, SixteenBitCouplingsOnBothPaths) {
    if (GetParam() != Precision::Fp32) GTEST_SKIP() << "16-bit coupling storage is FP32-only";
    for (const int n : {48, 160})
        for (const CouplingStorage storage : {CouplingStorage::Bf16, CouplingStorage::Fp16}) {
            EnsembleSpec spec = smallLinearSpec(n, 0.6);
            spec.network.activation.kind = ActivationKind::Tanh;
            spec.ensemble.realizations = 2;
            spec.coupling.storage = storage;
            expectSameStatistics(spec);
        }
}

// Per-neuron gains and time constants (cuBLAS path: the elementwise kernels read them per neuron),
// white noise at n = 48 (which the on-chip path would otherwise take) and OU noise.
TEST_P(CpuVsCudaTest, PerNeuronGainsAndTimeConstants) {
    for (const double tau : {0.0, 0.8}) {
        EnsembleSpec spec = smallLinearSpec(48, 0.6);
        spec.network.activation.kind = ActivationKind::Tanh;
        spec.network.gain = {NeuronDistribution::Lognormal, 1.0, 0.5};
        spec.network.tau = {NeuronDistribution::Uniform, 1.2, 0.3};
        spec.noise.tau = tau;
        spec.ensemble.realizations = 2;
        expectSameStatistics(spec);
    }
}

// Annealed disorder: J_r redrawn on the device at every epoch from the AnnealedCoupling stream, on the
// on-chip path (FP32, n = 48) and the cuBLAS path (FP64).
TEST_P(CpuVsCudaTest, AnnealedDisorderRedrawsTheSameCouplings) {
    EnsembleSpec spec = smallLinearSpec(48, 0.6);
    spec.network.activation.kind = ActivationKind::Tanh;
    spec.coupling.disorder = Disorder::Annealed;
    spec.coupling.redraw_interval = 2.0 * spec.integration.t_bin;
    spec.ensemble.realizations = 2;
    expectSameStatistics(spec);
}

// The streamed autocorrelations (single-unit and of the leading modes): the CUDA backend downloads the
// wave's state at every lag sample into the CPU backend's accumulators, so the series agree to rounding.
TEST_P(CpuVsCudaTest, AutocorrelationSeriesAgree) {
    EnsembleSpec spec = smallLinearSpec(24, 0.6);
    spec.network.activation.kind = ActivationKind::Tanh;
    spec.statistics.autocorrelation = true;
    spec.statistics.tau_max = 2.0;
    spec.statistics.lag_interval = 0.5;
    spec.statistics.modes = 2;
    spec.statistics.mode_lags = 3;
    spec.ensemble.realizations = 2;
    expectSameStatisticsAndSeries(spec, 6);  // x, phi autocorrelation; 2 modes each
}

// The frequency-resolved statistics: the CUDA backend forms the Welch window transforms on the device with
// the CPU's coefficient table and hands each finished window to the CPU's host accumulator, so the series
// agree to rounding (FP32 state: the transforms sum the same rounded states in FP64 on both sides).
TEST_P(CpuVsCudaTest, FrequencyResolvedSeriesAgree) {
    EnsembleSpec spec = smallLinearSpec(24, 0.6);
    spec.network.activation.kind = ActivationKind::Tanh;
    spec.statistics.frequencies = {0.0, 0.5, 2.0};
    spec.statistics.window = 10.0;
    spec.ensemble.realizations = 2;
    expectSameStatisticsAndSeries(spec, 6);  // a(w), N dc2(w), PR(w)/N of x and phi
}

// Every shape of the on-chip kernel (QUENCH_CUDA_ON_CHIP_SHAPE) at the three padded widths, with one
// and three trials and 7 steps between samples, so that the noise ring wraps inside a launch: one
// barrier or two, all of row i in registers or part of it in shared memory, the same statistics.
TEST_P(CpuVsCudaTest, EveryOnChipShapeGivesTheCpuStatistics) {
    if (GetParam() != Precision::Fp32) GTEST_SKIP() << "the on-chip path is FP32 only";
    // The shapes are the on-chip path's, also where gpu_check.sh forces the cuBLAS path for the others.
    const ScopedEnvironment path("QUENCH_CUDA_STEP_PATH", "on_chip");
    for (const int n : {20, 48, 100}) {
        for (const int trials : {1, 3}) {
            EnsembleSpec spec = smallLinearSpec(n, 0.6);
            spec.network.activation.kind = ActivationKind::Tanh;
            spec.integration.t_burn = 2.0;
            spec.integration.t_max = 24.0;
            spec.integration.t_bin = 3.0;
            spec.integration.sample_interval = 0.14;
            spec.ensemble.realizations = 3;
            spec.ensemble.trials = trials;
            const std::vector<RealizationResult> cpu = run(BackendKind::Cpu, spec);
            for (const char* shape : {"two_barriers", "one_barrier", "one_barrier_r96", "one_barrier_r64"}) {
                SCOPED_TRACE(::testing::Message() << "n = " << n << ", trials = " << trials << ", " << shape);
                const ScopedEnvironment chosen("QUENCH_CUDA_ON_CHIP_SHAPE", shape);
                const std::unique_ptr<Backend> cuda = makeBackend(BackendKind::Cuda);
                spec.integration.precision = Precision::Fp32;
                expectSameStatistics(cpu, cuda->run(spec, {}));
                EXPECT_NE(cuda->description().find(std::string("on-chip kernel, ") + shape),
                          std::string::npos)
                    << cuda->description();
            }
        }
    }
}

// QUENCH_CUDA_STATISTICS=device: the O(n^3) statistics and the eigenvalues on cuBLAS and cuSOLVER (n = 20:
// one batched Jacobi call for the wave's 3 x 4 spectra; n = 40: syevd one by one), the CPU's numbers.
TEST_P(CpuVsCudaTest, StatisticsOnTheDeviceGiveTheCpuNumbersAndSpectra) {
    const ScopedEnvironment place("QUENCH_CUDA_STATISTICS", "device");
    for (const int n : {20, 40}) {
        SCOPED_TRACE(::testing::Message() << "n = " << n);
        EnsembleSpec spec = smallLinearSpec(n, 0.6);
        spec.network.activation.kind = ActivationKind::Tanh;
        spec.ensemble.realizations = 3;
        spec.integration.t_max = 80.0;
        spec.statistics.eigenvalues = true;
        const std::vector<RealizationResult> cpu = run(BackendKind::Cpu, spec);
        const std::vector<RealizationResult> gpu = run(BackendKind::Cuda, spec);
        expectSameStatistics(cpu, gpu);
        for (std::size_t r = 0; r < cpu.size(); ++r)
            for (int v = 0; v < kVariableCount; ++v)
                for (int c = 0; c < kCovarianceCount; ++c) {
                    const std::vector<double>& a = cpu[r].cov[v][c].eigenvalues;
                    const std::vector<double>& b = gpu[r].cov[v][c].eigenvalues;
                    ASSERT_EQ(a.size(), static_cast<std::size_t>(n));
                    ASSERT_EQ(b.size(), a.size());
                    const double scale = std::max(std::fabs(a.front()), std::fabs(a.back()));
                    for (int i = 0; i < n; ++i)
                        EXPECT_LE(std::fabs(a[i] - b[i]), relativeTolerance() * scale + absoluteTolerance())
                            << "realization " << r << " eigenvalue " << i;
                }
    }
}

// QUENCH_CUDA_GRAPHS=1: the cuBLAS path replays runs of kStepsPerGraph steps as CUDA graphs whose update
// kernels read their step from the device, in the burn-in (no bins) and between samples (with bins:
// 50 steps between samples here); the CPU's statistics to rounding with white and OU noise, per-neuron
// gains and time constants, and over three waves (the last one smaller: its graphs are captured again).
TEST_P(CpuVsCudaTest, CudaGraphsReplayTheCublasStepsWithTheCpuStatistics) {
    const ScopedEnvironment path("QUENCH_CUDA_STEP_PATH", "cublas");
    const ScopedEnvironment graphs("QUENCH_CUDA_GRAPHS", "1");
    for (int variant = 0; variant < 4; ++variant) {
        SCOPED_TRACE(::testing::Message() << "variant " << variant);
        EnsembleSpec spec = smallLinearSpec(48, 0.6);
        spec.network.activation.kind = ActivationKind::Tanh;
        spec.integration.t_max = 100.0;
        spec.integration.sample_interval = 1.0;
        spec.ensemble.realizations = 3;
        if (variant == 1) spec.noise.tau = 0.8;
        if (variant == 2) {
            spec.network.gain = {NeuronDistribution::Lognormal, 1.0, 0.5};
            spec.network.tau = {NeuronDistribution::Uniform, 1.2, 0.3};
        }
        if (variant == 3) spec.ensemble.realizations = 5;
        spec.integration.precision = GetParam();
        const std::vector<RealizationResult> cpu = run(BackendKind::Cpu, spec);
        // Two realizations per wave on the device (as WavesChangeNoNumberBeyondRounding); the CPU's own plan
        // (its threads' buffers) would refuse so small a budget, so it ran without.
        if (variant == 3) spec.run.memory_gb = 1.2e-3;
        const std::unique_ptr<Backend> cuda = makeBackend(BackendKind::Cuda);
        expectSameStatistics(cpu, cuda->run(spec, {}));
        EXPECT_NE(cuda->description().find("CUDA graphs of 32 steps"), std::string::npos)
            << cuda->description();
    }
}

// Cutting the ensemble into several waves (a small memory budget): results agree to rounding (the
// tolerance above), not bit for bit, because cuBLAS chooses its GEMM kernel by the batch count and
// another kernel sums in another order: FP32 on an H100, FP32 and FP64 on an H200 (2026-11-26; the
// FP64 statistics agreed to 6 digits and more).
TEST_P(CpuVsCudaTest, WavesChangeNoNumberBeyondRounding) {
    EnsembleSpec spec = smallLinearSpec(48, 0.5);
    spec.network.activation.kind = ActivationKind::Tanh;
    spec.ensemble.realizations = 5;
    spec.integration.t_max = 80.0;
    const std::vector<RealizationResult> one_wave = run(BackendKind::Cuda, spec);
    // About 0.45 MiB per realization in fp32 (0.5 in fp64): two realizations per wave, three waves.
    spec.run.memory_gb = 1.2e-3;
    const std::vector<RealizationResult> waves = run(BackendKind::Cuda, spec);
    ASSERT_EQ(one_wave.size(), waves.size());
    for (std::size_t r = 0; r < waves.size(); ++r) {
        EXPECT_EQ(one_wave[r].realization, waves[r].realization);
        for (int v = 0; v < kVariableCount; ++v)
            for (int c = 0; c < kCovarianceCount; ++c) {
                const std::array<double, kStatisticCount>& a = one_wave[r].cov[v][c].stats;
                const std::array<double, kStatisticCount>& b = waves[r].cov[v][c].stats;
                for (int k = 0; k < kStatisticCount; ++k)
                    if (!(std::isnan(a[k]) && std::isnan(b[k])))  // both not estimated: agreement
                        EXPECT_LE(std::fabs(a[k] - b[k]),
                                  relativeTolerance() * std::max(std::fabs(a[k]), std::fabs(b[k])) +
                                      absoluteTolerance())
                            << statisticName(static_cast<Statistic>(k));
            }
    }
}

TEST_P(CpuVsCudaTest, DescriptionReportsTheWavePlan) {
    std::unique_ptr<Backend> backend = makeBackend(BackendKind::Cuda);
    EnsembleSpec spec = smallLinearSpec(8, 0.3);
    spec.integration.precision = GetParam();
    spec.integration.t_max = 80.0;
    backend->run(spec, {});
    EXPECT_NE(backend->description().find("per wave"), std::string::npos) << backend->description();
}

std::string precisionName(const ::testing::TestParamInfo<Precision>& info) {
    return info.param == Precision::Fp64 ? "CudaFp64" : "CudaFp32";
}

INSTANTIATE_TEST_SUITE_P(Precisions, CpuVsCudaTest, ::testing::Values(Precision::Fp32, Precision::Fp64),
                         precisionName);

#ifdef QUENCH_HAVE_CUDA
// Runs everywhere (host code): the default shape is the fastest measured, one barrier with 96 of 128
// columns in registers for one trial above n = 64 and two barriers elsewhere; the switch names its
// shape, and an unknown name is refused naming the variable.
TEST(OnChipShape, DefaultsToTheFastestMeasuredAndHonoursTheSwitch) {
    const ScopedEnvironment automatic("QUENCH_CUDA_ON_CHIP_SHAPE", "auto");
    EXPECT_EQ(cuda::onChipShapeName(128, 1), "one_barrier_r96");
    EXPECT_EQ(cuda::onChipShape(100, 1).register_columns, 96);
    EXPECT_EQ(cuda::onChipShape(100, 1).one_barrier, 1);
    EXPECT_EQ(cuda::onChipShapeName(64, 1), "two_barriers");
    EXPECT_EQ(cuda::onChipShapeName(128, 32), "two_barriers");
    EXPECT_EQ(cuda::onChipShape(128, 32).register_columns, 128);
    {
        const ScopedEnvironment chosen("QUENCH_CUDA_ON_CHIP_SHAPE", "one_barrier_r64");
        EXPECT_EQ(cuda::onChipShape(48, 3).register_columns, 64);  // all of the padded width
        EXPECT_EQ(cuda::onChipShape(120, 3).register_columns, 64);
    }
    const ScopedEnvironment wrong("QUENCH_CUDA_ON_CHIP_SHAPE", "three_barriers");
    try {
        cuda::onChipShape(128, 1);
        FAIL() << "an unknown shape was accepted";
    } catch (const ConfigError& e) {
        EXPECT_NE(std::string(e.what()).find("QUENCH_CUDA_ON_CHIP_SHAPE"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("three_barriers"), std::string::npos) << e.what();
    }
}
#endif

#ifdef QUENCH_HAVE_CUDA
// Runs everywhere (host code): graphs are off until measured, and the switch takes 0 or 1 only.
TEST(StepGraphs, AreOffByDefaultAndTheSwitchTakesZeroOrOne) {
    {
        const ScopedEnvironment on("QUENCH_CUDA_GRAPHS", "1");
        EXPECT_TRUE(cuda::stepGraphsEnabled());
    }
    {
        const ScopedEnvironment off("QUENCH_CUDA_GRAPHS", "0");
        EXPECT_FALSE(cuda::stepGraphsEnabled());
    }
    {
        const ScopedEnvironment unset("QUENCH_CUDA_GRAPHS", nullptr);
        EXPECT_FALSE(cuda::stepGraphsEnabled());
    }
    const ScopedEnvironment wrong("QUENCH_CUDA_GRAPHS", "yes");
    try {
        cuda::stepGraphsEnabled();
        FAIL() << "QUENCH_CUDA_GRAPHS=yes was accepted";
    } catch (const ConfigError& e) {
        EXPECT_NE(std::string(e.what()).find("QUENCH_CUDA_GRAPHS = yes: 0 or 1"), std::string::npos)
            << e.what();
    }
}

// The graphs replay the fused update, so the developer's switch back to the separate activation kernel turns
// them off, and the run's description (which asks cublasStepsReplayGraphs) says so.
TEST(StepGraphs, AreReplayedOnlyWithTheFusedUpdate) {
    const ScopedEnvironment graphs("QUENCH_CUDA_GRAPHS", "1");
    {
        const ScopedEnvironment fused("QUENCH_CUDA_FUSED_UPDATE", nullptr);
        EXPECT_TRUE(cuda::cublasStepsReplayGraphs());
    }
    const ScopedEnvironment separate("QUENCH_CUDA_FUSED_UPDATE", "0");
    EXPECT_FALSE(cuda::cublasStepsReplayGraphs());
}
#endif

// Runs everywhere: without a usable device the CUDA backend refuses with the reason instead of
// crashing, and a build with nvcc lists it.
TEST(CudaBackendAvailability, IsListedWhenCompiledAndRefusesWithAReasonWithoutADevice) {
    const std::vector<std::string> compiled = compiledBackends();
#ifdef QUENCH_HAVE_CUDA
    EXPECT_NE(std::find(compiled.begin(), compiled.end(), "cuda"), compiled.end());
#else
    EXPECT_EQ(std::find(compiled.begin(), compiled.end(), "cuda"), compiled.end());
#endif
    std::string why;
    if (backendAvailable(BackendKind::Cuda, &why)) GTEST_SKIP() << "a CUDA device is present";
    EXPECT_FALSE(why.empty());
    try {
        makeBackend(BackendKind::Cuda);
        FAIL() << "expected a BackendError";
    } catch (const BackendError& e) {
        EXPECT_NE(std::string(e.what()).find(why), std::string::npos) << e.what();
    }
    // Auto falls back to the CPU.
    EXPECT_EQ(makeBackend(BackendKind::Auto)->name(), "cpu");
}

}  // namespace
}  // namespace quench::testing
