#pragma once
// Writes a file so that readers only ever see the previous content or the complete new content:
// the data go to a temporary file in the same directory, are flushed, and renamed over the target.
#include <string>

namespace quench::io {

// Throws std::runtime_error naming the path when it cannot be written.
void writeFileAtomically(const std::string& path, const std::string& content);

// Throws std::runtime_error naming the path when a file could not be created there (checked before a
// long run, so a typo in --out fails in a second rather than after an hour).
void checkWritable(const std::string& path);

}  // namespace quench::io
