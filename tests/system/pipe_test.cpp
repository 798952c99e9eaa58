// pipe_test — anonymous pipes and FIFOs: blocking and EOF, EPIPE + SIGPIPE, the 64 KiB
// capacity with O_NONBLOCK, PIPE_BUF atomicity between concurrent writers, poll/select
// readiness and timeouts, FIONREAD, fstat, and FIFO open rendezvous. Linux's behaviour (the
// same binary runs under qemu-riscv64).
#include "fs_test_support.h"

#include <atomic>
#include <csignal>
#include <ctime>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/time.h>
#include <vector>

using namespace fstest;

namespace {

double now_seconds()
{
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return double(ts.tv_sec) + double(ts.tv_nsec) / 1e9;
}

TEST(Pipe, BytesComeOutInOrderThenEof)
{
    Pipe p;
    EXPECT_EQ(write(p.write, "hello", 5), 5);
    EXPECT_EQ(write(p.write, " world", 6), 6);
    char buffer[64] = {};
    EXPECT_EQ(read(p.read, buffer, 3), 3);
    EXPECT_EQ(std::string(buffer, 3), "hel");
    EXPECT_EQ(read(p.read, buffer, sizeof buffer), 8) << "a read returns what is there";
    EXPECT_EQ(std::string(buffer, 8), "lo world");
    EXPECT_EQ(read(p.read, buffer, 0), 0);
    EXPECT_EQ(write(p.write, buffer, 0), 0);
    p.close_write();
    EXPECT_EQ(read(p.read, buffer, sizeof buffer), 0) << "EOF once no writer remains";
}

TEST(Pipe, EndsHaveTheirAccessModes)
{
    Pipe p;
    EXPECT_EQ(fcntl(p.read, F_GETFL) & O_ACCMODE, O_RDONLY);
    EXPECT_EQ(fcntl(p.write, F_GETFL) & O_ACCMODE, O_WRONLY);
    char c = 'x';
    EXPECT_ERRNO(EBADF, write(p.read, &c, 1));
    EXPECT_ERRNO(EBADF, read(p.write, &c, 1));
    EXPECT_ERRNO(ESPIPE, lseek(p.read, 0, SEEK_CUR));
    EXPECT_ERRNO(ESPIPE, pread(p.read, &c, 1, 0));
    EXPECT_ERRNO(ESPIPE, pwrite(p.write, &c, 1, 0));
    struct stat st;
    ASSERT_EQ(fstat(p.read, &st), 0);
    EXPECT_TRUE(S_ISFIFO(st.st_mode));
    EXPECT_EQ(st.st_uid, getuid());
    struct stat st_write;
    ASSERT_EQ(fstat(p.write, &st_write), 0);
    EXPECT_EQ(st.st_ino, st_write.st_ino) << "both ends are one inode";
    EXPECT_EQ(st.st_dev, st_write.st_dev);
}

TEST(Pipe, Pipe2Flags)
{
    Pipe p(O_CLOEXEC | O_NONBLOCK);
    EXPECT_EQ(fcntl(p.read, F_GETFD), FD_CLOEXEC);
    EXPECT_EQ(fcntl(p.write, F_GETFD), FD_CLOEXEC);
    EXPECT_NE(fcntl(p.read, F_GETFL) & O_NONBLOCK, 0);
    char c;
    EXPECT_ERRNO(EAGAIN, read(p.read, &c, 1));
    if (under_qemu_user())
        return; // qemu-user drops unknown flags before the host sees them (Linux: EINVAL)
    int fds[2];
    EXPECT_ERRNO(EINVAL, pipe2(fds, 0x40000000));
}

// Fills a non-blocking pipe with writes of `size` bytes; returns the bytes it took.
size_t fill(int fd, size_t size)
{
    std::vector<char> chunk(size, 'x');
    size_t total = 0;
    for (;;) {
        ssize_t n = write(fd, chunk.data(), chunk.size());
        if (n < 0) {
            EXPECT_EQ(errno, EAGAIN);
            return total;
        }
        total += size_t(n);
    }
}

TEST(Pipe, CapacityIs64KiBAndNonblockingWriterGetsEagain)
{
    Pipe p(O_NONBLOCK);
    EXPECT_EQ(fill(p.write, 4096), 65536u);
    int available = 0;
    EXPECT_EQ(ioctl(p.read, FIONREAD, &available), 0);
    EXPECT_EQ(available, 65536);
    char c = 'x';
    EXPECT_ERRNO(EAGAIN, write(p.write, &c, 1));
    // A write larger than PIPE_BUF takes what fits and returns a partial count.
    std::vector<char> drain(8192);
    EXPECT_EQ(read(p.read, drain.data(), 8192), 8192);
    std::vector<char> big(10000, 'z');
    EXPECT_EQ(write(p.write, big.data(), big.size()), 8192);
}

TEST(Pipe, CapacityFollowsLinuxPageSlots)
{
    // Linux keeps a pipe as 16 page slots; a write's sub-page remainder joins the newest
    // slot only if it fits there whole. 1000-byte writes therefore fill 4000 bytes a slot.
    {
        Pipe p(O_NONBLOCK);
        EXPECT_EQ(fill(p.write, 1000), 64000u);
        // Room for 96 more bytes in the newest slot, but no free slot for 100.
        char small[100] = {};
        EXPECT_ERRNO(EAGAIN, write(p.write, small, 100));
        EXPECT_EQ(write(p.write, small, 96), 96);
        // Reading part of the oldest slot frees nothing: still full.
        EXPECT_EQ(read(p.read, small, 100), 100);
        pollfd fd = { p.write, POLLOUT, 0 };
        EXPECT_EQ(poll(&fd, 1, 0), 0);
    }
    {
        Pipe p(O_NONBLOCK);
        EXPECT_EQ(fill(p.write, 1), 65536u) << "single bytes merge into full pages";
    }
}

TEST(Pipe, BlockedReaderWakesForWriter)
{
    Pipe p;
    int status = run_in_child([&] {
        usleep(100 * 1000);
        return write(p.write, "ping", 4) == 4 ? 0 : 1;
    });
    char buffer[8] = {};
    EXPECT_EQ(read(p.read, buffer, sizeof buffer), 4);
    EXPECT_EQ(std::string(buffer, 4), "ping");
    EXPECT_TRUE(exited_with(status, 0));
}

TEST(Pipe, BlockedWriterWaitsForRoom)
{
    Pipe p;
    // The child writes 200 KiB; it must block until the parent drains.
    pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        close(p.read);
        std::vector<char> data(200 * 1024);
        for (size_t i = 0; i < data.size(); ++i)
            data[i] = char(i % 251);
        ssize_t n = write(p.write, data.data(), data.size());
        _exit(n == ssize_t(data.size()) ? 0 : 1);
    }
    p.close_write();
    usleep(100 * 1000);
    int available = 0;
    EXPECT_EQ(ioctl(p.read, FIONREAD, &available), 0);
    EXPECT_EQ(available, 65536) << "the writer blocked with the pipe full";
    std::vector<char> received;
    char buffer[8192];
    ssize_t n;
    while ((n = read(p.read, buffer, sizeof buffer)) > 0)
        received.insert(received.end(), buffer, buffer + n);
    ASSERT_EQ(received.size(), 200u * 1024);
    bool intact = true;
    for (size_t i = 0; i < received.size(); ++i)
        intact = intact && received[i] == char(i % 251);
    EXPECT_TRUE(intact);
    int status;
    ASSERT_EQ(waitpid(child, &status, 0), child);
    EXPECT_TRUE(exited_with(status, 0));
}

TEST(Pipe, WriteWithoutReaderRaisesSigpipe)
{
    int status = run_in_child([] {
        int fds[2];
        if (pipe(fds) != 0)
            return 10;
        close(fds[0]);
        write(fds[1], "x", 1);
        return 11; // not reached: SIGPIPE's default action terminates
    });
    EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGPIPE) << "status " << status;

    status = run_in_child([] {
        signal(SIGPIPE, SIG_IGN);
        int fds[2];
        if (pipe(fds) != 0)
            return 10;
        close(fds[0]);
        if (write(fds[1], "x", 1) != -1 || errno != EPIPE)
            return 11;
        return 0;
    });
    EXPECT_TRUE(exited_with(status, 0)) << "status " << status;

    status = run_in_child([] {
        static std::atomic<int> caught;
        signal(SIGPIPE, [](int signal) { caught = signal; });
        int fds[2];
        if (pipe(fds) != 0)
            return 10;
        close(fds[0]);
        if (write(fds[1], "x", 1) != -1 || errno != EPIPE)
            return 11;
        return caught == SIGPIPE ? 0 : 12;
    });
    EXPECT_TRUE(exited_with(status, 0)) << "status " << status;
}

TEST(Pipe, WritesUpToPipeBufAreAtomic)
{
    Pipe p;
    constexpr int writers = 4, records = 40;
    std::vector<pid_t> children;
    for (int w = 0; w < writers; ++w) {
        pid_t child = fork();
        ASSERT_GE(child, 0);
        if (child == 0) {
            close(p.read);
            std::vector<char> record(PIPE_BUF, char('A' + w));
            for (int r = 0; r < records; ++r) {
                if (write(p.write, record.data(), record.size()) != ssize_t(record.size()))
                    _exit(1);
            }
            _exit(0);
        }
        children.push_back(child);
    }
    p.close_write();
    std::vector<char> all;
    char buffer[3000]; // deliberately not a multiple of PIPE_BUF
    ssize_t n;
    while ((n = read(p.read, buffer, sizeof buffer)) > 0)
        all.insert(all.end(), buffer, buffer + n);
    ASSERT_EQ(all.size(), size_t(writers * records * PIPE_BUF));
    int torn = 0;
    for (size_t record = 0; record < all.size() / PIPE_BUF; ++record) {
        for (size_t i = 1; i < PIPE_BUF; ++i) {
            if (all[record * PIPE_BUF + i] != all[record * PIPE_BUF]) {
                ++torn;
                break;
            }
        }
    }
    EXPECT_EQ(torn, 0);
    for (pid_t child : children) {
        int status;
        waitpid(child, &status, 0);
        EXPECT_TRUE(exited_with(status, 0));
    }
}

TEST(PipePoll, ReadinessFollowsTheBuffer)
{
    Pipe p(O_NONBLOCK);
    pollfd fds[2] = { { p.read, POLLIN | POLLOUT, 0 }, { p.write, POLLIN | POLLOUT, 0 } };
    EXPECT_EQ(poll(fds, 2, 0), 1);
    EXPECT_EQ(fds[0].revents, 0);
    EXPECT_EQ(fds[1].revents, POLLOUT);

    ASSERT_EQ(write(p.write, "x", 1), 1);
    EXPECT_EQ(poll(fds, 2, 0), 2);
    EXPECT_EQ(fds[0].revents, POLLIN);

    // Full: the writer is not ready.
    std::vector<char> chunk(4096, 'y');
    while (write(p.write, chunk.data(), chunk.size()) > 0) { }
    while (write(p.write, chunk.data(), 1) > 0) { }
    EXPECT_EQ(poll(fds, 2, 0), 1);
    EXPECT_EQ(fds[1].revents, 0);
    // A page of room makes it writable again.
    std::vector<char> drain(4096);
    EXPECT_EQ(read(p.read, drain.data(), drain.size()), 4096);
    EXPECT_EQ(poll(&fds[1], 1, 0), 1);
    EXPECT_EQ(fds[1].revents, POLLOUT);
}

TEST(PipePoll, HangupAndError)
{
    {
        Pipe p;
        ASSERT_EQ(write(p.write, "x", 1), 1);
        p.close_write();
        pollfd fd = { p.read, POLLIN, 0 };
        EXPECT_EQ(poll(&fd, 1, 0), 1);
        EXPECT_EQ(fd.revents, POLLIN | POLLHUP);
        char c;
        EXPECT_EQ(read(p.read, &c, 1), 1);
        EXPECT_EQ(poll(&fd, 1, 0), 1);
        EXPECT_EQ(fd.revents, POLLHUP) << "POLLHUP is reported even when not requested";
    }
    {
        Pipe p;
        p.close_read();
        pollfd fd = { p.write, POLLOUT, 0 };
        EXPECT_EQ(poll(&fd, 1, 0), 1);
        EXPECT_EQ(fd.revents, POLLOUT | POLLERR);
    }
    pollfd invalid[2] = { { 999, POLLIN, 0 }, { -1, POLLIN, 0 } };
    EXPECT_EQ(poll(invalid, 2, 0), 1);
    EXPECT_EQ(invalid[0].revents, POLLNVAL);
    EXPECT_EQ(invalid[1].revents, 0) << "negative fds are ignored";
}

TEST(PipePoll, TimeoutElapses)
{
    Pipe p;
    pollfd fd = { p.read, POLLIN, 0 };
    double start = now_seconds();
    EXPECT_EQ(poll(&fd, 1, 150), 0);
    double elapsed = now_seconds() - start;
    EXPECT_GE(elapsed, 0.14);
    EXPECT_LT(elapsed, 2.0);

    timespec timeout { 0, 100 * 1000 * 1000 };
    start = now_seconds();
    EXPECT_EQ(ppoll(&fd, 1, &timeout, nullptr), 0);
    EXPECT_GE(now_seconds() - start, 0.09);
    timespec bad { 0, 1000000000 };
    EXPECT_ERRNO(EINVAL, ppoll(&fd, 1, &bad, nullptr));
    // A descriptor count beyond RLIMIT_NOFILE is EINVAL before anything is read; the count
    // goes through a volatile so the compiler does not reject the (deliberate) overlong array.
    volatile nfds_t too_many = nfds_t(1) << 30;
    EXPECT_ERRNO(EINVAL, poll(&fd, too_many, 0));
}

TEST(PipePoll, SleeperWakesWhenDataArrives)
{
    Pipe p;
    int status = run_in_child([&] {
        usleep(100 * 1000);
        return write(p.write, "!", 1) == 1 ? 0 : 1;
    });
    pollfd fd = { p.read, POLLIN, 0 };
    double start = now_seconds();
    EXPECT_EQ(poll(&fd, 1, 10000), 1);
    EXPECT_LT(now_seconds() - start, 5.0);
    EXPECT_EQ(fd.revents, POLLIN);
    EXPECT_TRUE(exited_with(status, 0));
}

TEST(PipePoll, SignalInterruptsPoll)
{
    struct sigaction action { };
    action.sa_handler = [](int) {};
    action.sa_flags = SA_RESTART; // poll is never restarted after a handler, SA_RESTART or not
    ASSERT_EQ(sigaction(SIGUSR1, &action, nullptr), 0);
    Pipe p;
    pid_t parent = getpid();
    pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        usleep(100 * 1000);
        kill(parent, SIGUSR1);
        _exit(0);
    }
    pollfd fd = { p.read, POLLIN, 0 };
    EXPECT_ERRNO(EINTR, poll(&fd, 1, 5000));
    int status;
    waitpid(child, &status, 0);

    // select too.
    child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        usleep(100 * 1000);
        kill(parent, SIGUSR1);
        _exit(0);
    }
    fd_set readable;
    FD_ZERO(&readable);
    FD_SET(p.read, &readable);
    timeval timeout { 5, 0 };
    EXPECT_ERRNO(EINTR, select(p.read + 1, &readable, nullptr, nullptr, &timeout));
    waitpid(child, &status, 0);
    action.sa_handler = SIG_DFL;
    sigaction(SIGUSR1, &action, nullptr);
}

TEST(PipePoll, PpollMaskLetsABlockedSignalIn)
{
    static std::atomic<int> caught;
    struct sigaction action { };
    action.sa_handler = [](int signal) { caught = signal; };
    ASSERT_EQ(sigaction(SIGUSR2, &action, nullptr), 0);
    sigset_t blocked, old;
    sigemptyset(&blocked);
    sigaddset(&blocked, SIGUSR2);
    ASSERT_EQ(sigprocmask(SIG_BLOCK, &blocked, &old), 0);
    ASSERT_EQ(kill(getpid(), SIGUSR2), 0); // pending, blocked
    EXPECT_EQ(caught, 0);
    Pipe p;
    pollfd fd = { p.read, POLLIN, 0 };
    sigset_t during;
    sigemptyset(&during);
    timespec timeout { 5, 0 };
    EXPECT_ERRNO(EINTR, ppoll(&fd, 1, &timeout, &during));
    EXPECT_EQ(caught, SIGUSR2) << "delivered under ppoll's mask";
    sigset_t now;
    sigprocmask(SIG_SETMASK, nullptr, &now);
    EXPECT_TRUE(sigismember(&now, SIGUSR2)) << "the old mask is back after the handler";
    sigprocmask(SIG_SETMASK, &old, nullptr);
    action.sa_handler = SIG_DFL;
    sigaction(SIGUSR2, &action, nullptr);
}

TEST(PipeSelect, ReadWriteSets)
{
    Pipe p;
    fd_set readable, writable;
    FD_ZERO(&readable);
    FD_ZERO(&writable);
    FD_SET(p.read, &readable);
    FD_SET(p.write, &writable);
    FD_SET(p.read, &writable);
    timeval zero {};
    int nfds = std::max(p.read, p.write) + 1;
    EXPECT_EQ(select(nfds, &readable, &writable, nullptr, &zero), 1);
    EXPECT_FALSE(FD_ISSET(p.read, &readable));
    EXPECT_TRUE(FD_ISSET(p.write, &writable));
    EXPECT_FALSE(FD_ISSET(p.read, &writable));

    ASSERT_EQ(write(p.write, "x", 1), 1);
    FD_ZERO(&readable);
    FD_SET(p.read, &readable);
    EXPECT_EQ(select(nfds, &readable, nullptr, nullptr, &zero), 1);
    EXPECT_TRUE(FD_ISSET(p.read, &readable));

    timeval timeout { 0, 100 * 1000 };
    char c;
    ASSERT_EQ(read(p.read, &c, 1), 1);
    FD_ZERO(&readable);
    FD_SET(p.read, &readable);
    double start = now_seconds();
    EXPECT_EQ(select(nfds, &readable, nullptr, nullptr, &timeout), 0);
    EXPECT_GE(now_seconds() - start, 0.09);
    EXPECT_FALSE(FD_ISSET(p.read, &readable));

    // A closed descriptor in a set is EBADF. (Linux ignores bits beyond its descriptor
    // table's current size — 64 for a small process — so stay below that.)
    FD_ZERO(&readable);
    FD_SET(50, &readable);
    EXPECT_ERRNO(EBADF, select(51, &readable, nullptr, nullptr, &zero));
    EXPECT_ERRNO(EINVAL, select(-1, nullptr, nullptr, nullptr, &zero));
    timeval bad { 0, -1 };
    EXPECT_ERRNO(EINVAL, select(0, nullptr, nullptr, nullptr, &bad));
}

class Fifo : public testing::TestWithParam<const char*> {
protected:
    ScratchDir dir { GetParam(), "fifo" };
};

TEST_P(Fifo, OpenRendezvousAndData)
{
    std::string path = dir / "fifo";
    ASSERT_EQ(mkfifo(path.c_str(), 0666), 0) << strerror(errno);
    struct stat st;
    ASSERT_EQ(stat(path.c_str(), &st), 0);
    EXPECT_TRUE(S_ISFIFO(st.st_mode));

    // Without a reader, a non-blocking writer gets ENXIO; a non-blocking reader opens.
    EXPECT_ERRNO(ENXIO, open(path.c_str(), O_WRONLY | O_NONBLOCK));
    int reader = open(path.c_str(), O_RDONLY | O_NONBLOCK);
    ASSERT_GE(reader, 0) << strerror(errno);
    char buffer[16];
    EXPECT_EQ(read(reader, buffer, sizeof buffer), 0) << "no writer: end of file";
    int writer = open(path.c_str(), O_WRONLY | O_NONBLOCK);
    ASSERT_GE(writer, 0) << strerror(errno);
    EXPECT_ERRNO(EAGAIN, read(reader, buffer, sizeof buffer));
    EXPECT_EQ(write(writer, "fifo", 4), 4);
    EXPECT_EQ(read(reader, buffer, sizeof buffer), 4);
    close(writer);
    EXPECT_EQ(read(reader, buffer, sizeof buffer), 0) << "the writer went away: end of file";
    close(reader);
}

TEST_P(Fifo, BlockingOpenWaitsForPartner)
{
    std::string path = dir / "fifo";
    ASSERT_EQ(mkfifo(path.c_str(), 0666), 0) << strerror(errno);
    pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        usleep(100 * 1000);
        int fd = open(path.c_str(), O_WRONLY);
        if (fd < 0)
            _exit(1);
        _exit(write(fd, "late", 4) == 4 ? 0 : 2);
    }
    double start = now_seconds();
    int reader = open(path.c_str(), O_RDONLY);
    ASSERT_GE(reader, 0) << strerror(errno);
    EXPECT_GE(now_seconds() - start, 0.05);
    char buffer[16];
    EXPECT_EQ(read(reader, buffer, sizeof buffer), 4);
    EXPECT_EQ(read(reader, buffer, sizeof buffer), 0);
    close(reader);
    int status;
    ASSERT_EQ(waitpid(child, &status, 0), child);
    EXPECT_TRUE(exited_with(status, 0));

    // O_RDWR never waits, and data written through it comes back.
    int both = open(path.c_str(), O_RDWR);
    ASSERT_GE(both, 0);
    EXPECT_EQ(write(both, "rw", 2), 2);
    EXPECT_EQ(read(both, buffer, sizeof buffer), 2);
    close(both);
}

INSTANTIATE_TEST_SUITE_P(Filesystems, Fifo, testing::ValuesIn(filesystem_roots), root_name);

} // namespace
