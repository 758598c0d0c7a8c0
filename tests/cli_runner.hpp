#pragma once
// Runs the built quench binary in a working directory, capturing its exit code, stdout and stderr;
// or starts it in the background so a test can signal it.
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace quench::testing {

struct CliResult {
    int exit_code = -1;
    std::string out;
    std::string err;
};

inline std::string readText(const std::filesystem::path& path) {
    std::ifstream in(path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

class QuenchProcess {
public:
    // Starts QUENCH_BINARY args... in `dir`, stdout/stderr to dir/../stdout, dir/../stderr.
    QuenchProcess(const std::filesystem::path& dir, const std::vector<std::string>& args)
        : logs_(dir.parent_path()) {
        pid_ = ::fork();
        if (pid_ == 0) {
            if (::chdir(dir.c_str()) != 0) ::_exit(126);
            redirect((logs_ / "stdout").c_str(), STDOUT_FILENO);
            redirect((logs_ / "stderr").c_str(), STDERR_FILENO);
            std::vector<std::string> argv_text = {QUENCH_BINARY};
            argv_text.insert(argv_text.end(), args.begin(), args.end());
            std::vector<char*> argv;
            for (std::string& a : argv_text) argv.push_back(a.data());
            argv.push_back(nullptr);
            ::execv(QUENCH_BINARY, argv.data());
            ::_exit(127);
        }
    }
    pid_t pid() const { return pid_; }
    CliResult wait() const {
        int status = 0;
        ::waitpid(pid_, &status, 0);
        CliResult result;
        result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        result.out = readText(logs_ / "stdout");
        result.err = readText(logs_ / "stderr");
        return result;
    }

private:
    static void redirect(const char* path, int fd) {
        const int file = ::open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (file < 0 || ::dup2(file, fd) < 0) ::_exit(126);
        ::close(file);
    }
    std::filesystem::path logs_;
    pid_t pid_ = -1;
};

inline CliResult runQuench(const std::filesystem::path& dir, const std::vector<std::string>& args) {
    return QuenchProcess(dir, args).wait();
}

}  // namespace quench::testing
