#pragma once
// A RealizationResult as a flat array of doubles and back, bit for bit (integers are stored through
// their bit pattern), so results can travel between MPI ranks as one FP64 message.
#include <vector>

#include "quench/realization_result.hpp"

namespace quench::io {

void packRealization(const RealizationResult& r, std::vector<double>& out);  // appends
// Reads one realization starting at data[pos] and advances pos; throws std::runtime_error when the
// buffer ends early or a length is impossible.
RealizationResult unpackRealization(const std::vector<double>& data, std::size_t& pos);

}  // namespace quench::io
