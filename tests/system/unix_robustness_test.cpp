// AF_UNIX under bad input and sudden death (issue 6, "Bad input"): processes killed while
// blocked in accept/connect/recv/send, a peer killed mid-transfer, files closed while in
// flight, and bad pointers and lengths in msghdr — a clear error, no lost or duplicated byte,
// and (checked by the harness's leak line) nothing left behind.
#include "unix_test_support.h"
#include <poll.h>
#include <sys/mman.h>
#include <vector>

using namespace unix_test;

namespace {

// Forks a child that runs body (expected to block forever), kills it after a moment and
// checks that it died of the SIGKILL.
template<typename Body> void kill_while_blocked(Body body)
{
    pid_t child = fork();
    if (child == 0) {
        body();
        _exit(0); // not reached when the body blocks
    }
    ASSERT_GT(child, 0);
    usleep(150 * 1000);
    ASSERT_EQ(kill(child, SIGKILL), 0);
    int status = 0;
    ASSERT_EQ(waitpid(child, &status, 0), child);
    EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "status " << status;
}

// The byte at stream position i of the test pattern.
char pattern_byte(size_t i) { return static_cast<char>((i * 7 + i / 251) & 0xff); }

bool is_pattern_prefix(const std::string& data)
{
    for (size_t i = 0; i < data.size(); ++i) {
        if (data[i] != pattern_byte(i))
            return false;
    }
    return true;
}

} // namespace

TEST(UnixKilled, WhileBlockedInAccept)
{
    auto path = temp_path("killed-accept");
    int listener = listening_socket(SOCK_STREAM, path);
    ASSERT_GE(listener, 0);
    kill_while_blocked([&] { accept(listener, nullptr, nullptr); });
    // The listener is intact: a connection still goes through.
    int client = connect_to(SOCK_STREAM, path);
    ASSERT_GE(client, 0);
    int server = accept(listener, nullptr, nullptr);
    ASSERT_GE(server, 0);
    write_all(client, "ok", 2);
    EXPECT_EQ(read_exactly(server, 2), "ok");
    for (int fd : { client, server, listener })
        close(fd);
    unlink(path.c_str());
}

TEST(UnixKilled, WhileBlockedInConnectOnAFullBacklog)
{
    auto path = temp_path("killed-connect");
    int listener = listening_socket(SOCK_STREAM, path, 0);
    ASSERT_GE(listener, 0);
    kill_while_blocked([&] {
        int first = connect_to(SOCK_STREAM, path); // backlog 0 admits one
        (void)first;
        connect_to(SOCK_STREAM, path); // blocks: the backlog is full
    });
    // The connection the child made is queued; its client is gone: EOF on it.
    int server = accept(listener, nullptr, nullptr);
    ASSERT_GE(server, 0);
    char byte;
    EXPECT_EQ(read(server, &byte, 1), 0);
    close(server);
    // Nothing else is pending.
    int flags = fcntl(listener, F_GETFL);
    fcntl(listener, F_SETFL, flags | O_NONBLOCK);
    EXPECT_EQ(accept(listener, nullptr, nullptr), -1);
    EXPECT_EQ(errno, EAGAIN);
    close(listener);
    unlink(path.c_str());
}

TEST(UnixKilled, WhileBlockedInRecv)
{
    SocketPair sv;
    ASSERT_EQ(sv.open(SOCK_STREAM), 0);
    kill_while_blocked([&] {
        char byte;
        read(sv[1], &byte, 1);
    });
    // The killed reader took nothing: the next byte goes to the next reader.
    write_all(sv[0], "z", 1);
    EXPECT_EQ(read_exactly(sv[1], 1), "z");
}

TEST(UnixKilled, WhileBlockedInSendLeavesACleanPrefix)
{
    SocketPair sv;
    ASSERT_EQ(sv.open(SOCK_STREAM), 0);
    std::string data(4 << 20, '\0');
    for (size_t i = 0; i < data.size(); ++i)
        data[i] = pattern_byte(i);
    kill_while_blocked([&] { write(sv[0], data.data(), data.size()); }); // blocks once the buffer is full
    int flags = fcntl(sv[1], F_GETFL);
    fcntl(sv[1], F_SETFL, flags | O_NONBLOCK);
    std::string received;
    char buffer[65536];
    for (;;) {
        ssize_t n = read(sv[1], buffer, sizeof(buffer));
        if (n <= 0)
            break;
        received.append(buffer, n);
    }
    EXPECT_GT(received.size(), 0u);
    EXPECT_TRUE(is_pattern_prefix(received));
}

TEST(UnixKilled, PeerKilledMidTransferLosesAndDuplicatesNothing)
{
    SocketPair sv;
    ASSERT_EQ(sv.open(SOCK_STREAM), 0);
    pid_t writer = fork();
    if (writer == 0) {
        sv.close(1);
        std::vector<char> chunk(3000);
        for (size_t position = 0;;) {
            for (size_t i = 0; i < chunk.size(); ++i)
                chunk[i] = pattern_byte(position + i);
            ssize_t n = write(sv[0], chunk.data(), chunk.size());
            if (n <= 0)
                _exit(1);
            // A partial write: continue right after what went.
            position += n;
            if (static_cast<size_t>(n) < chunk.size())
                memmove(chunk.data(), chunk.data() + n, chunk.size() - n);
        }
    }
    sv.close(0);
    std::string received;
    char buffer[4096];
    while (received.size() < (1u << 20)) {
        ssize_t n = read(sv[1], buffer, sizeof(buffer));
        ASSERT_GT(n, 0);
        received.append(buffer, n);
    }
    kill(writer, SIGKILL);
    waitpid(writer, nullptr, 0);
    // Everything the writer got in before it died, then EOF.
    for (;;) {
        ssize_t n = read(sv[1], buffer, sizeof(buffer));
        ASSERT_GE(n, 0) << strerror(errno);
        if (n == 0)
            break;
        received.append(buffer, n);
    }
    EXPECT_TRUE(is_pattern_prefix(received)) << received.size() << " bytes";
}

TEST(UnixInFlight, ASocketClosedByItsSenderWhileInFlightStillWorks)
{
    SocketPair carrier, passed;
    ASSERT_EQ(carrier.open(SOCK_STREAM), 0);
    ASSERT_EQ(passed.open(SOCK_STREAM), 0);
    ASSERT_EQ(send_fds(carrier[0], { passed[0] }), 1);
    passed.close(0); // only the message holds it now
    int received = receive_one_fd(carrier[1]);
    ASSERT_GE(received, 0);
    write_all(passed[1], "hi", 2);
    EXPECT_EQ(read_exactly(received, 2), "hi");
    close(received);
    char byte;
    EXPECT_EQ(read(passed[1], &byte, 1), 0); // its last reference went: EOF
}

TEST(UnixInFlight, AQueuedFdIsReleasedWhenItsMessageIsDiscardedByTheSenderClosing)
{
    // The sender closes with an unread message that carries a pipe's write end: the receiver
    // can still take it (the data was sent), and closing the receiver frees it.
    SocketPair sv;
    int pipe_fds[2];
    ASSERT_EQ(sv.open(SOCK_DGRAM), 0);
    ASSERT_EQ(pipe(pipe_fds), 0);
    ASSERT_EQ(send_fds(sv[0], { pipe_fds[1] }), 1);
    close(pipe_fds[1]);
    sv.close(0);
    int received = receive_one_fd(sv[1]);
    ASSERT_GE(received, 0);
    close(received);
    sv.close(1);
    char byte;
    EXPECT_EQ(read(pipe_fds[0], &byte, 1), 0);
    close(pipe_fds[0]);
}

TEST(UnixBadInput, MsghdrPointersAndLengths)
{
    SKIP_UNDER_QEMU_USER("qemu converts msghdr itself: its faults and length limits differ");
    SocketPair sv;
    ASSERT_EQ(sv.open(SOCK_DGRAM), 0);
    char data[] = "x";
    iovec iov { data, 1 };
    msghdr message {};
    message.msg_iov = &iov;
    message.msg_iovlen = 1;

    msghdr bad = message;
    bad.msg_iov = (iovec*)0x10;
    EXPECT_EQ(sendmsg(sv[0], &bad, 0), -1);
    EXPECT_EQ(errno, EFAULT);
    iovec bad_iov { (void*)0x10, 1 };
    bad = message;
    bad.msg_iov = &bad_iov;
    EXPECT_EQ(sendmsg(sv[0], &bad, 0), -1);
    EXPECT_EQ(errno, EFAULT);
    bad = message;
    bad.msg_iovlen = 1025; // UIO_MAXIOV + 1
    EXPECT_EQ(sendmsg(sv[0], &bad, 0), -1);
    EXPECT_EQ(errno, EMSGSIZE);
    bad = message;
    bad.msg_name = (void*)0x10;
    bad.msg_namelen = sizeof(sockaddr_un);
    EXPECT_EQ(sendmsg(sv[0], &bad, 0), -1);
    EXPECT_EQ(errno, EFAULT);
    bad = message;
    bad.msg_control = data;
    bad.msg_controllen = 1u << 20; // beyond net.core.optmem_max
    EXPECT_EQ(sendmsg(sv[0], &bad, 0), -1);
    EXPECT_EQ(errno, ENOBUFS);
    // Nothing of the failed calls was sent.
    char byte;
    EXPECT_EQ(recv(sv[1], &byte, 1, MSG_DONTWAIT), -1);
    EXPECT_EQ(errno, EAGAIN);

    // recvmsg: a bad msg_iov fails before anything is consumed.
    ASSERT_EQ(sendmsg(sv[0], &message, 0), 1);
    bad = message;
    bad.msg_iov = (iovec*)0x10;
    EXPECT_EQ(recvmsg(sv[1], &bad, 0), -1);
    EXPECT_EQ(errno, EFAULT);
    EXPECT_EQ(recv(sv[1], &byte, 1, MSG_DONTWAIT), 1);
}

TEST(UnixBadInput, RightsToABadControlBufferAreClosedNotLeaked)
{
    SKIP_UNDER_QEMU_USER("qemu receives into its own control buffer");
    SocketPair sv;
    ASSERT_EQ(sv.open(SOCK_DGRAM), 0);
    int null_fd = open("/dev/null", O_RDONLY);
    ASSERT_EQ(send_fds(sv[0], { null_fd }), 1);
    close(null_fd);
    int expected_next = lowest_free_fd();
    char byte;
    iovec iov { &byte, 1 };
    msghdr message {};
    message.msg_iov = &iov;
    message.msg_iovlen = 1;
    message.msg_control = (void*)0x10;
    message.msg_controllen = CMSG_SPACE(sizeof(int));
    EXPECT_EQ(recvmsg(sv[1], &message, 0), 1);
    EXPECT_TRUE(message.msg_flags & MSG_CTRUNC);
    EXPECT_EQ(message.msg_controllen, 0u);
    // The passed file was not installed: the lowest free descriptor is unchanged.
    EXPECT_EQ(lowest_free_fd(), expected_next);
}

// A receive whose buffer is a file mapping not yet read from the disk: the copy to the user
// faults, and the fault needs file I/O (which sleeps) in the middle of the receive.
TEST(UnixFaults, ReceiveIntoAndSendFromFileMappingsNotYetPagedIn)
{
    // On the disk filesystem where there is one (Sockeye's /var and /root are ext2).
    std::string file_path;
    int file = -1;
    for (const char* directory : { "/var", "/root", "/tmp" }) {
        file_path = std::string(directory) + "/sockeye-recv-mapping-" + std::to_string(getpid());
        file = open(file_path.c_str(), O_CREAT | O_TRUNC | O_RDWR, 0600);
        if (file >= 0)
            break;
    }
    ASSERT_GE(file, 0);
    constexpr size_t size = 256 * 1024;
    std::string contents(size, '\0');
    for (size_t i = 0; i < size; ++i)
        contents[i] = static_cast<char>('a' + i % 23);
    write_all(file, contents.data(), contents.size());
    fsync(file);
    for (int type : { SOCK_STREAM, SOCK_DGRAM }) {
        SocketPair sv;
        ASSERT_EQ(sv.open(type), 0);
        // Send from a fresh read-only mapping of the file.
        void* source = mmap(nullptr, size, PROT_READ, MAP_PRIVATE, file, 0);
        ASSERT_NE(source, MAP_FAILED);
        ASSERT_EQ(send(sv[0], static_cast<char*>(source) + 3 * 4096, 1000, 0), 1000);
        munmap(source, size);
        // Receive into a fresh writable private mapping of it (the fault reads the file, then
        // copies the page).
        void* target = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE, file, 0);
        ASSERT_NE(target, MAP_FAILED);
        char* into = static_cast<char*>(target) + 5 * 4096 + 17;
        ASSERT_EQ(recv(sv[1], into, 1000, 0), 1000);
        EXPECT_EQ(std::string(into, 1000), contents.substr(3 * 4096, 1000));
        munmap(target, size);
    }
    close(file);
    unlink(file_path.c_str());
}
