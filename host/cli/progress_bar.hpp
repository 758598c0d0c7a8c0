#pragma once
// A one-line progress bar with rate and ETA on stderr, drawn only when stderr is a terminal, plus
// one-line log messages (a wave finished, a checkpoint written) that are printed even when it is not,
// unless the run is quiet.
#include <chrono>
#include <mutex>
#include <string>

#include "quench/backend.hpp"

namespace quench::cli {

class ProgressBar {
public:
    ProgressBar(std::string label, bool draw_bar, bool log_lines = false);
    ~ProgressBar();
    void update(const Progress& p);
    void log(const std::string& line);
    void finish();

private:
    void draw(const Progress& p, bool final_line);
    std::string label_;
    bool enabled_;
    bool log_lines_;
    bool finished_ = false;
    bool started_ = false;
    double first_fraction_ = 0.0;  // a resumed run starts part-way: the rate counts from here
    std::mutex mutex_;
    std::chrono::steady_clock::time_point start_;
    std::chrono::steady_clock::time_point last_draw_;
    Progress last_{};
};

bool stderrIsTerminal();

}  // namespace quench::cli
