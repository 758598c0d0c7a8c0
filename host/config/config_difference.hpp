#pragma once
// Which config key differs between two resolved configs (configToJson form), for refusing to resume
// a checkpoint with a different job. The [run] section (threads, memory, checkpoint interval) may
// differ: it does not change any result.
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace quench::config {

struct KeyDifference {
    std::string key;  // "coupling.g"
    std::string stored;
    std::string requested;
};

// The first key (in section order) whose value differs, or none.
std::optional<KeyDifference> firstDifference(const nlohmann::json& stored, const nlohmann::json& requested);

}  // namespace quench::config
