// SCM_RIGHTS and SCM_CREDENTIALS over AF_UNIX sockets: passing open file descriptions,
// their limits and errors, and control-buffer validation — Linux's behaviour.
#include "unix_test_support.h"
#include <poll.h>
#include <sys/resource.h>
#include <vector>

using namespace unix_test;

namespace {

std::string make_file(const char* tag, const char* contents)
{
    std::string path = std::string("/tmp/sockeye-") + tag + "-" + std::to_string(getpid());
    int fd = open(path.c_str(), O_CREAT | O_TRUNC | O_WRONLY, 0644);
    write_all(fd, contents, strlen(contents));
    close(fd);
    return path;
}

} // namespace

TEST(Acceptance, ParentPassesAnOpenFileToTheChildWithScmRights)
{
    auto path = make_file("acceptance3", "contents of the passed file");
    SocketPair sv;
    ASSERT_EQ(sv.open(SOCK_STREAM), 0);
    pid_t child = fork_child_then([&] {
        sv.close(0);
        Received received = receive_fds(sv[1]);
        ASSERT_EQ(received.result, 1);
        ASSERT_EQ(received.fds.size(), 1u);
        EXPECT_EQ(read_exactly(received.fds[0], 27), "contents of the passed file");
    });
    sv.close(1);
    int file = open(path.c_str(), O_RDONLY);
    ASSERT_GE(file, 0);
    ASSERT_EQ(send_fds(sv[0], { file }), 1);
    close(file); // the description lives on in flight
    EXPECT_EQ(wait_exit_code(child), 0);
    unlink(path.c_str());
}

TEST(UnixRights, SameOpenFileDescriptionSharedOffsetAndFlags)
{
    auto path = make_file("offset", "0123456789");
    SocketPair sv;
    ASSERT_EQ(sv.open(SOCK_DGRAM), 0);
    int file = open(path.c_str(), O_RDONLY);
    ASSERT_EQ(send_fds(sv[0], { file }), 1);
    Received received = receive_fds(sv[1]);
    ASSERT_EQ(received.fds.size(), 1u);
    int copy = received.fds[0];
    EXPECT_NE(copy, file);
    EXPECT_EQ(read_exactly(file, 3), "012");
    EXPECT_EQ(read_exactly(copy, 3), "345"); // one offset
    ASSERT_EQ(fcntl(file, F_SETFL, O_NONBLOCK), 0);
    EXPECT_TRUE(fcntl(copy, F_GETFL) & O_NONBLOCK); // one set of status flags
    EXPECT_FALSE(fcntl(copy, F_GETFD) & FD_CLOEXEC);
    close(file);
    unlink(path.c_str());
}

TEST(UnixRights, LowestFreeDescriptorsAndCmsgCloexec)
{
    SocketPair sv;
    ASSERT_EQ(sv.open(SOCK_STREAM), 0);
    int a = open("/dev/null", O_RDONLY);
    int b = dup(a);
    ASSERT_EQ(send_fds(sv[0], { a, b }), 1);
    close(a);
    close(b);
    Received received = receive_fds(sv[1], 64, 8, MSG_CMSG_CLOEXEC);
    ASSERT_EQ(received.fds.size(), 2u);
    EXPECT_EQ(received.fds[0], a); // the lowest free numbers, in order
    EXPECT_EQ(received.fds[1], b);
    for (int fd : received.fds)
        EXPECT_TRUE(fcntl(fd, F_GETFD) & FD_CLOEXEC);
}

TEST(UnixRights, AReadNeverRunsIntoALaterSegmentWithRights)
{
    SocketPair sv;
    ASSERT_EQ(sv.open(SOCK_STREAM), 0);
    int null_fd = open("/dev/null", O_RDONLY);
    write_all(sv[0], "plain", 5);
    ASSERT_EQ(send_fds(sv[0], { null_fd }, "with-fd", 7), 7);
    ASSERT_EQ(send_fds(sv[0], { null_fd }, "again", 5), 5);
    write_all(sv[0], "tail", 4);
    // The first read may include the plain bytes, but stops with the first fd-carrying segment.
    Received first = receive_fds(sv[1]);
    EXPECT_EQ(first.data, "plainwith-fd");
    EXPECT_EQ(first.fds.size(), 1u);
    Received second = receive_fds(sv[1]);
    EXPECT_EQ(second.data, "again");
    EXPECT_EQ(second.fds.size(), 1u);
    Received third = receive_fds(sv[1]);
    EXPECT_EQ(third.data, "tail");
    EXPECT_TRUE(third.fds.empty());
    close(null_fd);
}

TEST(UnixRights, PartialReadTakesTheRightsWithTheFirstBytes)
{
    SocketPair sv;
    ASSERT_EQ(sv.open(SOCK_STREAM), 0);
    int null_fd = open("/dev/null", O_RDONLY);
    ASSERT_EQ(send_fds(sv[0], { null_fd }, "0123456789", 10), 10);
    Received first = receive_fds(sv[1], 4);
    EXPECT_EQ(first.data, "0123");
    EXPECT_EQ(first.fds.size(), 1u);
    Received rest = receive_fds(sv[1], 64);
    EXPECT_EQ(rest.data, "456789");
    EXPECT_TRUE(rest.fds.empty());
    close(null_fd);
}

TEST(UnixRights, PeekSeesTheRightsToo)
{
    SocketPair sv;
    ASSERT_EQ(sv.open(SOCK_DGRAM), 0);
    int null_fd = open("/dev/null", O_RDONLY);
    ASSERT_EQ(send_fds(sv[0], { null_fd }), 1);
    Received peeked = receive_fds(sv[1], 64, 8, MSG_PEEK);
    EXPECT_EQ(peeked.fds.size(), 1u);
    Received received = receive_fds(sv[1]);
    EXPECT_EQ(received.fds.size(), 1u);
    close(null_fd);
}

TEST(UnixRights, AtMost253FdsPerMessage)
{
    SocketPair sv;
    ASSERT_EQ(sv.open(SOCK_DGRAM), 0);
    int null_fd = open("/dev/null", O_RDONLY);
    std::vector<int> fds(253, null_fd);
    EXPECT_EQ(send_fds(sv[0], fds), 1);
    fds.push_back(null_fd);
    EXPECT_EQ(send_fds(sv[0], fds), -1);
    EXPECT_EQ(errno, EINVAL);
    Received received = receive_fds(sv[1], 64, 253);
    EXPECT_EQ(received.fds.size(), 253u);
    close(null_fd);
}

TEST(UnixRights, BadDescriptorIsEbadf)
{
    SocketPair sv;
    ASSERT_EQ(sv.open(SOCK_STREAM), 0);
    EXPECT_EQ(send_fds(sv[0], { 999 }), -1);
    EXPECT_EQ(errno, EBADF);
    EXPECT_EQ(send_fds(sv[0], { -1 }), -1);
    EXPECT_EQ(errno, EBADF);
    // Nothing was sent.
    char byte;
    EXPECT_EQ(recv(sv[1], &byte, 1, MSG_DONTWAIT), -1);
    EXPECT_EQ(errno, EAGAIN);
}

TEST(UnixRights, ControlBufferTooSmallSetsCtruncAndClosesTheRest)
{
    SKIP_UNDER_QEMU_USER("qemu receives into a larger control buffer, keeps the extra fds open and drops MSG_CTRUNC");
    SocketPair sv;
    ASSERT_EQ(sv.open(SOCK_DGRAM), 0);
    int null_fd = open("/dev/null", O_RDONLY);
    ASSERT_EQ(send_fds(sv[0], { null_fd, null_fd, null_fd }), 1);
    // Room for one fd is CMSG_SPACE(sizeof(int)): its alignment padding holds a second one,
    // and Linux fills it (scm_detach_fds counts what fits in msg_controllen).
    Received received = receive_fds(sv[1], 64, 1);
    EXPECT_TRUE(received.flags & MSG_CTRUNC);
    size_t room = (CMSG_SPACE(sizeof(int)) - CMSG_LEN(0)) / sizeof(int);
    ASSERT_EQ(received.fds.size(), room);
    // Only those were installed; the third was closed: the next free fd follows them.
    EXPECT_EQ(lowest_free_fd(), received.fds.back() + 1);
    // No control buffer at all.
    ASSERT_EQ(send_fds(sv[0], { null_fd }), 1);
    Received none = receive_fds(sv[1], 64, 0);
    EXPECT_TRUE(none.flags & MSG_CTRUNC);
    close(null_fd);
}

TEST(UnixRights, QueuedFdsAreReleasedWhenTheReceiverCloses)
{
    SocketPair sv;
    ASSERT_EQ(sv.open(SOCK_STREAM), 0);
    int pipe_fds[2];
    ASSERT_EQ(pipe(pipe_fds), 0);
    ASSERT_EQ(send_fds(sv[0], { pipe_fds[1] }), 1);
    close(pipe_fds[1]);
    sv.close(1); // the in-flight write end dies with the receiver's queue
    char byte;
    EXPECT_EQ(read(pipe_fds[0], &byte, 1), 0); // EOF: no writer left
    close(pipe_fds[0]);
}

TEST(UnixRights, CyclesOfInFlightSocketsAreCollected)
{
    // A socket sent over itself and closed: only the garbage collector can free it. The pipe
    // write end travelling with it shows when that happens.
    int pipe_fds[2];
    ASSERT_EQ(pipe(pipe_fds), 0);
    SocketPair sv;
    ASSERT_EQ(sv.open(SOCK_STREAM), 0);
    ASSERT_EQ(send_fds(sv[0], { sv[0], sv[1] }), 1);
    ASSERT_EQ(send_fds(sv[1], { pipe_fds[1] }), 1);
    close(pipe_fds[1]);
    sv.close(0);
    sv.close(1);
    // Any later socket release runs the collector.
    SocketPair trigger;
    ASSERT_EQ(trigger.open(SOCK_STREAM), 0);
    trigger.close(0);
    trigger.close(1);
    pollfd p { pipe_fds[0], POLLIN, 0 };
    EXPECT_EQ(poll(&p, 1, 2000), 1);
    char byte;
    EXPECT_EQ(read(pipe_fds[0], &byte, 1), 0);
    close(pipe_fds[0]);
}

TEST(UnixRights, TooManyInFlightPerUser)
{
    if (geteuid() != 0)
        GTEST_SKIP() << "needs root to become an unprivileged user (root is exempt)";
    int status = in_child_as_nobody([] {
        rlimit limit { 16, 16 };
        ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &limit), 0);
        SocketPair sv;
        ASSERT_EQ(sv.open(SOCK_DGRAM), 0);
        int sent = 0;
        int result;
        while ((result = send_fds(sv[0], { 0 })) == 1 && sent < 1000)
            ++sent;
        EXPECT_EQ(result, -1);
        EXPECT_EQ(errno, ETOOMANYREFS);
        // Linux compares the count before the message with the limit.
        EXPECT_EQ(sent, 17);
    });
    EXPECT_EQ(status, 0);
}

TEST(UnixControl, CmsgLengthValidation)
{
    SocketPair sv;
    ASSERT_EQ(sv.open(SOCK_DGRAM), 0);
    int null_fd = open("/dev/null", O_RDONLY);
    OutgoingMessage message(SCM_RIGHTS, &null_fd, sizeof(int));
    message.header().cmsg_len = sizeof(cmsghdr) - 1; // shorter than the header
    EXPECT_EQ(message.send(sv[0]), -1);
    EXPECT_EQ(errno, EINVAL);
    message.header().cmsg_len = CMSG_LEN(sizeof(int));
    EXPECT_EQ(message.send(sv[0]), 1);
    Received received = receive_fds(sv[1]);
    EXPECT_EQ(received.fds.size(), 1u);
    close(null_fd);
}

TEST(UnixControl, UnknownTypeOverlongCmsgAndBadControlPointer)
{
    SKIP_UNDER_QEMU_USER("qemu drops control messages it cannot translate, clamps an overlong cmsg_len and does not "
                         "fault on a bad msg_control");
    SocketPair sv;
    ASSERT_EQ(sv.open(SOCK_DGRAM), 0);
    int zero = 0;
    OutgoingMessage message(77, &zero, sizeof(int));
    EXPECT_EQ(message.send(sv[0]), -1);
    EXPECT_EQ(errno, EINVAL);
    // cmsg_len running past msg_controllen.
    message.header().cmsg_type = SCM_RIGHTS;
    message.header().cmsg_len = message.message().msg_controllen + 8;
    EXPECT_EQ(message.send(sv[0]), -1);
    EXPECT_EQ(errno, EINVAL);
    // A bad control pointer.
    message.message().msg_control = (void*)0x10;
    EXPECT_EQ(message.send(sv[0]), -1);
    EXPECT_EQ(errno, EFAULT);
}

TEST(UnixCredentials, PasscredAndScmCredentials)
{
    SocketPair sv;
    ASSERT_EQ(sv.open(SOCK_DGRAM), 0);
    int on = 1;
    ASSERT_EQ(setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &on, sizeof(on)), 0);
    ASSERT_EQ(send(sv[0], "c", 1, 0), 1);
    Received received = receive_message(sv[1], 4, CMSG_SPACE(sizeof(ucred)));
    ASSERT_EQ(received.result, 1);
    ASSERT_FALSE(received.control_types.empty());
    EXPECT_EQ(received.control_types[0], SCM_CREDENTIALS);
    EXPECT_EQ(received.credentials.pid, getpid());
    EXPECT_EQ(received.credentials.uid, geteuid());
    EXPECT_EQ(received.credentials.gid, getegid());
}

TEST(UnixCredentials, OnlyRootMayClaimOtherCredentials)
{
    int status = in_child([] {
        if (geteuid() == 0) {
            ASSERT_EQ(setuid(65534), 0);
        }
        SocketPair sv;
        ASSERT_EQ(sv.open(SOCK_DGRAM), 0);
        EXPECT_EQ(send_credentials(sv[0], { getpid(), 0, 0 }), -1); // claims root
        EXPECT_EQ(errno, EPERM);
        EXPECT_EQ(send_credentials(sv[0], { getpid(), getuid(), getgid() }), 1);
    });
    EXPECT_EQ(status, 0);
}
