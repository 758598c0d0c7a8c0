// The config key table. Readers accept exactly the TOML types a key documents (a float such as 200.0
// counts as an integer only when it is integral) and report the value as the user wrote it.
#include "config/config_keys.hpp"

#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <sstream>
#include <utility>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "quench/error.hpp"
#include "quench/rng.hpp"

namespace quench::config {
namespace {

using nlohmann::json;

std::string tomlTypeName(const toml::node& value) {
    std::ostringstream out;
    out << value.type();
    return out.str();
}

[[noreturn]] void typeError(const ConfigKey& key, const toml::node& value) {
    throw ConfigError(
        key.name, tomlText(value),
        fmt::format("expected {} ({}), got a TOML {}", typeName(key.type), key.allowed, tomlTypeName(value)));
}

double readFloat(const ConfigKey& key, const toml::node& value) {
    if (const auto* f = value.as_floating_point()) return f->get();
    if (const auto* i = value.as_integer()) return static_cast<double>(i->get());
    typeError(key, value);
}

// Integers may be written as integral floats (200.0), as Python scripts often produce them.
template <class Int>
Int readInteger(const ConfigKey& key, const toml::node& value) {
    std::int64_t v = 0;
    if (const auto* i = value.as_integer()) {
        v = i->get();
    } else if (const auto* f = value.as_floating_point()) {
        const double d = f->get();
        if (!std::isfinite(d) || d != std::floor(d) || std::fabs(d) > 9.0e15) {
            throw ConfigError(
                key.name, tomlText(value),
                fmt::format("expected an integer ({}); a float is accepted only when it is a whole "
                            "number",
                            key.allowed));
        }
        v = static_cast<std::int64_t>(d);
    } else {
        typeError(key, value);
    }
    if (v < std::numeric_limits<Int>::min() || v > std::numeric_limits<Int>::max()) {
        throw ConfigError(key.name, tomlText(value),
                          fmt::format("is out of range; allowed: {}", key.allowed));
    }
    return static_cast<Int>(v);
}

bool readBool(const ConfigKey& key, const toml::node& value) {
    if (const auto* b = value.as_boolean()) return b->get();
    typeError(key, value);
}

std::string readString(const ConfigKey& key, const toml::node& value) {
    if (const auto* s = value.as_string()) return s->get();
    typeError(key, value);
}

std::vector<double> readFloatArray(const ConfigKey& key, const toml::node& value) {
    const auto* array = value.as_array();
    if (array == nullptr) typeError(key, value);
    std::vector<double> out;
    for (const toml::node& element : *array) {
        if (const auto* f = element.as_floating_point()) {
            out.push_back(f->get());
        } else if (const auto* i = element.as_integer()) {
            out.push_back(static_cast<double>(i->get()));
        } else {
            throw ConfigError(
                key.name, tomlText(value),
                fmt::format("expected an array of numbers, but it holds {}", tomlText(element)));
        }
    }
    return out;
}

// A named choice of an enum: the names are the stable strings of config files and output.
template <class Enum>
struct Choice {
    const char* name;
    Enum value;
};

template <class Enum, std::size_t Size>
std::string choiceList(const Choice<Enum> (&choices)[Size]) {
    std::vector<std::string> names;
    for (const auto& c : choices) names.push_back(fmt::format("\"{}\"", c.name));
    return fmt::format("{}", fmt::join(names, " | "));
}

template <class Enum, std::size_t Size>
Enum readChoice(const ConfigKey& key, const toml::node& value, const Choice<Enum> (&choices)[Size]) {
    const std::string name = readString(key, value);
    for (const auto& c : choices) {
        if (name == c.name) return c.value;
    }
    throw ConfigError(key.name, tomlText(value),
                      fmt::format("unknown choice; allowed: {}", choiceList(choices)));
}

template <class Enum, std::size_t Size>
std::string choiceName(Enum value, const Choice<Enum> (&choices)[Size]) {
    for (const auto& c : choices) {
        if (c.value == value) return c.name;
    }
    return "unknown";
}

const Choice<CouplingModel> kModels[] = {{"iid", CouplingModel::Iid},
                                         {"random_mode", CouplingModel::RandomMode}};
const Choice<ModeSpectrum> kSpectra[] = {{"flat", ModeSpectrum::Flat},
                                         {"power_law", ModeSpectrum::PowerLaw},
                                         {"exponential", ModeSpectrum::Exponential},
                                         {"two_valued", ModeSpectrum::TwoValued}};
const Choice<IntegrationMethod> kMethods[] = {{"euler_maruyama", IntegrationMethod::EulerMaruyama},
                                              {"exponential_euler", IntegrationMethod::ExponentialEuler}};
const Choice<Precision> kPrecisions[] = {
    {"fp32", Precision::Fp32}, {"fp64", Precision::Fp64}, {"tf32", Precision::Tf32}};
const Choice<CouplingStorage> kStorages[] = {
    {"full", CouplingStorage::Full}, {"bf16", CouplingStorage::Bf16}, {"fp16", CouplingStorage::Fp16}};
const Choice<Disorder> kDisorders[] = {{"quenched", Disorder::Quenched}, {"annealed", Disorder::Annealed}};
const Choice<NeuronDistribution> kNeuronDistributions[] = {{"none", NeuronDistribution::None},
                                                           {"lognormal", NeuronDistribution::Lognormal},
                                                           {"uniform", NeuronDistribution::Uniform}};
const Choice<Centering> kCenterings[] = {
    {"auto", Centering::Auto}, {"sample_mean", Centering::SampleMean}, {"zero", Centering::Zero}};

std::string quotedList(const std::vector<std::string>& names) {
    std::vector<std::string> quoted;
    for (const auto& n : names) quoted.push_back(fmt::format("\"{}\"", n));
    return fmt::format("{}", fmt::join(quoted, " | "));
}

ActivationKind readActivationKind(const ConfigKey& key, const toml::node& value) {
    const auto kind = parseActivationKind(readString(key, value));
    if (!kind) {
        throw ConfigError(key.name, tomlText(value),
                          fmt::format("unknown activation; allowed: {}", key.allowed));
    }
    return *kind;
}

std::string readPadePresetName(const ConfigKey& key, const toml::node& value) {
    const std::string name = readString(key, value);
    if (!padePreset(name)) {
        throw ConfigError(key.name, tomlText(value),
                          fmt::format("unknown Pade preset; allowed: {}", key.allowed));
    }
    return name;
}

// The lists are kept in the activation's fixed arrays until the activation is built (and checked for
// real roots) once every key has been read.
void storePadeList(const ConfigKey& key, const toml::node& value, double* out, int& count) {
    std::vector<double> c = readFloatArray(key, value);
    while (!c.empty() && c.back() == 0.0) c.pop_back();
    if (c.empty()) {
        throw ConfigError(key.name, tomlText(value),
                          "needs at least one nonzero coefficient (ascending powers of x)");
    }
    if (static_cast<int>(c.size()) > kMaxPadeCoefficients) {
        throw ConfigError(key.name, tomlText(value),
                          fmt::format("may have at most {} coefficients (degree {})", kMaxPadeCoefficients,
                                      kMaxPadeCoefficients - 1));
    }
    count = static_cast<int>(c.size());
    for (int i = 0; i < count; ++i) out[i] = c[i];
}

// Seeds are unsigned 64-bit; TOML integers are signed, so the upper half is accepted as a decimal string.
std::uint64_t readSeed(const ConfigKey& key, const toml::node& value) {
    if (const auto* s = value.as_string()) {
        const std::string& digits = s->get();
        const bool all_digits = !digits.empty() && digits.size() <= 20 &&
                                digits.find_first_not_of("0123456789") == std::string::npos;
        errno = 0;
        const unsigned long long seed = all_digits ? std::strtoull(digits.c_str(), nullptr, 10) : 0;
        if (!all_digits || errno == ERANGE) {
            throw ConfigError(
                key.name, tomlText(value),
                "expected an integer; a seed given as a string must be a decimal number from 0 to 2^64 - 1");
        }
        return seed;
    }
    const std::int64_t seed = readInteger<std::int64_t>(key, value);
    if (seed < 0) throw ConfigError(key.name, tomlText(value), "the seed must be 0 or greater");
    return static_cast<std::uint64_t>(seed);
}

json padeList(const double* c, int count) {
    return std::vector<double>(c, c + count);
}

std::string timeUnit() {
    return "tau";
}

std::vector<ConfigKey> buildTable() {
    const std::string max_n = std::to_string(kMaxNeurons);
    const std::string max_trials = std::to_string(kMaxTrials);
    const std::string time = timeUnit();
    using K = KeyType;
    return {
        // ---- network ----
        {"network.n", K::Integer, "", "2 to " + max_n, "number of neurons N", true,
         [](const ConfigKey& k, EnsembleSpec& s, const toml::node& v) {
             s.network.n = readInteger<int>(k, v);
         },
         [](const EnsembleSpec& s) -> json { return s.network.n; }},
        {"network.activation", K::String, "", quotedList(activationNames()),
         "the nonlinearity phi; erf is erf(sqrt(pi) x / 2) (gain 1 at 0), power_law is sgn(x)|x|^alpha", true,
         [](const ConfigKey& k, EnsembleSpec& s, const toml::node& v) {
             s.network.activation.kind = readActivationKind(k, v);
         },
         [](const EnsembleSpec& s) -> json {
             return std::string(activationName(s.network.activation.kind));
         }},
        {"network.alpha", K::Float, "", "> 0 (0 < alpha <= 1 saturates; alpha > 1 may blow up)",
         "exponent of the power_law activation sgn(x)|x|^alpha", false,
         [](const ConfigKey& k, EnsembleSpec& s, const toml::node& v) {
             s.network.activation.alpha = readFloat(k, v);
         },
         [](const EnsembleSpec& s) -> json { return s.network.activation.alpha; }},
        {"network.threshold", K::Float, "", "any finite number",
         "threshold of the threshold_linear activation max(0, x - threshold)", false,
         [](const ConfigKey& k, EnsembleSpec& s, const toml::node& v) {
             s.network.activation.threshold = readFloat(k, v);
         },
         [](const EnsembleSpec& s) -> json { return s.network.activation.threshold; }},
        {"network.pade", K::String, "", quotedList(padePresetNames()),
         "Pade preset approximating tanh (used when activation = \"pade\"; excludes pade_p/pade_q)", false,
         [](const ConfigKey& k, EnsembleSpec& s, const toml::node& v) {
             s.network.pade_preset = readPadePresetName(k, v);
         },
         [](const EnsembleSpec& s) -> json { return s.network.pade_preset; }},
        {"network.pade_p", K::FloatArray, "", "1 to 12 numbers, not all zero",
         "Pade numerator P(x), coefficients in ascending powers of x (activation = \"pade\")", false,
         [](const ConfigKey& k, EnsembleSpec& s, const toml::node& v) {
             storePadeList(k, v, s.network.activation.p, s.network.activation.p_count);
         },
         [](const EnsembleSpec& s) -> json {
             return padeList(s.network.activation.p, s.network.activation.p_count);
         }},
        {"network.pade_q", K::FloatArray, "", "1 to 12 numbers; Q(x) must have no real root",
         "Pade denominator Q(x), coefficients in ascending powers of x (activation = \"pade\")", false,
         [](const ConfigKey& k, EnsembleSpec& s, const toml::node& v) {
             storePadeList(k, v, s.network.activation.q, s.network.activation.q_count);
         },
         [](const EnsembleSpec& s) -> json {
             return padeList(s.network.activation.q, s.network.activation.q_count);
         }},
        {"network.gain_distribution", K::String, "", choiceList(kNeuronDistributions),
         "per-neuron gains b_i, phi_i = phi(b_i x_i), fixed per realization (RNG stream NeuronGain): none "
         "(b_i = gain_mean), lognormal (gain_mean exp(s z - s^2/2), s^2 = log(1 + gain_cv^2)) or uniform "
         "(gain_mean (1 + sqrt(3) gain_cv (2u - 1)))",
         false,
         [](const ConfigKey& k, EnsembleSpec& s, const toml::node& v) {
             s.network.gain.distribution = readChoice(k, v, kNeuronDistributions);
         },
         [](const EnsembleSpec& s) -> json {
             return choiceName(s.network.gain.distribution, kNeuronDistributions);
         }},
        {"network.gain_mean", K::Float, "", "> 0", "mean E[b] of the per-neuron gains", false,
         [](const ConfigKey& k, EnsembleSpec& s, const toml::node& v) {
             s.network.gain.mean = readFloat(k, v);
         },
         [](const EnsembleSpec& s) -> json { return s.network.gain.mean; }},
        {"network.gain_cv", K::Float, "", ">= 0 (uniform: < 1/sqrt(3)); > 0 needs a gain_distribution",
         "coefficient of variation std(b) / E[b] of the per-neuron gains", false,
         [](const ConfigKey& k, EnsembleSpec& s, const toml::node& v) {
             s.network.gain.cv = readFloat(k, v);
         },
         [](const EnsembleSpec& s) -> json { return s.network.gain.cv; }},
        {"network.tau_distribution", K::String, "", choiceList(kNeuronDistributions),
         "per-neuron time constants tau_i (in units of tau), tau_i dx_i = (-x_i + sum_j J_ij phi_j + I) dt + "
         "sigma dW_i (the noise is not rescaled: Var x_i of an isolated neuron is sigma^2 / (2 tau_i)), "
         "fixed per realization (RNG stream NeuronTimeConstant); distributions as for "
         "network.gain_distribution",
         false,
         [](const ConfigKey& k, EnsembleSpec& s, const toml::node& v) {
             s.network.tau.distribution = readChoice(k, v, kNeuronDistributions);
         },
         [](const EnsembleSpec& s) -> json {
             return choiceName(s.network.tau.distribution, kNeuronDistributions);
         }},
        {"network.tau_mean", K::Float, time, "> 0", "mean E[tau_i] of the per-neuron time constants", false,
         [](const ConfigKey& k, EnsembleSpec& s, const toml::node& v) {
             s.network.tau.mean = readFloat(k, v);
         },
         [](const EnsembleSpec& s) -> json { return s.network.tau.mean; }},
        {"network.tau_cv", K::Float, "", ">= 0 (uniform: < 1/sqrt(3)); > 0 needs a tau_distribution",
         "coefficient of variation of the per-neuron time constants", false,
         [](const ConfigKey& k, EnsembleSpec& s, const toml::node& v) { s.network.tau.cv = readFloat(k, v); },
         [](const EnsembleSpec& s) -> json { return s.network.tau.cv; }},
        // ---- coupling ----
        {"coupling.model", K::String, "", choiceList(kModels),
         "iid Gaussian couplings, or the random-mode model J = sum_a D_a u_a v_a^T", false,
         [](const ConfigKey& k, EnsembleSpec& s, const toml::node& v) {
             s.coupling.model = readChoice(k, v, kModels);
         },
         [](const EnsembleSpec& s) -> json { return choiceName(s.coupling.model, kModels); }},
        {"coupling.g", K::Float, "", ">= 0; linear networks need g (1 + symmetry) < 1",
         "coupling strength: J_ij has standard deviation g / sqrt(N)", true,
         [](const ConfigKey& k, EnsembleSpec& s, const toml::node& v) { s.coupling.g = readFloat(k, v); },
         [](const EnsembleSpec& s) -> json { return s.coupling.g; }},
        {"coupling.mean", K::Float, "", "any finite number", "mean coupling m: J_ij has mean m / N", false,
         [](const ConfigKey& k, EnsembleSpec& s, const toml::node& v) { s.coupling.mean = readFloat(k, v); },
         [](const EnsembleSpec& s) -> json { return s.coupling.mean; }},
        {"coupling.symmetry", K::Float, "", "-1 to 1", "partial symmetry eta = corr(J_ij, J_ji) (iid model)",
         false,
         [](const ConfigKey& k, EnsembleSpec& s, const toml::node& v) {
             s.coupling.symmetry = readFloat(k, v);
         },
         [](const EnsembleSpec& s) -> json { return s.coupling.symmetry; }},
        {"coupling.zero_diagonal", K::Boolean, "", "true | false", "set the self-couplings J_ii to zero",
         false,
         [](const ConfigKey& k, EnsembleSpec& s, const toml::node& v) {
             s.coupling.zero_diagonal = readBool(k, v);
         },
         [](const EnsembleSpec& s) -> json { return s.coupling.zero_diagonal; }},
        {"coupling.storage", K::String, "", choiceList(kStorages),
         "how J is held while integrating: full (the working precision) or rounded to bf16/fp16, with Phi "
         "rounded to the same format for the product and FP32 accumulation (needs integration.precision "
         "= \"fp32\"); the rounded J is the realization",
         false,
         [](const ConfigKey& k, EnsembleSpec& s, const toml::node& v) {
             s.coupling.storage = readChoice(k, v, kStorages);
         },
         [](const EnsembleSpec& s) -> json { return choiceName(s.coupling.storage, kStorages); }},
        {"coupling.mode_ratio", K::Float, "", "> 0 and <= 4",
         "random-mode model: number of modes P = round(mode_ratio N)", false,
         [](const ConfigKey& k, EnsembleSpec& s, const toml::node& v) {
             s.coupling.mode_ratio = readFloat(k, v);
         },
         [](const EnsembleSpec& s) -> json { return s.coupling.mode_ratio; }},
        {"coupling.spectrum", K::String, "", choiceList(kSpectra),
         "random-mode model: mode strengths D_a flat, ~ a^-decay, ~ exp(-decay a / P), or two_valued "
         "(strong_fraction of the modes strong, the rest weak_ratio times as strong)",
         false,
         [](const ConfigKey& k, EnsembleSpec& s, const toml::node& v) {
             s.coupling.spectrum = readChoice(k, v, kSpectra);
         },
         [](const EnsembleSpec& s) -> json { return choiceName(s.coupling.spectrum, kSpectra); }},
        {"coupling.spectrum_decay", K::Float, "", ">= 0",
         "random-mode model: decay rate of the mode spectrum", false,
         [](const ConfigKey& k, EnsembleSpec& s, const toml::node& v) {
             s.coupling.spectrum_decay = readFloat(k, v);
         },
         [](const EnsembleSpec& s) -> json { return s.coupling.spectrum_decay; }},
        {"coupling.strong_fraction", K::Float, "", "> 0 and <= 1",
         "random-mode model, two_valued spectrum: fraction of strong modes; the first "
         "P_s = max(1, round(strong_fraction P)) modes are strong",
         false,
         [](const ConfigKey& k, EnsembleSpec& s, const toml::node& v) {
             s.coupling.strong_fraction = readFloat(k, v);
         },
         [](const EnsembleSpec& s) -> json { return s.coupling.strong_fraction; }},
        {"coupling.weak_ratio", K::Float, "", "0 to 1",
         "random-mode model, two_valued spectrum: strength of the weak modes relative to the strong ones, "
         "D_weak = weak_ratio D_strong",
         false,
         [](const ConfigKey& k, EnsembleSpec& s, const toml::node& v) {
             s.coupling.weak_ratio = readFloat(k, v);
         },
         [](const EnsembleSpec& s) -> json { return s.coupling.weak_ratio; }},
        {"coupling.overlap", K::Float, "", "-1 to 1",
         "random-mode model: input/output mode overlap rho, v_a = rho u_a + sqrt(1 - rho^2) w_a", false,
         [](const ConfigKey& k, EnsembleSpec& s, const toml::node& v) {
             s.coupling.overlap = readFloat(k, v);
         },
         [](const EnsembleSpec& s) -> json { return s.coupling.overlap; }},
        {"coupling.overlap_spread", K::Float, "", ">= 0, with overlap +- spread within -1 to 1",
         "random-mode model: per-mode overlaps rho_a drawn uniform in [overlap - spread, overlap + spread], "
         "independently per mode and realization (RNG stream ModeOverlap); 0 = every rho_a = overlap",
         false,
         [](const ConfigKey& k, EnsembleSpec& s, const toml::node& v) {
             s.coupling.overlap_spread = readFloat(k, v);
         },
         [](const EnsembleSpec& s) -> json { return s.coupling.overlap_spread; }},
        {"coupling.disorder", K::String, "", choiceList(kDisorders),
         "quenched: J_r fixed for the whole run; annealed (comparison mode, iid model, trials >= 4): J_r "
         "redrawn every redraw_interval of measured time (new draws from the RNG stream "
         "AnnealedCoupling; the first epoch, burn-in included, keeps the quenched J_r)",
         false,
         [](const ConfigKey& k, EnsembleSpec& s, const toml::node& v) {
             s.coupling.disorder = readChoice(k, v, kDisorders);
         },
         [](const EnsembleSpec& s) -> json { return choiceName(s.coupling.disorder, kDisorders); }},
        {"coupling.redraw_interval", K::Float, time,
         "a whole multiple of integration.t_bin; unset = integration.t_bin; read only when annealed",
         "annealed disorder: measured time between redraws of J_r; redraws fall on zero-frequency bin "
         "boundaries, so no bin straddles two couplings (redrawing every dt is refused: it would turn the "
         "recurrent input into extra white noise of intensity ~ g^2 q dt)",
         false,
         [](const ConfigKey& k, EnsembleSpec& s, const toml::node& v) {
             s.coupling.redraw_interval = readFloat(k, v);
         },
         [](const EnsembleSpec& s) -> json {
             return s.coupling.redraw_interval ? json(*s.coupling.redraw_interval) : json(nullptr);
         }},
        // ---- noise ----
        {"noise.sigma", K::Float, "tau^-1/2", ">= 0",
         "noise amplitude: zero-frequency power sigma^2 (papers writing 2D have sigma^2 = 2D)", false,
         [](const ConfigKey& k, EnsembleSpec& s, const toml::node& v) { s.noise.sigma = readFloat(k, v); },
         [](const EnsembleSpec& s) -> json { return s.noise.sigma; }},
        {"noise.tau", K::Float, time, ">= 0 (0 = white noise)",
         "correlation time of Ornstein-Uhlenbeck noise with the same zero-frequency power", false,
         [](const ConfigKey& k, EnsembleSpec& s, const toml::node& v) { s.noise.tau = readFloat(k, v); },
         [](const EnsembleSpec& s) -> json { return s.noise.tau; }},
        {"noise.input", K::Float, "", "any finite number", "constant input I to every neuron", false,
         [](const ConfigKey& k, EnsembleSpec& s, const toml::node& v) { s.noise.input = readFloat(k, v); },
         [](const EnsembleSpec& s) -> json { return s.noise.input; }},
        // ---- integration ----
        {"integration.dt", K::Float, time, "> 0 and <= 0.5", "time step", false,
         [](const ConfigKey& k, EnsembleSpec& s, const toml::node& v) { s.integration.dt = readFloat(k, v); },
         [](const EnsembleSpec& s) -> json { return s.integration.dt; }},
        {"integration.method", K::String, "", choiceList(kMethods),
         "integrator; exponential_euler treats the leak exactly (no dt bias of the variance)", false,
         [](const ConfigKey& k, EnsembleSpec& s, const toml::node& v) {
             s.integration.method = readChoice(k, v, kMethods);
         },
         [](const EnsembleSpec& s) -> json { return choiceName(s.integration.method, kMethods); }},
        {"integration.t_burn", K::Float, time, ">= 0",
         "burn-in discarded before any statistic is accumulated", false,
         [](const ConfigKey& k, EnsembleSpec& s, const toml::node& v) {
             s.integration.t_burn = readFloat(k, v);
         },
         [](const EnsembleSpec& s) -> json { return s.integration.t_burn; }},
        {"integration.t_max", K::Float, time, "> 0 and >= 8 t_bin",
         "measured time per trial after the burn-in", false,
         [](const ConfigKey& k, EnsembleSpec& s, const toml::node& v) {
             s.integration.t_max = readFloat(k, v);
         },
         [](const EnsembleSpec& s) -> json { return s.integration.t_max; }},
        {"integration.sample_interval", K::Float, time, ">= dt and <= t_max / 8",
         "time between samples of the equal-time covariance", false,
         [](const ConfigKey& k, EnsembleSpec& s, const toml::node& v) {
             s.integration.sample_interval = readFloat(k, v);
         },
         [](const EnsembleSpec& s) -> json { return s.integration.sample_interval; }},
        {"integration.t_bin", K::Float, time, ">= dt and <= t_max / 8",
         "bin length T_b of the zero-frequency covariance (bias ~ correlation time / T_b)", false,
         [](const ConfigKey& k, EnsembleSpec& s, const toml::node& v) {
             s.integration.t_bin = readFloat(k, v);
         },
         [](const EnsembleSpec& s) -> json { return s.integration.t_bin; }},
        {"integration.init_std", K::Float, "", ">= 0", "initial state x(0) ~ N(0, init_std^2)", false,
         [](const ConfigKey& k, EnsembleSpec& s, const toml::node& v) {
             s.integration.init_std = readFloat(k, v);
         },
         [](const EnsembleSpec& s) -> json { return s.integration.init_std; }},
        {"integration.blow_up", K::Float, "", "> 0",
         "a realization with |x| beyond this is stopped as diverged", false,
         [](const ConfigKey& k, EnsembleSpec& s, const toml::node& v) {
             s.integration.blow_up = readFloat(k, v);
         },
         [](const EnsembleSpec& s) -> json { return s.integration.blow_up; }},
        {"integration.precision", K::String, "", choiceList(kPrecisions),
         "floating-point precision of the state (statistics are always accumulated in fp64); tf32: fp32 "
         "state with the coupling product on the tensor cores, inputs rounded to TF32 (10-bit mantissa), "
         "FP32 accumulation (CUDA backend only, cuBLAS path at every N)",
         false,
         [](const ConfigKey& k, EnsembleSpec& s, const toml::node& v) {
             s.integration.precision = readChoice(k, v, kPrecisions);
         },
         [](const EnsembleSpec& s) -> json { return choiceName(s.integration.precision, kPrecisions); }},
        // ---- ensemble ----
        {"ensemble.realizations", K::Integer, "", "1 to 2^32",
         "number R of disorder realizations (coupling matrices)", false,
         [](const ConfigKey& k, EnsembleSpec& s, const toml::node& v) {
             s.ensemble.realizations = readInteger<std::int64_t>(k, v);
         },
         [](const EnsembleSpec& s) -> json { return s.ensemble.realizations; }},
        {"ensemble.trials", K::Integer, "", "1 to " + max_trials,
         "number K of independent noise trials per realization (same J)", false,
         [](const ConfigKey& k, EnsembleSpec& s, const toml::node& v) {
             s.ensemble.trials = readInteger<int>(k, v);
         },
         [](const EnsembleSpec& s) -> json { return s.ensemble.trials; }},
        {"ensemble.seed", K::Integer, "",
         "0 to 2^64 - 1 (TOML integers stop at 2^63 - 1: write larger seeds as a string, "
         "\"18446744073709551615\")",
         "seed of every random number (couplings, noise, initial state)", false,
         [](const ConfigKey& k, EnsembleSpec& s, const toml::node& v) { s.ensemble.seed = readSeed(k, v); },
         [](const EnsembleSpec& s) -> json { return s.ensemble.seed; }},
        {"ensemble.first_realization", K::Integer, "", ">= 0, first_realization + realizations <= 2^32",
         "index of the first realization (runs first .. first + realizations - 1, e.g. to split a job)",
         false,
         [](const ConfigKey& k, EnsembleSpec& s, const toml::node& v) {
             s.ensemble.first_realization = readInteger<std::int64_t>(k, v);
         },
         [](const EnsembleSpec& s) -> json { return s.ensemble.first_realization; }},
        {"ensemble.noise_seed", K::Integer, "", "as ensemble.seed; unset = ensemble.seed",
         "seed of the noise and initial state only: the same networks with new noise", false,
         [](const ConfigKey& k, EnsembleSpec& s, const toml::node& v) {
             s.ensemble.noise_seed = readSeed(k, v);
         },
         [](const EnsembleSpec& s) -> json {
             return s.ensemble.noise_seed ? json(*s.ensemble.noise_seed) : json(nullptr);
         }},
        // ---- statistics ----
        {"statistics.eigenvalues", K::Boolean, "", "true | false",
         "also compute the eigenvalues of every realization's covariance (LAPACK; cuSOLVER on the CUDA "
         "backend from n = 256)",
         false,
         [](const ConfigKey& k, EnsembleSpec& s, const toml::node& v) {
             s.statistics.eigenvalues = readBool(k, v);
         },
         [](const EnsembleSpec& s) -> json { return s.statistics.eigenvalues; }},
        {"statistics.center", K::String, "", choiceList(kCenterings),
         "mean the covariances are taken about: zero is exact when phi is odd and input and coupling mean "
         "vanish (auto picks it then); the sample mean biases C by -C_ZF / (trials t_max)",
         false,
         [](const ConfigKey& k, EnsembleSpec& s, const toml::node& v) {
             s.statistics.center = readChoice(k, v, kCenterings);
         },
         [](const EnsembleSpec& s) -> json { return choiceName(s.statistics.center, kCenterings); }},
        {"statistics.autocorrelation", K::Boolean, "", "true | false",
         "also measure the single-unit autocorrelation C(tau) = mean_i Cov(x_i(t), x_i(t + tau)) of x and "
         "phi for tau = 0, lag_interval, .., tau_max (streamed, centred like the covariances; both backends)",
         false,
         [](const ConfigKey& k, EnsembleSpec& s, const toml::node& v) {
             s.statistics.autocorrelation = readBool(k, v);
         },
         [](const EnsembleSpec& s) -> json { return s.statistics.autocorrelation; }},
        {"statistics.tau_max", K::Float, time, "0 to t_max / 4, at most 4095 lag_interval",
         "largest lag of the autocorrelation", false,
         [](const ConfigKey& k, EnsembleSpec& s, const toml::node& v) {
             s.statistics.tau_max = readFloat(k, v);
         },
         [](const EnsembleSpec& s) -> json { return s.statistics.tau_max; }},
        {"statistics.lag_interval", K::Float, time, ">= dt (rounded to a whole number of steps)",
         "spacing of the autocorrelation's lags (and of the samples its ring buffer keeps)", false,
         [](const ConfigKey& k, EnsembleSpec& s, const toml::node& v) {
             s.statistics.lag_interval = readFloat(k, v);
         },
         [](const EnsembleSpec& s) -> json { return s.statistics.lag_interval; }},
        {"statistics.frequencies", K::FloatArray, "1 / time", "[] (off) or up to 32 values in [0, pi / dt)",
         "angular frequencies w of the frequency-resolved statistics a(w), N dc2(w), PR(w)/N of the "
         "cross-spectral matrix C(w) (C(0) = the ZF covariance; both backends)",
         false,
         [](const ConfigKey& k, EnsembleSpec& s, const toml::node& v) {
             s.statistics.frequencies = readFloatArray(k, v);
         },
         [](const EnsembleSpec& s) -> json { return s.statistics.frequencies; }},
        {"statistics.window", K::Float, time, ">= 10 dt and <= t_max / 4",
         "Welch window length T_w of the frequency-resolved statistics (Hann taper, no overlap; leakage "
         "bias ~ (pi / T_w)^2 S''/S)",
         false,
         [](const ConfigKey& k, EnsembleSpec& s, const toml::node& v) {
             s.statistics.window = readFloat(k, v);
         },
         [](const EnsembleSpec& s) -> json { return s.statistics.window; }},
        {"statistics.modes", K::Integer, "", "0 (off) to 10, at most N",
         "also measure the population autocorrelation A_a(tau) = u_a^T C(tau) u_a / u_a^T C(0) u_a of the "
         "leading eigenvectors u_a of the equal-time covariance (measured only; both backends)",
         false,
         [](const ConfigKey& k, EnsembleSpec& s, const toml::node& v) {
             s.statistics.modes = readInteger<int>(k, v);
         },
         [](const EnsembleSpec& s) -> json { return s.statistics.modes; }},
        {"statistics.mode_lags", K::Integer, "", "2 to 32",
         "lags of the mode autocorrelation, evenly spaced on [0, statistics.tau_max] (each costs an N x N "
         "lagged covariance)",
         false,
         [](const ConfigKey& k, EnsembleSpec& s, const toml::node& v) {
             s.statistics.mode_lags = readInteger<int>(k, v);
         },
         [](const EnsembleSpec& s) -> json { return s.statistics.mode_lags; }},
        // ---- output ----
        {"output.covariances", K::Boolean, "", "true | false",
         "PREFIX.h5 also holds every realization's pooled covariance matrices (/covariances, R x N x N, "
         "chunked and compressed)",
         false,
         [](const ConfigKey& k, EnsembleSpec& s, const toml::node& v) {
             s.output.covariances = readBool(k, v);
         },
         [](const EnsembleSpec& s) -> json { return s.output.covariances; }},
        // ---- run ----
        {"run.threads", K::Integer, "", ">= 0 (0 = all hardware threads)", "CPU threads", false,
         [](const ConfigKey& k, EnsembleSpec& s, const toml::node& v) {
             s.run.threads = readInteger<int>(k, v);
         },
         [](const EnsembleSpec& s) -> json { return s.run.threads; }},
        {"run.memory_gb", K::Float, "GB", ">= 0 (0 = 80 % of the memory free at start)",
         "memory budget: a run that needs more stops before allocating and says what to reduce", false,
         [](const ConfigKey& k, EnsembleSpec& s, const toml::node& v) { s.run.memory_gb = readFloat(k, v); },
         [](const EnsembleSpec& s) -> json { return s.run.memory_gb; }},
        {"run.checkpoint_every_seconds", K::Float, "s (wall time)", ">= 0 (0 = no time trigger)",
         "write PREFIX.checkpoint.h5 at the first realization boundary after this much wall time; "
         "`quench simulate --resume` continues from it",
         false,
         [](const ConfigKey& k, EnsembleSpec& s, const toml::node& v) {
             s.run.checkpoint_every_seconds = readFloat(k, v);
         },
         [](const EnsembleSpec& s) -> json { return s.run.checkpoint_every_seconds; }},
        {"run.checkpoint_every_realizations", K::Integer, "", ">= 0 (0 = no count trigger)",
         "write PREFIX.checkpoint.h5 after at least this many more realizations are complete", false,
         [](const ConfigKey& k, EnsembleSpec& s, const toml::node& v) {
             s.run.checkpoint_every_realizations = readInteger<std::int64_t>(k, v);
         },
         [](const EnsembleSpec& s) -> json { return s.run.checkpoint_every_realizations; }},
    };
}

}  // namespace

std::string_view typeName(KeyType type) {
    switch (type) {
        case KeyType::Integer:
            return "integer";
        case KeyType::Float:
            return "float";
        case KeyType::Boolean:
            return "boolean";
        case KeyType::String:
            return "string";
        case KeyType::FloatArray:
            return "array of numbers";
    }
    return "unknown";
}

std::string_view ConfigKey::section() const {
    return std::string_view(name).substr(0, name.find('.'));
}

std::string_view ConfigKey::field() const {
    return std::string_view(name).substr(name.find('.') + 1);
}

std::string ConfigKey::defaultText() const {
    const json value = get(EnsembleSpec{});
    if (value.is_string() && value.get<std::string>().empty()) return "(none)";
    return value.dump();
}

const std::vector<ConfigKey>& configKeys() {
    static const std::vector<ConfigKey> table = buildTable();
    return table;
}

const std::vector<ConfigSection>& configSections() {
    static const std::vector<ConfigSection> sections = {
        {"network", "the neurons and their nonlinearity phi"},
        {"coupling", "the quenched random couplings J"},
        {"noise", "the noise and the constant input"},
        {"integration", "time stepping, burn-in, measurement and sampling"},
        {"ensemble", "how many realizations and trials, and the seed"},
        {"statistics", "optional statistics"},
        {"output", "what the HDF5 result file holds beyond the statistics"},
        {"run", "resources of this run (do not change the results)"},
    };
    return sections;
}

const ConfigKey* findKey(std::string_view dotted_name) {
    for (const auto& key : configKeys()) {
        if (key.name == dotted_name) return &key;
    }
    return nullptr;
}

const ConfigSection* findSection(std::string_view name) {
    for (const auto& section : configSections()) {
        if (section.name == name) return &section;
    }
    return nullptr;
}

// Strings in double quotes (toml++ would print 'single' literal strings, which users rarely write).
std::string tomlText(const toml::node& value) {
    if (const auto* s = value.as_string()) {
        std::string quoted = "\"";
        for (const char c : s->get()) {
            if (c == '"' || c == '\\') quoted += '\\';
            quoted += c;
        }
        return quoted + "\"";
    }
    if (const auto* array = value.as_array()) {
        std::vector<std::string> elements;
        for (const toml::node& element : *array) elements.push_back(tomlText(element));
        return fmt::format("[{}]", fmt::join(elements, ", "));
    }
    std::ostringstream out;
    value.visit([&out](const auto& v) { out << v; });
    return out.str();
}

}  // namespace quench::config
