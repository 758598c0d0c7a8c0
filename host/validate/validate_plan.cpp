#include "validate/validate_plan.hpp"

#include <fmt/format.h>

#include <toml++/toml.h>
#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

#include "quench/error.hpp"

namespace quench::validation {

namespace {

constexpr const char* kKeys = "title, n, realizations, scan, threshold, and the table [validate.quick]";
constexpr const char* kQuickKeys = "n, realizations, scan, set";

std::string nodeText(const toml::node& node) {
    std::ostringstream out;
    node.visit([&out](const auto& v) { out << v; });
    return out.str();
}

std::vector<std::int64_t> integerArray(const toml::node& node, const std::string& key) {
    std::vector<std::int64_t> out;
    if (const auto* single = node.as_integer()) return {single->get()};
    const toml::array* array = node.as_array();
    if (array == nullptr) throw ConfigError(key, nodeText(node), "an integer or an array of integers");
    for (const toml::node& item : *array) {
        const auto* value = item.as_integer();
        if (value == nullptr) throw ConfigError(key, nodeText(node), "an array of integers");
        out.push_back(value->get());
    }
    return out;
}

std::vector<std::string> stringArray(const toml::node& node, const std::string& key) {
    std::vector<std::string> out;
    if (const auto* single = node.as_string()) return {single->get()};
    const toml::array* array = node.as_array();
    if (array == nullptr) throw ConfigError(key, nodeText(node), "a string or an array of strings");
    for (const toml::node& item : *array) {
        const auto* value = item.as_string();
        if (value == nullptr) throw ConfigError(key, nodeText(node), "an array of strings");
        out.push_back(value->get());
    }
    return out;
}

std::vector<int> sizesOf(const std::vector<std::int64_t>& values, const std::string& key) {
    std::vector<int> sizes;
    for (const std::int64_t n : values) {
        if (n < 2 || n > 1000000)
            throw ConfigError(key, std::to_string(n), "network sizes N between 2 and 1000000");
        sizes.push_back(static_cast<int>(n));
    }
    return sizes;
}

void checkPlan(const ValidatePlan& plan) {
    if (plan.sizes.empty()) throw ConfigError("validate.n", "[]", "at least one network size");
    if (!std::is_sorted(plan.sizes.begin(), plan.sizes.end()) ||
        std::adjacent_find(plan.sizes.begin(), plan.sizes.end()) != plan.sizes.end())
        throw ConfigError("validate.n", fmt::format("[{}]", fmt::join(plan.sizes, ", ")),
                          "distinct sizes in ascending order");
    if (!plan.realizations.empty() && plan.realizations.size() != 1 &&
        plan.realizations.size() != plan.sizes.size())
        throw ConfigError("validate.realizations", fmt::format("[{}]", fmt::join(plan.realizations, ", ")),
                          fmt::format("one value, or one per size ({} sizes)", plan.sizes.size()));
    for (const std::int64_t r : plan.realizations)
        if (r < 2)
            throw ConfigError("validate.realizations", std::to_string(r),
                              "at least 2 realizations per size (a standard error needs two)");
    if (!(plan.threshold > 0.0) || !std::isfinite(plan.threshold))
        throw ConfigError("validate.threshold", fmt::format("{}", plan.threshold), "a positive number");
}

// Applies one [validate] or [validate.quick] table to the plan.
void applyTable(ValidatePlan& plan, const toml::table& table, const std::string& section, bool quick) {
    for (const auto& [key_view, node] : table) {
        const std::string key(key_view.str());
        const std::string dotted = section + "." + key;
        if (key == "n") {
            plan.sizes = sizesOf(integerArray(node, dotted), dotted);
        } else if (key == "realizations") {
            plan.realizations = integerArray(node, dotted);
        } else if (key == "scan") {
            plan.scans = stringArray(node, dotted);
        } else if (key == "title" && !quick) {
            const auto* s = node.as_string();
            if (s == nullptr) throw ConfigError(dotted, nodeText(node), "a string");
            plan.title = s->get();
        } else if (key == "threshold" && !quick) {
            const std::optional<double> v = node.value<double>();
            if (!v) throw ConfigError(dotted, nodeText(node), "a positive number");
            plan.threshold = *v;
        } else if (key == "set" && quick) {
            plan.overrides = stringArray(node, dotted);
        } else if (key == "quick" && !quick) {
            if (node.as_table() == nullptr)
                throw ConfigError(dotted, nodeText(node), "a table [validate.quick]");
        } else {
            throw ConfigError(dotted, nodeText(node),
                              fmt::format("a key of [{}]: {}", section, quick ? kQuickKeys : kKeys));
        }
    }
}

toml::table readDocument(const std::string& path) {
    if (path.empty()) return {};
    std::ifstream in(path, std::ios::binary);
    if (!in) throw ConfigError("CONFIG", path, "a readable TOML file");
    std::ostringstream text;
    text << in.rdbuf();
    try {
        return toml::parse(text.str(), path);
    } catch (const toml::parse_error& e) {
        // The ensemble loader reports the syntax error with its position; say it once here too.
        throw ConfigError(path, fmt::format("line {}", e.source().begin.line),
                          fmt::format("TOML syntax error: {}", e.description()));
    }
}

}  // namespace

std::vector<std::int64_t> parseIntegerList(const std::string& text, const std::string& flag) {
    std::vector<std::int64_t> out;
    std::stringstream ss(text);
    for (std::string part; std::getline(ss, part, ',');) {
        try {
            size_t used = 0;
            const long long v = std::stoll(part, &used);
            if (used != part.size()) throw std::invalid_argument(part);
            out.push_back(v);
        } catch (const std::exception&) {
            throw ConfigError(flag, text, "a comma-separated list of integers, e.g. 100,200,400");
        }
    }
    if (out.empty()) throw ConfigError(flag, text, "a comma-separated list of integers, e.g. 100,200,400");
    return out;
}

ValidatePlan loadValidatePlan(const std::string& config_path, const PlanFlags& flags, int default_size) {
    ValidatePlan plan;
    plan.quick = flags.quick;
    const toml::table root = readDocument(config_path);
    if (const toml::node* section = root.get("validate")) {
        const toml::table* table = section->as_table();
        if (table == nullptr) throw ConfigError("validate", nodeText(*section), "a table [validate]");
        applyTable(plan, *table, "validate", false);
        if (flags.quick)
            if (const toml::node* quick = table->get("quick"))
                applyTable(plan, *quick->as_table(), "validate.quick", true);
    }
    if (flags.sizes) plan.sizes = *flags.sizes;
    if (flags.realizations) plan.realizations = *flags.realizations;
    if (flags.scans) plan.scans = *flags.scans;
    if (flags.threshold) plan.threshold = *flags.threshold;
    if (plan.sizes.empty()) plan.sizes = {default_size};
    checkPlan(plan);
    return plan;
}

}  // namespace quench::validation
