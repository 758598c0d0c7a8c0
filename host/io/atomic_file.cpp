#include "io/atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
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
}

void checkWritable(const std::string& path) {
    std::string tmp = path + ".tmp-XXXXXX";
    const int fd = ::mkstemp(tmp.data());
    if (fd < 0) fail(path, "cannot create a file there");
    ::close(fd);
    ::unlink(tmp.c_str());
}

}  // namespace quench::io
