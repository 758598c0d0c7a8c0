#pragma once
// Starts the built quench binary in the background (fork + exec, no shell), so a test can signal it
// while it runs, then collects its exit status, stdout and stderr like runQuench() does.
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "cli_runner.hpp"

namespace quench::testing {

class QuenchProcess {
public:
    // Starts QUENCH_BINARY args... in work_dir; stdout and stderr go to files in log_dir.
    QuenchProcess(const std::filesystem::path& work_dir, const std::filesystem::path& log_dir,
                  const std::vector<std::string>& args)
        : logs_(log_dir) {
        pid_ = ::fork();
        if (pid_ == 0) {
            if (::chdir(work_dir.c_str()) != 0) ::_exit(126);
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
    // Whether the process has ended (without blocking), so that a test waiting for something the
    // process should do can stop waiting instead of hanging.
    bool exited() {
        if (!exited_ && ::waitpid(pid_, &status_, WNOHANG) == pid_) exited_ = true;
        return exited_;
    }
    // Waits for the exit; a death by signal S reads as exit code 128 + S, as in a shell.
    RunResult wait() {
        if (!exited_) ::waitpid(pid_, &status_, 0);
        exited_ = true;
        const int status = status_;
        RunResult result;
        result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        result.out = readFile(logs_ / "stdout");
        result.err = readFile(logs_ / "stderr");
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
    bool exited_ = false;
    int status_ = 0;
};

}  // namespace quench::testing
