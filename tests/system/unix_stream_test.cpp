// AF_UNIX stream sockets over filesystem paths: bind/connect/accept, names, errors, shutdown,
// EPIPE/SIGPIPE, ECONNRESET, poll readiness, options and ioctls — Linux's behaviour.
#include "unix_test_support.h"
#include <linux/sockios.h>
#include <poll.h>
#include <atomic>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <thread>

using namespace unix_test;

TEST(Acceptance, TwoProcessesOverTmpTestSock)
{
    const char* path = "/tmp/test.sock";
    unlink(path);
    int listener = listening_socket(SOCK_STREAM, path, 4);
    ASSERT_GE(listener, 0) << strerror(errno);
    pid_t client = fork_child_then([&] {
        close(listener);
        int fd = connect_to(SOCK_STREAM, path);
        ASSERT_GE(fd, 0) << strerror(errno);
        write_all(fd, "ping from client", 16);
        EXPECT_EQ(read_exactly(fd, 16), "pong from server");
        close(fd);
    });
    int connection = accept(listener, nullptr, nullptr);
    ASSERT_GE(connection, 0) << strerror(errno);
    EXPECT_EQ(read_exactly(connection, 16), "ping from client");
    write_all(connection, "pong from server", 16);
    EXPECT_EQ(wait_exit_code(client), 0);
    char byte;
    EXPECT_EQ(read(connection, &byte, 1), 0); // EOF after the client closed
    close(connection);
    close(listener);
    EXPECT_EQ(unlink(path), 0);
}

TEST(UnixBind, CreatesSocketNodeWithUmaskApplied)
{
    auto path = temp_path("mode");
    mode_t old = umask(022);
    int fd = bound_socket(SOCK_STREAM, path);
    umask(old);
    ASSERT_GE(fd, 0);
    struct stat st;
    ASSERT_EQ(stat(path.c_str(), &st), 0);
    EXPECT_TRUE(S_ISSOCK(st.st_mode));
    EXPECT_EQ(st.st_mode & 07777, 0755u);
    // fstat on the socket fd: sockfs's inode, a socket too.
    struct stat fst;
    ASSERT_EQ(fstat(fd, &fst), 0);
    EXPECT_TRUE(S_ISSOCK(fst.st_mode));
    EXPECT_EQ(fst.st_uid, getuid());
    close(fd);
    // The name outlives the socket until it is unlinked.
    EXPECT_EQ(stat(path.c_str(), &st), 0);
    EXPECT_EQ(unlink(path.c_str()), 0);
}

TEST(UnixBind, FchmodBeforeBindIsHonoured)
{
    auto path = temp_path("fchmod");
    unlink(path.c_str());
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    ASSERT_EQ(fchmod(fd, 0700), 0);
    socklen_t length;
    auto address = path_address(path.c_str(), &length);
    mode_t old = umask(0);
    ASSERT_EQ(bind(fd, (sockaddr*)&address, length), 0);
    umask(old);
    struct stat st;
    ASSERT_EQ(stat(path.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0700u);
    close(fd);
    unlink(path.c_str());
}

TEST(UnixBind, Errors)
{
    auto path = temp_path("errors");
    int first = bound_socket(SOCK_STREAM, path);
    ASSERT_GE(first, 0);
    socklen_t length;
    auto address = path_address(path.c_str(), &length);

    int second = socket(AF_UNIX, SOCK_STREAM, 0);
    EXPECT_EQ(bind(second, (sockaddr*)&address, length), -1);
    EXPECT_EQ(errno, EADDRINUSE);

    // Binding a bound socket again.
    auto other_path = temp_path("errors2");
    unlink(other_path.c_str());
    auto other = path_address(other_path.c_str(), &length);
    EXPECT_EQ(bind(first, (sockaddr*)&other, length), -1);
    EXPECT_EQ(errno, EINVAL);
    EXPECT_NE(access(other_path.c_str(), F_OK), 0); // and the new name was not left behind

    auto missing = path_address("/tmp/no-such-dir-sockeye/x.sock", &length);
    EXPECT_EQ(bind(second, (sockaddr*)&missing, length), -1);
    EXPECT_EQ(errno, ENOENT);

    // addrlen and family.
    sockaddr_un bad = address;
    EXPECT_EQ(bind(second, (sockaddr*)&bad, 1), -1);
    EXPECT_EQ(errno, EINVAL);
    EXPECT_EQ(bind(second, (sockaddr*)&bad, sizeof(sockaddr_un) + 1), -1);
    EXPECT_EQ(errno, EINVAL);
    bad.sun_family = AF_INET;
    EXPECT_EQ(bind(second, (sockaddr*)&bad, length), -1);
    EXPECT_EQ(errno, EINVAL);
    EXPECT_EQ(bind(second, (sockaddr*)0x10, length), -1);
    EXPECT_EQ(errno, EFAULT);

    close(first);
    close(second);
    unlink(path.c_str());
}

TEST(UnixBind, ParentNeedsWriteAndSearch)
{
    if (geteuid() != 0)
        GTEST_SKIP() << "needs root to switch users";
    std::string dir = "/tmp/sockeye-perm-" + std::to_string(getpid());
    ASSERT_EQ(mkdir(dir.c_str(), 0755), 0);
    int status = in_child_as_nobody([&] {
        int fd = socket(AF_UNIX, SOCK_STREAM, 0);
        socklen_t length;
        auto address = path_address((dir + "/s.sock").c_str(), &length);
        EXPECT_EQ(bind(fd, (sockaddr*)&address, length), -1);
        EXPECT_EQ(errno, EACCES);
    });
    EXPECT_EQ(status, 0);
    rmdir(dir.c_str());
}

TEST(UnixBind, FullLengthPathWithoutNul)
{
    // 108 path bytes, no NUL: Linux accepts it (and reports addrlen 111).
    std::string dir = "/tmp/sockeye-long-" + std::to_string(getpid());
    ASSERT_EQ(mkdir(dir.c_str(), 0755), 0);
    std::string path = dir + "/";
    path.append(sizeof(sockaddr_un::sun_path) - path.size(), 'x');
    ASSERT_EQ(path.size(), 108u);
    sockaddr_un address {};
    address.sun_family = AF_UNIX;
    memcpy(address.sun_path, path.data(), 108);
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    ASSERT_EQ(bind(fd, (sockaddr*)&address, sizeof(address)), 0) << strerror(errno);
    struct stat st;
    EXPECT_EQ(stat(path.c_str(), &st), 0);
    char buffer[sizeof(sockaddr_un) + 8] {};
    socklen_t length = sizeof(buffer);
    ASSERT_EQ(getsockname(fd, (sockaddr*)buffer, &length), 0);
    EXPECT_EQ(length, sizeof(sockaddr_un) + 1);
    close(fd);
    unlink(path.c_str());
    rmdir(dir.c_str());
}

TEST(UnixNames, GetsocknameAndGetpeernameLengths)
{
    auto path = temp_path("names");
    int listener = listening_socket(SOCK_STREAM, path);
    ASSERT_GE(listener, 0);
    sockaddr_un address {};
    socklen_t length = sizeof(address);
    ASSERT_EQ(getsockname(listener, (sockaddr*)&address, &length), 0);
    EXPECT_EQ(length, offsetof(sockaddr_un, sun_path) + path.size() + 1);
    EXPECT_STREQ(address.sun_path, path.c_str());

    int client = connect_to(SOCK_STREAM, path);
    ASSERT_GE(client, 0);
    length = sizeof(address);
    ASSERT_EQ(getsockname(client, (sockaddr*)&address, &length), 0);
    EXPECT_EQ(length, sizeof(sa_family_t)); // unbound
    length = sizeof(address);
    ASSERT_EQ(getpeername(client, (sockaddr*)&address, &length), 0);
    EXPECT_EQ(length, offsetof(sockaddr_un, sun_path) + path.size() + 1);

    int server = accept(listener, nullptr, nullptr);
    ASSERT_GE(server, 0);
    length = sizeof(address);
    ASSERT_EQ(getsockname(server, (sockaddr*)&address, &length), 0);
    EXPECT_STREQ(address.sun_path, path.c_str());
    length = sizeof(address);
    ASSERT_EQ(getpeername(server, (sockaddr*)&address, &length), 0);
    EXPECT_EQ(length, sizeof(sa_family_t));

    // Truncated output reports the full length.
    length = 4;
    ASSERT_EQ(getsockname(listener, (sockaddr*)&address, &length), 0);
    EXPECT_EQ(length, offsetof(sockaddr_un, sun_path) + path.size() + 1);

    int lonely = socket(AF_UNIX, SOCK_STREAM, 0);
    length = sizeof(address);
    EXPECT_EQ(getpeername(lonely, (sockaddr*)&address, &length), -1);
    EXPECT_EQ(errno, ENOTCONN);

    // Abstract names: the length counts exactly the name bytes.
    int abstract = socket(AF_UNIX, SOCK_STREAM, 0);
    auto name = abstract_address(("sockeye-abs-" + std::to_string(getpid())).c_str(), &length);
    socklen_t bound_length = length;
    ASSERT_EQ(bind(abstract, (sockaddr*)&name, length), 0);
    length = sizeof(address);
    ASSERT_EQ(getsockname(abstract, (sockaddr*)&address, &length), 0);
    EXPECT_EQ(length, bound_length);

    // Autobind: family only, 5 hex digits in the abstract namespace.
    int autob = socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un family_only {};
    family_only.sun_family = AF_UNIX;
    ASSERT_EQ(bind(autob, (sockaddr*)&family_only, sizeof(sa_family_t)), 0);
    length = sizeof(address);
    ASSERT_EQ(getsockname(autob, (sockaddr*)&address, &length), 0);
    EXPECT_EQ(length, offsetof(sockaddr_un, sun_path) + 6);
    EXPECT_EQ(address.sun_path[0], '\0');

    for (int fd : { listener, client, server, lonely, abstract, autob })
        close(fd);
    unlink(path.c_str());
}

TEST(UnixConnect, Errors)
{
    auto path = temp_path("connect");
    socklen_t length;
    auto address = path_address(path.c_str(), &length);
    unlink(path.c_str());
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    EXPECT_EQ(connect(fd, (sockaddr*)&address, length), -1);
    EXPECT_EQ(errno, ENOENT);

    // A regular file is not a socket.
    int file = open(path.c_str(), O_CREAT | O_WRONLY, 0666);
    close(file);
    EXPECT_EQ(connect(fd, (sockaddr*)&address, length), -1);
    EXPECT_EQ(errno, ECONNREFUSED);
    unlink(path.c_str());

    // A stale node (its socket closed) refuses.
    int bound = bound_socket(SOCK_STREAM, path);
    close(bound);
    EXPECT_EQ(connect(fd, (sockaddr*)&address, length), -1);
    EXPECT_EQ(errno, ECONNREFUSED);

    // Bound but not listening.
    bound = bound_socket(SOCK_STREAM, path);
    EXPECT_EQ(connect(fd, (sockaddr*)&address, length), -1);
    EXPECT_EQ(errno, ECONNREFUSED);
    close(bound);

    // Another type.
    int datagram = bound_socket(SOCK_DGRAM, path);
    EXPECT_EQ(connect(fd, (sockaddr*)&address, length), -1);
    EXPECT_EQ(errno, EPROTOTYPE);
    close(datagram);

    // Bad lengths.
    EXPECT_EQ(connect(fd, (sockaddr*)&address, sizeof(sa_family_t)), -1);
    EXPECT_EQ(errno, EINVAL);
    EXPECT_EQ(connect(fd, (sockaddr*)&address, sizeof(sockaddr_un) + 1), -1);
    EXPECT_EQ(errno, EINVAL);

    // Connected twice; connect on a listener.
    int listener = listening_socket(SOCK_STREAM, path);
    ASSERT_EQ(connect(fd, (sockaddr*)&address, length), 0);
    EXPECT_EQ(connect(fd, (sockaddr*)&address, length), -1);
    EXPECT_EQ(errno, EISCONN);
    EXPECT_EQ(connect(listener, (sockaddr*)&address, length), -1);
    EXPECT_EQ(errno, EINVAL);
    close(fd);
    close(listener);
    unlink(path.c_str());
}

TEST(UnixConnect, NeedsWritePermissionOnTheNode)
{
    if (geteuid() != 0)
        GTEST_SKIP() << "needs root to switch users";
    auto path = temp_path("wperm");
    int listener = listening_socket(SOCK_STREAM, path);
    ASSERT_GE(listener, 0);
    ASSERT_EQ(chmod(path.c_str(), 0755), 0);
    int status = in_child_as_nobody([&] {
        EXPECT_EQ(connect_to(SOCK_STREAM, path), -1);
        EXPECT_EQ(errno, EACCES);
    });
    EXPECT_EQ(status, 0);
    ASSERT_EQ(chmod(path.c_str(), 0777), 0);
    status = in_child_as_nobody([&] {
        int fd = connect_to(SOCK_STREAM, path);
        EXPECT_GE(fd, 0) << strerror(errno);
    });
    EXPECT_EQ(status, 0);
    close(listener);
    unlink(path.c_str());
}

TEST(UnixConnect, FollowsSymlinks)
{
    auto path = temp_path("target");
    auto link_path = temp_path("link");
    int listener = listening_socket(SOCK_STREAM, path);
    unlink(link_path.c_str());
    ASSERT_EQ(symlink(path.c_str(), link_path.c_str()), 0);
    int fd = connect_to(SOCK_STREAM, link_path);
    EXPECT_GE(fd, 0) << strerror(errno);
    close(fd);
    close(listener);
    unlink(link_path.c_str());
    unlink(path.c_str());
}

TEST(UnixUnlink, RemovesOnlyTheName)
{
    auto path = temp_path("unlink");
    int listener = listening_socket(SOCK_STREAM, path);
    int client = connect_to(SOCK_STREAM, path);
    int server = accept(listener, nullptr, nullptr);
    ASSERT_GE(server, 0);
    ASSERT_EQ(unlink(path.c_str()), 0);
    write_all(client, "still", 5);
    EXPECT_EQ(read_exactly(server, 5), "still");
    // The name is gone: nobody new can connect.
    EXPECT_EQ(connect_to(SOCK_STREAM, path), -1);
    EXPECT_EQ(errno, ENOENT);
    // Rebinding after unlink works, while the old listener lives on.
    int again = listening_socket(SOCK_STREAM, path);
    EXPECT_GE(again, 0) << strerror(errno);
    int client2 = connect_to(SOCK_STREAM, path);
    EXPECT_GE(client2, 0);
    for (int fd : { listener, client, server, again, client2 })
        close(fd);
    unlink(path.c_str());
}

TEST(UnixListen, BacklogAdmission)
{
    auto path = temp_path("backlog");
    int listener = listening_socket(SOCK_STREAM, path, 1);
    ASSERT_GE(listener, 0);
    // Linux admits backlog + 1 pending connections; then a non-blocking connect gets EAGAIN.
    int a = connect_to(SOCK_STREAM, path, SOCK_NONBLOCK);
    int b = connect_to(SOCK_STREAM, path, SOCK_NONBLOCK);
    EXPECT_GE(a, 0);
    EXPECT_GE(b, 0);
    int c = connect_to(SOCK_STREAM, path, SOCK_NONBLOCK);
    EXPECT_EQ(c, -1);
    EXPECT_EQ(errno, EAGAIN);

    // A blocking connect waits until accept makes room.
    pid_t child = fork_child_then([&] {
        int fd = connect_to(SOCK_STREAM, path);
        EXPECT_GE(fd, 0) << strerror(errno);
        write_all(fd, "x", 1);
    });
    usleep(200 * 1000);
    int waitstatus;
    EXPECT_EQ(waitpid(child, &waitstatus, WNOHANG), 0); // still blocked
    int first = accept(listener, nullptr, nullptr);
    EXPECT_GE(first, 0);
    EXPECT_EQ(wait_exit_code(child), 0);
    for (int fd : { listener, a, b, first })
        close(fd);
    unlink(path.c_str());
}

TEST(UnixListen, ConnectCompletesBeforeAccept)
{
    auto path = temp_path("early");
    int listener = listening_socket(SOCK_STREAM, path);
    int client = connect_to(SOCK_STREAM, path);
    ASSERT_GE(client, 0);
    // Data can be sent before the server accepts.
    write_all(client, "early", 5);
    pollfd p { listener, POLLIN, 0 };
    EXPECT_EQ(poll(&p, 1, 0), 1);
    EXPECT_TRUE(p.revents & POLLIN);
    int server = accept(listener, nullptr, nullptr);
    EXPECT_EQ(read_exactly(server, 5), "early");
    for (int fd : { listener, client, server })
        close(fd);
    unlink(path.c_str());
}

TEST(UnixAccept, FlagsAndErrors)
{
    auto path = temp_path("accept4");
    int listener = listening_socket(SOCK_STREAM, path);
    sockaddr_un peer {};
    socklen_t length = sizeof(peer);
    int nonblocking_listener = dup(listener);
    fcntl(nonblocking_listener, F_SETFL, O_NONBLOCK);
    EXPECT_EQ(accept(listener, (sockaddr*)&peer, &length), -1);
    EXPECT_EQ(errno, EAGAIN);

    int client = connect_to(SOCK_STREAM, path);
    length = sizeof(peer);
    int server = accept4(listener, (sockaddr*)&peer, &length, SOCK_NONBLOCK | SOCK_CLOEXEC);
    ASSERT_GE(server, 0);
    EXPECT_EQ(length, sizeof(sa_family_t)); // the client is unbound
    EXPECT_TRUE(fcntl(server, F_GETFL) & O_NONBLOCK);
    EXPECT_TRUE(fcntl(server, F_GETFD) & FD_CLOEXEC);
    char byte;
    EXPECT_EQ(read(server, &byte, 1), -1);
    EXPECT_EQ(errno, EAGAIN);

    EXPECT_EQ(accept4(listener, nullptr, nullptr, 0x12345), -1);
    EXPECT_EQ(errno, EINVAL);
    int unlistening = socket(AF_UNIX, SOCK_STREAM, 0);
    EXPECT_EQ(accept(unlistening, nullptr, nullptr), -1);
    EXPECT_EQ(errno, EINVAL);
    int datagram = socket(AF_UNIX, SOCK_DGRAM, 0);
    EXPECT_EQ(accept(datagram, nullptr, nullptr), -1);
    EXPECT_EQ(errno, EOPNOTSUPP);
    EXPECT_EQ(listen(datagram, 1), -1);
    EXPECT_EQ(errno, EOPNOTSUPP);
    EXPECT_EQ(listen(unlistening, 1), -1); // not bound
    EXPECT_EQ(errno, EINVAL);
    for (int fd : { listener, nonblocking_listener, client, server, unlistening, datagram })
        close(fd);
    unlink(path.c_str());
}

TEST(UnixSocket, CreationFlagsAndErrors)
{
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    ASSERT_GE(fd, 0);
    EXPECT_TRUE(fcntl(fd, F_GETFL) & O_NONBLOCK);
    EXPECT_TRUE(fcntl(fd, F_GETFD) & FD_CLOEXEC);
    EXPECT_TRUE((fcntl(fd, F_GETFL) & O_ACCMODE) == O_RDWR);
    close(fd);
    EXPECT_EQ(socket(AF_UNIX, SOCK_RDM, 0), -1);
    EXPECT_EQ(errno, ESOCKTNOSUPPORT);
    // SOCK_RAW is taken as SOCK_DGRAM.
    fd = socket(AF_UNIX, SOCK_RAW, 0);
    ASSERT_GE(fd, 0);
    int type = 0;
    socklen_t length = sizeof(type);
    ASSERT_EQ(getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &length), 0);
    EXPECT_EQ(type, SOCK_DGRAM);
    close(fd);
    EXPECT_EQ(socket(AF_UNIX, SOCK_STREAM, 7), -1);
    EXPECT_EQ(errno, EPROTONOSUPPORT);
}

TEST(UnixSocket, UnknownTypeFlagsAreInvalid)
{
    SKIP_UNDER_QEMU_USER("qemu masks unknown SOCK_* flag bits off the type and answers ESOCKTNOSUPPORT itself");
    EXPECT_EQ(socket(AF_UNIX, SOCK_STREAM | 0x100000, 0), -1);
    EXPECT_EQ(errno, EINVAL);
    EXPECT_EQ(socket(AF_UNIX, 42, 0), -1); // beyond SOCK_MAX
    EXPECT_EQ(errno, EINVAL);
}

TEST(UnixShutdown, EffectsOnBothEnds)
{
    SocketPair sv;
    ASSERT_EQ(sv.open(SOCK_STREAM), 0);
    write_all(sv[0], "abc", 3);
    ASSERT_EQ(shutdown(sv[0], SHUT_WR), 0);
    // The peer reads what was sent, then EOF.
    EXPECT_EQ(read_exactly(sv[1], 3), "abc");
    char byte;
    EXPECT_EQ(read(sv[1], &byte, 1), 0);
    pollfd p { sv[1], POLLIN | POLLRDHUP | POLLOUT, 0 };
    ASSERT_EQ(poll(&p, 1, 0), 1);
    EXPECT_EQ(p.revents, POLLIN | POLLRDHUP | POLLOUT);
    // Writing after SHUT_WR: EPIPE (no signal with MSG_NOSIGNAL).
    EXPECT_EQ(send(sv[0], "x", 1, MSG_NOSIGNAL), -1);
    EXPECT_EQ(errno, EPIPE);
    // The other direction still works.
    write_all(sv[1], "back", 4);
    EXPECT_EQ(read_exactly(sv[0], 4), "back");
    // SHUT_RD on sv[1] makes sv[0]'s writes fail too... from sv[1]'s side: sv[0] can no longer send.
    ASSERT_EQ(shutdown(sv[1], SHUT_RD), 0);
    EXPECT_EQ(send(sv[0], "y", 1, MSG_NOSIGNAL), -1);
    EXPECT_EQ(errno, EPIPE);
    EXPECT_EQ(shutdown(sv[0], 7), -1);
    EXPECT_EQ(errno, EINVAL);
}

TEST(UnixShutdown, RdwrGivesPollHup)
{
    SocketPair sv;
    ASSERT_EQ(sv.open(SOCK_STREAM), 0);
    ASSERT_EQ(shutdown(sv[0], SHUT_RDWR), 0);
    pollfd p[2] = { { sv[0], POLLIN | POLLOUT | POLLRDHUP, 0 }, { sv[1], POLLIN | POLLOUT | POLLRDHUP, 0 } };
    ASSERT_EQ(poll(p, 2, 0), 2);
    EXPECT_EQ(p[0].revents, POLLIN | POLLOUT | POLLRDHUP | POLLHUP);
    EXPECT_EQ(p[1].revents, POLLIN | POLLOUT | POLLRDHUP | POLLHUP);
}

TEST(UnixEpipe, SigpipeUnlessNosignal)
{
    g_count = 0;
    ScopedAction action(SIGPIPE, count_signal);
    SocketPair sv;
    ASSERT_EQ(sv.open(SOCK_STREAM), 0);
    sv.close(1);
    EXPECT_EQ(write(sv[0], "x", 1), -1);
    EXPECT_EQ(errno, EPIPE);
    EXPECT_EQ(g_count, 1);
    EXPECT_EQ(send(sv[0], "x", 1, MSG_NOSIGNAL), -1);
    EXPECT_EQ(errno, EPIPE);
    EXPECT_EQ(g_count, 1);
}

TEST(UnixEpipe, DefaultSigpipeKills)
{
    pid_t child = fork_child_then([] {
        signal(SIGPIPE, SIG_DFL);
        int sv[2];
        socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
        close(sv[1]);
        (void)!write(sv[0], "x", 1);
        _exit(0);
    });
    EXPECT_EQ(wait_exit_code(child), 128 + SIGPIPE);
}

TEST(UnixEof, EofAndConnectionReset)
{
    SocketPair sv;
    ASSERT_EQ(sv.open(SOCK_STREAM), 0);
    write_all(sv[1], "for you", 7);
    sv.close(1);
    // Data first, then EOF (the closed end had nothing unread).
    EXPECT_EQ(read_exactly(sv[0], 7), "for you");
    char byte;
    EXPECT_EQ(read(sv[0], &byte, 1), 0);
    pollfd p { sv[0], POLLIN | POLLOUT | POLLRDHUP, 0 };
    ASSERT_EQ(poll(&p, 1, 0), 1);
    EXPECT_EQ(p.revents, POLLIN | POLLOUT | POLLRDHUP | POLLHUP);
    sv.close(0);

    // The peer closed with unread data: ECONNRESET once, then EOF.
    ASSERT_EQ(sv.open(SOCK_STREAM), 0);
    write_all(sv[0], "unread", 6);
    sv.close(1);
    p = { sv[0], POLLIN, 0 };
    ASSERT_EQ(poll(&p, 1, 0), 1);
    EXPECT_TRUE(p.revents & POLLERR);
    EXPECT_EQ(read(sv[0], &byte, 1), -1);
    EXPECT_EQ(errno, ECONNRESET);
    EXPECT_EQ(read(sv[0], &byte, 1), 0);
}

TEST(UnixEof, SoErrorReportsAndClearsConnectionReset)
{
    SocketPair sv;
    ASSERT_EQ(sv.open(SOCK_STREAM), 0);
    write_all(sv[0], "unread", 6);
    sv.close(1);
    int error = 0;
    socklen_t length = sizeof(error);
    ASSERT_EQ(getsockopt(sv[0], SOL_SOCKET, SO_ERROR, &error, &length), 0);
    EXPECT_EQ(error, ECONNRESET);
    ASSERT_EQ(getsockopt(sv[0], SOL_SOCKET, SO_ERROR, &error, &length), 0);
    EXPECT_EQ(error, 0);
}

TEST(UnixPoll, Readiness)
{
    auto path = temp_path("poll");
    int listener = listening_socket(SOCK_STREAM, path);
    pollfd p { listener, POLLIN | POLLOUT, 0 };
    EXPECT_EQ(poll(&p, 1, 0), 0); // a listener is never writable
    int client = connect_to(SOCK_STREAM, path);
    p = { listener, POLLIN | POLLOUT, 0 };
    ASSERT_EQ(poll(&p, 1, 0), 1);
    EXPECT_EQ(p.revents, POLLIN);
    int server = accept(listener, nullptr, nullptr);

    p = { server, POLLIN | POLLOUT, 0 };
    ASSERT_EQ(poll(&p, 1, 0), 1);
    EXPECT_EQ(p.revents, POLLOUT);
    write_all(client, "z", 1);
    ASSERT_EQ(poll(&p, 1, 0), 1);
    EXPECT_EQ(p.revents, POLLIN | POLLOUT);

    // Fill the buffer: the writer stops being writable.
    fcntl(client, F_SETFL, O_NONBLOCK);
    char chunk[4096] {};
    size_t total = 0;
    for (;;) {
        ssize_t n = write(client, chunk, sizeof(chunk));
        if (n < 0) {
            EXPECT_EQ(errno, EAGAIN);
            break;
        }
        total += n;
        ASSERT_LT(total, 64u << 20);
    }
    EXPECT_GT(total, 0u);
    p = { client, POLLOUT, 0 };
    EXPECT_EQ(poll(&p, 1, 0), 0);

    // An unconnected stream socket: POLLHUP (and writable).
    int lonely = socket(AF_UNIX, SOCK_STREAM, 0);
    p = { lonely, POLLIN | POLLOUT, 0 };
    ASSERT_EQ(poll(&p, 1, 0), 1);
    EXPECT_EQ(p.revents, POLLOUT | POLLHUP);
    for (int fd : { listener, client, server, lonely })
        close(fd);
    unlink(path.c_str());
}

TEST(UnixPoll, WakesOnPeerClose)
{
    SocketPair sv;
    ASSERT_EQ(sv.open(SOCK_STREAM), 0);
    pid_t child = close_peer_later(sv, 100);
    pollfd p { sv[0], POLLIN, 0 };
    ASSERT_EQ(poll(&p, 1, 5000), 1);
    EXPECT_TRUE(p.revents & POLLHUP);
    EXPECT_EQ(wait_exit_code(child), 0);
}

TEST(UnixOptions, SocketLevelOptions)
{
    auto path = temp_path("opts");
    int listener = listening_socket(SOCK_STREAM, path);
    int value = -1;
    socklen_t length = sizeof(value);
    ASSERT_EQ(getsockopt(listener, SOL_SOCKET, SO_TYPE, &value, &length), 0);
    EXPECT_EQ(value, SOCK_STREAM);
    EXPECT_EQ(length, sizeof(int));
    ASSERT_EQ(getsockopt(listener, SOL_SOCKET, SO_DOMAIN, &value, &length), 0);
    EXPECT_EQ(value, AF_UNIX);
    ASSERT_EQ(getsockopt(listener, SOL_SOCKET, SO_PROTOCOL, &value, &length), 0);
    EXPECT_EQ(value, 0);
    ASSERT_EQ(getsockopt(listener, SOL_SOCKET, SO_ACCEPTCONN, &value, &length), 0);
    EXPECT_EQ(value, 1);

    int client = connect_to(SOCK_STREAM, path);
    ASSERT_EQ(getsockopt(client, SOL_SOCKET, SO_ACCEPTCONN, &value, &length), 0);
    EXPECT_EQ(value, 0);
    int server = accept(listener, nullptr, nullptr);

    // SO_PEERCRED: the peer's credentials at connect/listen time.
    ucred credentials {};
    length = sizeof(credentials);
    ASSERT_EQ(getsockopt(client, SOL_SOCKET, SO_PEERCRED, &credentials, &length), 0);
    EXPECT_EQ(length, sizeof(ucred));
    EXPECT_EQ(credentials.pid, getpid());
    EXPECT_EQ(credentials.uid, geteuid());
    EXPECT_EQ(credentials.gid, getegid());
    ASSERT_EQ(getsockopt(server, SOL_SOCKET, SO_PEERCRED, &credentials, &length), 0);
    EXPECT_EQ(credentials.pid, getpid());

    // SO_SNDBUF: Linux doubles what is set.
    value = 65536;
    ASSERT_EQ(setsockopt(client, SOL_SOCKET, SO_SNDBUF, &value, sizeof(value)), 0);
    length = sizeof(value);
    ASSERT_EQ(getsockopt(client, SOL_SOCKET, SO_SNDBUF, &value, &length), 0);
    EXPECT_EQ(value, 131072);
    value = 1;
    ASSERT_EQ(setsockopt(client, SOL_SOCKET, SO_RCVBUF, &value, sizeof(value)), 0);
    ASSERT_EQ(getsockopt(client, SOL_SOCKET, SO_RCVBUF, &value, &length), 0);
    EXPECT_EQ(value, 2304); // SOCK_MIN_RCVBUF

    // Short optlen.
    EXPECT_EQ(setsockopt(client, SOL_SOCKET, SO_SNDBUF, &value, 2), -1);
    EXPECT_EQ(errno, EINVAL);
    short small = 0;
    length = sizeof(small);
    ASSERT_EQ(getsockopt(client, SOL_SOCKET, SO_TYPE, &small, &length), 0);
    EXPECT_EQ(length, sizeof(small));
    EXPECT_EQ(getsockopt(client, SOL_SOCKET, 9999, &value, &length), -1);
    EXPECT_EQ(errno, ENOPROTOOPT);
    EXPECT_EQ(getsockopt(client, SOL_SOCKET, SO_TYPE, (void*)0x10, &length), -1);
    EXPECT_EQ(errno, EFAULT);
    for (int fd : { listener, client, server })
        close(fd);
    unlink(path.c_str());
}

TEST(UnixIoctl, InqAndOutq)
{
    SocketPair sv;
    ASSERT_EQ(sv.open(SOCK_STREAM), 0);
    int value = -1;
    ASSERT_EQ(ioctl(sv[1], FIONREAD, &value), 0);
    EXPECT_EQ(value, 0);
    write_all(sv[0], "12345", 5);
    write_all(sv[0], "678", 3);
    ASSERT_EQ(ioctl(sv[1], FIONREAD, &value), 0);
    EXPECT_EQ(value, 8);
    ASSERT_EQ(ioctl(sv[1], SIOCINQ, &value), 0);
    EXPECT_EQ(value, 8);
    ASSERT_EQ(ioctl(sv[0], SIOCOUTQ, &value), 0);
    EXPECT_GE(value, 8);
    EXPECT_EQ(read_exactly(sv[1], 8), "12345678");
    ASSERT_EQ(ioctl(sv[0], SIOCOUTQ, &value), 0);
    EXPECT_EQ(value, 0);
    EXPECT_EQ(ioctl(sv[1], FIONREAD, (int*)0x10), -1);
    EXPECT_EQ(errno, EFAULT);
}

TEST(UnixStream, SendtoWithAddressOnConnectedStream)
{
    SocketPair sv;
    ASSERT_EQ(sv.open(SOCK_STREAM), 0);
    socklen_t length;
    auto address = path_address("/tmp/whatever", &length);
    EXPECT_EQ(sendto(sv[0], "x", 1, 0, (sockaddr*)&address, length), -1);
    EXPECT_EQ(errno, EISCONN);
    int lonely = socket(AF_UNIX, SOCK_STREAM, 0);
    EXPECT_EQ(send(lonely, "x", 1, MSG_NOSIGNAL), -1);
    EXPECT_EQ(errno, ENOTCONN);
    char byte;
    EXPECT_EQ(recv(lonely, &byte, 1, MSG_DONTWAIT), -1);
    EXPECT_EQ(errno, EINVAL);
    close(lonely);
}

TEST(UnixStream, LargeTransferAcrossProcesses)
{
    SocketPair sv;
    ASSERT_EQ(sv.open(SOCK_STREAM), 0);
    constexpr size_t total = 4 << 20;
    pid_t child = fork_child_then([&] {
        sv.close(0);
        std::string chunk(65536, '\0');
        for (size_t sent = 0; sent < total; sent += chunk.size()) {
            for (size_t i = 0; i < chunk.size(); ++i)
                chunk[i] = static_cast<char>((sent + i) * 7);
            write_all(sv[1], chunk.data(), chunk.size());
        }
        sv.close(1);
    });
    sv.close(1);
    size_t received = 0;
    bool intact = true;
    char buffer[10000];
    for (;;) {
        ssize_t n = read(sv[0], buffer, sizeof(buffer));
        ASSERT_GE(n, 0);
        if (n == 0)
            break;
        for (ssize_t i = 0; i < n; ++i)
            intact &= buffer[i] == static_cast<char>((received + i) * 7);
        received += n;
    }
    EXPECT_EQ(received, total);
    EXPECT_TRUE(intact);
    EXPECT_EQ(wait_exit_code(child), 0);
}

// accept reserves its descriptor before it takes a connection off the queue (Linux's
// get_unused_fd_flags first): with no descriptor free it is EMFILE and the connection stays
// queued for the next accept.
TEST(UnixStream, AcceptWithAFullTableIsEmfileAndKeepsTheConnection)
{
    std::string path = temp_path("accept-emfile");
    int listener = listening_socket(SOCK_STREAM, path);
    ASSERT_GE(listener, 0);
    int client = connect_to(SOCK_STREAM, path);
    ASSERT_GE(client, 0);
    ASSERT_EQ(write(client, "queued", 6), 6);
    rlimit saved {};
    ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &saved), 0);
    int next_free = lowest_free_fd();
    ASSERT_GE(next_free, 0);
    rlimit full = saved;
    full.rlim_cur = next_free; // every descriptor below the limit is in use
    ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &full), 0);
    errno = 0;
    EXPECT_EQ(accept(listener, nullptr, nullptr), -1);
    EXPECT_EQ(errno, EMFILE);
    ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &saved), 0);
    int server = accept(listener, nullptr, nullptr);
    ASSERT_GE(server, 0) << "the connection waited in the queue: " << strerror(errno);
    char buffer[8] = {};
    EXPECT_EQ(read(server, buffer, sizeof(buffer)), 6);
    EXPECT_STREQ(buffer, "queued");
    close(server);
    close(client);
    close(listener);
    unlink(path.c_str());
}

// While accept waits, the descriptor it will return is taken: not handed to open, EBADF to
// close, EBUSY to dup2 (Linux's rule for a reserved descriptor).
TEST(UnixStream, ABlockedAcceptHoldsItsDescriptor)
{
    std::string path = temp_path("accept-reserved");
    int listener = listening_socket(SOCK_STREAM, path);
    ASSERT_GE(listener, 0);
    int reserved = lowest_free_fd(); // which accept will reserve
    ASSERT_GE(reserved, 0);
    std::atomic<int> accepted { -2 };
    std::thread acceptor([&] { accepted = accept(listener, nullptr, nullptr); });
    // Wait until the acceptor has reserved it: open no longer gets it.
    int other = -1;
    for (int attempt = 0; attempt < 500; ++attempt) {
        other = dup(0);
        if (other != reserved)
            break;
        close(other);
        usleep(2000);
    }
    ASSERT_NE(other, reserved) << "accept never reserved its descriptor";
    errno = 0;
    EXPECT_EQ(dup2(1, reserved), -1);
    EXPECT_EQ(errno, EBUSY);
    errno = 0;
    EXPECT_EQ(close(reserved), -1);
    EXPECT_EQ(errno, EBADF);
    int client = connect_to(SOCK_STREAM, path);
    ASSERT_GE(client, 0);
    acceptor.join();
    EXPECT_EQ(accepted.load(), reserved);
    close(accepted.load());
    close(other);
    close(client);
    close(listener);
    unlink(path.c_str());
}
