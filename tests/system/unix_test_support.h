// Helpers shared by the AF_UNIX system tests (tests/system/unix_*_test.cpp): addresses and
// sockets on paths, socket pairs that close themselves, messages with SCM_RIGHTS and
// SCM_CREDENTIALS, and forked children whose gtest failures become their exit status. Timing,
// signal actions and the qemu-user check are proc_test_support.h's.
#pragma once

#include "proc_test_support.h"

#include <algorithm>
#include <string>
#include <sys/socket.h>
#include <sys/un.h>
#include <utility>
#include <vector>

namespace unix_test {

using proctest::count_signal;
using proctest::g_count;
using proctest::now_seconds;
using proctest::ScopedAction;
using proctest::under_qemu_user;

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

// The two ends of socketpair(AF_UNIX, ...). Whatever is still open is closed when the pair goes
// out of scope, also when an assertion ends the test early; so an end the test closes itself
// goes through close(end), never ::close(pair[end]), or its number would be closed twice.
class SocketPair {
public:
    SocketPair() = default;
    ~SocketPair()
    {
        close(0);
        close(1);
    }
    SocketPair(const SocketPair&) = delete;
    SocketPair& operator=(const SocketPair&) = delete;

    // socketpair()'s result (0, or -1 and errno); ends still open from before are closed first.
    int open(int type)
    {
        close(0);
        close(1);
        return socketpair(AF_UNIX, type, 0, m_ends);
    }
    int operator[](int end) const { return m_ends[end]; }
    void close(int end)
    {
        if (m_ends[end] >= 0)
            ::close(m_ends[end]);
        m_ends[end] = -1;
    }

private:
    int m_ends[2] { -1, -1 };
};

// Runs body in a forked child that exits 1 if a gtest assertion failed in it, else 0; returns
// the child's pid.
inline pid_t fork_child_then(auto body)
{
    pid_t pid = fork();
    if (pid == 0) {
        body();
        _exit(::testing::Test::HasFailure() ? 1 : 0);
    }
    return pid;
}

// fork_child_then, waited for: returns the child's wait status.
template<typename Body> int in_child(Body body)
{
    pid_t pid = fork_child_then(body);
    int status = 0;
    waitpid(pid, &status, 0);
    return status;
}

// in_child as the unprivileged user and group 65534 (the caller must be root).
template<typename Body> int in_child_as_nobody(Body body)
{
    return in_child([&] {
        ASSERT_EQ(setgid(65534), 0);
        ASSERT_EQ(setuid(65534), 0);
        body();
    });
}

inline int wait_exit_code(pid_t pid)
{
    int status = 0;
    if (waitpid(pid, &status, 0) != pid)
        return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// A child holds end 1 of the pair for delay_ms and then closes it, the last reference: the
// parent's copy of end 1 is closed before this returns the child's pid.
inline pid_t close_peer_later(SocketPair& pair, long delay_ms)
{
    pid_t child = fork_child_then([&] {
        pair.close(0);
        usleep(delay_ms * 1000);
        pair.close(1);
    });
    pair.close(1);
    return child;
}

// The number the next new descriptor gets.
inline int lowest_free_fd()
{
    int fd = dup(0);
    close(fd);
    return fd;
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

// `length` bytes of `data` with one SOL_SOCKET control message of `type` carrying `payload`.
// Its fields stay open to change, for the tests of malformed control messages.
class OutgoingMessage {
public:
    OutgoingMessage(int type, const void* payload, size_t payload_length, const char* data = "x", size_t length = 1)
        : m_control(CMSG_SPACE(payload_length))
        , m_iov { const_cast<char*>(data), length }
    {
        m_message.msg_iov = &m_iov;
        m_message.msg_iovlen = 1;
        m_message.msg_control = m_control.data();
        m_message.msg_controllen = m_control.size();
        m_header = CMSG_FIRSTHDR(&m_message);
        m_header->cmsg_level = SOL_SOCKET;
        m_header->cmsg_type = type;
        m_header->cmsg_len = CMSG_LEN(payload_length);
        memcpy(CMSG_DATA(m_header), payload, payload_length);
    }
    OutgoingMessage(const OutgoingMessage&) = delete;
    OutgoingMessage& operator=(const OutgoingMessage&) = delete;

    msghdr& message() { return m_message; }
    cmsghdr& header() { return *m_header; }
    ssize_t send(int socket) { return sendmsg(socket, &m_message, 0); }

private:
    std::vector<char> m_control;
    iovec m_iov;
    msghdr m_message {};
    cmsghdr* m_header;
};

// Sends `length` bytes of `data` with the fds attached (SCM_RIGHTS).
inline ssize_t send_fds(int socket, const std::vector<int>& fds, const char* data = "F", size_t length = 1)
{
    return OutgoingMessage(SCM_RIGHTS, fds.data(), sizeof(int) * fds.size(), data, length).send(socket);
}

// Sends one byte claiming the given credentials (SCM_CREDENTIALS).
inline ssize_t send_credentials(int socket, const ucred& claim)
{
    return OutgoingMessage(SCM_CREDENTIALS, &claim, sizeof(claim), "c", 1).send(socket);
}

// What one recvmsg() returned. The descriptors that came with it are its own: they are closed
// when it goes, except one a test takes with release().
struct Received {
    ssize_t result { -1 };
    std::string data;
    int flags { 0 };
    std::vector<int> control_types; // the cmsg_type of each control message, in order
    std::vector<int> fds; // from SCM_RIGHTS
    ucred credentials {}; // from SCM_CREDENTIALS

    Received() = default;
    Received(Received&& other)
        : result(other.result)
        , data(std::move(other.data))
        , flags(other.flags)
        , control_types(std::move(other.control_types))
        , fds(std::exchange(other.fds, {}))
        , credentials(other.credentials)
    {
    }
    Received& operator=(Received&&) = delete;
    ~Received()
    {
        for (int fd : fds) {
            if (fd >= 0)
                close(fd);
        }
    }
    int release(size_t index) { return std::exchange(fds[index], -1); }
};

// recvmsg() of up to `length` bytes with `control_room` bytes for control messages (0: a
// msg_controllen of 0).
inline Received receive_message(int socket, size_t length, size_t control_room, int flags = 0)
{
    Received out;
    std::vector<char> buffer(length);
    std::vector<char> control(std::max(control_room, CMSG_SPACE(0))); // never a null msg_control
    iovec iov { buffer.data(), buffer.size() };
    msghdr message {};
    message.msg_iov = &iov;
    message.msg_iovlen = 1;
    message.msg_control = control.data();
    message.msg_controllen = control_room;
    out.result = recvmsg(socket, &message, flags);
    if (out.result < 0)
        return out;
    out.data.assign(buffer.data(), std::min(size_t(out.result), length));
    out.flags = message.msg_flags;
    for (cmsghdr* header = CMSG_FIRSTHDR(&message); header; header = CMSG_NXTHDR(&message, header)) {
        out.control_types.push_back(header->cmsg_type);
        if (header->cmsg_level != SOL_SOCKET)
            continue;
        if (header->cmsg_type == SCM_RIGHTS) {
            size_t count = (header->cmsg_len - CMSG_LEN(0)) / sizeof(int);
            for (size_t i = 0; i < count; ++i) {
                int fd;
                memcpy(&fd, CMSG_DATA(header) + i * sizeof(int), sizeof(int));
                out.fds.push_back(fd);
            }
        } else if (header->cmsg_type == SCM_CREDENTIALS) {
            memcpy(&out.credentials, CMSG_DATA(header), sizeof(ucred));
        }
    }
    return out;
}

// recvmsg() with room for max_fds descriptors (none at all for 0).
inline Received receive_fds(int socket, size_t length = 64, size_t max_fds = 8, int flags = 0)
{
    return receive_message(socket, length, max_fds ? CMSG_SPACE(sizeof(int) * max_fds) : 0, flags);
}

// The one descriptor a one-byte message carried, for the caller to close; -1 if there was none.
inline int receive_one_fd(int socket)
{
    Received received = receive_fds(socket, 1, 1);
    if (received.result != 1 || received.fds.empty())
        return -1;
    return received.release(0);
}

} // namespace unix_test
