// TOML job file + overrides -> validated EnsembleSpec. Everything about individual keys lives in
// config_keys.cpp; this file walks the document, applies overrides in order, checks the required keys
// and builds the activation once every key is known.
#include "config/config_loader.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <toml++/toml.h>

#include "config/config_keys.hpp"
#include "config/toml_guard.hpp"
#include "quench/error.hpp"

namespace quench::config {
namespace {

constexpr std::string_view kMissing = "(missing)";

std::size_t editDistance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t substitution = diagonal + (a[i - 1] == b[j - 1] ? 0 : 1);
            diagonal = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, substitution});
        }
    }
    return row[b.size()];
}

// The closest known name, if it is close enough to be a typo (or the same field in another section).
std::string suggestion(std::string_view unknown, const std::vector<std::string>& candidates) {
    std::string best;
    std::size_t best_distance = std::max<std::size_t>(2, unknown.size() / 4) + 1;
    for (const auto& candidate : candidates) {
        const std::size_t distance = editDistance(unknown, candidate);
        if (distance < best_distance) {
            best_distance = distance;
            best = candidate;
        }
    }
    if (best.empty()) {
        for (const auto& candidate : candidates) {
            const auto dot = candidate.find('.');
            if (dot != std::string::npos && std::string_view(candidate).substr(dot + 1) == unknown)
                return candidate;
        }
    }
    return best;
}

std::string didYouMean(std::string_view unknown, const std::vector<std::string>& candidates) {
    const std::string best = suggestion(unknown, candidates);
    return best.empty() ? std::string() : fmt::format(" (did you mean {}?)", best);
}

std::vector<std::string> sectionNames() {
    std::vector<std::string> names;
    for (const auto& s : configSections()) names.push_back(s.name);
    return names;
}

std::vector<std::string> allKeyNames() {
    std::vector<std::string> names;
    for (const auto& k : configKeys()) names.push_back(k.name);
    return names;
}

std::vector<std::string> fieldsOf(std::string_view section) {
    std::vector<std::string> fields;
    for (const auto& k : configKeys()) {
        if (k.section() == section) fields.emplace_back(k.field());
    }
    return fields;
}

[[noreturn]] void unknownKey(const std::string& dotted, const std::string& value_text) {
    const auto dot = dotted.find('.');
    const std::string section = dotted.substr(0, dot);
    if (dot == std::string::npos || findSection(section) == nullptr) {
        const std::string close_section = suggestion(section, sectionNames());
        const std::string hint = dot != std::string::npos && !close_section.empty()
                                     ? fmt::format(" (did you mean [{}]?)", close_section)
                                     : didYouMean(dotted, allKeyNames());
        throw ConfigError(dotted, value_text,
                          fmt::format("unknown config key; keys are written section.key and the sections are "
                                      "{}{}",
                                      fmt::join(sectionNames(), ", "), hint));
    }
    throw ConfigError(dotted, value_text,
                      fmt::format("unknown config key; the keys of [{}] are {}{}", section,
                                  fmt::join(fieldsOf(section), ", "), didYouMean(dotted, allKeyNames())));
}

[[noreturn]] void unknownSection(const std::string& section) {
    const std::string close = suggestion(section, sectionNames());
    throw ConfigError(
        section, "[" + section + "]",
        fmt::format("unknown config section; the sections are {}{}", fmt::join(sectionNames(), ", "),
                    close.empty() ? std::string() : fmt::format(" (did you mean [{}]?)", close)));
}

// Reads one key and remembers that the user gave it (for the required-key check).
void applyKey(EnsembleSpec& spec, std::set<std::string>& given, const std::string& dotted,
              const toml::node& value) {
    const ConfigKey* key = findKey(dotted);
    if (key == nullptr) unknownKey(dotted, tomlText(value));
    key->set(spec, value);
    given.insert(dotted);
}

void applyDocument(EnsembleSpec& spec, std::set<std::string>& given, const toml::table& root) {
    for (const auto& [section_key, section_node] : root) {
        const std::string section(section_key.str());
        // [validate] belongs to `quench validate` (validate_plan.cpp); a preset stays a valid job.
        if (section == "validate") continue;
        const toml::table* table = section_node.as_table();
        if (findSection(section) == nullptr) {
            if (table == nullptr) unknownKey(section, tomlText(section_node));
            unknownSection(section);
        }
        if (table == nullptr) {
            throw ConfigError(
                section, tomlText(section_node),
                fmt::format("[{}] is a section: write it as a table header followed by its keys", section));
        }
        for (const auto& [key, value] : *table)
            applyKey(spec, given, section + "." + std::string(key.str()), value);
    }
}

std::string trim(std::string_view text) {
    const auto first = text.find_first_not_of(" \t");
    if (first == std::string_view::npos) return {};
    const auto last = text.find_last_not_of(" \t");
    return std::string(text.substr(first, last - first + 1));
}

bool isBareWord(std::string_view text) {
    if (text.empty() || !std::isalpha(static_cast<unsigned char>(text[0]))) return false;
    return std::all_of(text.begin(), text.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
    });
}

// The override's value as a one-entry TOML document, so that it is typed exactly as in a file.
toml::table parseOverrideValue(const std::string& key, const std::string& value) {
    try {
        if (!guardToml(value).refused) {  // else not a quench value (and unsafe for toml++: toml_guard.hpp)
            toml::table doc = toml::parse("value = " + value, "--set " + key);
            if (doc.size() == 1 && doc.contains("value")) return doc;
        }
    } catch (const toml::parse_error&) {
        // fall through: a bare word is a string, anything else is malformed
    }
    if (isBareWord(value)) {
        toml::table doc;
        doc.insert("value", value);
        return doc;
    }
    throw ConfigError(
        key, value,
        "this --set value is not valid TOML; write numbers as 0.5, strings as a bare word or in quotes, "
        "arrays as [0, 1], booleans as true or false");
}

void applyOverride(EnsembleSpec& spec, std::set<std::string>& given, const std::string& override_text) {
    const auto equals = override_text.find('=');
    if (equals == std::string::npos) {
        throw ConfigError("--set", override_text,
                          "an override must have the form section.key=value (no '=' found)");
    }
    const std::string key = trim(std::string_view(override_text).substr(0, equals));
    const std::string value = trim(std::string_view(override_text).substr(equals + 1));
    if (key.empty())
        throw ConfigError("--set", override_text, "an override needs a key before '=', as in network.n=100");
    if (findKey(key) == nullptr) unknownKey(key, value);
    if (value.empty()) throw ConfigError(key, override_text, "the override gives no value after '='");
    const toml::table doc = parseOverrideValue(key, value);
    applyKey(spec, given, key, *doc.get("value"));
}

void requireKeys(const std::set<std::string>& given) {
    for (const auto& key : configKeys()) {
        if (key.required && given.count(key.name) == 0) {
            throw ConfigError(key.name, std::string(kMissing),
                              fmt::format("this key is required in every config file ({}; allowed: {})",
                                          key.description, key.allowed));
        }
    }
}

std::vector<double> listOf(const double* c, int count) {
    return std::vector<double>(c, c + count);
}

// Turns the activation keys into one Activation: the Pade keys matter only for activation "pade", and
// the coefficients are checked (no real root of Q) only now that both lists are known.
void resolveActivation(NetworkSpec& network) {
    Activation& phi = network.activation;
    if (phi.kind != ActivationKind::Pade) {
        network.pade_preset.clear();
        phi.p_count = 0;
        phi.q_count = 0;
        return;
    }
    const bool has_lists = phi.p_count > 0 || phi.q_count > 0;
    const bool has_preset = !network.pade_preset.empty();
    if (has_preset && has_lists) {
        throw ConfigError(
            "network.pade", fmt::format("\"{}\"", network.pade_preset),
            "give either a Pade preset (network.pade) or explicit coefficients (network.pade_p and "
            "network.pade_q), not both");
    }
    if (!has_preset && !has_lists) {
        throw ConfigError("network.pade", std::string(kMissing),
                          fmt::format("activation \"pade\" needs a preset network.pade (one of {}) or the "
                                      "coefficient lists network.pade_p and network.pade_q",
                                      fmt::join(padePresetNames(), ", ")));
    }
    if (has_lists && phi.p_count == 0) {
        throw ConfigError("network.pade_p", std::string(kMissing),
                          "network.pade_q is given, so the numerator "
                          "network.pade_p is required too");
    }
    if (has_lists && phi.q_count == 0) {
        throw ConfigError("network.pade_q", std::string(kMissing),
                          "network.pade_p is given, so the denominator "
                          "network.pade_q is required too");
    }
    const PadeCoefficients c = has_preset
                                   ? *padePreset(network.pade_preset)
                                   : PadeCoefficients{listOf(phi.p, phi.p_count), listOf(phi.q, phi.q_count)};
    Activation pade = makePadeActivation(c.p, c.q);
    pade.alpha = phi.alpha;
    pade.threshold = phi.threshold;
    phi = pade;
}

toml::table parseDocument(std::string_view toml_text, std::string_view source_name) {
    const GuardedToml guarded = guardToml(toml_text);
    if (guarded.refused)
        throw ConfigError(std::string(source_name),
                          fmt::format("line {}, column {}", guarded.refused->line, guarded.refused->column),
                          "a non-ASCII character outside a comment: every quench key and value is ASCII");
    try {
        return toml::parse(guarded.text, source_name);
    } catch (const toml::parse_error& e) {
        const toml::source_position where = e.source().begin;
        throw ConfigError(std::string(source_name),
                          fmt::format("line {}, column {}", where.line, where.column),
                          fmt::format("TOML syntax error: {}", e.description()));
    }
}

std::string keyLine(const ConfigKey& key) {
    std::string facts = std::string(typeName(key.type));
    if (!key.unit.empty()) facts += ", unit " + key.unit;
    facts += key.required ? ", required" : ", default " + key.defaultText();
    return fmt::format("- `{}` ({}): {}. Allowed: {}.\n", key.name, facts, key.description, key.allowed);
}

}  // namespace

EnsembleSpec parseConfig(std::string_view toml_text, std::string_view source_name,
                         const std::vector<std::string>& overrides) {
    const toml::table root = parseDocument(toml_text, source_name);
    EnsembleSpec spec;
    std::set<std::string> given;
    applyDocument(spec, given, root);
    for (const auto& override_text : overrides) applyOverride(spec, given, override_text);
    requireKeys(given);
    resolveActivation(spec.network);
    validate(spec);
    return spec;
}

std::string readConfigText(const std::string& path) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
        throw ConfigError("CONFIG", path, "is a directory, not a TOML config file");
    }
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw ConfigError("CONFIG", path,
                          fmt::format("cannot read the config file ({})", std::strerror(errno)));
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) throw ConfigError("CONFIG", path, "reading the config file failed");
    return text.str();
}

EnsembleSpec loadConfigFile(const std::string& path, const std::vector<std::string>& overrides) {
    return parseConfig(readConfigText(path), path, overrides);
}

EnsembleSpec loadJob(const std::string& path, const std::vector<std::string>& overrides) {
    return path.empty() ? parseConfig(defaultConfigToml(), "<embedded default>", overrides)
                        : loadConfigFile(path, overrides);
}

nlohmann::json configToJson(const EnsembleSpec& spec) {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& key : configKeys())
        out[std::string(key.section())][std::string(key.field())] = key.get(spec);
    return out;
}

std::string configReference() {
    std::string text =
        "# quench configuration reference\n\n"
        "A job is a TOML file with the sections below. Every key can also be set on the command line\n"
        "with `--set section.key=value` (the value is written as in TOML; a bare word is a string),\n"
        "applied after the file. Times are in units of the neuron time constant tau. Unknown keys are\n"
        "errors. The model is dx = (-x + J phi(x) + I) dt + sigma dW.\n";
    for (const auto& section : configSections()) {
        text += fmt::format("\n## [{}] {}\n\n", section.name, section.description);
        for (const auto& key : configKeys()) {
            if (key.section() == section.name) text += keyLine(key);
        }
    }
    text +=
        "\n## [validate] the plan of `quench validate`\n\n"
        "Read only by `quench validate` (sizes `n`, `realizations`, `scan`, `threshold`, `title`, and a\n"
        "`[validate.quick]` table); `quench simulate` and `quench theory` ignore it, so a validation preset\n"
        "(examples/validate/*.toml) is also an ordinary job. See `quench validate --help`.\n";
    return text;
}

std::string_view defaultConfigToml() {
    // Kept byte-identical to examples/default.toml (a test checks it).
    static constexpr std::string_view kDefault =
        R"(# The default quench job: a noisy tanh network below the chaotic transition.
# Run it with `quench simulate examples/default.toml`; every key is explained by
# `quench simulate --help`. Times are in units of the neuron time constant tau.

[network]
n = 200                    # number of neurons N
activation = "tanh"        # nonlinearity phi

[coupling]
model = "iid"              # iid Gaussian J_ij with std g / sqrt(N)
g = 0.5                    # coupling strength

[noise]
sigma = 1.0                # white-noise amplitude (zero-frequency power sigma^2)

[integration]
dt = 0.05                  # a quick run (variance bias ~0.5 %); 0.01 for comparisons with theory
method = "exponential_euler"  # treats the leak exactly: less dt bias than euler_maruyama
t_burn = 30.0              # burn-in, >> relaxation time 1 / (1 - g)
t_max = 200.0              # measured time per trial
sample_interval = 0.5      # equal-time covariance sampled this often
t_bin = 10.0               # zero-frequency bins: 20 per trial

[ensemble]
realizations = 64          # disorder realizations R
trials = 8                 # noise trials K per realization
seed = 1                   # seed of every random number
)";
    return kDefault;
}

}  // namespace quench::config
