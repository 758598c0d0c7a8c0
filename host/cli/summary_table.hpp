#pragma once
// The terminal table of the disorder-averaged statistics, shared by `simulate` and `inspect`.
#include "quench/realization_result.hpp"

namespace quench::cli {

void printSummaryTable(const EnsembleSummary& summary, int n);

}  // namespace quench::cli
