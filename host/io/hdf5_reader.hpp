#pragma once
// Reads a quench HDF5 file (result or checkpoint) back into a StoredRun, checking that it is one.
#include <string>

#include "io/stored_run.hpp"

namespace quench::io {

// Throws std::runtime_error naming the path and what is wrong: not a file, not HDF5, not written by
// quench, an unknown format, or contents that do not fit together (a corrupt or edited file).
StoredRun readHdf5(const std::string& path);

}  // namespace quench::io
