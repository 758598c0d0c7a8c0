#pragma once
#include <cstdint>
#include <stdexcept>
#include <string>

namespace quench {

// A configuration value that is missing, of the wrong type or out of range. The message names the
// key, the value and what is allowed, so a user can fix the config without reading the source.
class ConfigError : public std::runtime_error {
public:
    ConfigError(std::string key, const std::string& value, const std::string& allowed)
        : std::runtime_error(key + " = " + value + ": " + allowed), key_(std::move(key)) {}
    const std::string& key() const { return key_; }

private:
    std::string key_;
};

// A realization whose state became non-finite or grew past the blow-up threshold.
class DivergenceError : public std::runtime_error {
public:
    DivergenceError(std::int64_t realization, std::int64_t step, double time, const std::string& why)
        : std::runtime_error("realization " + std::to_string(realization) + " diverged at step " +
                             std::to_string(step) + " (t = " + std::to_string(time) + "): " + why),
          realization_(realization),
          step_(step) {}
    std::int64_t realization() const { return realization_; }
    std::int64_t step() const { return step_; }

private:
    std::int64_t realization_;
    std::int64_t step_;
};

// A run stopped on request (SIGINT, SIGTERM) before it finished the realizations it was given.
class Interrupted : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// A backend that cannot run here (not compiled in, no device, out of memory).
class BackendError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

}  // namespace quench
