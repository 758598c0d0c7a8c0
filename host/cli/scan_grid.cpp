#include "cli/scan_grid.hpp"

#include <fmt/format.h>

#include <cmath>
#include <sstream>

#include "quench/error.hpp"

namespace quench::cli {

namespace {

double parseNumber(const std::string& text, const std::string& key, const std::string& scan) {
    try {
        size_t used = 0;
        const double v = std::stod(text, &used);
        if (used == text.size() && std::isfinite(v)) return v;
    } catch (const std::exception&) {
    }
    throw ConfigError(key, scan, "--scan expects numbers (KEY=START:STOP:STEP or KEY=V1,V2,...), got '" + text + "'");
}

}  // namespace

ScanAxis parseScan(const std::string& text) {
    const size_t eq = text.find('=');
    if (eq == std::string::npos || eq == 0)
        throw ConfigError("--scan", text,
                          "expected KEY=START:STOP:STEP or KEY=V1,V2,..., e.g. coupling.g=0.1:2.0:0.05 or "
                          "noise.tau=0.1,1,10");
    ScanAxis axis{text.substr(0, eq), {}};
    const std::string range = text.substr(eq + 1);
    if (range.find(',') != std::string::npos || range.find(':') == std::string::npos) {
        // An explicit list (one value or more), for values a linear grid cannot give (e.g. decades).
        std::stringstream list(range);
        for (std::string item; std::getline(list, item, ',');) axis.values.push_back(parseNumber(item, axis.key, range));
        return axis;
    }
    std::vector<std::string> parts;
    std::stringstream ss(range);
    for (std::string part; std::getline(ss, part, ':');) parts.push_back(part);
    if (parts.size() != 3) throw ConfigError(axis.key, range, "--scan expects START:STOP:STEP");
    const double start = parseNumber(parts[0], axis.key, range);
    const double stop = parseNumber(parts[1], axis.key, range);
    const double step = parseNumber(parts[2], axis.key, range);
    if (step <= 0.0 || stop < start)
        throw ConfigError(axis.key, range, "--scan needs STEP > 0 and STOP >= START");
    const double count = std::floor((stop - start) / step + 1e-9) + 1;
    if (count > 100000) throw ConfigError(axis.key, range, "--scan grid has more than 100000 points");
    for (int k = 0; k < static_cast<int>(count); ++k) axis.values.push_back(start + k * step);
    return axis;
}

std::vector<ScanParameters> scanGrid(const std::vector<ScanAxis>& axes) {
    std::vector<ScanParameters> points{{}};
    for (const ScanAxis& axis : axes) {
        std::vector<ScanParameters> next;
        for (const ScanParameters& p : points)
            for (const double v : axis.values) {
                ScanParameters q = p;
                q.emplace_back(axis.key, v);
                next.push_back(std::move(q));
            }
        points = std::move(next);
    }
    return points;
}

std::vector<std::string> scanOverrides(const ScanParameters& point) {
    std::vector<std::string> overrides;
    for (const auto& [key, value] : point) overrides.push_back(fmt::format("{}={:.15g}", key, value));
    return overrides;
}

}  // namespace quench::cli
