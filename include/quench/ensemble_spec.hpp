#pragma once
// Everything that defines an ensemble run. Plain values with the documented defaults; parsing lives
// in host/config (TOML and --set overrides), validation in validate() below.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "quench/activation.hpp"
#include "quench/mode_spectrum.hpp"
#include "quench/neuron_parameters.hpp"

namespace quench {

enum class CouplingModel : int { Iid, RandomMode };
enum class IntegrationMethod : int { EulerMaruyama, ExponentialEuler };
// Tf32: FP32 state and elementwise work, the coupling product on the tensor cores with its inputs
// rounded to TF32 (10-bit mantissa) and FP32 accumulation; the CUDA backend's cuBLAS path only.
enum class Precision : int { Fp32, Fp64, Tf32 };
// How J is held during the integration: in the working precision, or rounded to a 16-bit format
// (then Phi is rounded to the same format for the product, accumulated in FP32).
enum class CouplingStorage : int { Full, Bf16, Fp16 };
// Quenched: J_r is fixed for the whole run. Annealed (a comparison mode, docs/theory/annealed.md): J_r is
// redrawn every coupling.redraw_interval of measured time, at zero-frequency bin boundaries.
enum class Disorder : int { Quenched, Annealed };

struct NetworkSpec {
    int n = 200;
    Activation activation{};  // built from activation/alpha/threshold/pade keys
    std::string pade_preset;  // name of the Pade preset, if the activation came from one
    NeuronParameterSpec gain;  // per-neuron gains b_i: phi_i = phi(b_i x_i)
    NeuronParameterSpec tau;   // per-neuron time constants: tau_i dx_i = (-x_i + ...) dt + sigma dW_i
};

struct CouplingSpec {
    CouplingModel model = CouplingModel::Iid;
    double g = 0.5;         // std of J_ij is g / sqrt(N)
    double mean = 0.0;      // mean of J_ij is mean / N
    double symmetry = 0.0;  // eta = corr(J_ij, J_ji), in [-1, 1]
    bool zero_diagonal = false;
    CouplingStorage storage = CouplingStorage::Full;
    // Random-mode model: J = sum_a D_a u_a v_a^T with P = round(mode_ratio * N) modes.
    double mode_ratio = 1.0;
    ModeSpectrum spectrum = ModeSpectrum::Flat;
    double spectrum_decay = 1.0;  // power law D_a ~ a^-decay; exponential D_a ~ exp(-decay a / P)
    double strong_fraction = 0.5;  // two_valued: fraction of strong modes, P_s = max(1, round(f P))
    double weak_ratio = 0.5;       // two_valued: D_weak / D_strong
    double overlap = 0.0;          // rho: v_a = rho_a u_a + sqrt(1 - rho_a^2) w_a, rho_a = overlap
    double overlap_spread = 0.0;   // rho_a uniform in [overlap - spread, overlap + spread], per mode
    Disorder disorder = Disorder::Quenched;
    // Annealed only: measured time between redraws, a whole multiple of integration.t_bin; unset: t_bin.
    std::optional<double> redraw_interval;
};

struct NoiseSpec {
    double sigma = 1.0;  // white-noise amplitude (zero-frequency power sigma^2)
    double tau = 0.0;    // Ornstein-Uhlenbeck correlation time; 0 means white noise
    double input = 0.0;  // constant input I to every neuron
};

struct IntegrationSpec {
    double dt = 0.01;
    IntegrationMethod method = IntegrationMethod::ExponentialEuler;
    double t_burn = 50.0;          // discarded before any statistic is accumulated
    double t_max = 500.0;          // measured time after the burn-in, per trial
    double sample_interval = 0.1;  // equal-time covariance sampled every this much time
    double t_bin = 10.0;           // zero-frequency covariance: bin length T_b
    double init_std = 1.0;         // x(0) ~ N(0, init_std^2)
    double blow_up = 1.0e6;        // |x| beyond this stops the run as diverged
    Precision precision = Precision::Fp32;
};

struct EnsembleSize {
    std::int64_t realizations = 64;
    int trials = 8;  // independent noise trials per realization (same J)
    std::uint64_t seed = 1;
    std::int64_t first_realization = 0;  // runs realizations first .. first + realizations - 1
    // Seed of the noise and initial-state streams when it should differ from the coupling seed
    // (same networks, new noise); unset: `seed`.
    std::optional<std::uint64_t> noise_seed;
    std::uint64_t noiseSeed() const { return noise_seed.value_or(seed); }
};

// What the covariances are centred on. The sample mean costs a bias of -C_ZF / T_total (large for
// slow modes); when the model is symmetric under x -> -x the true mean is exactly zero.
enum class Centering : int { Auto, SampleMean, Zero };

struct StatisticsSpec {
    bool eigenvalues = false;            // per-realization covariance spectra (LAPACK)
    Centering center = Centering::Auto;  // auto: zero when meanIsZeroBySymmetry(), else sample mean
    // Temporal observables (docs/theory/autocorrelation.md), off by default. The single-unit
    // autocorrelation C(tau) = mean_i Cov(x_i(t), x_i(t + tau)) of x and phi at tau = 0, lag_interval,
    // .., tau_max, streamed from a ring buffer of the last tau_max / lag_interval samples.
    bool autocorrelation = false;
    double tau_max = 10.0;
    double lag_interval = 0.1;
    // Frequency-resolved covariance statistics at these angular frequencies (empty: off), from Hann-
    // tapered windows of length `window` (docs/theory/frequency_resolved.md).
    std::vector<double> frequencies;
    double window = 40.0;
    // Population autocorrelation of the `modes` leading equal-time covariance modes (0: off) on a
    // coarse grid of `mode_lags` lags spanning [0, tau_max] (N x N lagged covariances per lag).
    int modes = 0;
    int mode_lags = 6;
};

struct RunSpec {
    int threads = 0;         // 0: all hardware threads
    double memory_gb = 0.0;  // 0: 80 % of the memory available when the run starts
    // A checkpoint (PREFIX.checkpoint.h5) is written at the first realization boundary after this much
    // wall time or this many completed realizations since the last one; 0 turns either trigger off.
    double checkpoint_every_seconds = 0.0;
    std::int64_t checkpoint_every_realizations = 0;
};

// What the result files hold beyond the statistics (the light JSON/CSV never hold matrices).
struct OutputSpec {
    bool covariances = false;  // PREFIX.h5 also holds every pooled covariance matrix (R x N x N)
};

struct EnsembleSpec {
    NetworkSpec network;
    CouplingSpec coupling;
    NoiseSpec noise;
    IntegrationSpec integration;
    EnsembleSize ensemble;
    StatisticsSpec statistics;
    OutputSpec output;
    RunSpec run;
};

// Integer step counts derived from the times above (rounded to the nearest step).
struct StepPlan {
    std::int64_t burn_steps;
    std::int64_t measure_steps;  // after the burn-in
    std::int64_t sample_stride;  // steps between equal-time samples
    std::int64_t bin_steps;      // steps per zero-frequency bin
    std::int64_t bins_per_trial;
};
StepPlan planSteps(const IntegrationSpec& integration);

// True when phi is odd, the input is zero and the coupling mean is zero: then the stationary means
// of x and phi vanish by symmetry (the coupling mean is excluded because it can break the symmetry
// spontaneously).
bool meanIsZeroBySymmetry(const EnsembleSpec& spec);
// Whether the covariances of this run are centred on zero (resolves Centering::Auto).
bool centersOnZero(const EnsembleSpec& spec);

// True when some neuron's gain or time constant differs from 1 (network.gain_* / network.tau_*).
bool heterogeneousNeurons(const EnsembleSpec& spec);

// Throws ConfigError naming the first key whose value is out of range, and why.
void validate(const EnsembleSpec& spec);
// The statistics.* keys of the temporal observables (called by validate()).
void validateTemporal(const EnsembleSpec& spec);

}  // namespace quench
