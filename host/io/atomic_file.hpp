#pragma once
// Writes a file so that readers only ever see the previous content or the complete new content:
// the data go to a temporary file in the same directory, are flushed, and renamed over the target.
#include <string>

namespace quench::io {

// Throws std::runtime_error naming the path when it cannot be written.
void writeFileAtomically(const std::string& path, const std::string& content);

// For writers that need a file name (HDF5): creates an empty temporary file beside `path` and returns
// its name; commitTemporary() flushes it to disk and renames it over `path` (removing it on failure).
std::string temporaryPathBeside(const std::string& path);
void commitTemporary(const std::string& temporary, const std::string& path);

// Removes temporary files a killed writer left beside `path` (PATH.tmp-XXXXXX).
void removeStaleTemporaries(const std::string& path);

// Throws std::runtime_error naming the path when a file could not be created there (checked before a
// long run, so a typo in --out fails in a second rather than after an hour).
void checkWritable(const std::string& path);

}  // namespace quench::io
