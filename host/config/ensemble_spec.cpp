// Step planning and the one place where an EnsembleSpec is checked. Each rule throws ConfigError
// naming the key as it is written in a config file, so the user can fix the file directly.
#include "quench/ensemble_spec.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>

#include <fmt/format.h>

#include "quench/disorder_epochs.hpp"
#include "quench/error.hpp"
#include "quench/rng.hpp"

namespace quench {
namespace {

// Times are multiples of dt up to rounding; a relative slack keeps e.g. t_bin = dt from failing on the
// last bit.
constexpr double kTimeSlack = 1e-9;
// Step counters go into 56 bits of the Philox counter and through doubles; stay well inside both.
constexpr double kMaxSteps = 1e15;
constexpr std::int64_t kMaxRealizationIndex = std::int64_t{1} << 32;
constexpr int kMinBinsPerTrial = 8;

std::string text(double value) {
    return fmt::format("{}", value);
}

void requireFinite(const char* key, double value) {
    if (!std::isfinite(value)) {
        throw ConfigError(key, text(value),
                          "the value must be a finite number (NaN and infinity are not allowed)");
    }
}

void requirePositive(const char* key, double value, const char* meaning) {
    requireFinite(key, value);
    if (!(value > 0.0))
        throw ConfigError(key, text(value), fmt::format("{} must be greater than 0", meaning));
}

void requireNonNegative(const char* key, double value, const char* meaning) {
    requireFinite(key, value);
    if (value < 0.0) throw ConfigError(key, text(value), fmt::format("{} must be 0 or greater", meaning));
}

void requireInRange(const char* key, double value, double lo, double hi, const char* meaning) {
    requireFinite(key, value);
    if (value < lo || value > hi) {
        throw ConfigError(key, text(value), fmt::format("{} must lie in [{}, {}]", meaning, lo, hi));
    }
}

std::int64_t roundSteps(double time, double dt) {
    return std::llround(time / dt);
}

void validateNetwork(const NetworkSpec& network) {
    if (network.n < 2 || network.n > kMaxNeurons) {
        throw ConfigError(
            "network.n", std::to_string(network.n),
            fmt::format("the number of neurons must be an integer from 2 to {} (the largest N the "
                        "random-number layout can address)",
                        kMaxNeurons));
    }
    const Activation& phi = network.activation;
    if (phi.kind == ActivationKind::PowerLaw) {
        requirePositive("network.alpha", phi.alpha, "the power-law exponent alpha of sgn(x)|x|^alpha");
    }
    if (phi.kind == ActivationKind::ThresholdLinear) requireFinite("network.threshold", phi.threshold);
    if (phi.kind == ActivationKind::Pade) {
        if (phi.q_count < 1 || phi.q_count > kMaxPadeCoefficients) {
            throw ConfigError("network.pade_q", std::to_string(phi.q_count) + " coefficients",
                              "a Pade activation needs a denominator with 1 to 12 coefficients");
        }
        if (phi.p_count < 1 || phi.p_count > kMaxPadeCoefficients) {
            throw ConfigError("network.pade_p", std::to_string(phi.p_count) + " coefficients",
                              "a Pade activation needs a numerator with 1 to 12 coefficients");
        }
    }
}

// key_prefix is "network.gain" or "network.tau".
void validateNeuronParameter(const NeuronParameterSpec& p, const std::string& key_prefix) {
    const std::string mean_key = key_prefix + "_mean", cv_key = key_prefix + "_cv";
    requirePositive(mean_key.c_str(), p.mean, "the mean of the per-neuron parameter");
    requireNonNegative(cv_key.c_str(), p.cv, "the coefficient of variation of the per-neuron parameter");
    if (p.distribution == NeuronDistribution::None && p.cv > 0.0) {
        throw ConfigError(cv_key, text(p.cv),
                          fmt::format("a coefficient of variation > 0 needs {}_distribution = \"lognormal\" "
                                      "or \"uniform\" (it is \"none\": every neuron gets {}_mean)",
                                      key_prefix, key_prefix));
    }
    const double max_uniform_cv = 1.0 / std::sqrt(3.0);
    if (p.distribution == NeuronDistribution::Uniform && !(p.cv < max_uniform_cv)) {
        throw ConfigError(
            cv_key, text(p.cv),
            fmt::format("the uniform distribution mean (1 +- sqrt(3) cv) stays positive only for "
                        "cv < 1/sqrt(3) = {:.6g}; use \"lognormal\" for larger spreads",
                        max_uniform_cv));
    }
}

// Euler-Maruyama needs dt / tau_i < 1 for every neuron: only a bounded distribution can promise it.
void validateTimeConstants(const EnsembleSpec& spec) {
    const NeuronParameterSpec& tau = spec.network.tau;
    validateNeuronParameter(tau, "network.tau");
    if (!perNeuron(tau) || spec.integration.method != IntegrationMethod::EulerMaruyama) return;
    if (tau.distribution == NeuronDistribution::Lognormal) {
        throw ConfigError(
            "network.tau_distribution", "\"lognormal\"",
            "Euler-Maruyama is unstable for tau_i < dt, which a lognormal tau_i can reach; use "
            "integration.method = \"exponential_euler\" (exact for every tau_i) or \"uniform\"");
    }
    const double smallest = tau.mean * (1.0 - std::sqrt(3.0) * tau.cv);
    if (smallest < 2.0 * spec.integration.dt) {
        throw ConfigError("network.tau_mean", text(tau.mean),
                          fmt::format("Euler-Maruyama needs every tau_i >= 2 dt; the smallest tau_i can be "
                                      "{:.6g} (dt = {:.6g}); use integration.method = \"exponential_euler\"",
                                      smallest, spec.integration.dt));
    }
}

// The N -> infinity stability edge of the linear network: the bulk of the spectrum of J must stay left
// of Re lambda = 1.
void validateLinearStability(const EnsembleSpec& spec) {
    if (spec.network.activation.kind != ActivationKind::Linear) return;
    const CouplingSpec& c = spec.coupling;
    // Gains scale the columns of J: the circular-law radius of J B is g sqrt(E[b^2]).
    const double gain_rms = std::sqrt(neuronParameterMoment(spec.network.gain, 2));
    if (c.model == CouplingModel::Iid) {
        const double edge = c.g * gain_rms * (1.0 + c.symmetry);
        if (edge >= 1.0) {
            throw ConfigError(
                "coupling.g", text(c.g),
                fmt::format("the linear network is unstable for g sqrt(E[b^2]) (1 + symmetry) >= 1 (here "
                            "{:.6g}, E[b^2] from network.gain_*); use g < {:.6g} or a saturating activation "
                            "such as tanh",
                            edge, 1.0 / (gain_rms * (1.0 + c.symmetry))));
        }
        return;
    }
    const double largest_overlap = std::fabs(c.overlap) + c.overlap_spread;
    const double bound = c.g * gain_rms * (1.0 + largest_overlap);
    if (bound >= 1.0) {
        throw ConfigError(
            "coupling.g", text(c.g),
            fmt::format("the linear random-mode network is only guaranteed stable for "
                        "g (1 + |overlap| + overlap_spread) < 1 (a conservative bound; here {:.6g}); use "
                        "g < {:.6g} or a saturating activation such as tanh",
                        bound, 1.0 / (1.0 + largest_overlap)));
    }
}

void validateCoupling(const CouplingSpec& c) {
    requireNonNegative("coupling.g", c.g, "the coupling strength g");
    requireFinite("coupling.mean", c.mean);
    requireInRange("coupling.symmetry", c.symmetry, -1.0, 1.0, "the symmetry eta = corr(J_ij, J_ji)");
    requireFinite("coupling.mode_ratio", c.mode_ratio);
    if (!(c.mode_ratio > 0.0 && c.mode_ratio <= 4.0)) {
        throw ConfigError("coupling.mode_ratio", text(c.mode_ratio),
                          "the number of modes per neuron P/N must lie in (0, 4]");
    }
    requireNonNegative("coupling.spectrum_decay", c.spectrum_decay, "the decay rate of the mode spectrum");
    requireInRange("coupling.overlap", c.overlap, -1.0, 1.0, "the input/output mode overlap rho");
    requireFinite("coupling.strong_fraction", c.strong_fraction);
    if (!(c.strong_fraction > 0.0 && c.strong_fraction <= 1.0)) {
        throw ConfigError("coupling.strong_fraction", text(c.strong_fraction),
                          "the fraction of strong modes of the two_valued spectrum must lie in (0, 1]");
    }
    requireInRange("coupling.weak_ratio", c.weak_ratio, 0.0, 1.0,
                   "the weak/strong mode strength ratio of the two_valued spectrum");
    requireNonNegative("coupling.overlap_spread", c.overlap_spread, "the spread of the per-mode overlaps");
    if (std::fabs(c.overlap) + c.overlap_spread > 1.0) {
        throw ConfigError(
            "coupling.overlap_spread", text(c.overlap_spread),
            fmt::format("the per-mode overlaps overlap +- overlap_spread must stay within [-1, 1]; "
                        "with overlap = {:.6g} the spread must be <= {:.6g}",
                        c.overlap, 1.0 - std::fabs(c.overlap)));
    }
}

// 16-bit couplings serve FP32 runs: an FP64 run rounding J to 16 bits would lose its point.
void validateStorage(const EnsembleSpec& spec) {
    if (spec.coupling.storage == CouplingStorage::Full || spec.integration.precision == Precision::Fp32)
        return;
    throw ConfigError(
        "coupling.storage", spec.coupling.storage == CouplingStorage::Bf16 ? "bf16" : "fp16",
        "16-bit couplings need integration.precision = \"fp32\"; use coupling.storage = \"full\" "
        "with fp64");
}

// Annealed disorder (include/quench/disorder_epochs.hpp). Redraws must fall on bin boundaries so that no
// bin mixes two couplings; redrawing every dt is refused because the recurrent input would then act as
// extra white noise of intensity ~ g^2 q dt, a dt-dependent model rather than a network
// (docs/theory/annealed.md). Trials must fill the split groups: groups cut along time would hold
// different epochs, and the split-sample estimators assume every group sees the same couplings.
void validateDisorder(const EnsembleSpec& spec) {
    const CouplingSpec& c = spec.coupling;
    if (c.disorder == Disorder::Quenched) return;  // coupling.redraw_interval is not read
    const char* key = "coupling.redraw_interval";
    if (c.redraw_interval) requirePositive(key, *c.redraw_interval, "the time between redraws of J");
    if (c.model != CouplingModel::Iid) {
        throw ConfigError("coupling.disorder", "\"annealed\"",
                          "annealed disorder is implemented for coupling.model = \"iid\" only");
    }
    if (spec.ensemble.trials < kSplitGroups) {
        throw ConfigError("ensemble.trials", std::to_string(spec.ensemble.trials),
                          fmt::format("annealed disorder needs at least {} trials, so that every split group "
                                      "is a set of trials seeing the same sequence of couplings",
                                      kSplitGroups));
    }
    const double bins = requestedBinsPerEpoch(spec);
    const double interval = c.redraw_interval.value_or(spec.integration.t_bin);
    if (bins < 1.0 - kTimeSlack) {
        throw ConfigError(
            key, text(interval),
            fmt::format("redraws must be at least integration.t_bin = {} apart (redrawing every "
                        "step would make the recurrent input a dt-dependent white noise, not a "
                        "network); use a whole multiple of t_bin",
                        spec.integration.t_bin));
    }
    if (std::fabs(bins - std::round(bins)) > 1e-6 * bins) {
        throw ConfigError(key, text(interval),
                          fmt::format("must be a whole multiple of integration.t_bin = {}, so that no "
                                      "zero-frequency bin straddles two couplings",
                                      spec.integration.t_bin));
    }
    if (epochPlan(spec).epochs >= kMaxRealizationIndex) {
        throw ConfigError(key, text(interval), "too many redraws: the epoch number must fit in 32 bits");
    }
}

void validateNoise(const NoiseSpec& noise) {
    requireNonNegative("noise.sigma", noise.sigma, "the noise amplitude sigma");
    requireNonNegative("noise.tau", noise.tau, "the noise correlation time tau (0 means white noise)");
    requireFinite("noise.input", noise.input);
}

void validateIntegration(const IntegrationSpec& in) {
    requirePositive("integration.dt", in.dt, "the time step dt");
    if (in.dt > 0.5) {
        throw ConfigError(
            "integration.dt", text(in.dt),
            "the time step dt must be at most 0.5 (in units of the neuron time constant); smaller "
            "steps such as 0.01 keep the discretisation bias below 0.5 %");
    }
    requireNonNegative("integration.t_burn", in.t_burn, "the burn-in time t_burn");
    requirePositive("integration.t_max", in.t_max, "the measured time t_max");
    if ((in.t_burn + in.t_max) / in.dt > kMaxSteps) {
        throw ConfigError("integration.t_max", text(in.t_max),
                          fmt::format("(t_burn + t_max) / dt must stay below {:g} steps", kMaxSteps));
    }
    requireFinite("integration.t_bin", in.t_bin);
    if (in.t_bin < in.dt * (1.0 - kTimeSlack)) {
        throw ConfigError(
            "integration.t_bin", text(in.t_bin),
            fmt::format("the zero-frequency bin length t_bin must be at least one time step dt = {}", in.dt));
    }
    const StepPlan plan = planSteps(in);
    if (plan.bins_per_trial < kMinBinsPerTrial) {
        throw ConfigError(
            "integration.t_max", text(in.t_max),
            fmt::format("the measured time must hold at least {} zero-frequency bins of length t_bin = {} "
                        "(the statistics split the data in 4 groups of consecutive bin pairs); use "
                        "t_max >= {} or a shorter t_bin",
                        kMinBinsPerTrial, in.t_bin, kMinBinsPerTrial * in.t_bin));
    }
    requireFinite("integration.sample_interval", in.sample_interval);
    if (in.sample_interval < in.dt * (1.0 - kTimeSlack) || in.sample_interval > in.t_max / 8.0) {
        throw ConfigError("integration.sample_interval", text(in.sample_interval),
                          fmt::format("the sampling interval must lie between dt = {} and t_max / 8 = {}",
                                      in.dt, in.t_max / 8.0));
    }
    requireNonNegative("integration.init_std", in.init_std, "the spread of the initial state init_std");
    requirePositive("integration.blow_up", in.blow_up, "the divergence threshold blow_up");
}

void validateEnsemble(const EnsembleSize& e) {
    if (e.realizations < 1 || e.realizations > kMaxRealizationIndex) {
        throw ConfigError("ensemble.realizations", std::to_string(e.realizations),
                          "the number of disorder realizations must be an integer from 1 to 2^32");
    }
    if (e.trials < 1 || e.trials > kMaxTrials) {
        throw ConfigError(
            "ensemble.trials", std::to_string(e.trials),
            fmt::format("the number of noise trials per realization must be an integer from 1 to {}",
                        kMaxTrials));
    }
    if (e.first_realization < 0 || e.first_realization > kMaxRealizationIndex - e.realizations) {
        throw ConfigError(
            "ensemble.first_realization", std::to_string(e.first_realization),
            fmt::format("realization indices are 32-bit: first_realization must be 0 or greater and "
                        "first_realization + realizations ({}) at most 2^32",
                        e.realizations));
    }
}

void validateRun(const RunSpec& run) {
    if (run.threads < 0) {
        throw ConfigError("run.threads", std::to_string(run.threads),
                          "the number of threads must be 0 (all hardware threads) or greater");
    }
    requireNonNegative("run.memory_gb", run.memory_gb,
                       "the memory budget in GB (0 means 80 % of what is free)");
    requireNonNegative("run.checkpoint_every_seconds", run.checkpoint_every_seconds,
                       "the wall time between checkpoints in seconds (0 means no time trigger)");
    if (run.checkpoint_every_realizations < 0) {
        throw ConfigError("run.checkpoint_every_realizations",
                          std::to_string(run.checkpoint_every_realizations),
                          "the number of realizations between checkpoints must be 0 (no count trigger) or "
                          "greater");
    }
}

}  // namespace

StepPlan planSteps(const IntegrationSpec& integration) {
    const double dt = integration.dt;
    StepPlan plan{};
    plan.burn_steps = roundSteps(integration.t_burn, dt);
    plan.measure_steps = roundSteps(integration.t_max, dt);
    plan.sample_stride = std::max<std::int64_t>(1, roundSteps(integration.sample_interval, dt));
    plan.bin_steps = std::max<std::int64_t>(1, roundSteps(integration.t_bin, dt));
    plan.bins_per_trial = plan.measure_steps / plan.bin_steps;
    return plan;
}

bool heterogeneousNeurons(const EnsembleSpec& spec) {
    return perNeuron(spec.network.gain) || perNeuron(spec.network.tau);
}

void validate(const EnsembleSpec& spec) {
    validateNetwork(spec.network);
    validateNeuronParameter(spec.network.gain, "network.gain");
    validateCoupling(spec.coupling);
    validateLinearStability(spec);
    validateNoise(spec.noise);
    validateIntegration(spec.integration);
    validateTimeConstants(spec);
    validateStorage(spec);
    validateEnsemble(spec.ensemble);
    validateDisorder(spec);
    validateRun(spec.run);
    validateTemporal(spec);
}

}  // namespace quench
