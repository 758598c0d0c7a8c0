#include "config/config_difference.hpp"

#include "config/config_keys.hpp"

namespace quench::config {

namespace {

std::string shown(const nlohmann::json& config, const ConfigKey& key) {
    const std::string section(key.section());
    const std::string field(key.field());
    if (!config.is_object() || !config.contains(section) || !config[section].is_object() ||
        !config[section].contains(field))
        return "(absent)";
    return config[section][field].dump();
}

}  // namespace

std::optional<KeyDifference> firstDifference(const nlohmann::json& stored, const nlohmann::json& requested) {
    for (const ConfigKey& key : configKeys()) {
        if (key.section() == "run") continue;
        const std::string a = shown(stored, key);
        const std::string b = shown(requested, key);
        if (a != b) return KeyDifference{key.name, a, b};
    }
    return std::nullopt;
}

}  // namespace quench::config
