#pragma once
// Parameter grids given on the command line: --scan KEY=START:STOP:STEP or KEY=V1,V2,..., expanded
// to the outer product of the axes. Shared by `quench theory` and `quench validate`.
#include <string>
#include <utility>
#include <vector>

namespace quench::cli {

// One --scan axis, expanded to its values.
struct ScanAxis {
    std::string key;
    std::vector<double> values;
};

// The values of one point of the grid, in axis order.
using ScanParameters = std::vector<std::pair<std::string, double>>;

// Throws ConfigError naming the flag and the text when it is neither KEY=START:STOP:STEP nor
// KEY=V1,V2,... (numbers).
ScanAxis parseScan(const std::string& text);

// The outer product of the axes, first axis outermost; one empty point when there are no axes.
std::vector<ScanParameters> scanGrid(const std::vector<ScanAxis>& axes);

// The --set overrides that put a config at one grid point.
std::vector<std::string> scanOverrides(const ScanParameters& point);

}  // namespace quench::cli
