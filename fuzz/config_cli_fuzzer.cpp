// libFuzzer target of everything that reads user input before a simulation starts: the TOML config,
// the --set overrides, validation, the derived plans, and the command line of every subcommand.
// Every input must end in a result or a clear error (ConfigError, a CLI11 parse error); anything
// else (another exception, a crash, a hang, a sanitizer report) is a bug. Nothing is simulated.
//
// Input layout: a first byte 'C' means the rest is a command line, one argument per line, parsed
// by the real `quench` application (simulate, theory, inspect, info); otherwise the input is split
// at NUL bytes into a TOML document followed by up to 16 --set overrides.
#include <CLI/CLI.hpp>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "cli/commands.hpp"
#include "config/config_difference.hpp"
#include "config/config_loader.hpp"
#include "memory_plan.hpp"
#include "quench/error.hpp"

namespace {

std::vector<std::string> split(std::string_view text, char separator, std::size_t limit) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (parts.size() < limit) {
        const std::size_t end = text.find(separator, start);
        parts.emplace_back(
            text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
        if (end == std::string_view::npos) break;
        start = end + 1;
    }
    return parts;
}

void fuzzConfig(std::string_view input) {
    std::vector<std::string> parts = split(input, '\0', 17);
    const std::string toml = parts.front();
    const std::vector<std::string> overrides(parts.begin() + 1, parts.end());
    try {
        const quench::EnsembleSpec spec = quench::config::parseConfig(toml, "<fuzz>", overrides);
        const nlohmann::json resolved = quench::config::configToJson(spec);
        (void)quench::config::firstDifference(resolved, quench::config::configToJson(quench::EnsembleSpec{}));
        (void)quench::planSteps(spec.integration);
        (void)quench::cpuMemoryPlan(spec, 2).total();
        (void)quench::centersOnZero(spec);
        (void)resolved.dump();
    } catch (const quench::ConfigError&) {
        // the clear error every bad config must end in
    }
}

void fuzzCommandLine(std::string_view input) {
    std::vector<std::string> args = split(input, '\n', 64);
    CLI::App app{"quench (fuzzed)"};
    app.require_subcommand(1);
    app.set_version_flag("--version", "fuzz");
    // The runners own the option values CLI11 writes into: keep them alive while parsing, as main does.
    const std::vector<quench::cli::CommandRunner> runners = {
        quench::cli::addSimulateCommand(app, "quench"), quench::cli::addInfoCommand(app),
        quench::cli::addTheoryCommand(app), quench::cli::addValidateCommand(app, "quench"),
        quench::cli::addInspectCommand(app)};
    std::vector<const char*> argv = {"quench"};
    for (const std::string& a : args) argv.push_back(a.c_str());
    try {
        app.parse(static_cast<int>(argv.size()), argv.data());  // parse only: the runners are not called
    } catch (const CLI::Error&) {
        // usage errors, --help and --version all end here
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    if (!input.empty() && input.front() == 'C')
        fuzzCommandLine(input.substr(1));
    else
        fuzzConfig(input);
    return 0;
}
