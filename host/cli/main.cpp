// quench: ensembles of noisy nonlinear random recurrent networks with quenched disorder.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>
#include <map>

#include "cli/commands.hpp"
#include "quench/build_info.hpp"

int main(int argc, char** argv) {
    using namespace quench::cli;
    CLI::App app{
        fmt::format("quench {}: ensembles of noisy random recurrent networks with quenched disorder,\n"
                    "their covariance statistics, and the large-N theory beside them.",
                    quench::buildInfo().version)};
    app.require_subcommand(1);
    app.set_version_flag("--version", std::string(quench::buildInfo().version));
    std::map<const CLI::App*, CommandRunner> runners;
    auto add = [&](CommandRunner runner, const std::string& name) {
        runners[app.get_subcommand(name)] = std::move(runner);
    };
    std::string command_line = "quench";
    for (int i = 1; i < argc; ++i) command_line += std::string(" ") + argv[i];
    add(addSimulateCommand(app, command_line), "simulate");
    add(addInfoCommand(app), "info");
    add(addTheoryCommand(app), "theory");
    add(addValidateCommand(app, command_line), "validate");
    add(addInspectCommand(app), "inspect");
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        std::fprintf(stderr, "quench: error: %s (see quench --help)\n", e.what());
        return kExitUsage;
    }
    try {
        for (const CLI::App* sub : app.get_subcommands()) return runners.at(sub)();
    } catch (const std::exception& e) {
        std::fprintf(stderr, "quench: error: %s\n", e.what());
        return kExitFailure;
    }
    return kExitUsage;
}
