// socketpair(AF_UNIX, ...) for the three types, the MSG_* flags, message boundaries, and
// blocking behaviour (EINTR, wake on close) — Linux's behaviour.
#include "unix_test_support.h"
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/uio.h>

using namespace unix_test;

TEST(Acceptance, SocketpairParentAndChildTalkBothWaysAfterFork)
{
    SocketPair sv;
    ASSERT_EQ(sv.open(SOCK_STREAM), 0);
    pid_t child = fork_child_then([&] {
        sv.close(0);
        EXPECT_EQ(read_exactly(sv[1], 13), "hello, child!");
        write_all(sv[1], "hello, parent!", 14);
        sv.close(1);
    });
    sv.close(1);
    write_all(sv[0], "hello, child!", 13);
    EXPECT_EQ(read_exactly(sv[0], 14), "hello, parent!");
    char byte;
    EXPECT_EQ(read(sv[0], &byte, 1), 0);
    EXPECT_EQ(wait_exit_code(child), 0);
}

TEST(UnixSocketpair, FlagsAndErrors)
{
    SocketPair sv;
    ASSERT_EQ(sv.open(SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC), 0);
    for (int fd : { sv[0], sv[1] }) {
        EXPECT_TRUE(fcntl(fd, F_GETFL) & O_NONBLOCK);
        EXPECT_TRUE(fcntl(fd, F_GETFD) & FD_CLOEXEC);
    }
    char byte;
    EXPECT_EQ(read(sv[0], &byte, 1), -1);
    EXPECT_EQ(errno, EAGAIN);
    // Unnamed on both sides; each is the other's peer.
    sockaddr_un address {};
    socklen_t length = sizeof(address);
    ASSERT_EQ(getpeername(sv[0], (sockaddr*)&address, &length), 0);
    EXPECT_EQ(length, sizeof(sa_family_t));
    ucred credentials {};
    length = sizeof(credentials);
    ASSERT_EQ(getsockopt(sv[0], SOL_SOCKET, SO_PEERCRED, &credentials, &length), 0);
    EXPECT_EQ(credentials.pid, getpid());
    sv.close(0);
    sv.close(1);
    EXPECT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, (int*)0x10), -1);
    EXPECT_EQ(errno, EFAULT);
    int ends[2];
    EXPECT_EQ(socketpair(AF_INET, SOCK_STREAM, 0, ends), -1);
    EXPECT_EQ(errno, EOPNOTSUPP);
}

TEST(UnixFlags, PeekDontwaitWaitall)
{
    SocketPair sv;
    ASSERT_EQ(sv.open(SOCK_STREAM), 0);
    char buffer[16] {};
    EXPECT_EQ(recv(sv[1], buffer, sizeof(buffer), MSG_DONTWAIT), -1);
    EXPECT_EQ(errno, EAGAIN);
    write_all(sv[0], "abc", 3);
    write_all(sv[0], "def", 3);
    EXPECT_EQ(recv(sv[1], buffer, 4, MSG_PEEK), 4);
    EXPECT_EQ(std::string(buffer, 4), "abcd");
    EXPECT_EQ(recv(sv[1], buffer, sizeof(buffer), 0), 6);
    EXPECT_EQ(std::string(buffer, 6), "abcdef");

    // MSG_WAITALL waits for the whole request across several writes.
    pid_t child = fork_child_then([&] {
        for (const char* piece : { "12", "34", "56" }) {
            usleep(30 * 1000);
            write_all(sv[0], piece, 2);
        }
    });
    EXPECT_EQ(recv(sv[1], buffer, 6, MSG_WAITALL), 6);
    EXPECT_EQ(std::string(buffer, 6), "123456");
    EXPECT_EQ(wait_exit_code(child), 0);
    // ... but returns short at EOF.
    write_all(sv[0], "xy", 2);
    shutdown(sv[0], SHUT_WR);
    EXPECT_EQ(recv(sv[1], buffer, 6, MSG_WAITALL), 2);
}

TEST(UnixFlags, ReadvWritevScatter)
{
    SocketPair sv;
    ASSERT_EQ(sv.open(SOCK_STREAM), 0);
    char a[] = "scat", b[] = "tered";
    iovec out[2] = { { a, 4 }, { b, 5 } };
    EXPECT_EQ(writev(sv[0], out, 2), 9);
    char x[3], y[6];
    iovec in[2] = { { x, 3 }, { y, 6 } };
    EXPECT_EQ(readv(sv[1], in, 2), 9);
    EXPECT_EQ(std::string(x, 3) + std::string(y, 6), "scattered");
}

TEST(UnixDatagram, BoundariesTruncAndPeek)
{
    SocketPair sv;
    ASSERT_EQ(sv.open(SOCK_DGRAM), 0);
    ASSERT_EQ(send(sv[0], "first message", 13, 0), 13);
    ASSERT_EQ(send(sv[0], "second", 6, 0), 6);
    int value = 0;
    ASSERT_EQ(ioctl(sv[1], FIONREAD, &value), 0);
    EXPECT_EQ(value, 13); // a datagram socket reports the next message
    char buffer[64];
    EXPECT_EQ(recv(sv[1], buffer, 5, MSG_PEEK), 5);
    // A short buffer truncates; MSG_TRUNC returns the real length; the rest is discarded.
    msghdr message {};
    iovec iov { buffer, 5 };
    message.msg_iov = &iov;
    message.msg_iovlen = 1;
    EXPECT_EQ(recvmsg(sv[1], &message, MSG_TRUNC), 13);
    EXPECT_TRUE(message.msg_flags & MSG_TRUNC);
    EXPECT_EQ(std::string(buffer, 5), "first");
    EXPECT_EQ(recv(sv[1], buffer, sizeof(buffer), 0), 6);
    EXPECT_EQ(std::string(buffer, 6), "second");
}

TEST(UnixDatagram, SendtoRecvfromOverPathsAndErrors)
{
    auto server_path = temp_path("dgram-server");
    auto client_path = temp_path("dgram-client");
    int server = bound_socket(SOCK_DGRAM, server_path);
    int client = bound_socket(SOCK_DGRAM, client_path);
    ASSERT_GE(server, 0);
    ASSERT_GE(client, 0);
    socklen_t length;
    auto server_address = path_address(server_path.c_str(), &length);
    ASSERT_EQ(sendto(client, "hi", 2, 0, (sockaddr*)&server_address, length), 2);
    sockaddr_un from {};
    socklen_t from_length = sizeof(from);
    char buffer[8];
    ASSERT_EQ(recvfrom(server, buffer, sizeof(buffer), 0, (sockaddr*)&from, &from_length), 2);
    EXPECT_STREQ(from.sun_path, client_path.c_str());
    EXPECT_EQ(from_length, offsetof(sockaddr_un, sun_path) + client_path.size() + 1);

    // From an unbound sender: no address (namelen 0).
    int anonymous = socket(AF_UNIX, SOCK_DGRAM, 0);
    ASSERT_EQ(sendto(anonymous, "x", 1, 0, (sockaddr*)&server_address, length), 1);
    from_length = sizeof(from);
    ASSERT_EQ(recvfrom(server, buffer, sizeof(buffer), 0, (sockaddr*)&from, &from_length), 1);
    EXPECT_EQ(from_length, 0u);

    // Unconnected without an address.
    EXPECT_EQ(send(anonymous, "x", 1, 0), -1);
    EXPECT_EQ(errno, ENOTCONN);
    // A connected receiver refuses other senders.
    auto client_address = path_address(client_path.c_str(), &length);
    ASSERT_EQ(connect(server, (sockaddr*)&client_address, length), 0);
    server_address = path_address(server_path.c_str(), &length);
    EXPECT_EQ(sendto(anonymous, "x", 1, 0, (sockaddr*)&server_address, length), -1);
    EXPECT_EQ(errno, EPERM);
    // Too big for the send buffer.
    std::string huge(300000, 'h');
    EXPECT_EQ(sendto(client, huge.data(), huge.size(), 0, (sockaddr*)&server_address, length), -1);
    EXPECT_EQ(errno, EMSGSIZE);
    // The receiver is gone: ECONNREFUSED.
    close(server);
    EXPECT_EQ(sendto(client, "x", 1, 0, (sockaddr*)&server_address, length), -1);
    EXPECT_EQ(errno, ECONNREFUSED);
    close(client);
    close(anonymous);
    unlink(server_path.c_str());
    unlink(client_path.c_str());
}

TEST(UnixDatagram, ReceiverQueueIsBounded)
{
    auto path = temp_path("dgram-full");
    int server = bound_socket(SOCK_DGRAM, path);
    int client = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    socklen_t length;
    auto address = path_address(path.c_str(), &length);
    int sent = 0;
    while (sendto(client, "m", 1, 0, (sockaddr*)&address, length) == 1 && sent < 100000)
        ++sent;
    EXPECT_EQ(errno, EAGAIN);
    EXPECT_GT(sent, 0);
    EXPECT_LT(sent, 100000);
    close(server);
    close(client);
    unlink(path.c_str());
}

TEST(UnixSeqpacket, MessagesOverAConnection)
{
    auto path = temp_path("seqpacket");
    int listener = listening_socket(SOCK_SEQPACKET, path);
    ASSERT_GE(listener, 0);
    int client = connect_to(SOCK_SEQPACKET, path);
    ASSERT_GE(client, 0);
    int server = accept(listener, nullptr, nullptr);
    ASSERT_GE(server, 0);
    ASSERT_EQ(send(client, "one", 3, 0), 3);
    ASSERT_EQ(send(client, "two!", 4, 0), 4);
    char buffer[16];
    EXPECT_EQ(recv(server, buffer, sizeof(buffer), 0), 3);
    msghdr message {};
    iovec iov { buffer, 2 };
    message.msg_iov = &iov;
    message.msg_iovlen = 1;
    EXPECT_EQ(recvmsg(server, &message, 0), 2);
    EXPECT_TRUE(message.msg_flags & MSG_TRUNC);
    int unconnected = socket(AF_UNIX, SOCK_SEQPACKET, 0);
    EXPECT_EQ(send(unconnected, "x", 1, 0), -1);
    EXPECT_EQ(errno, ENOTCONN);
    // EOF after the peer closes; sending then fails with EPIPE.
    close(client);
    EXPECT_EQ(recv(server, buffer, sizeof(buffer), 0), 0);
    EXPECT_EQ(send(server, "x", 1, MSG_NOSIGNAL), -1);
    EXPECT_EQ(errno, EPIPE);
    for (int fd : { listener, server, unconnected })
        close(fd);
    unlink(path.c_str());
}

TEST(UnixBlocking, SignalInterruptsABlockedRecv)
{
    ScopedAction action(SIGALRM, count_signal); // no SA_RESTART
    SocketPair sv;
    ASSERT_EQ(sv.open(SOCK_STREAM), 0);
    ualarm(100 * 1000, 0);
    char byte;
    EXPECT_EQ(read(sv[0], &byte, 1), -1);
    EXPECT_EQ(errno, EINTR);
    // And a blocked accept.
    auto path = temp_path("eintr");
    int listener = listening_socket(SOCK_STREAM, path);
    ualarm(100 * 1000, 0);
    EXPECT_EQ(accept(listener, nullptr, nullptr), -1);
    EXPECT_EQ(errno, EINTR);
    close(listener);
    unlink(path.c_str());
}

TEST(UnixBlocking, SaRestartRestartsRecv)
{
    ScopedAction action(SIGALRM, count_signal, SA_RESTART);
    SocketPair sv;
    ASSERT_EQ(sv.open(SOCK_STREAM), 0);
    pid_t child = fork_child_then([&] {
        usleep(300 * 1000);
        write_all(sv[1], "k", 1);
    });
    ualarm(100 * 1000, 0);
    char byte = 0;
    EXPECT_EQ(read(sv[0], &byte, 1), 1);
    EXPECT_EQ(byte, 'k');
    EXPECT_EQ(wait_exit_code(child), 0);
}

TEST(UnixBlocking, BlockedReaderWakesWhenPeerCloses)
{
    SocketPair sv;
    ASSERT_EQ(sv.open(SOCK_STREAM), 0);
    pid_t child = close_peer_later(sv, 100);
    char byte;
    EXPECT_EQ(read(sv[0], &byte, 1), 0);
    EXPECT_EQ(wait_exit_code(child), 0);
}

TEST(UnixBlocking, BlockedWriterWakesWhenPeerCloses)
{
    ScopedAction ignore(SIGPIPE, SIG_IGN);
    SocketPair sv;
    ASSERT_EQ(sv.open(SOCK_STREAM), 0);
    pid_t child = close_peer_later(sv, 200);
    std::string big(1 << 20, 'b');
    ssize_t n = write(sv[0], big.data(), big.size());
    // Partly written, or EPIPE if nothing was.
    if (n < 0)
        EXPECT_EQ(errno, EPIPE);
    else
        EXPECT_LT(static_cast<size_t>(n), big.size());
    EXPECT_EQ(wait_exit_code(child), 0);
}

TEST(UnixFlags, BadPointersGiveEfault)
{
    SocketPair sv;
    ASSERT_EQ(sv.open(SOCK_STREAM), 0);
    EXPECT_EQ(send(sv[0], (void*)0x10, 4, 0), -1);
    EXPECT_EQ(errno, EFAULT);
    write_all(sv[0], "data", 4);
    EXPECT_EQ(recv(sv[1], (void*)0x10, 4, 0), -1);
    EXPECT_EQ(errno, EFAULT);
    // Nothing was consumed by the failed receive.
    char buffer[4];
    EXPECT_EQ(recv(sv[1], buffer, 4, 0), 4);
    EXPECT_EQ(sendmsg(sv[0], (msghdr*)0x10, 0), -1);
    EXPECT_EQ(errno, EFAULT);
}
