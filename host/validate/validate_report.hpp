#pragma once
// The outputs of `quench validate`: validate.json (every number, for scripts and the plots) and
// report.md (tables and verdicts for people).
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "validate/series_comparison.hpp"
#include "validate/statistic_comparison.hpp"
#include "validate/validation_runner.hpp"

namespace quench::validation {

struct VerdictCounts {
    // [basis] for exact, linear_equivalence, derived
    int pass[3] = {0, 0, 0};
    int fail[3] = {0, 0, 0};
    int no_theory = 0;
    int no_data = 0;
    bool exactPassed() const { return fail[0] == 0; }
};

struct ValidationReport {
    const ValidationRun& run;
    const ValidatePlan& plan;
    const std::vector<std::vector<StatisticComparison>>& comparisons;  // [point]
    std::string out_dir;  // where report.md and validate.json go; run paths are written relative to it
    std::string command_line;
    std::string date_utc;
    std::string hostname;
    // [point]: the curves (temporal observables), when the runs measured any.
    const std::vector<std::vector<SeriesComparison>>* series = nullptr;
};

VerdictCounts countVerdicts(const std::vector<std::vector<StatisticComparison>>& comparisons);
// The same per curve (a curve passes when every point does).
VerdictCounts countSeriesVerdicts(const std::vector<std::vector<SeriesComparison>>& series);
nlohmann::json reportJson(const ValidationReport& report);
std::string reportMarkdown(const ValidationReport& report, const std::vector<std::string>& plot_files);

// The verdict rule, stated the same way in the report, the JSON and --help.
std::string verdictRule(double threshold);

}  // namespace quench::validation
