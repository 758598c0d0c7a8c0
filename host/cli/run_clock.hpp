#pragma once
// Where and when a command ran, for the provenance of its result files.
#include <string>

namespace quench::cli {

std::string utcNow();    // ISO 8601, e.g. 2026-11-26T01:25:00Z
std::string hostName();  // "unknown" when the system does not say

}  // namespace quench::cli
