#pragma once
// From a TOML job file plus command-line overrides to a validated EnsembleSpec, and back to JSON and
// to the human reference of every key. Every failure is a quench::ConfigError naming the key.
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "quench/ensemble_spec.hpp"

namespace quench::config {

// Parses a TOML document, applies the overrides ("section.key=value", value written as in TOML; a
// bare word is a string), builds the activation and validates the result.
EnsembleSpec parseConfig(std::string_view toml_text, std::string_view source_name,
                         const std::vector<std::string>& overrides);

// The text of a config file; an unreadable file is ConfigError("CONFIG", path, reason).
std::string readConfigText(const std::string& path);

// As parseConfig on the file's contents; an unreadable file is ConfigError("CONFIG", path, reason).
EnsembleSpec loadConfigFile(const std::string& path, const std::vector<std::string>& overrides);

// The job of a command: the config file at path, or the embedded default job when path is empty.
EnsembleSpec loadJob(const std::string& path, const std::vector<std::string>& overrides);

// Every key with its resolved value, nested by section: {"network": {"n": 200, ...}, ...}.
nlohmann::json configToJson(const EnsembleSpec& spec);

// The reference of every key (type, unit, default, allowed values, description), grouped by section.
// It is the `quench simulate --help` text and, verbatim, the body of docs/config.md.
std::string configReference();

// The job `quench simulate` documents as its starting point (examples/default.toml holds the same).
std::string_view defaultConfigToml();

}  // namespace quench::config
