#include "io/atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <stdexcept>

namespace quench::io {

namespace {

[[noreturn]] void fail(const std::string& path, const std::string& what) {
    throw std::runtime_error("cannot write " + path + ": " + what + " (" + std::strerror(errno) + ")");
}

void writeAll(int fd, const std::string& content, const std::string& path) {
    std::size_t done = 0;
    while (done < content.size()) {
        const ssize_t w = ::write(fd, content.data() + done, content.size() - done);
        if (w < 0) {
            if (errno == EINTR) continue;
            fail(path, "write failed");
        }
        done += static_cast<std::size_t>(w);
    }
}

// Makes the rename itself durable (the directory entry), best effort.
void syncDirectoryOf(const std::string& path) {
    const std::filesystem::path parent = std::filesystem::path(path).parent_path();
    const std::string dir = parent.empty() ? "." : parent.string();
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
    if (fd < 0) return;
    ::fsync(fd);
    ::close(fd);
}

}  // namespace

void writeFileAtomically(const std::string& path, const std::string& content) {
    std::string tmp = path + ".tmp-XXXXXX";
    const int fd = ::mkstemp(tmp.data());
    if (fd < 0) fail(path, "cannot create a temporary file beside it");
    try {
        writeAll(fd, content, path);
        if (::fsync(fd) != 0) fail(path, "fsync failed");
    } catch (...) {
        ::close(fd);
        ::unlink(tmp.c_str());
        throw;
    }
    ::fchmod(fd, 0644);
    if (::close(fd) != 0) {
        ::unlink(tmp.c_str());
        fail(path, "close failed");
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
        ::unlink(tmp.c_str());
        fail(path, "rename of the temporary file failed");
    }
    syncDirectoryOf(path);
}

std::string temporaryPathBeside(const std::string& path) {
    std::string tmp = path + ".tmp-XXXXXX";
    const int fd = ::mkstemp(tmp.data());
    if (fd < 0) fail(path, "cannot create a temporary file beside it");
    ::fchmod(fd, 0644);
    ::close(fd);
    return tmp;
}

void commitTemporary(const std::string& temporary, const std::string& path) {
    const int fd = ::open(temporary.c_str(), O_RDONLY);
    if (fd < 0 || ::fsync(fd) != 0) {
        if (fd >= 0) ::close(fd);
        ::unlink(temporary.c_str());
        fail(path, "fsync of the temporary file failed");
    }
    ::close(fd);
    if (std::rename(temporary.c_str(), path.c_str()) != 0) {
        ::unlink(temporary.c_str());
        fail(path, "rename of the temporary file failed");
    }
    syncDirectoryOf(path);
}

void removeStaleTemporaries(const std::string& path) {
    const std::filesystem::path target(path);
    const std::filesystem::path dir = target.parent_path().empty() ? "." : target.parent_path();
    const std::string stem = target.filename().string() + ".tmp-";
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
        const std::string name = entry.path().filename().string();
        if (name.size() == stem.size() + 6 && name.compare(0, stem.size(), stem) == 0)
            std::filesystem::remove(entry.path(), ec);
    }
}

void checkWritable(const std::string& path) {
    std::string tmp = path + ".tmp-XXXXXX";
    const int fd = ::mkstemp(tmp.data());
    if (fd < 0) fail(path, "cannot create a file there");
    ::close(fd);
    ::unlink(tmp.c_str());
}

}  // namespace quench::io
