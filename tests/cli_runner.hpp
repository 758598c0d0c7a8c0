#pragma once
// Runs the built quench binary the way a user does (a shell command in a working directory) and
// captures its exit status, stdout and stderr. Shared by the command-line test files.
#include <sys/wait.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace quench::testing {

struct RunResult {
    int exit_code = -1;
    std::string out;
    std::string err;
    double seconds = 0.0;
};

inline std::string readFile(const std::filesystem::path& path) {
    std::ifstream in(path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

inline std::string shellQuote(const std::string& text) {
    std::string quoted = "'";
    for (const char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return quoted + "'";
}

// Runs QUENCH_BINARY with args in work_dir; stdout and stderr go through files in log_dir.
inline RunResult runQuench(const std::filesystem::path& work_dir, const std::filesystem::path& log_dir,
                           const std::vector<std::string>& args, int timeout_seconds = 60) {
    std::string command = "cd " + shellQuote(work_dir.string()) + " && timeout " +
                          std::to_string(timeout_seconds) + " " + shellQuote(QUENCH_BINARY);
    for (const auto& a : args) command += " " + shellQuote(a);
    const std::filesystem::path out = log_dir / "stdout";
    const std::filesystem::path err = log_dir / "stderr";
    command += " > " + shellQuote(out.string()) + " 2> " + shellQuote(err.string());
    const auto start = std::chrono::steady_clock::now();
    const int status = std::system(command.c_str());
    RunResult result;
    result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    result.out = readFile(out);
    result.err = readFile(err);
    return result;
}

}  // namespace quench::testing
