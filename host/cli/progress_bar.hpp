#pragma once
// A one-line progress bar with rate and ETA on stderr, drawn only when stderr is a terminal.
#include <chrono>
#include <mutex>
#include <string>

#include "quench/backend.hpp"

namespace quench::cli {

class ProgressBar {
public:
    ProgressBar(std::string label, bool enabled);
    ~ProgressBar();
    void update(const Progress& p);
    void finish();

private:
    void draw(const Progress& p, bool final_line);
    std::string label_;
    bool enabled_;
    bool finished_ = false;
    std::chrono::steady_clock::time_point start_;
    std::chrono::steady_clock::time_point last_draw_;
    Progress last_{};
};

bool stderrIsTerminal();

}  // namespace quench::cli
