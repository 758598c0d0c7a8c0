// The specification of the config: what a job file may say, what it means, and how every mistake
// is reported (always a ConfigError naming the key a user has to fix).
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "config/config_keys.hpp"
#include "config/config_loader.hpp"
#include "quench/activation.hpp"
#include "quench/ensemble_spec.hpp"
#include "quench/error.hpp"
#include "quench/rng.hpp"

namespace {

using quench::ConfigError;
using quench::EnsembleSpec;
using quench::config::configToJson;
using quench::config::parseConfig;

// The smallest valid job: the three required keys.
const std::string kMinimal = R"(
[network]
n = 50
activation = "tanh"
[coupling]
g = 0.5
)";

EnsembleSpec parse(const std::string& toml, const std::vector<std::string>& overrides = {}) {
    return parseConfig(toml, "test.toml", overrides);
}

EnsembleSpec withOverrides(const std::vector<std::string>& overrides) {
    return parse(kMinimal, overrides);
}

// Runs the action and returns the ConfigError it must throw.
ConfigError configErrorOf(const std::function<void()>& action) {
    try {
        action();
    } catch (const ConfigError& e) {
        return e;
    }
    ADD_FAILURE() << "expected a ConfigError, nothing was thrown";
    return ConfigError("", "", "");
}

ConfigError rejected(const std::string& toml, const std::vector<std::string>& overrides = {}) {
    return configErrorOf([&] { parse(toml, overrides); });
}

ConfigError rejectedOverride(const std::string& override_text) {
    return rejected(kMinimal, {override_text});
}

std::string readFile(const std::string& path) {
    std::ifstream in(path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// ---------------------------------------------------------------- defaults

TEST(ConfigDefaults, AMinimalFileKeepsTheDocumentedDefaults) {
    const EnsembleSpec spec = withOverrides({});
    const EnsembleSpec defaults;
    EXPECT_EQ(spec.network.n, 50);
    EXPECT_EQ(spec.network.activation.kind, quench::ActivationKind::Tanh);
    EXPECT_EQ(spec.coupling.g, 0.5);
    EXPECT_EQ(spec.integration.dt, defaults.integration.dt);
    EXPECT_EQ(spec.integration.t_max, defaults.integration.t_max);
    EXPECT_EQ(spec.noise.sigma, defaults.noise.sigma);
    EXPECT_EQ(spec.ensemble.realizations, defaults.ensemble.realizations);
    EXPECT_EQ(spec.ensemble.seed, defaults.ensemble.seed);
    EXPECT_EQ(spec.integration.method, quench::IntegrationMethod::ExponentialEuler);
    EXPECT_EQ(spec.integration.precision, quench::Precision::Fp32);
}

TEST(ConfigDefaults, TheDefaultSpecIsValid) {
    EXPECT_NO_THROW(quench::validate(EnsembleSpec{}));
}

TEST(ConfigDefaults, TheEmbeddedDefaultJobIsTheDocumentedOne) {
    const EnsembleSpec spec = parseConfig(quench::config::defaultConfigToml(), "default", {});
    EXPECT_EQ(spec.network.n, 200);
    EXPECT_EQ(spec.network.activation.kind, quench::ActivationKind::Tanh);
    EXPECT_EQ(spec.coupling.g, 0.5);
    EXPECT_EQ(spec.noise.sigma, 1.0);
    EXPECT_EQ(spec.ensemble.realizations, 64);
    EXPECT_EQ(spec.ensemble.trials, 8);
    EXPECT_EQ(spec.integration.t_max, 200.0);
    EXPECT_EQ(spec.integration.t_burn, 30.0);
    EXPECT_EQ(spec.ensemble.seed, 1u);
}

TEST(ConfigDefaults, ExamplesDefaultTomlIsTheEmbeddedDefault) {
    EXPECT_EQ(readFile(std::string(QUENCH_SOURCE_DIR) + "/examples/default.toml"),
              quench::config::defaultConfigToml());
}

// ---------------------------------------------------------------- the key table

TEST(ConfigKeys, EveryKeyHasASectionATypeAndADescription) {
    for (const auto& key : quench::config::configKeys()) {
        EXPECT_NE(quench::config::findSection(key.section()), nullptr) << key.name;
        EXPECT_FALSE(key.field().empty()) << key.name;
        EXPECT_FALSE(key.description.empty()) << key.name;
        EXPECT_FALSE(key.allowed.empty()) << key.name;
        EXPECT_EQ(quench::config::findKey(key.name), &key);
    }
}

TEST(ConfigKeys, TheStableKeyNamesArePresent) {
    const std::vector<std::string> names = {"network.n",
                                            "network.activation",
                                            "network.alpha",
                                            "network.threshold",
                                            "network.pade",
                                            "network.pade_p",
                                            "network.pade_q",
                                            "network.gain_distribution",
                                            "network.gain_mean",
                                            "network.gain_cv",
                                            "network.tau_distribution",
                                            "network.tau_mean",
                                            "network.tau_cv",
                                            "coupling.model",
                                            "coupling.g",
                                            "coupling.mean",
                                            "coupling.symmetry",
                                            "coupling.zero_diagonal",
                                            "coupling.storage",
                                            "coupling.mode_ratio",
                                            "coupling.spectrum",
                                            "coupling.spectrum_decay",
                                            "coupling.strong_fraction",
                                            "coupling.weak_ratio",
                                            "coupling.overlap",
                                            "coupling.overlap_spread",
                                            "coupling.disorder",
                                            "coupling.redraw_interval",
                                            "noise.sigma",
                                            "noise.tau",
                                            "noise.input",
                                            "integration.dt",
                                            "integration.method",
                                            "integration.t_burn",
                                            "integration.t_max",
                                            "integration.sample_interval",
                                            "integration.t_bin",
                                            "integration.init_std",
                                            "integration.blow_up",
                                            "integration.precision",
                                            "ensemble.realizations",
                                            "ensemble.trials",
                                            "ensemble.seed",
                                            "ensemble.first_realization",
                                            "ensemble.noise_seed",
                                            "statistics.eigenvalues",
                                            "statistics.center",
                                            "statistics.autocorrelation",
                                            "statistics.tau_max",
                                            "statistics.lag_interval",
                                            "statistics.frequencies",
                                            "statistics.window",
                                            "statistics.modes",
                                            "statistics.mode_lags",
                                            "output.covariances",
                                            "run.threads",
                                            "run.memory_gb",
                                            "run.checkpoint_every_seconds",
                                            "run.checkpoint_every_realizations"};
    for (const auto& name : names) EXPECT_NE(quench::config::findKey(name), nullptr) << name;
    EXPECT_EQ(quench::config::configKeys().size(), names.size()) << "a key was added: list it here and below";
}

TEST(ConfigKeys, DefaultsAreRenderedFromADefaultConstructedSpec) {
    EXPECT_EQ(quench::config::findKey("network.n")->defaultText(), "200");
    EXPECT_EQ(quench::config::findKey("network.activation")->defaultText(), "\"tanh\"");
    EXPECT_EQ(quench::config::findKey("integration.dt")->defaultText(), "0.01");
    EXPECT_EQ(quench::config::findKey("coupling.zero_diagonal")->defaultText(), "false");
    EXPECT_EQ(quench::config::findKey("network.pade")->defaultText(), "(none)");
    EXPECT_EQ(quench::config::findKey("network.pade_p")->defaultText(), "[]");
}

// ---------------------------------------------------------------- round trip of every key

// For every key, a non-default value as written in TOML and the JSON configToJson must show.
// The Pade lists need activation "pade"; the others are read with the minimal job.
struct RoundTrip {
    std::string toml_value;
    nlohmann::json expected;
};

const std::map<std::string, RoundTrip>& roundTrips() {
    static const std::map<std::string, RoundTrip> cases = {
        {"network.n", {"123", 123}},
        {"network.activation", {"\"erf\"", "erf"}},
        {"network.alpha", {"0.25", 0.25}},
        {"network.threshold", {"-0.5", -0.5}},
        {"network.gain_distribution", {"\"lognormal\"", "lognormal"}},
        {"network.gain_mean", {"1.25", 1.25}},
        {"network.gain_cv", {"0.0", 0.0}},
        {"network.tau_distribution", {"\"uniform\"", "uniform"}},
        {"network.tau_mean", {"2.5", 2.5}},
        {"network.tau_cv", {"0.0", 0.0}},
        {"coupling.model", {"\"random_mode\"", "random_mode"}},
        {"coupling.g", {"0.75", 0.75}},
        {"coupling.mean", {"-0.3", -0.3}},
        {"coupling.symmetry", {"0.4", 0.4}},
        {"coupling.zero_diagonal", {"true", true}},
        {"coupling.storage", {"\"bf16\"", "bf16"}},
        {"coupling.mode_ratio", {"2.5", 2.5}},
        {"coupling.spectrum", {"\"two_valued\"", "two_valued"}},
        {"coupling.spectrum_decay", {"3.0", 3.0}},
        {"coupling.strong_fraction", {"0.125", 0.125}},
        {"coupling.weak_ratio", {"0.25", 0.25}},
        {"coupling.overlap", {"-0.2", -0.2}},
        {"coupling.overlap_spread", {"0.3", 0.3}},
        {"coupling.disorder", {"\"annealed\"", "annealed"}},
        {"coupling.redraw_interval", {"20.0", 20.0}},
        {"noise.sigma", {"0.3", 0.3}},
        {"noise.tau", {"2.0", 2.0}},
        {"noise.input", {"0.1", 0.1}},
        {"integration.dt", {"0.02", 0.02}},
        {"integration.method", {"\"euler_maruyama\"", "euler_maruyama"}},
        {"integration.t_burn", {"7.0", 7.0}},
        {"integration.t_max", {"321.0", 321.0}},
        {"integration.sample_interval", {"0.2", 0.2}},
        {"integration.t_bin", {"5.0", 5.0}},
        {"integration.init_std", {"0.0", 0.0}},
        {"integration.blow_up", {"100.0", 100.0}},
        {"integration.precision", {"\"fp64\"", "fp64"}},
        {"ensemble.realizations", {"1000", 1000}},
        {"ensemble.trials", {"3", 3}},
        {"ensemble.seed", {"9223372036854775807", 9223372036854775807ull}},
        {"ensemble.first_realization", {"500", 500}},
        {"ensemble.noise_seed", {"12", 12}},
        {"statistics.eigenvalues", {"true", true}},
        {"statistics.center", {"\"sample_mean\"", "sample_mean"}},
        {"statistics.autocorrelation", {"true", true}},
        {"statistics.tau_max", {"5.0", 5.0}},
        {"statistics.lag_interval", {"0.2", 0.2}},
        {"statistics.frequencies", {"[0.5, 1.0]", std::vector<double>{0.5, 1.0}}},
        {"statistics.window", {"20.0", 20.0}},
        {"statistics.modes", {"2", 2}},
        {"statistics.mode_lags", {"8", 8}},
        {"run.threads", {"2", 2}},
        {"run.memory_gb", {"1.5", 1.5}},
        {"output.covariances", {"true", true}},
        {"run.checkpoint_every_seconds", {"30.0", 30.0}},
        {"run.checkpoint_every_realizations", {"16", 16}},
    };
    return cases;
}

nlohmann::json jsonAt(const nlohmann::json& json, const quench::config::ConfigKey& key) {
    return json.at(std::string(key.section())).at(std::string(key.field()));
}

TEST(ConfigRoundTrip, EveryKeySetInTomlShowsUpInConfigToJson) {
    for (const auto& key : quench::config::configKeys()) {
        if (key.section() == "network" && key.field().substr(0, 4) == "pade") continue;  // next test
        const auto it = roundTrips().find(key.name);
        ASSERT_NE(it, roundTrips().end()) << "no round-trip case for " << key.name;
        const std::string override_text = key.name + "=" + it->second.toml_value;
        const EnsembleSpec spec = withOverrides({override_text});
        EXPECT_EQ(jsonAt(configToJson(spec), key), it->second.expected) << key.name;
    }
}

TEST(ConfigRoundTrip, TheSameValueInATomlTableIsReadTheSameWay) {
    const EnsembleSpec spec = parse(kMinimal + "[noise]\ntau = 2.0\n[ensemble]\nseed = 77\n");
    EXPECT_EQ(spec.noise.tau, 2.0);
    EXPECT_EQ(configToJson(spec)["ensemble"]["seed"], 77);
}

TEST(ConfigRoundTrip, PadeListsAndPresetAreShownAsCoefficients) {
    const EnsembleSpec lists =
        withOverrides({"network.activation=pade", "network.pade_p=[0, 3]", "network.pade_q=[3, 0, 1]"});
    const nlohmann::json net = configToJson(lists)["network"];
    EXPECT_EQ(net["activation"], "pade");
    EXPECT_EQ(net["pade_p"], nlohmann::json({0.0, 3.0}));
    EXPECT_EQ(net["pade_q"], nlohmann::json({3.0, 0.0, 1.0}));
    EXPECT_EQ(net["pade"], "");

    const EnsembleSpec preset = withOverrides({"network.activation=pade", "network.pade=tanh_3_2"});
    const nlohmann::json net2 = configToJson(preset)["network"];
    EXPECT_EQ(net2["pade"], "tanh_3_2");
    EXPECT_EQ(net2["pade_p"], nlohmann::json({0.0, 15.0, 0.0, 1.0}));
    EXPECT_EQ(net2["pade_q"], nlohmann::json({15.0, 0.0, 6.0}));
}

TEST(ConfigRoundTrip, ConfigToJsonHasEverySection) {
    const nlohmann::json json = configToJson(EnsembleSpec{});
    for (const auto& section : quench::config::configSections()) EXPECT_TRUE(json.contains(section.name));
    for (const auto& key : quench::config::configKeys()) EXPECT_NO_THROW(jsonAt(json, key)) << key.name;
}

// ---------------------------------------------------------------- types

// A value of the wrong TOML type for each kind of key.
std::string wrongTypeFor(quench::config::KeyType type) {
    switch (type) {
        case quench::config::KeyType::Integer:
            return "\"twelve\"";
        case quench::config::KeyType::Float:
            return "\"half\"";
        case quench::config::KeyType::Boolean:
            return "1";
        case quench::config::KeyType::String:
            return "3";
        case quench::config::KeyType::FloatArray:
            return "\"not_a_list\"";
    }
    return "";
}

TEST(ConfigTypes, EveryKeyRejectsAWrongTypeNamingTheKeyTheValueAndTheType) {
    for (const auto& key : quench::config::configKeys()) {
        const std::string bad = wrongTypeFor(key.type);
        const ConfigError e = rejectedOverride(key.name + "=" + bad);
        EXPECT_EQ(e.key(), key.name);
        EXPECT_NE(std::string(e.what()).find(bad), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find(std::string(quench::config::typeName(key.type))),
                  std::string::npos)
            << e.what();
    }
}

TEST(ConfigTypes, AnIntegralFloatIsAcceptedAsAnInteger) {
    EXPECT_EQ(withOverrides({"network.n=200.0"}).network.n, 200);
}

TEST(ConfigTypes, AFractionalFloatIsNotAnInteger) {
    const ConfigError e = rejectedOverride("network.n=200.5");
    EXPECT_EQ(e.key(), "network.n");
    EXPECT_NE(std::string(e.what()).find("200.5"), std::string::npos);
}

TEST(ConfigTypes, AnIntegerIsAcceptedAsAFloat) {
    EXPECT_EQ(withOverrides({"noise.sigma=2"}).noise.sigma, 2.0);
}

TEST(ConfigTypes, AnIntegerTooLargeForItsFieldIsRejected) {
    EXPECT_EQ(rejectedOverride("network.n=5000000000").key(), "network.n");
}

TEST(ConfigTypes, AnArrayMustHoldNumbers) {
    EXPECT_EQ(rejectedOverride("network.pade_p=[0, \"one\"]").key(), "network.pade_p");
}

TEST(ConfigTypes, UnknownChoicesListTheAllowedOnes) {
    const ConfigError e = rejectedOverride("network.activation=sigmoid");
    EXPECT_EQ(e.key(), "network.activation");
    EXPECT_NE(std::string(e.what()).find("sigmoid"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("threshold_linear"), std::string::npos);
    EXPECT_EQ(rejectedOverride("coupling.model=gaussian").key(), "coupling.model");
    EXPECT_EQ(rejectedOverride("coupling.spectrum=gaussian").key(), "coupling.spectrum");
    EXPECT_EQ(rejectedOverride("integration.method=rk4").key(), "integration.method");
    EXPECT_EQ(rejectedOverride("integration.precision=fp16").key(), "integration.precision");
    EXPECT_EQ(rejectedOverride("network.pade=tanh_9_9").key(), "network.pade");
}

TEST(ConfigValues, SixteenBitCouplingsAreRefusedForFp64Runs) {
    EXPECT_EQ(rejectedOverride("coupling.storage=fp8").key(), "coupling.storage");
    const ConfigError e = rejected(kMinimal, {"coupling.storage=bf16", "integration.precision=fp64"});
    EXPECT_EQ(e.key(), "coupling.storage");
    EXPECT_NE(std::string(e.what()).find("fp32"), std::string::npos) << e.what();
}

TEST(ConfigTypes, ASeedMustNotBeNegative) {
    EXPECT_EQ(rejectedOverride("ensemble.seed=-1").key(), "ensemble.seed");
}

TEST(ConfigTypes, ASeedAboveTheTomlIntegerRangeIsWrittenAsADecimalString) {
    EXPECT_EQ(withOverrides({"ensemble.seed=\"18446744073709551615\""}).ensemble.seed,
              18446744073709551615ull);
    EXPECT_EQ(rejectedOverride("ensemble.seed=\"18446744073709551616\"").key(), "ensemble.seed");
    EXPECT_EQ(rejectedOverride("ensemble.seed=\"0x10\"").key(), "ensemble.seed");
}

// ---------------------------------------------------------------- ranges: one rule per test

TEST(ConfigRange, NetworkSizeIsAtLeastTwo) {
    EXPECT_EQ(rejectedOverride("network.n=1").key(), "network.n");
    EXPECT_EQ(rejectedOverride("network.n=0").key(), "network.n");
    EXPECT_EQ(rejectedOverride("network.n=-5").key(), "network.n");
    EXPECT_NO_THROW(withOverrides({"network.n=2"}));
}

TEST(ConfigRange, NetworkSizeIsAtMostTheRngLimit) {
    EXPECT_EQ(rejectedOverride("network.n=" + std::to_string(quench::kMaxNeurons + 1)).key(), "network.n");
    EXPECT_NO_THROW(withOverrides({"network.n=" + std::to_string(quench::kMaxNeurons)}));
}

TEST(ConfigRange, TrialsAreFromOneToTheRngLimit) {
    EXPECT_EQ(rejectedOverride("ensemble.trials=0").key(), "ensemble.trials");
    EXPECT_EQ(rejectedOverride("ensemble.trials=" + std::to_string(quench::kMaxTrials + 1)).key(),
              "ensemble.trials");
    EXPECT_NO_THROW(withOverrides({"ensemble.trials=" + std::to_string(quench::kMaxTrials)}));
}

TEST(ConfigRange, AtLeastOneRealization) {
    EXPECT_EQ(rejectedOverride("ensemble.realizations=0").key(), "ensemble.realizations");
}

TEST(ConfigRange, RealizationIndicesFitIn32Bits) {
    EXPECT_EQ(rejectedOverride("ensemble.first_realization=-1").key(), "ensemble.first_realization");
    EXPECT_EQ(rejected(kMinimal, {"ensemble.realizations=10", "ensemble.first_realization=4294967290"}).key(),
              "ensemble.first_realization");
    EXPECT_NO_THROW(withOverrides({"ensemble.realizations=10", "ensemble.first_realization=4294967286"}));
}

TEST(ConfigRange, TimeStepIsPositiveAndAtMostOneHalf) {
    EXPECT_EQ(rejectedOverride("integration.dt=0").key(), "integration.dt");
    EXPECT_EQ(rejectedOverride("integration.dt=-0.01").key(), "integration.dt");
    EXPECT_EQ(rejectedOverride("integration.dt=0.6").key(), "integration.dt");
    EXPECT_NO_THROW(withOverrides({"integration.dt=0.5", "integration.sample_interval=0.5"}));
}

TEST(ConfigRange, BurnInIsNotNegative) {
    EXPECT_EQ(rejectedOverride("integration.t_burn=-1").key(), "integration.t_burn");
    EXPECT_NO_THROW(withOverrides({"integration.t_burn=0"}));
}

TEST(ConfigRange, MeasuredTimeIsPositive) {
    EXPECT_EQ(rejectedOverride("integration.t_max=0").key(), "integration.t_max");
}

TEST(ConfigRange, MeasuredTimeHoldsAtLeastEightBins) {
    const ConfigError e = rejected(kMinimal, {"integration.t_bin=10", "integration.t_max=79"});
    EXPECT_EQ(e.key(), "integration.t_max");
    EXPECT_NE(std::string(e.what()).find("8"), std::string::npos);
    EXPECT_NO_THROW(withOverrides({"integration.t_bin=10", "integration.t_max=80"}));
}

TEST(ConfigRange, TheNumberOfStepsIsBounded) {
    EXPECT_EQ(rejected(kMinimal, {"integration.dt=0.01", "integration.t_max=1e14"}).key(),
              "integration.t_max");
}

TEST(ConfigRange, SampleIntervalIsAtLeastOneStep) {
    EXPECT_EQ(rejected(kMinimal, {"integration.dt=0.1", "integration.sample_interval=0.05"}).key(),
              "integration.sample_interval");
    EXPECT_NO_THROW(withOverrides({"integration.dt=0.1", "integration.sample_interval=0.1"}));
}

TEST(ConfigRange, SampleIntervalIsAtMostAnEighthOfTheMeasuredTime) {
    EXPECT_EQ(rejected(kMinimal, {"integration.t_max=80", "integration.sample_interval=10.5"}).key(),
              "integration.sample_interval");
}

TEST(ConfigRange, BinLengthIsAtLeastOneStep) {
    EXPECT_EQ(rejected(kMinimal, {"integration.dt=0.1", "integration.t_bin=0.05"}).key(),
              "integration.t_bin");
}

TEST(ConfigRange, InitialSpreadIsNotNegative) {
    EXPECT_EQ(rejectedOverride("integration.init_std=-0.1").key(), "integration.init_std");
}

TEST(ConfigRange, BlowUpThresholdIsPositive) {
    EXPECT_EQ(rejectedOverride("integration.blow_up=0").key(), "integration.blow_up");
}

TEST(ConfigRange, NoiseAmplitudeIsNotNegative) {
    EXPECT_EQ(rejectedOverride("noise.sigma=-1").key(), "noise.sigma");
    EXPECT_NO_THROW(withOverrides({"noise.sigma=0"}));
}

TEST(ConfigRange, NoiseCorrelationTimeIsNotNegative) {
    EXPECT_EQ(rejectedOverride("noise.tau=-1").key(), "noise.tau");
}

TEST(ConfigRange, CouplingStrengthIsNotNegative) {
    EXPECT_EQ(rejectedOverride("coupling.g=-0.5").key(), "coupling.g");
}

TEST(ConfigRange, SymmetryIsACorrelation) {
    EXPECT_EQ(rejectedOverride("coupling.symmetry=1.5").key(), "coupling.symmetry");
    EXPECT_EQ(rejectedOverride("coupling.symmetry=-1.01").key(), "coupling.symmetry");
    EXPECT_NO_THROW(withOverrides({"coupling.symmetry=-1"}));
}

TEST(ConfigRange, ModeRatioIsPositiveAndAtMostFour) {
    EXPECT_EQ(rejectedOverride("coupling.mode_ratio=0").key(), "coupling.mode_ratio");
    EXPECT_EQ(rejectedOverride("coupling.mode_ratio=4.5").key(), "coupling.mode_ratio");
    EXPECT_NO_THROW(withOverrides({"coupling.mode_ratio=4"}));
}

TEST(ConfigRange, ModeOverlapIsACorrelation) {
    EXPECT_EQ(rejectedOverride("coupling.overlap=1.1").key(), "coupling.overlap");
}

TEST(ConfigRange, TwoValuedSpectrumKeysAreAFractionAndARatio) {
    EXPECT_EQ(rejectedOverride("coupling.strong_fraction=nan").key(), "coupling.strong_fraction");
    for (const char* bad :
         {"coupling.strong_fraction=0", "coupling.strong_fraction=1.5", "coupling.strong_fraction=-0.1"}) {
        const quench::ConfigError e = rejectedOverride(bad);
        EXPECT_EQ(e.key(), "coupling.strong_fraction") << bad;
        EXPECT_NE(std::string(e.what()).find("(0, 1]"), std::string::npos) << e.what();
    }
    for (const char* bad : {"coupling.weak_ratio=-0.01", "coupling.weak_ratio=1.01"})
        EXPECT_EQ(rejectedOverride(bad).key(), "coupling.weak_ratio") << bad;
    EXPECT_NO_THROW(withOverrides({"coupling.strong_fraction=1", "coupling.weak_ratio=0"}));
    EXPECT_NO_THROW(withOverrides({"coupling.strong_fraction=0.01", "coupling.weak_ratio=1"}));
    EXPECT_EQ(withOverrides({"coupling.spectrum=\"two_valued\""}).coupling.spectrum,
              quench::ModeSpectrum::TwoValued);
}

TEST(ConfigRange, OverlapSpreadKeepsEveryOverlapACorrelation) {
    EXPECT_EQ(rejectedOverride("coupling.overlap_spread=-0.1").key(), "coupling.overlap_spread");
    const quench::ConfigError e = rejected(kMinimal, {"coupling.overlap=0.5", "coupling.overlap_spread=0.6"});
    EXPECT_EQ(e.key(), "coupling.overlap_spread");
    EXPECT_NE(std::string(e.what()).find("0.6"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("<= 0.5"), std::string::npos) << e.what();
    EXPECT_NO_THROW(withOverrides({"coupling.overlap=-0.5", "coupling.overlap_spread=0.5"}));
}

TEST(ConfigRange, PerNeuronGainsAndTimeConstantsNeedAPositiveMeanAndAStatedSpread) {
    EXPECT_EQ(rejectedOverride("network.gain_mean=0").key(), "network.gain_mean");
    EXPECT_EQ(rejectedOverride("network.tau_cv=-0.1").key(), "network.tau_cv");
    EXPECT_EQ(rejectedOverride("network.gain_distribution=\"gamma\"").key(), "network.gain_distribution");
    const quench::ConfigError spread_without_distribution = rejected(kMinimal, {"network.gain_cv=0.3"});
    EXPECT_EQ(spread_without_distribution.key(), "network.gain_cv");
    EXPECT_NE(std::string(spread_without_distribution.what()).find("lognormal"), std::string::npos);
    EXPECT_EQ(rejected(kMinimal, {"network.gain_distribution=\"uniform\"", "network.gain_cv=0.6"}).key(),
              "network.gain_cv");
    EXPECT_NO_THROW(withOverrides({"network.gain_distribution=\"uniform\"", "network.gain_cv=0.5"}));
    EXPECT_EQ(rejected(kMinimal, {"network.tau_distribution=\"lognormal\"", "network.tau_cv=0.3",
                                  "integration.method=\"euler_maruyama\""})
                  .key(),
              "network.tau_distribution");
    EXPECT_EQ(rejected(kMinimal, {"network.tau_mean=0.015", "integration.method=\"euler_maruyama\""}).key(),
              "network.tau_mean");
    EXPECT_NO_THROW(withOverrides({"network.tau_distribution=\"lognormal\"", "network.tau_cv=2"}));
}

TEST(ConfigRange, LinearStabilityCountsTheGains) {
    // g sqrt(E[b^2]) = 0.9 sqrt(1 + 0.5^2) > 1
    EXPECT_EQ(rejected(kMinimal, {"network.activation=\"linear\"", "coupling.g=0.9",
                                  "network.gain_distribution=\"lognormal\"", "network.gain_cv=0.5"})
                  .key(),
              "coupling.g");
}

TEST(ConfigRange, SpectrumDecayIsNotNegative) {
    EXPECT_EQ(rejectedOverride("coupling.spectrum_decay=-1").key(), "coupling.spectrum_decay");
}

TEST(ConfigRange, ThreadsAreNotNegative) {
    EXPECT_EQ(rejectedOverride("run.threads=-1").key(), "run.threads");
}

TEST(ConfigRange, MemoryBudgetIsNotNegative) {
    EXPECT_EQ(rejectedOverride("run.memory_gb=-2").key(), "run.memory_gb");
}

TEST(ConfigRange, CheckpointIntervalsAreNotNegative) {
    EXPECT_EQ(rejectedOverride("run.checkpoint_every_seconds=-1").key(), "run.checkpoint_every_seconds");
    EXPECT_EQ(rejectedOverride("run.checkpoint_every_seconds=nan").key(), "run.checkpoint_every_seconds");
    EXPECT_EQ(rejectedOverride("run.checkpoint_every_realizations=-3").key(),
              "run.checkpoint_every_realizations");
}

TEST(ConfigRange, NonFiniteNumbersAreRejectedWithTheKeyNamed) {
    for (const auto& key : {"coupling.g", "coupling.mean", "coupling.symmetry", "noise.sigma", "noise.input",
                            "integration.dt", "integration.t_max", "integration.t_bin", "run.memory_gb"}) {
        EXPECT_EQ(rejectedOverride(std::string(key) + "=nan").key(), key);
        EXPECT_EQ(rejectedOverride(std::string(key) + "=inf").key(), key);
    }
    EXPECT_EQ(rejected(kMinimal, {"network.activation=threshold_linear", "network.threshold=nan"}).key(),
              "network.threshold");
}

TEST(ConfigRange, AProgrammaticPadeSpecNeedsCoefficients) {
    EnsembleSpec spec;
    spec.network.activation.kind = quench::ActivationKind::Pade;
    EXPECT_EQ(configErrorOf([&] { quench::validate(spec); }).key(), "network.pade_q");
}

// ---------------------------------------------------------------- linear stability

TEST(ConfigLinearStability, IidLinearNetworkNeedsGTimesOnePlusSymmetryBelowOne) {
    const ConfigError e =
        rejected(kMinimal, {"network.activation=linear", "coupling.g=0.7", "coupling.symmetry=0.5"});
    EXPECT_EQ(e.key(), "coupling.g");
    const std::string what = e.what();
    EXPECT_NE(what.find("unstable"), std::string::npos) << what;
    EXPECT_NE(what.find("1.05"), std::string::npos) << what;
    EXPECT_NE(what.find("0.666667"), std::string::npos) << "suggests g < 1 / (1 + symmetry): " << what;
    EXPECT_NO_THROW(withOverrides({"network.activation=linear", "coupling.g=0.6", "coupling.symmetry=0.5"}));
}

TEST(ConfigLinearStability, ASaturatingActivationIsFineAboveTheLinearEdge) {
    EXPECT_NO_THROW(withOverrides({"network.activation=tanh", "coupling.g=1.2"}));
}

TEST(ConfigLinearStability, RandomModeLinearNetworkUsesTheConservativeBound) {
    const ConfigError e = rejected(kMinimal, {"network.activation=linear", "coupling.model=random_mode",
                                              "coupling.g=0.8", "coupling.overlap=-0.3"});
    EXPECT_EQ(e.key(), "coupling.g");
    EXPECT_NE(std::string(e.what()).find("conservative"), std::string::npos);
    EXPECT_NO_THROW(withOverrides({"network.activation=linear", "coupling.model=random_mode",
                                   "coupling.g=0.7", "coupling.overlap=-0.3"}));
}

// ---------------------------------------------------------------- activations

TEST(ConfigActivation, PowerLawAcceptsTheDefaultExponent) {
    const EnsembleSpec spec = withOverrides({"network.activation=power_law"});
    EXPECT_EQ(spec.network.activation.kind, quench::ActivationKind::PowerLaw);
    EXPECT_EQ(spec.network.activation.alpha, quench::Activation{}.alpha);
}

TEST(ConfigActivation, PowerLawExponentMustBePositive) {
    EXPECT_EQ(rejected(kMinimal, {"network.activation=power_law", "network.alpha=0"}).key(), "network.alpha");
    EXPECT_EQ(rejected(kMinimal, {"network.activation=power_law", "network.alpha=-1"}).key(),
              "network.alpha");
}

TEST(ConfigActivation, EveryActivationNameParses) {
    for (const auto& name : quench::activationNames()) {
        std::vector<std::string> overrides = {"network.activation=" + name};
        if (name == "pade") overrides.push_back("network.pade=tanh_1_2");
        if (name == "linear") overrides.push_back("coupling.g=0.5");
        const EnsembleSpec spec = withOverrides(overrides);
        EXPECT_EQ(quench::activationName(spec.network.activation.kind), name);
    }
}

TEST(ConfigActivation, PadeNeedsAPresetOrLists) {
    const ConfigError e = rejectedOverride("network.activation=pade");
    EXPECT_EQ(e.key(), "network.pade");
    EXPECT_NE(std::string(e.what()).find("tanh_3_2"), std::string::npos) << "lists the presets";
}

TEST(ConfigActivation, PadePresetAndListsTogetherAreAnError) {
    EXPECT_EQ(rejected(kMinimal, {"network.activation=pade", "network.pade=tanh_3_2", "network.pade_p=[0, 1]",
                                  "network.pade_q=[1, 0, 1]"})
                  .key(),
              "network.pade");
}

TEST(ConfigActivation, PadeListsComeInPairs) {
    EXPECT_EQ(rejected(kMinimal, {"network.activation=pade", "network.pade_p=[0, 1]"}).key(),
              "network.pade_q");
    EXPECT_EQ(rejected(kMinimal, {"network.activation=pade", "network.pade_q=[1, 0, 1]"}).key(),
              "network.pade_p");
}

TEST(ConfigActivation, PadeDenominatorWithARealRootIsRejected) {
    // Q = 1 - x^2 vanishes at x = +-1.
    const ConfigError e =
        rejected(kMinimal, {"network.activation=pade", "network.pade_p=[0, 1]", "network.pade_q=[1, 0, -1]"});
    EXPECT_EQ(e.key(), "network.pade_q");
    EXPECT_NE(std::string(e.what()).find("real"), std::string::npos) << e.what();
}

TEST(ConfigActivation, PadeDenominatorOfOddDegreeAlwaysHasARealRoot) {
    EXPECT_EQ(rejected(kMinimal,
                       {"network.activation=pade", "network.pade_p=[0, 1]", "network.pade_q=[1, 0, 0, 1]"})
                  .key(),
              "network.pade_q");
}

TEST(ConfigActivation, PadeDenominatorWithADoubleRealRootIsRejected) {
    // Q = (1 - x)^2: a double root that rounding may push slightly off the real axis.
    EXPECT_EQ(
        rejected(kMinimal, {"network.activation=pade", "network.pade_p=[0, 1]", "network.pade_q=[1, -2, 1]"})
            .key(),
        "network.pade_q");
}

TEST(ConfigActivation, PadeListsAreLimitedInLength) {
    const std::string thirteen = "[1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]";
    EXPECT_EQ(
        rejected(kMinimal, {"network.activation=pade", "network.pade_p=[0, 1]", "network.pade_q=" + thirteen})
            .key(),
        "network.pade_q");
    EXPECT_EQ(
        rejected(kMinimal, {"network.activation=pade", "network.pade_p=" + thirteen, "network.pade_q=[1]"})
            .key(),
        "network.pade_p");
}

TEST(ConfigActivation, PadeAllZeroDenominatorIsRejected) {
    EXPECT_EQ(
        rejected(kMinimal, {"network.activation=pade", "network.pade_p=[0, 1]", "network.pade_q=[0, 0]"})
            .key(),
        "network.pade_q");
    EXPECT_EQ(
        rejected(kMinimal, {"network.activation=pade", "network.pade_p=[0, 1]", "network.pade_q=[]"}).key(),
        "network.pade_q");
}

TEST(ConfigActivation, PadeTrailingZerosAreTrimmed) {
    const EnsembleSpec spec = withOverrides(
        {"network.activation=pade", "network.pade_p=[0, 3, 0, 0]", "network.pade_q=[3, 0, 1, 0]"});
    EXPECT_EQ(spec.network.activation.p_count, 2);
    EXPECT_EQ(spec.network.activation.q_count, 3);
}

TEST(ConfigActivation, PadeKeysAreIgnoredForOtherActivations) {
    const EnsembleSpec spec = withOverrides({"network.pade=tanh_3_2"});
    EXPECT_EQ(spec.network.activation.kind, quench::ActivationKind::Tanh);
    EXPECT_EQ(spec.network.pade_preset, "");
}

TEST(PadeActivation, PresetsAreTanhConvergents) {
    for (const auto& name : quench::padePresetNames()) {
        const auto c = quench::padePreset(name);
        ASSERT_TRUE(c.has_value()) << name;
        const quench::Activation phi = quench::makePadeActivation(c->p, c->q);
        EXPECT_DOUBLE_EQ(phi.value(0.0), 0.0) << name;
        EXPECT_NEAR(phi.derivative(0.0), 1.0, 1e-12) << name;
        EXPECT_NEAR(phi.value(0.3), std::tanh(0.3), 2e-3) << name;
    }
    EXPECT_EQ(quench::padePresetNames(),
              (std::vector<std::string>{"tanh_1_2", "tanh_3_2", "tanh_3_4", "tanh_5_4"}));
    EXPECT_FALSE(quench::padePreset("tanh_7_6").has_value());
}

TEST(PadeActivation, HigherConvergentsApproximateTanhBetter) {
    double previous_error = 1.0;
    for (const auto& name : quench::padePresetNames()) {
        const auto c = quench::padePreset(name);
        const double error = std::fabs(quench::makePadeActivation(c->p, c->q).value(1.0) - std::tanh(1.0));
        EXPECT_LT(error, previous_error) << name;
        previous_error = error;
    }
}

TEST(PadeActivation, TheThreeTwoPresetIsTheDocumentedFormula) {
    const auto c = quench::padePreset("tanh_3_2");
    const quench::Activation phi = quench::makePadeActivation(c->p, c->q);
    const double x = 0.7;
    EXPECT_NEAR(phi.value(x), x * (15 + x * x) / (15 + 6 * x * x), 1e-15);
}

TEST(PadeActivation, ComplexRootsAreAccepted) {
    // Q = 1 + x^2 + x^4 has only complex roots.
    EXPECT_NO_THROW(quench::makePadeActivation({0, 1}, {1, 0, 1, 0, 1}));
    EXPECT_NO_THROW(quench::makePadeActivation({1}, {2}));
}

TEST(PadeActivation, NonFiniteCoefficientsAreRejected) {
    const auto e = configErrorOf([] { quench::makePadeActivation({0, std::nan("")}, {1}); });
    EXPECT_EQ(e.key(), "network.pade_p");
}

TEST(ActivationNames, NamesRoundTrip) {
    for (const auto& name : quench::activationNames()) {
        const auto kind = quench::parseActivationKind(name);
        ASSERT_TRUE(kind.has_value()) << name;
        EXPECT_EQ(quench::activationName(*kind), name);
    }
    EXPECT_FALSE(quench::parseActivationKind("sigmoid").has_value());
    EXPECT_EQ(quench::activationNames().size(), 7u);
}

// ---------------------------------------------------------------- document structure

TEST(ConfigDocument, UnknownKeyNamesItAndListsTheSectionKeys) {
    const ConfigError e = rejected(kMinimal + "[noise]\nsigmaa = 1.0\n");
    EXPECT_EQ(e.key(), "noise.sigmaa");
    const std::string what = e.what();
    EXPECT_NE(what.find("sigma, tau, input"), std::string::npos) << what;
    EXPECT_NE(what.find("did you mean noise.sigma?"), std::string::npos) << what;
}

TEST(ConfigDocument, UnknownSectionIsAnError) {
    const ConfigError e = rejected(kMinimal + "[netwrk]\nn = 5\n");
    EXPECT_EQ(e.key(), "netwrk");
    EXPECT_NE(std::string(e.what()).find("network, coupling"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("did you mean [network]?"), std::string::npos) << e.what();
}

TEST(ConfigDocument, AKeyOutsideASectionIsAnErrorWithASuggestion) {
    const ConfigError e = rejected("sigma = 1.0\n" + kMinimal);
    EXPECT_EQ(e.key(), "sigma");
    EXPECT_NE(std::string(e.what()).find("noise.sigma"), std::string::npos) << e.what();
}

TEST(ConfigDocument, ASectionNameUsedAsAKeyIsAnError) {
    EXPECT_EQ(rejected("network = 5\n[coupling]\ng = 0.5\n").key(), "network");
}

TEST(ConfigDocument, NestedTablesBelowASectionAreUnknownKeys) {
    EXPECT_EQ(rejected(kMinimal + "[network.extra]\nx = 1\n").key(), "network.extra");
}

TEST(ConfigDocument, MissingRequiredKeysAreNamed) {
    EXPECT_EQ(rejected("[network]\nactivation = \"tanh\"\n[coupling]\ng = 0.5\n").key(), "network.n");
    EXPECT_EQ(rejected("[network]\nn = 10\n[coupling]\ng = 0.5\n").key(), "network.activation");
    const ConfigError e = rejected("[network]\nn = 10\nactivation = \"tanh\"\n");
    EXPECT_EQ(e.key(), "coupling.g");
    EXPECT_NE(std::string(e.what()).find("required"), std::string::npos);
}

TEST(ConfigDocument, ARequiredKeyMayComeFromAnOverride) {
    EXPECT_EQ(parse("[network]\nn = 10\nactivation = \"tanh\"\n", {"coupling.g=0.3"}).coupling.g, 0.3);
}

TEST(ConfigDocument, SyntaxErrorsGiveTheSourceLineAndColumn) {
    const ConfigError e = configErrorOf([] { parseConfig("[network]\nn = = 3\n", "job.toml", {}); });
    EXPECT_EQ(e.key(), "job.toml");
    EXPECT_NE(std::string(e.what()).find("line 2, column"), std::string::npos) << e.what();
}

TEST(ConfigDocument, AnUnreadableFileNamesThePath) {
    const ConfigError e =
        configErrorOf([] { quench::config::loadConfigFile("/nonexistent/quench/job.toml", {}); });
    EXPECT_EQ(e.key(), "CONFIG");
    EXPECT_NE(std::string(e.what()).find("/nonexistent/quench/job.toml"), std::string::npos);
    EXPECT_EQ(configErrorOf([] { quench::config::loadConfigFile("/tmp", {}); }).key(), "CONFIG");
}

// ---------------------------------------------------------------- overrides

TEST(ConfigOverrides, AreAppliedAfterTheFileInOrder) {
    const EnsembleSpec spec = withOverrides({"network.n=80", "network.n=90", "coupling.g=0.25"});
    EXPECT_EQ(spec.network.n, 90);
    EXPECT_EQ(spec.coupling.g, 0.25);
}

TEST(ConfigOverrides, ABareWordIsAString) {
    EXPECT_EQ(withOverrides({"network.activation=erf"}).network.activation.kind, quench::ActivationKind::Erf);
    EXPECT_EQ(withOverrides({"network.activation=\"erf\""}).network.activation.kind,
              quench::ActivationKind::Erf);
}

TEST(ConfigOverrides, ValuesAreTypedAsInToml) {
    const EnsembleSpec spec =
        withOverrides({"coupling.zero_diagonal=true", "network.activation=pade", "network.pade_p=[0,1]",
                       "network.pade_q=[1, 0, 1]", " noise.tau = 0.5 "});
    EXPECT_TRUE(spec.coupling.zero_diagonal);
    EXPECT_EQ(spec.network.activation.q_count, 3);
    EXPECT_EQ(spec.noise.tau, 0.5);
}

TEST(ConfigOverrides, MalformedOverridesAreNamed) {
    const ConfigError no_equals = rejectedOverride("network.n");
    EXPECT_NE(std::string(no_equals.what()).find("network.n"), std::string::npos);
    const ConfigError empty_key = rejectedOverride("=5");
    EXPECT_NE(std::string(empty_key.what()).find("=5"), std::string::npos);
    EXPECT_EQ(rejectedOverride("network.n=").key(), "network.n");
    EXPECT_EQ(rejectedOverride("network.n=[1,").key(), "network.n");
}

TEST(ConfigOverrides, AnUnknownOverrideKeyIsNamedWithASuggestion) {
    const ConfigError e = rejectedOverride("network.activaton=tanh");
    EXPECT_EQ(e.key(), "network.activaton");
    EXPECT_NE(std::string(e.what()).find("did you mean network.activation?"), std::string::npos) << e.what();
    EXPECT_EQ(rejectedOverride("n=5").key(), "n");
}

// ---------------------------------------------------------------- steps

TEST(ConfigSteps, TimesAreRoundedToWholeSteps) {
    quench::IntegrationSpec in;
    in.dt = 0.01;
    in.t_burn = 50.0;
    in.t_max = 500.0;
    in.sample_interval = 0.1;
    in.t_bin = 10.0;
    const quench::StepPlan plan = quench::planSteps(in);
    EXPECT_EQ(plan.burn_steps, 5000);
    EXPECT_EQ(plan.measure_steps, 50000);
    EXPECT_EQ(plan.sample_stride, 10);
    EXPECT_EQ(plan.bin_steps, 1000);
    EXPECT_EQ(plan.bins_per_trial, 50);
}

TEST(ConfigSteps, StridesAreAtLeastOneStep) {
    quench::IntegrationSpec in;
    in.dt = 0.1;
    in.sample_interval = 0.01;
    in.t_bin = 0.01;
    in.t_max = 1.0;
    const quench::StepPlan plan = quench::planSteps(in);
    EXPECT_EQ(plan.sample_stride, 1);
    EXPECT_EQ(plan.bin_steps, 1);
    EXPECT_EQ(plan.bins_per_trial, 10);
}

// ---------------------------------------------------------------- examples and docs

TEST(ConfigExamples, EveryExampleFileParses) {
    const std::string dir = std::string(QUENCH_SOURCE_DIR) + "/examples/";
    for (const auto& name : {"default", "linear_iid", "tanh_chaos", "power_law", "pade", "partial_symmetry",
                             "random_mode", "colored_noise"}) {
        EXPECT_NO_THROW(quench::config::loadConfigFile(dir + name + ".toml", {})) << name;
    }
}

TEST(ConfigExamples, ExamplesSayWhatTheirNamePromises) {
    const std::string dir = std::string(QUENCH_SOURCE_DIR) + "/examples/";
    const auto load = [&](const char* name) {
        return quench::config::loadConfigFile(dir + name + ".toml", {});
    };
    EXPECT_EQ(load("linear_iid").network.activation.kind, quench::ActivationKind::Linear);
    EXPECT_EQ(load("tanh_chaos").coupling.g, 1.5);
    EXPECT_EQ(load("power_law").network.activation.alpha, 0.5);
    EXPECT_EQ(load("pade").network.pade_preset, "tanh_3_2");
    EXPECT_EQ(load("partial_symmetry").coupling.symmetry, 0.3);
    EXPECT_EQ(load("random_mode").coupling.spectrum, quench::ModeSpectrum::PowerLaw);
    EXPECT_EQ(load("colored_noise").noise.tau, 1.0);
}

TEST(ConfigReference, MentionsEveryKeyWithItsDefault) {
    const std::string text = quench::config::configReference();
    for (const auto& key : quench::config::configKeys()) {
        const std::size_t at = text.find("`" + key.name + "`");
        ASSERT_NE(at, std::string::npos) << key.name;
        const std::size_t end = text.find('\n', at);
        const std::string line = text.substr(at, end - at);
        if (!key.required) EXPECT_NE(line.find(key.defaultText()), std::string::npos) << line;
        EXPECT_NE(line.find(key.allowed), std::string::npos) << line;
    }
}

// docs/config.md is an HTML comment (invisible when rendered) followed by configReference() verbatim.
// Run this test with QUENCH_UPDATE_DOCS=1 to rewrite the file after changing the key table.
TEST(ConfigReference, DocsConfigMdIsTheGeneratedReference) {
    const std::string path = std::string(QUENCH_SOURCE_DIR) + "/docs/config.md";
    const std::string header =
        "<!-- Generated from the key table in host/config/config_keys.cpp; do not edit by hand.\n"
        "     The test ConfigReference.DocsConfigMdIsTheGeneratedReference fails when this file and\n"
        "     `quench simulate --help` differ; regenerate with\n"
        "     QUENCH_UPDATE_DOCS=1 build/tests/quench_config_tests --gtest_filter='ConfigReference.*' "
        "-->\n\n";
    const std::string expected = header + quench::config::configReference();
    if (std::getenv("QUENCH_UPDATE_DOCS") != nullptr) std::ofstream(path) << expected;
    EXPECT_EQ(readFile(path), expected)
        << "docs/config.md is stale: regenerate it (see the comment at its top)";
}

}  // namespace
