#pragma once
// The single source of truth for every config key: its dotted name, type, unit, allowed values,
// description, how to read it from TOML into an EnsembleSpec and how to show its value as JSON.
// The loader, configToJson, the --help text and docs/config.md are all generated from this table,
// so a key cannot be documented, parsed or reported differently in two places.
#include <string>
#include <string_view>
#include <vector>

#include <toml++/toml.h>
#include <nlohmann/json.hpp>

#include "quench/ensemble_spec.hpp"

namespace quench::config {

enum class KeyType { Integer, Float, Boolean, String, FloatArray };
std::string_view typeName(KeyType type);

struct ConfigKey;
using KeySetter = void (*)(const ConfigKey& key, EnsembleSpec& spec, const toml::node& value);
using KeyGetter = nlohmann::json (*)(const EnsembleSpec& spec);

struct ConfigKey {
    std::string name;  // "section.key", stable: scripts rely on it
    KeyType type;
    std::string unit;     // empty for dimensionless keys; time is in units of the neuron time constant
    std::string allowed;  // human-readable range or list of choices
    std::string description;
    bool required;  // must appear in a config file (or in an override)
    KeySetter setter;
    KeyGetter getter;

    std::string_view section() const;
    std::string_view field() const;
    // Type-checks the TOML value and stores it; throws ConfigError naming this key.
    void set(EnsembleSpec& spec, const toml::node& value) const { setter(*this, spec, value); }
    nlohmann::json get(const EnsembleSpec& spec) const { return getter(spec); }
    // The value in a default-constructed EnsembleSpec, written as in TOML.
    std::string defaultText() const;
};

struct ConfigSection {
    std::string name;
    std::string description;
};

const std::vector<ConfigKey>& configKeys();
const std::vector<ConfigSection>& configSections();
const ConfigKey* findKey(std::string_view dotted_name);
const ConfigSection* findSection(std::string_view name);

// The value as the user wrote it (strings quoted, arrays bracketed), for error messages.
std::string tomlText(const toml::node& value);

}  // namespace quench::config
