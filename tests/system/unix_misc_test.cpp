// AF_UNIX behaviour beyond the three acceptance scenarios: SO_RCVTIMEO/SO_SNDTIMEO,
// sendmmsg/recvmmsg, msghdr details (msg_namelen, msg_flags, msg_controllen), the syscall
// layer's argument checks, and /proc/net/unix — Linux's behaviour.
#include "unix_test_support.h"
#include <fstream>
#include <sstream>
#include <sys/time.h>

using namespace unix_test;

TEST(UnixTimeouts, RcvtimeoEndsABlockedReceiveWithEagain)
{
    SocketPair sv;
    ASSERT_EQ(sv.open(SOCK_STREAM), 0);
    timeval timeout { 0, 200 * 1000 };
    ASSERT_EQ(setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout)), 0);
    char byte;
    double start = now_seconds();
    EXPECT_EQ(read(sv[0], &byte, 1), -1);
    EXPECT_EQ(errno, EAGAIN);
    double waited = now_seconds() - start;
    EXPECT_GE(waited, 0.15);
    EXPECT_LT(waited, 5.0);
    // Data that arrives in time is read normally.
    write_all(sv[1], "x", 1);
    EXPECT_EQ(read(sv[0], &byte, 1), 1);
}

TEST(UnixTimeouts, RcvtimeoAppliesToAccept)
{
    auto path = temp_path("accept-timeout");
    int listener = listening_socket(SOCK_STREAM, path);
    ASSERT_GE(listener, 0);
    timeval timeout { 0, 100 * 1000 };
    ASSERT_EQ(setsockopt(listener, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout)), 0);
    EXPECT_EQ(accept(listener, nullptr, nullptr), -1);
    EXPECT_EQ(errno, EAGAIN);
    close(listener);
    unlink(path.c_str());
}

TEST(UnixTimeouts, SndtimeoEndsABlockedSendWithEagainOrAPartialCount)
{
    SocketPair sv;
    ASSERT_EQ(sv.open(SOCK_STREAM), 0);
    timeval timeout { 0, 200 * 1000 };
    ASSERT_EQ(setsockopt(sv[0], SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof(timeout)), 0);
    std::string big(4 << 20, 's');
    ssize_t sent = write(sv[0], big.data(), big.size());
    EXPECT_GT(sent, 0); // the buffer took some before the time ran out
    EXPECT_LT(static_cast<size_t>(sent), big.size());
    // Now the buffer is full: nothing more goes, EAGAIN after the timeout.
    double start = now_seconds();
    EXPECT_EQ(write(sv[0], big.data(), big.size()), -1);
    EXPECT_EQ(errno, EAGAIN);
    EXPECT_GE(now_seconds() - start, 0.15);
}

TEST(UnixTimeouts, ASignalEndsATimedReceiveWithEintrEvenUnderSaRestart)
{
    ScopedAction action(SIGALRM, count_signal, SA_RESTART);
    SocketPair sv;
    ASSERT_EQ(sv.open(SOCK_STREAM), 0);
    timeval timeout { 5, 0 };
    ASSERT_EQ(setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout)), 0);
    ualarm(100 * 1000, 0);
    char byte;
    EXPECT_EQ(read(sv[0], &byte, 1), -1);
    EXPECT_EQ(errno, EINTR); // sock_intr_errno: only an unlimited wait restarts
}

TEST(UnixTimeouts, ValuesAndErrors)
{
    SKIP_UNDER_QEMU_USER("qemu translates SO_RCVTIMEO/SO_SNDTIMEO values itself");
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    timeval value { 1, 1 };
    ASSERT_EQ(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &value, sizeof(value)), 0);
    timeval got {};
    socklen_t length = sizeof(got);
    ASSERT_EQ(getsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &got, &length), 0);
    EXPECT_EQ(length, sizeof(got));
    EXPECT_EQ(got.tv_sec, 1);
    EXPECT_EQ(got.tv_usec, 4000); // rounded up to a whole jiffy (HZ 250)
    length = sizeof(got);
    ASSERT_EQ(getsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &got, &length), 0);
    EXPECT_EQ(got.tv_sec, 0);
    EXPECT_EQ(got.tv_usec, 0);
    value = { 0, 1000000 };
    EXPECT_EQ(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &value, sizeof(value)), -1);
    EXPECT_EQ(errno, EDOM);
    EXPECT_EQ(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &value, sizeof(value) - 1), -1);
    EXPECT_EQ(errno, EINVAL);
    // A negative timeout: never wait.
    value = { -1, 0 };
    ASSERT_EQ(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &value, sizeof(value)), 0);
    close(fd);
}

TEST(UnixMessages, SendmmsgAndRecvmmsgOnDatagrams)
{
    SKIP_UNDER_QEMU_USER("qemu's recvmmsg translation differs (see DESIGN.md)");
    SocketPair sv;
    ASSERT_EQ(sv.open(SOCK_DGRAM), 0);
    char a[] = "one", b[] = "three";
    iovec out[2] = { { a, 3 }, { b, 5 } };
    mmsghdr messages[2] {};
    messages[0].msg_hdr.msg_iov = &out[0];
    messages[0].msg_hdr.msg_iovlen = 1;
    messages[1].msg_hdr.msg_iov = &out[1];
    messages[1].msg_hdr.msg_iovlen = 1;
    ASSERT_EQ(sendmmsg(sv[0], messages, 2, 0), 2);
    EXPECT_EQ(messages[0].msg_len, 3u);
    EXPECT_EQ(messages[1].msg_len, 5u);

    char buffers[3][8] {};
    iovec in[3] = { { buffers[0], 8 }, { buffers[1], 8 }, { buffers[2], 8 } };
    mmsghdr received[3] {};
    for (int i = 0; i < 3; ++i) {
        received[i].msg_hdr.msg_iov = &in[i];
        received[i].msg_hdr.msg_iovlen = 1;
    }
    // MSG_WAITFORONE: the third would block, so two come back.
    ASSERT_EQ(recvmmsg(sv[1], received, 3, MSG_WAITFORONE, nullptr), 2);
    EXPECT_EQ(received[0].msg_len, 3u);
    EXPECT_EQ(received[1].msg_len, 5u);
    EXPECT_STREQ(buffers[0], "one");
    EXPECT_STREQ(buffers[1], "three");
}

TEST(UnixMessages, RecvmsgReportsNamelenFlagsAndControllen)
{
    SocketPair sv;
    ASSERT_EQ(sv.open(SOCK_DGRAM), 0);
    ASSERT_EQ(send(sv[0], "hello", 5, 0), 5);
    char buffer[2];
    sockaddr_un from;
    alignas(cmsghdr) char control[64];
    iovec iov { buffer, sizeof(buffer) };
    msghdr message {};
    message.msg_name = &from;
    message.msg_namelen = sizeof(from);
    message.msg_iov = &iov;
    message.msg_iovlen = 1;
    message.msg_control = control;
    message.msg_controllen = sizeof(control);
    message.msg_flags = -1;
    EXPECT_EQ(recvmsg(sv[1], &message, 0), 2);
    EXPECT_EQ(message.msg_namelen, 0u); // an unnamed sender
    EXPECT_EQ(message.msg_flags, MSG_TRUNC);
    EXPECT_EQ(message.msg_controllen, 0u); // nothing was written
}

TEST(UnixMessages, RecvfromReportsTheSendersPath)
{
    auto path = temp_path("from");
    int receiver = bound_socket(SOCK_DGRAM, path);
    ASSERT_GE(receiver, 0);
    auto sender_path = temp_path("sender");
    int sender = bound_socket(SOCK_DGRAM, sender_path);
    ASSERT_GE(sender, 0);
    socklen_t length;
    auto address = path_address(path.c_str(), &length);
    ASSERT_EQ(sendto(sender, "d", 1, 0, (sockaddr*)&address, length), 1);
    sockaddr_un from {};
    socklen_t from_length = sizeof(from);
    char byte;
    ASSERT_EQ(recvfrom(receiver, &byte, 1, 0, (sockaddr*)&from, &from_length), 1);
    EXPECT_EQ(from_length, offsetof(sockaddr_un, sun_path) + sender_path.size() + 1);
    EXPECT_STREQ(from.sun_path, sender_path.c_str());
    close(sender);
    close(receiver);
    unlink(path.c_str());
    unlink(sender_path.c_str());
}

TEST(UnixArguments, NotASocketAndBadLengths)
{
    SocketPair sv;
    ASSERT_EQ(sv.open(SOCK_STREAM), 0);
    int file = open("/dev/null", O_RDWR);
    char byte = 0;
    EXPECT_EQ(send(file, &byte, 1, 0), -1);
    EXPECT_EQ(errno, ENOTSOCK);
    EXPECT_EQ(shutdown(file, SHUT_RD), -1);
    EXPECT_EQ(errno, ENOTSOCK);
    EXPECT_EQ(listen(999, 1), -1);
    EXPECT_EQ(errno, EBADF);
    sockaddr_un address {};
    address.sun_family = AF_UNIX;
    EXPECT_EQ(bind(sv[0], (sockaddr*)&address, sizeof(sockaddr_storage) + 1), -1);
    EXPECT_EQ(errno, EINVAL);
    EXPECT_EQ(connect(sv[0], (sockaddr*)&address, -1), -1);
    EXPECT_EQ(errno, EINVAL);
    int value = 1;
    if (!under_qemu_user()) { // qemu reads optlen as unsigned and passes the kernel sizeof(int)
        EXPECT_EQ(setsockopt(sv[0], SOL_SOCKET, SO_PASSCRED, &value, -1), -1);
        EXPECT_EQ(errno, EINVAL);
    }
    EXPECT_EQ(setsockopt(sv[0], SOL_SOCKET, SO_PASSCRED, &value, 2), -1);
    EXPECT_EQ(errno, EINVAL);
    socklen_t length = -1;
    EXPECT_EQ(getsockopt(sv[0], SOL_SOCKET, SO_TYPE, &value, &length), -1);
    EXPECT_EQ(errno, EINVAL);
    // A short optlen truncates; the length written back is what was copied.
    unsigned char small[2] {};
    length = sizeof(small);
    ASSERT_EQ(getsockopt(sv[0], SOL_SOCKET, SO_TYPE, small, &length), 0);
    EXPECT_EQ(length, 2u);
    EXPECT_EQ(small[0], SOCK_STREAM);
    EXPECT_EQ(socket(AF_INET6 + 100, SOCK_STREAM, 0), -1);
    EXPECT_EQ(errno, EAFNOSUPPORT);
    int with_protocol = socket(AF_UNIX, SOCK_STREAM, PF_UNIX); // protocol PF_UNIX is allowed
    EXPECT_GE(with_protocol, 0);
    close(with_protocol);
    close(file);
}

TEST(UnixProc, NetUnixListsAListeningSocketWithItsPath)
{
    auto path = temp_path("procnet");
    int listener = listening_socket(SOCK_STREAM, path);
    ASSERT_GE(listener, 0);
    struct stat info;
    ASSERT_EQ(fstat(listener, &info), 0);
    std::ifstream file("/proc/net/unix");
    ASSERT_TRUE(file.good());
    std::string header;
    std::getline(file, header);
    EXPECT_EQ(header.rfind("Num       RefCount Protocol Flags    Type St Inode Path", 0), 0u);
    bool found = false;
    for (std::string line; std::getline(file, line);) {
        if (line.size() < path.size() || line.compare(line.size() - path.size(), path.size(), path) != 0)
            continue;
        // "<num>: <refcount> 00000000 00010000 0001 01 <inode> <path>"
        std::istringstream fields(line.substr(line.find(':') + 1));
        std::string refcount, protocol, flags, type, state;
        unsigned long inode = 0;
        fields >> refcount >> protocol >> flags >> type >> state >> inode;
        EXPECT_EQ(protocol, "00000000");
        EXPECT_EQ(flags, "00010000"); // __SO_ACCEPTCON: listening
        EXPECT_EQ(type, "0001"); // SOCK_STREAM
        EXPECT_EQ(state, "01"); // SS_UNCONNECTED
        EXPECT_EQ(inode, info.st_ino);
        found = true;
    }
    EXPECT_TRUE(found) << "no line for " << path;
    close(listener);
    unlink(path.c_str());
}

TEST(UnixDatagram, ReconnectPurgesTheQueueAndResetsTheOldPeer)
{
    SocketPair sv;
    ASSERT_EQ(sv.open(SOCK_DGRAM), 0);
    auto path = temp_path("reconnect");
    int other = bound_socket(SOCK_DGRAM, path);
    ASSERT_GE(other, 0);
    ASSERT_EQ(send(sv[1], "old", 3, 0), 3);
    socklen_t length;
    auto address = path_address(path.c_str(), &length);
    ASSERT_EQ(connect(sv[0], (sockaddr*)&address, length), 0);
    // What the old peer had queued is gone, and the old peer (connected back) hears of it.
    char buffer[8];
    EXPECT_EQ(recv(sv[0], buffer, sizeof(buffer), MSG_DONTWAIT), -1);
    EXPECT_EQ(errno, EAGAIN);
    int error = 0;
    socklen_t error_length = sizeof(error);
    ASSERT_EQ(getsockopt(sv[1], SOL_SOCKET, SO_ERROR, &error, &error_length), 0);
    EXPECT_EQ(error, ECONNRESET);
    // The old peer may no longer send to it: its peer is someone else now.
    EXPECT_EQ(send(sv[1], "new", 3, MSG_DONTWAIT), -1);
    EXPECT_EQ(errno, EPERM);
    // AF_UNSPEC dissolves the association and purges too (nothing to report: no one was
    // connected back).
    sockaddr unspec {};
    unspec.sa_family = AF_UNSPEC;
    ASSERT_EQ(connect(sv[0], &unspec, sizeof(unspec)), 0);
    EXPECT_EQ(send(sv[0], "x", 1, 0), -1);
    EXPECT_EQ(errno, ENOTCONN);
    close(other);
    unlink(path.c_str());
}

// ---------------------------------------------------------------------------------------
// Socket options Linux keeps for every socket

namespace {
int get_int_option(int fd, int name)
{
    int value = -12345;
    socklen_t length = sizeof(value);
    if (getsockopt(fd, SOL_SOCKET, name, &value, &length) != 0 || length != sizeof(value))
        return -12345;
    return value;
}

int set_int_option(int fd, int name, int value) { return setsockopt(fd, SOL_SOCKET, name, &value, sizeof(value)); }
} // namespace

TEST(UnixOptions, GenericOptionsAreKeptAndReported)
{
    SocketPair pair;
    ASSERT_EQ(pair.open(SOCK_STREAM), 0);
    for (int name : { SO_REUSEADDR, SO_KEEPALIVE, SO_BROADCAST, SO_DONTROUTE, SO_OOBINLINE, SO_DEBUG, SO_PASSSEC }) {
        EXPECT_EQ(get_int_option(pair[0], name), 0) << name;
        EXPECT_EQ(set_int_option(pair[0], name, 7), 0) << name;
        EXPECT_EQ(get_int_option(pair[0], name), 1) << name;
        EXPECT_EQ(set_int_option(pair[0], name, 0), 0) << name;
        EXPECT_EQ(get_int_option(pair[0], name), 0) << name;
    }
    EXPECT_EQ(get_int_option(pair[0], SO_REUSEPORT), 0);
    EXPECT_ERRNO(EOPNOTSUPP, set_int_option(pair[0], SO_REUSEPORT, 1)); // only for inet sockets
    EXPECT_EQ(set_int_option(pair[0], SO_PRIORITY, 7), 0) << "root may go above 6";
    EXPECT_EQ(get_int_option(pair[0], SO_PRIORITY), 7);
    EXPECT_EQ(get_int_option(pair[0], SO_SNDLOWAT), 1);
    EXPECT_ERRNO(ENOPROTOOPT, set_int_option(pair[0], SO_SNDLOWAT, 4));
    EXPECT_EQ(get_int_option(pair[0], SO_PEEK_OFF), -1);

    linger on { 1, 5 }, back {};
    socklen_t length = sizeof(back);
    EXPECT_EQ(setsockopt(pair[0], SOL_SOCKET, SO_LINGER, &on, sizeof(on)), 0);
    EXPECT_EQ(getsockopt(pair[0], SOL_SOCKET, SO_LINGER, &back, &length), 0);
    EXPECT_EQ(length, sizeof(back));
    EXPECT_EQ(back.l_onoff, 1);
    EXPECT_EQ(back.l_linger, 5);
    EXPECT_ERRNO(EINVAL, setsockopt(pair[0], SOL_SOCKET, SO_LINGER, &on, 4));

    if (!under_qemu_user()) { // qemu-riscv64 7.2 does not pass SO_COOKIE through (linux-ref agrees)
        uint64_t cookie = 0, again = 0, other = 0;
        length = sizeof(cookie);
        ASSERT_EQ(getsockopt(pair[0], SOL_SOCKET, SO_COOKIE, &cookie, &length), 0);
        ASSERT_EQ(getsockopt(pair[0], SOL_SOCKET, SO_COOKIE, &again, &length), 0);
        ASSERT_EQ(getsockopt(pair[1], SOL_SOCKET, SO_COOKIE, &other, &length), 0);
        EXPECT_NE(cookie, 0u);
        EXPECT_EQ(cookie, again) << "a socket keeps its cookie";
        EXPECT_NE(cookie, other);
    }

    // What Linux reserves for CAP_NET_ADMIN.
    int status = in_child_as_nobody([&] {
        EXPECT_ERRNO(EPERM, set_int_option(pair[1], SO_PRIORITY, 7));
        EXPECT_EQ(set_int_option(pair[1], SO_PRIORITY, 6), 0);
        EXPECT_ERRNO(EACCES, set_int_option(pair[1], SO_DEBUG, 1));
        if (!under_qemu_user()) { // qemu-riscv64 7.2 knows neither; linux-ref agrees
            EXPECT_ERRNO(EPERM, set_int_option(pair[1], SO_MARK, 1));
            EXPECT_ERRNO(EPERM, set_int_option(pair[1], SO_RCVBUFFORCE, 1 << 20));
        }
    });
    EXPECT_EQ(status, 0);
}

// SO_RCVLOWAT: a blocking stream read waits until that many bytes are there (or MSG_WAITALL's
// length); a nonblocking one takes what there is.
TEST(UnixOptions, RcvlowatHoldsAStreamReadUntilEnoughArrived)
{
    SocketPair pair;
    ASSERT_EQ(pair.open(SOCK_STREAM), 0);
    ASSERT_EQ(set_int_option(pair[0], SO_RCVLOWAT, 5), 0);
    EXPECT_EQ(get_int_option(pair[0], SO_RCVLOWAT), 5);
    ASSERT_EQ(write(pair[1], "abc", 3), 3);
    char buffer[16] = {};
    EXPECT_EQ(recv(pair[0], buffer, sizeof(buffer), MSG_DONTWAIT | MSG_PEEK), 3);
    pid_t writer = fork_child_then([&] {
        usleep(100 * 1000);
        ASSERT_EQ(write(pair[1], "de", 2), 2);
    });
    EXPECT_EQ(recv(pair[0], buffer, sizeof(buffer), 0), 5) << "the read waited for the last two bytes";
    EXPECT_STREQ(buffer, "abcde");
    EXPECT_EQ(wait_exit_code(writer), 0);
    EXPECT_EQ(set_int_option(pair[0], SO_RCVLOWAT, 0), 0);
    EXPECT_EQ(get_int_option(pair[0], SO_RCVLOWAT), 1) << "0 means 1";
}

// SO_PEEK_OFF on a stream: each peek starts where the last one stopped; reads pull it back.
TEST(UnixOptions, PeekOffsetWalksAStream)
{
    SKIP_UNDER_QEMU_USER("qemu-riscv64 7.2 does not pass SO_PEEK_OFF through; proven on linux-ref");
    SocketPair pair;
    ASSERT_EQ(pair.open(SOCK_STREAM), 0);
    ASSERT_EQ(set_int_option(pair[0], SO_PEEK_OFF, 0), 0);
    ASSERT_EQ(write(pair[1], "abc", 3), 3);
    ASSERT_EQ(write(pair[1], "def", 3), 3);
    char buffer[8] = {};
    EXPECT_EQ(recv(pair[0], buffer, 2, MSG_PEEK), 2);
    EXPECT_EQ(std::string(buffer, 2), "ab");
    EXPECT_EQ(recv(pair[0], buffer, 2, MSG_PEEK), 2);
    EXPECT_EQ(std::string(buffer, 2), "cd") << "across the boundary of two writes";
    EXPECT_EQ(get_int_option(pair[0], SO_PEEK_OFF), 4);
    EXPECT_EQ(recv(pair[0], buffer, 3, 0), 3);
    EXPECT_EQ(std::string(buffer, 3), "abc");
    EXPECT_EQ(get_int_option(pair[0], SO_PEEK_OFF), 1);
    EXPECT_EQ(recv(pair[0], buffer, sizeof(buffer), MSG_PEEK), 2);
    EXPECT_EQ(std::string(buffer, 2), "ef");
    EXPECT_ERRNO(EAGAIN, recv(pair[0], buffer, sizeof(buffer), MSG_PEEK | MSG_DONTWAIT)); // nothing past the offset
    EXPECT_EQ(recv(pair[0], buffer, sizeof(buffer), 0), 3);
    EXPECT_EQ(std::string(buffer, 3), "def");
    EXPECT_EQ(get_int_option(pair[0], SO_PEEK_OFF), 0);
}

// SO_PEEK_OFF on datagrams: a peek reads the rest of the message the offset falls in, and an
// offset past a whole message passes to the next one.
TEST(UnixOptions, PeekOffsetWalksDatagrams)
{
    SKIP_UNDER_QEMU_USER("qemu-riscv64 7.2 does not pass SO_PEEK_OFF through; proven on linux-ref");
    SocketPair pair;
    ASSERT_EQ(pair.open(SOCK_DGRAM), 0);
    ASSERT_EQ(set_int_option(pair[0], SO_PEEK_OFF, 0), 0);
    ASSERT_EQ(send(pair[1], "hello", 5, 0), 5);
    ASSERT_EQ(send(pair[1], "world!", 6, 0), 6);
    char buffer[16] = {};
    EXPECT_EQ(recv(pair[0], buffer, 3, MSG_PEEK), 3);
    EXPECT_EQ(std::string(buffer, 3), "hel");
    EXPECT_EQ(recv(pair[0], buffer, sizeof(buffer), MSG_PEEK), 2);
    EXPECT_EQ(std::string(buffer, 2), "lo");
    EXPECT_EQ(recv(pair[0], buffer, sizeof(buffer), MSG_PEEK), 6);
    EXPECT_EQ(std::string(buffer, 6), "world!");
    EXPECT_EQ(get_int_option(pair[0], SO_PEEK_OFF), 11);
    EXPECT_EQ(recv(pair[0], buffer, sizeof(buffer), 0), 5);
    EXPECT_EQ(std::string(buffer, 5), "hello");
    EXPECT_EQ(get_int_option(pair[0], SO_PEEK_OFF), 6);
    EXPECT_ERRNO(EAGAIN, recv(pair[0], buffer, sizeof(buffer), MSG_PEEK | MSG_DONTWAIT));
    EXPECT_EQ(recv(pair[0], buffer, sizeof(buffer), 0), 6);
    EXPECT_EQ(get_int_option(pair[0], SO_PEEK_OFF), 0);
}

// SO_PEERGROUPS: the other end's supplementary groups when the connection was made — the
// creator's for a socketpair, the listener's (at listen) for a client, the client's for the
// accepted socket. All or nothing: ERANGE with the room needed.
TEST(UnixOptions, PeergroupsNameThePeersSupplementaryGroups)
{
    SKIP_UNDER_QEMU_USER("qemu-riscv64 7.2 does not pass SO_PEERGROUPS through; proven on linux-ref");
    int status = in_child([] {
        gid_t listener_groups[] = { 7 };
        ASSERT_EQ(setgroups(1, listener_groups), 0);
        std::string path = temp_path("peergroups");
        int listener = listening_socket(SOCK_STREAM, path);
        ASSERT_GE(listener, 0);
        gid_t client_groups[] = { 100, 200 };
        ASSERT_EQ(setgroups(2, client_groups), 0);
        int client = connect_to(SOCK_STREAM, path);
        ASSERT_GE(client, 0);
        int server = accept(listener, nullptr, nullptr);
        ASSERT_GE(server, 0);
        gid_t groups[8] = {};
        socklen_t length = sizeof(groups);
        ASSERT_EQ(getsockopt(client, SOL_SOCKET, SO_PEERGROUPS, groups, &length), 0);
        ASSERT_EQ(length, sizeof(gid_t));
        EXPECT_EQ(groups[0], 7u) << "the listener's groups at listen()";
        length = sizeof(groups);
        ASSERT_EQ(getsockopt(server, SOL_SOCKET, SO_PEERGROUPS, groups, &length), 0);
        ASSERT_EQ(length, 2 * sizeof(gid_t));
        EXPECT_EQ(groups[0], 100u);
        EXPECT_EQ(groups[1], 200u);
        length = sizeof(gid_t);
        EXPECT_ERRNO(ERANGE, getsockopt(server, SOL_SOCKET, SO_PEERGROUPS, groups, &length));
        EXPECT_EQ(length, 2 * sizeof(gid_t)) << "the room needed";

        SocketPair pair;
        ASSERT_EQ(pair.open(SOCK_STREAM), 0);
        length = sizeof(groups);
        ASSERT_EQ(getsockopt(pair[0], SOL_SOCKET, SO_PEERGROUPS, groups, &length), 0);
        EXPECT_EQ(length, 2 * sizeof(gid_t)) << "a socketpair's: the creator's";
        int lonely = socket(AF_UNIX, SOCK_STREAM, 0);
        length = sizeof(groups);
        EXPECT_ERRNO(ENODATA, getsockopt(lonely, SOL_SOCKET, SO_PEERGROUPS, groups, &length));
        close(lonely);
        close(server);
        close(client);
        close(listener);
        unlink(path.c_str());
    });
    EXPECT_EQ(status, 0);
}
