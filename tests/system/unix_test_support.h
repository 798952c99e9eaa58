// Helpers shared by the AF_UNIX system tests (tests/system/unix_*_test.cpp).
#pragma once

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <string>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

namespace unix_test {

// Set by the harness when the test runs under qemu-riscv64 user mode (the Linux reference),
// which translates a few socket structures imperfectly (see DESIGN.md).
inline bool under_qemu_user()
{
    const char* reference = getenv("SOCKEYE_REFERENCE");
    return reference && strcmp(reference, "qemu-user") == 0;
}

#define SKIP_UNDER_QEMU_USER(reason)                                                   \
    do {                                                                               \
        if (::unix_test::under_qemu_user())                                            \
            GTEST_SKIP() << "not comparable under qemu-user: " << reason;              \
    } while (0)

inline sockaddr_un path_address(const char* path, socklen_t* length)
{
    sockaddr_un address {};
    address.sun_family = AF_UNIX;
    strncpy(address.sun_path, path, sizeof(address.sun_path));
    *length = offsetof(sockaddr_un, sun_path) + strlen(path) + 1;
    return address;
}

inline sockaddr_un abstract_address(const char* name, socklen_t* length)
{
    sockaddr_un address {};
    address.sun_family = AF_UNIX;
    size_t n = strlen(name);
    memcpy(address.sun_path + 1, name, n);
    *length = offsetof(sockaddr_un, sun_path) + 1 + n;
    return address;
}

// A unique path under /tmp for this process.
inline std::string temp_path(const char* tag)
{
    return std::string("/tmp/sockeye-") + tag + "-" + std::to_string(getpid()) + ".sock";
}

inline int bound_socket(int type, const std::string& path)
{
    int fd = socket(AF_UNIX, type, 0);
    if (fd < 0)
        return -1;
    socklen_t length;
    auto address = path_address(path.c_str(), &length);
    unlink(path.c_str());
    if (bind(fd, reinterpret_cast<sockaddr*>(&address), length) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

inline int listening_socket(int type, const std::string& path, int backlog = 16)
{
    int fd = bound_socket(type, path);
    if (fd >= 0 && listen(fd, backlog) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

inline int connect_to(int type, const std::string& path, int flags = 0)
{
    int fd = socket(AF_UNIX, type | flags, 0);
    if (fd < 0)
        return -1;
    socklen_t length;
    auto address = path_address(path.c_str(), &length);
    if (connect(fd, reinterpret_cast<sockaddr*>(&address), length) != 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    return fd;
}

// Runs body in a forked child; returns the child's exit status (a gtest failure in the
// child exits 1).
template<typename Body>
int in_child(Body body)
{
    pid_t pid = fork();
    if (pid == 0) {
        body();
        _exit(::testing::Test::HasFailure() ? 1 : 0);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    return status;
}

inline pid_t fork_child_then(auto body)
{
    pid_t pid = fork();
    if (pid == 0) {
        body();
        _exit(::testing::Test::HasFailure() ? 1 : 0);
    }
    return pid;
}

inline int wait_exit_code(pid_t pid)
{
    int status = 0;
    if (waitpid(pid, &status, 0) != pid)
        return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

inline void write_all(int fd, const void* data, size_t length)
{
    auto* bytes = static_cast<const char*>(data);
    while (length) {
        ssize_t n = write(fd, bytes, length);
        ASSERT_GT(n, 0) << strerror(errno);
        bytes += n;
        length -= n;
    }
}

inline std::string read_exactly(int fd, size_t length)
{
    std::string out(length, '\0');
    size_t done = 0;
    while (done < length) {
        ssize_t n = read(fd, out.data() + done, length - done);
        if (n <= 0)
            break;
        done += n;
    }
    out.resize(done);
    return out;
}

} // namespace unix_test
