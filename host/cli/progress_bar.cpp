#include "cli/progress_bar.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>

namespace quench::cli {

namespace {

std::string formatSeconds(double s) {
    if (s < 60.0) return fmt::format("{:.0f}s", s);
    if (s < 3600.0) return fmt::format("{:.0f}m{:02.0f}s", std::floor(s / 60.0), std::fmod(s, 60.0));
    return fmt::format("{:.0f}h{:02.0f}m", std::floor(s / 3600.0), std::fmod(s / 60.0, 60.0));
}

}  // namespace

bool stderrIsTerminal() {
    return ::isatty(STDERR_FILENO) == 1;
}

ProgressBar::ProgressBar(std::string label, bool draw_bar, bool log_lines)
    : label_(std::move(label)),
      enabled_(draw_bar),
      log_lines_(log_lines),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

ProgressBar::~ProgressBar() {
    finish();
}

void ProgressBar::update(const Progress& p) {
    if (!enabled_) return;
    std::lock_guard<std::mutex> lock(mutex_);
    if (!started_) {
        started_ = true;
        first_fraction_ = p.fraction;
    }
    last_ = p;
    const auto now = std::chrono::steady_clock::now();
    if (now - last_draw_ < std::chrono::milliseconds(200)) return;
    last_draw_ = now;
    draw(p, false);
}

void ProgressBar::log(const std::string& line) {
    if (!log_lines_) return;
    std::lock_guard<std::mutex> lock(mutex_);
    if (enabled_ && started_ && !finished_) {
        std::fprintf(stderr, "\r\033[K%s\n", line.c_str());
        draw(last_, false);
    } else {
        std::fprintf(stderr, "%s\n", line.c_str());
    }
    std::fflush(stderr);
}

void ProgressBar::finish() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!enabled_ || finished_) return;
    finished_ = true;
    if (started_) draw(last_, true);
}

void ProgressBar::draw(const Progress& p, bool final_line) {
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    const double fraction = std::min(1.0, std::max(0.0, p.fraction));
    const double gained = fraction - first_fraction_;
    const int width = 30;
    const int filled = static_cast<int>(fraction * width);
    const std::string bar =
        std::string(static_cast<size_t>(filled), '#') + std::string(static_cast<size_t>(width - filled), '.');
    const std::string eta = gained > 0.0 ? formatSeconds(elapsed * (1.0 - fraction) / gained) : "?";
    const double rate = elapsed > 0.0 ? gained * static_cast<double>(p.realizations_total) / elapsed : 0.0;
    std::fprintf(stderr, "\r%s [%s] %3.0f%%  %lld/%lld realizations  %.3g/s  %s elapsed  ETA %s   %s",
                 label_.c_str(), bar.c_str(), 100.0 * fraction, static_cast<long long>(p.realizations_done),
                 static_cast<long long>(p.realizations_total), rate, formatSeconds(elapsed).c_str(),
                 eta.c_str(), final_line ? "\n" : "");
    std::fflush(stderr);
}

}  // namespace quench::cli
