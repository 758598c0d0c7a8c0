#pragma once
// Each subcommand registers itself on the application and returns the exit code of its run.
#include <CLI/CLI.hpp>
#include <functional>
#include <string>

namespace quench::cli {

// Exit codes shared by all commands.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;           // an unexpected internal error
inline constexpr int kExitUsage = 2;             // bad config, flag or file: nothing was run or written
inline constexpr int kExitDiverged = 3;          // a realization diverged: nothing was written
inline constexpr int kExitBackend = 4;           // the backend cannot run here
inline constexpr int kExitValidationFailed = 5;  // validate: a statistic the theory calls exact failed
inline constexpr int kExitInterrupted = 6;  // SIGINT/SIGTERM: a checkpoint was written, --resume continues

using CommandRunner = std::function<int()>;

CommandRunner addSimulateCommand(CLI::App& app, const std::string& command_line);
CommandRunner addInfoCommand(CLI::App& app);
CommandRunner addTheoryCommand(CLI::App& app);
CommandRunner addValidateCommand(CLI::App& app, const std::string& command_line);
CommandRunner addInspectCommand(CLI::App& app);

}  // namespace quench::cli
