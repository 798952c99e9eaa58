// epoll_test — epoll_create1, epoll_ctl, epoll_pwait, epoll_pwait2 over pipes, socket pairs,
// listening sockets and eventfds: level- and edge-triggered and one-shot items, EPOLLRDHUP,
// EPOLLHUP and EPOLLERR, fairness when maxevents is short, the lifetime of an item (closing
// the watched file removes it; closing one of two dup'ed descriptors does not), nested
// instances and the loop/depth checks, every errno, signal masks and EINTR, wake-ups from
// other threads, timeouts. Linux's behaviour (the same binary runs under qemu-riscv64 and on
// linux-ref).
#include "unix_test_support.h"

#include <poll.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <thread>

using namespace fstest;
using namespace proctest;
using unix_test::SocketPair;

namespace {

// An epoll instance that closes itself.
struct Epoll {
    int fd;
    explicit Epoll(int flags = 0)
        : fd(epoll_create1(flags))
    {
        if (fd < 0)
            ADD_FAILURE() << "epoll_create1: " << strerror(errno);
    }
    ~Epoll() { close(); }
    Epoll(const Epoll&) = delete;
    Epoll& operator=(const Epoll&) = delete;
    void close()
    {
        if (fd >= 0)
            ::close(fd);
        fd = -1;
    }

    int ctl(int op, int target, uint32_t events, uint64_t data)
    {
        epoll_event event {};
        event.events = events;
        event.data.u64 = data;
        return epoll_ctl(fd, op, target, &event);
    }
    int add(int target, uint32_t events, uint64_t data) { return ctl(EPOLL_CTL_ADD, target, events, data); }
    int modify(int target, uint32_t events, uint64_t data) { return ctl(EPOLL_CTL_MOD, target, events, data); }
    int remove(int target) { return epoll_ctl(fd, EPOLL_CTL_DEL, target, nullptr); }

    // One epoll_wait: the events it returned (empty on 0 or an error; errno tells).
    std::vector<epoll_event> wait(int timeout_ms = 0, int max = 16)
    {
        std::vector<epoll_event> events(static_cast<size_t>(max));
        int n = epoll_wait(fd, events.data(), max, timeout_ms);
        events.resize(n > 0 ? size_t(n) : 0);
        return events;
    }
};

// The (events, data) pairs of a wait, for comparisons.
std::vector<std::pair<uint32_t, uint64_t>> pairs(const std::vector<epoll_event>& events)
{
    std::vector<std::pair<uint32_t, uint64_t>> out;
    for (auto& event : events)
        out.emplace_back(event.events, event.data.u64);
    return out;
}
using Pairs = std::vector<std::pair<uint32_t, uint64_t>>;

void put(int fd, const char* text = "x") { ASSERT_EQ(write(fd, text, strlen(text)), ssize_t(strlen(text))); }

void drain(int fd)
{
    char buffer[4096];
    while (read(fd, buffer, sizeof buffer) > 0) { }
}

std::string link_of(int fd)
{
    char link[128] = {};
    std::string path = "/proc/self/fd/" + std::to_string(fd);
    if (readlink(path.c_str(), link, sizeof link - 1) < 0)
        return "<" + std::string(strerror(errno)) + ">";
    return link;
}

// --- the instance ---

TEST(Epoll, CreateFlags)
{
    Epoll plain;
    EXPECT_EQ(fcntl(plain.fd, F_GETFD), 0);
    EXPECT_EQ(fcntl(plain.fd, F_GETFL), O_RDWR);
    Epoll cloexec(EPOLL_CLOEXEC);
    EXPECT_EQ(fcntl(cloexec.fd, F_GETFD), FD_CLOEXEC);
    EXPECT_ERRNO(EINVAL, epoll_create1(O_NONBLOCK));
    EXPECT_ERRNO(EINVAL, epoll_create1(1));
}

TEST(Epoll, IsAnAnonymousFile)
{
    Epoll ep;
    struct stat st;
    ASSERT_EQ(fstat(ep.fd, &st), 0);
    EXPECT_EQ(st.st_mode & S_IFMT, 0u);
    EXPECT_EQ(st.st_mode & 07777, 0600u);
    int efd = eventfd(0, 0);
    struct stat efd_st;
    ASSERT_EQ(fstat(efd, &efd_st), 0);
    EXPECT_EQ(efd_st.st_ino, st.st_ino) << "eventfd and epoll share the anonymous inode";
    close(efd);
    EXPECT_EQ(link_of(ep.fd), "anon_inode:[eventpoll]");
    char c;
    EXPECT_ERRNO(EINVAL, read(ep.fd, &c, 1));
    EXPECT_ERRNO(EINVAL, write(ep.fd, &c, 1));
    EXPECT_EQ(lseek(ep.fd, 10, SEEK_SET), 0);
    int n;
    EXPECT_ERRNO(EINVAL, ioctl(ep.fd, FIONREAD, &n));
}

// --- readiness of each kind of file ---

TEST(Epoll, PipeReadEndIsLevelTriggered)
{
    Epoll ep;
    Pipe p(O_NONBLOCK);
    ASSERT_EQ(ep.add(p.read, EPOLLIN, 7), 0);
    EXPECT_TRUE(ep.wait().empty());
    put(p.write, "ab");
    EXPECT_EQ(pairs(ep.wait()), (Pairs { { EPOLLIN, 7 } }));
    EXPECT_EQ(pairs(ep.wait()), (Pairs { { EPOLLIN, 7 } })) << "still readable: reported again";
    char c;
    ASSERT_EQ(read(p.read, &c, 1), 1);
    EXPECT_EQ(pairs(ep.wait()), (Pairs { { EPOLLIN, 7 } }));
    ASSERT_EQ(read(p.read, &c, 1), 1);
    EXPECT_TRUE(ep.wait().empty()) << "readiness is asked again: nothing stale";
}

TEST(Epoll, PipeWriteEndFollowsRoom)
{
    Epoll ep;
    Pipe p(O_NONBLOCK);
    ASSERT_EQ(ep.add(p.write, EPOLLOUT, 1), 0);
    EXPECT_EQ(pairs(ep.wait()), (Pairs { { EPOLLOUT, 1 } }));
    std::vector<char> block(65536, 'x');
    while (write(p.write, block.data(), block.size()) > 0) { }
    EXPECT_TRUE(ep.wait().empty()) << "full";
    drain(p.read);
    EXPECT_EQ(pairs(ep.wait()), (Pairs { { EPOLLOUT, 1 } }));
}

TEST(Epoll, PipeHangUpAndErrorAreAlwaysReported)
{
    Epoll ep;
    Pipe p;
    ASSERT_EQ(ep.add(p.read, 0, 1), 0) << "no events asked for";
    ASSERT_EQ(ep.add(p.write, EPOLLIN, 2), 0) << "EPOLLIN on a write end never comes";
    EXPECT_TRUE(ep.wait().empty());
    p.close_write();
    EXPECT_EQ(pairs(ep.wait()), (Pairs { { EPOLLHUP, 1 } })) << "the closed write end's item is gone";
    Pipe q;
    ASSERT_EQ(ep.add(q.write, EPOLLIN, 3), 0);
    q.close_read();
    auto events = pairs(ep.wait());
    EXPECT_EQ(events, (Pairs { { EPOLLHUP, 1 }, { EPOLLERR, 3 } }));
}

TEST(Epoll, SocketPairDataAndRoom)
{
    Epoll ep;
    SocketPair pair;
    ASSERT_EQ(pair.open(SOCK_STREAM), 0);
    ASSERT_EQ(ep.add(pair[0], EPOLLIN | EPOLLOUT, 10), 0);
    EXPECT_EQ(pairs(ep.wait()), (Pairs { { EPOLLOUT, 10 } }));
    put(pair[1], "hi");
    EXPECT_EQ(pairs(ep.wait()), (Pairs { { EPOLLIN | EPOLLOUT, 10 } }));
}

TEST(Epoll, PeerShutdownGivesRdHupOnlyWhenAsked)
{
    Epoll ep;
    SocketPair pair;
    ASSERT_EQ(pair.open(SOCK_STREAM), 0);
    int again = dup(pair[0]);
    ASSERT_EQ(ep.add(pair[0], EPOLLIN | EPOLLRDHUP, 1), 0);
    ASSERT_EQ(ep.add(again, EPOLLIN, 2), 0);
    ASSERT_EQ(shutdown(pair[1], SHUT_WR), 0);
    // One wake-up makes both ready: the later registration is first on the socket's queue
    // (Linux's add_wait_queue adds at the head), so it is first on the ready list.
    EXPECT_EQ(pairs(ep.wait()), (Pairs { { EPOLLIN, 2 }, { EPOLLIN | EPOLLRDHUP, 1 } }));
    close(again);
}

TEST(Epoll, PeerCloseGivesHangUp)
{
    Epoll ep;
    SocketPair pair;
    ASSERT_EQ(pair.open(SOCK_STREAM), 0);
    ASSERT_EQ(ep.add(pair[0], EPOLLIN | EPOLLRDHUP, 1), 0);
    pair.close(1);
    EXPECT_EQ(pairs(ep.wait()), (Pairs { { EPOLLIN | EPOLLRDHUP | EPOLLHUP, 1 } }));
}

TEST(Epoll, ListeningSocketIsReadableWithAPendingConnection)
{
    std::string path = unix_test::temp_path("epoll-listen");
    int listener = unix_test::listening_socket(SOCK_STREAM, path);
    ASSERT_GE(listener, 0);
    Epoll ep;
    ASSERT_EQ(ep.add(listener, EPOLLIN | EPOLLOUT, 5), 0);
    EXPECT_TRUE(ep.wait().empty()) << "a listener is never writable";
    int client = unix_test::connect_to(SOCK_STREAM, path);
    ASSERT_GE(client, 0);
    EXPECT_EQ(pairs(ep.wait()), (Pairs { { EPOLLIN, 5 } }));
    int accepted = accept(listener, nullptr, nullptr);
    ASSERT_GE(accepted, 0);
    EXPECT_TRUE(ep.wait().empty());
    close(accepted);
    close(client);
    close(listener);
    unlink(path.c_str());
}

TEST(Epoll, EventFdCounter)
{
    Epoll ep;
    int efd = eventfd(0, EFD_NONBLOCK);
    ASSERT_EQ(ep.add(efd, EPOLLIN, 3), 0);
    EXPECT_TRUE(ep.wait().empty());
    uint64_t one = 1;
    ASSERT_EQ(write(efd, &one, 8), 8);
    EXPECT_EQ(pairs(ep.wait()), (Pairs { { EPOLLIN, 3 } }));
    uint64_t value;
    ASSERT_EQ(read(efd, &value, 8), 8);
    EXPECT_TRUE(ep.wait().empty());
    close(efd);
}

// --- edge-triggered and one-shot ---

TEST(Epoll, EdgeTriggeredReportsEachChangeOnce)
{
    Epoll ep;
    Pipe p(O_NONBLOCK);
    ASSERT_EQ(ep.add(p.read, EPOLLIN | EPOLLET, 1), 0);
    put(p.write);
    EXPECT_EQ(pairs(ep.wait()), (Pairs { { EPOLLIN, 1 } }));
    EXPECT_TRUE(ep.wait().empty()) << "no new edge, though still readable";
    put(p.write);
    EXPECT_EQ(pairs(ep.wait()), (Pairs { { EPOLLIN, 1 } })) << "more data is a new edge";
    EXPECT_TRUE(ep.wait().empty());
}

TEST(Epoll, EdgeTriggeredReadyAtAddIsReportedOnce)
{
    Epoll ep;
    Pipe p(O_NONBLOCK);
    put(p.write);
    ASSERT_EQ(ep.add(p.read, EPOLLIN | EPOLLET, 1), 0);
    EXPECT_EQ(pairs(ep.wait()), (Pairs { { EPOLLIN, 1 } }));
    EXPECT_TRUE(ep.wait().empty());
}

// A wake-up says what it is about (Linux's wake-up key): an edge-triggered item hears only of
// the kind of change it asks for.
TEST(Epoll, EventFdWritesAreInputEdgesOnly)
{
    Epoll ep;
    int efd = eventfd(0, EFD_NONBLOCK);
    int again = dup(efd);
    ASSERT_EQ(ep.add(efd, EPOLLOUT | EPOLLET, 1), 0);
    ASSERT_EQ(ep.add(again, EPOLLIN | EPOLLOUT | EPOLLET, 2), 0);
    EXPECT_EQ(ep.wait().size(), 2u) << "both writable when added";
    EXPECT_TRUE(ep.wait().empty());
    uint64_t zero = 0;
    ASSERT_EQ(write(efd, &zero, 8), 8);
    EXPECT_EQ(pairs(ep.wait()), (Pairs { { EPOLLOUT, 2 } })) << "a write (even of 0) is an EPOLLIN wake-up";
    uint64_t one = 1, value;
    ASSERT_EQ(write(efd, &one, 8), 8);
    EXPECT_EQ(pairs(ep.wait()), (Pairs { { EPOLLIN | EPOLLOUT, 2 } }));
    ASSERT_EQ(read(efd, &value, 8), 8);
    EXPECT_EQ(pairs(ep.wait()), (Pairs { { EPOLLOUT, 2 }, { EPOLLOUT, 1 } })) << "a read is an EPOLLOUT one";
    close(again);
    close(efd);
}

TEST(Epoll, SocketEdgesFollowTheirDirection)
{
    Epoll ep;
    SocketPair pair;
    ASSERT_EQ(pair.open(SOCK_STREAM), 0);
    ASSERT_EQ(ep.add(pair[0], EPOLLOUT | EPOLLET, 1), 0);
    ASSERT_EQ(ep.add(pair[1], EPOLLIN | EPOLLET, 2), 0);
    EXPECT_EQ(pairs(ep.wait()), (Pairs { { EPOLLOUT, 1 } }));
    put(pair[1], "ab"); // data for pair[0]: no news for a writer
    EXPECT_TRUE(ep.wait().empty());
    char c;
    ASSERT_EQ(read(pair[0], &c, 1), 1); // room for pair[1]: no news for its reader
    EXPECT_TRUE(ep.wait().empty());
    put(pair[0], "c");
    EXPECT_EQ(pairs(ep.wait()), (Pairs { { EPOLLIN, 2 } }));
}

TEST(Epoll, PipeReadEndEdgeIsNotRearmedByReading)
{
    Epoll ep;
    Pipe p(O_NONBLOCK);
    ASSERT_EQ(ep.add(p.read, EPOLLIN | EPOLLET, 1), 0);
    put(p.write, "ab");
    EXPECT_EQ(pairs(ep.wait()), (Pairs { { EPOLLIN, 1 } }));
    char c;
    ASSERT_EQ(read(p.read, &c, 1), 1);
    EXPECT_TRUE(ep.wait().empty()) << "reading announces room to writers only";
}

TEST(Epoll, OneShotDisarmsUntilModify)
{
    Epoll ep;
    Pipe p(O_NONBLOCK);
    ASSERT_EQ(ep.add(p.read, EPOLLIN | EPOLLONESHOT, 1), 0);
    put(p.write);
    EXPECT_EQ(pairs(ep.wait()), (Pairs { { EPOLLIN, 1 } }));
    EXPECT_TRUE(ep.wait().empty());
    put(p.write);
    EXPECT_TRUE(ep.wait().empty()) << "disarmed: new data does not count";
    p.close_write();
    EXPECT_TRUE(ep.wait().empty()) << "nor does a hang-up";
    ASSERT_EQ(ep.modify(p.read, EPOLLIN | EPOLLONESHOT, 2), 0);
    EXPECT_EQ(pairs(ep.wait()), (Pairs { { EPOLLIN | EPOLLHUP, 2 } })) << "MOD re-arms, and what is ready is reported";
    EXPECT_TRUE(ep.wait().empty());
}

TEST(Epoll, ModifyChangesEventsAndData)
{
    Epoll ep;
    SocketPair pair;
    ASSERT_EQ(pair.open(SOCK_STREAM), 0);
    ASSERT_EQ(ep.add(pair[0], EPOLLIN, 1), 0);
    EXPECT_TRUE(ep.wait().empty());
    ASSERT_EQ(ep.modify(pair[0], EPOLLOUT, 2), 0);
    EXPECT_EQ(pairs(ep.wait()), (Pairs { { EPOLLOUT, 2 } }));
    ASSERT_EQ(ep.modify(pair[0], EPOLLIN, 3), 0);
    EXPECT_TRUE(ep.wait().empty());
    put(pair[1]);
    EXPECT_EQ(pairs(ep.wait()), (Pairs { { EPOLLIN, 3 } }));
}

TEST(Epoll, DeleteStopsEvents)
{
    Epoll ep;
    Pipe p;
    ASSERT_EQ(ep.add(p.read, EPOLLIN, 1), 0);
    put(p.write);
    ASSERT_EQ(ep.wait().size(), 1u);
    ASSERT_EQ(ep.remove(p.read), 0);
    EXPECT_TRUE(ep.wait().empty());
    EXPECT_ERRNO(ENOENT, ep.remove(p.read));
    EXPECT_ERRNO(ENOENT, ep.modify(p.read, EPOLLIN, 1));
    ASSERT_EQ(ep.add(p.read, EPOLLIN, 4), 0) << "and it can be added again";
    EXPECT_EQ(pairs(ep.wait()), (Pairs { { EPOLLIN, 4 } }));
}

// --- fairness ---

TEST(Epoll, ShortMaxEventsTakesTurns)
{
    Epoll ep;
    Pipe a, b, c;
    ASSERT_EQ(ep.add(a.read, EPOLLIN, 1), 0);
    ASSERT_EQ(ep.add(b.read, EPOLLIN, 2), 0);
    ASSERT_EQ(ep.add(c.read, EPOLLIN, 3), 0);
    put(a.write);
    put(b.write);
    put(c.write);
    EXPECT_EQ(pairs(ep.wait(0, 2)), (Pairs { { EPOLLIN, 1 }, { EPOLLIN, 2 } }));
    EXPECT_EQ(pairs(ep.wait(0, 2)), (Pairs { { EPOLLIN, 3 }, { EPOLLIN, 1 } })) << "the one left out comes first";
    EXPECT_EQ(pairs(ep.wait(0, 2)), (Pairs { { EPOLLIN, 2 }, { EPOLLIN, 3 } }));
    EXPECT_EQ(pairs(ep.wait(0, 1)), (Pairs { { EPOLLIN, 1 } }));
    EXPECT_EQ(pairs(ep.wait(0, 16)), (Pairs { { EPOLLIN, 2 }, { EPOLLIN, 3 }, { EPOLLIN, 1 } }));
}

TEST(Epoll, ManyItemsOnlyTheReadyOneIsReported)
{
    Epoll ep;
    std::vector<std::unique_ptr<SocketPair>> pairs_held;
    for (int i = 0; i < 200; ++i) {
        pairs_held.push_back(std::make_unique<SocketPair>());
        ASSERT_EQ(pairs_held.back()->open(SOCK_STREAM), 0);
        ASSERT_EQ(ep.add((*pairs_held.back())[0], EPOLLIN, uint64_t(i)), 0);
    }
    put((*pairs_held[137])[1]);
    EXPECT_EQ(pairs(ep.wait(1000)), (Pairs { { EPOLLIN, 137 } }));
}

// --- lifetime of an item ---

TEST(Epoll, ClosingTheWatchedFileRemovesItsItem)
{
    Epoll ep;
    Pipe p;
    int number = p.read;
    ASSERT_EQ(ep.add(p.read, EPOLLIN, 1), 0);
    put(p.write);
    ASSERT_EQ(ep.wait().size(), 1u);
    p.close_read();
    EXPECT_TRUE(ep.wait().empty()) << "the item went with the file";
    EXPECT_ERRNO(EBADF, ep.remove(number));
    Pipe q;
    ASSERT_EQ(q.read, number) << "the number is reused";
    ASSERT_EQ(ep.add(q.read, EPOLLIN, 2), 0) << "a new file under the old number is a new item";
    put(q.write);
    EXPECT_EQ(pairs(ep.wait()), (Pairs { { EPOLLIN, 2 } }));
}

TEST(Epoll, ClosingOneOfTwoDuplicatesKeepsTheItem)
{
    // epoll(7)'s gotcha: the item belongs to the open file description, not the number.
    Epoll ep;
    Pipe p;
    int original = p.read;
    int duplicate = dup(p.read);
    ASSERT_GE(duplicate, 0);
    ASSERT_EQ(ep.add(original, EPOLLIN, 1), 0);
    p.close_read();
    put(p.write);
    EXPECT_EQ(pairs(ep.wait()), (Pairs { { EPOLLIN, 1 } })) << "reported for a number no longer open";
    EXPECT_ERRNO(EBADF, ep.remove(original));
    EXPECT_ERRNO(ENOENT, ep.remove(duplicate)); // the item is (original, file), not (duplicate, file)
    ASSERT_EQ(ep.add(duplicate, EPOLLIN, 2), 0);
    EXPECT_EQ(pairs(ep.wait()), (Pairs { { EPOLLIN, 1 }, { EPOLLIN, 2 } }));
    close(duplicate);
    EXPECT_TRUE(ep.wait().empty()) << "the last close removes both";
}

TEST(Epoll, OneFileUnderTwoNumbersIsTwoItems)
{
    Epoll ep;
    Pipe p;
    int duplicate = dup(p.read);
    ASSERT_EQ(ep.add(p.read, EPOLLIN, 1), 0);
    ASSERT_EQ(ep.add(duplicate, EPOLLIN, 2), 0);
    put(p.write);
    EXPECT_EQ(pairs(ep.wait()), (Pairs { { EPOLLIN, 2 }, { EPOLLIN, 1 } })) << "the later hook runs first";
    close(duplicate);
}

TEST(Epoll, WatchingASocketDoesNotKeepItOpen)
{
    Epoll ep;
    SocketPair pair;
    ASSERT_EQ(pair.open(SOCK_STREAM), 0);
    ASSERT_EQ(ep.add(pair[1], EPOLLIN, 1), 0);
    ASSERT_EQ(ep.add(pair[0], EPOLLIN | EPOLLRDHUP, 0), 0);
    pair.close(1);
    char c;
    EXPECT_EQ(read(pair[0], &c, 1), 0) << "the peer sees EOF: the watched end was released";
    EXPECT_EQ(pairs(ep.wait()), (Pairs { { EPOLLIN | EPOLLRDHUP | EPOLLHUP, 0 } }));
}

TEST(Epoll, ClosingTheInstanceFirstIsClean)
{
    Pipe p;
    SocketPair pair;
    ASSERT_EQ(pair.open(SOCK_STREAM), 0);
    {
        Epoll ep;
        ASSERT_EQ(ep.add(p.read, EPOLLIN, 1), 0);
        ASSERT_EQ(ep.add(pair[0], EPOLLIN, 2), 0);
        put(p.write);
    }
    put(p.write);
    put(pair[1]);
    pair.close(1);
    char c;
    EXPECT_EQ(read(pair[0], &c, 1), 1);
}

TEST(Epoll, ForkedChildSharesTheInstance)
{
    Epoll ep;
    Pipe p;
    ASSERT_EQ(ep.add(p.read, EPOLLIN, 42), 0);
    Child child([&] {
        epoll_event event {};
        int n = epoll_wait(ep.fd, &event, 1, 5000);
        return n == 1 && event.data.u64 == 42 ? 0 : 1;
    });
    sleep_ms(20);
    put(p.write);
    EXPECT_TRUE(exited_with(child.wait(), 0));
}

// --- nesting ---

TEST(Epoll, NestedInstanceIsReadableWhenAnItemIs)
{
    Epoll outer, inner;
    Pipe p(O_NONBLOCK);
    ASSERT_EQ(inner.add(p.read, EPOLLIN, 1), 0);
    ASSERT_EQ(outer.add(inner.fd, EPOLLIN, 100), 0);
    EXPECT_TRUE(outer.wait().empty());
    pollfd entry { inner.fd, POLLIN | POLLOUT, 0 };
    EXPECT_EQ(poll(&entry, 1, 0), 0) << "an epoll file is never writable";
    put(p.write);
    EXPECT_EQ(pairs(outer.wait()), (Pairs { { EPOLLIN, 100 } }));
    EXPECT_EQ(poll(&entry, 1, 0), 1);
    EXPECT_EQ(entry.revents, POLLIN);
    EXPECT_EQ(pairs(inner.wait()), (Pairs { { EPOLLIN, 1 } }));
    drain(p.read);
    EXPECT_TRUE(outer.wait().empty()) << "the inner item is not ready any more";
    EXPECT_EQ(poll(&entry, 1, 0), 0);
}

TEST(Epoll, NestedEdgeTriggeredInnerItem)
{
    Epoll outer, inner;
    Pipe p(O_NONBLOCK);
    ASSERT_EQ(inner.add(p.read, EPOLLIN | EPOLLET, 1), 0);
    ASSERT_EQ(outer.add(inner.fd, EPOLLIN, 100), 0);
    put(p.write);
    EXPECT_EQ(pairs(outer.wait()), (Pairs { { EPOLLIN, 100 } }));
    EXPECT_EQ(pairs(inner.wait()), (Pairs { { EPOLLIN, 1 } }));
    EXPECT_TRUE(outer.wait().empty()) << "the inner edge was consumed";
}

TEST(Epoll, BlockedPollOnAnEpollFileIsWoken)
{
    Epoll ep;
    Pipe p;
    ASSERT_EQ(ep.add(p.read, EPOLLIN, 1), 0);
    std::thread writer([&] {
        sleep_ms(50);
        put(p.write);
    });
    pollfd entry { ep.fd, POLLIN, 0 };
    EXPECT_EQ(poll(&entry, 1, 5000), 1);
    EXPECT_EQ(entry.revents, POLLIN);
    writer.join();
}

TEST(Epoll, LoopsAreRefused)
{
    Epoll a, b, c;
    EXPECT_ERRNO(EINVAL, a.add(a.fd, EPOLLIN, 0));
    int again = dup(a.fd);
    EXPECT_ERRNO(EINVAL, a.add(again, EPOLLIN, 0)); // the same file under another number
    close(again);
    ASSERT_EQ(a.add(b.fd, EPOLLIN, 0), 0);
    EXPECT_ERRNO(ELOOP, b.add(a.fd, EPOLLIN, 0));
    ASSERT_EQ(b.add(c.fd, EPOLLIN, 0), 0);
    EXPECT_ERRNO(ELOOP, c.add(a.fd, EPOLLIN, 0));
    EXPECT_ERRNO(EEXIST, a.add(b.fd, EPOLLIN, 0));
    ASSERT_EQ(a.remove(b.fd), 0);
    EXPECT_EQ(b.add(a.fd, EPOLLIN, 0), 0) << "no loop once the link is gone";
}

// Five instances in a chain is the most: four links (EP_MAX_NESTS).
TEST(Epoll, NestingDepthIsLimitedBuildingUpwards)
{
    std::vector<std::unique_ptr<Epoll>> chain;
    chain.push_back(std::make_unique<Epoll>());
    Pipe p;
    ASSERT_EQ(chain[0]->add(p.read, EPOLLIN, 0), 0);
    for (int level = 1; level <= 4; ++level) {
        chain.push_back(std::make_unique<Epoll>());
        ASSERT_EQ(chain[level]->add(chain[level - 1]->fd, EPOLLIN, 0), 0) << "level " << level;
    }
    Epoll sixth;
    EXPECT_ERRNO(ELOOP, sixth.add(chain[4]->fd, EPOLLIN, 0));
    put(p.write);
    EXPECT_EQ(chain[4]->wait().size(), 1u) << "a wake-up goes through all five";
}

TEST(Epoll, NestingDepthIsLimitedBuildingDownwards)
{
    std::vector<std::unique_ptr<Epoll>> chain;
    chain.push_back(std::make_unique<Epoll>());
    for (int level = 1; level <= 4; ++level) {
        chain.push_back(std::make_unique<Epoll>());
        ASSERT_EQ(chain[level - 1]->add(chain[level]->fd, EPOLLIN, 0), 0) << "level " << level;
    }
    Epoll sixth;
    EXPECT_ERRNO(ELOOP, chain[4]->add(sixth.fd, EPOLLIN, 0));
    Epoll side;
    EXPECT_EQ(chain[3]->add(side.fd, EPOLLIN, 0), 0) << "a branch that is not deeper is fine";
}

TEST(Epoll, ClosingNestedInstancesInAnyOrder)
{
    auto outer = std::make_unique<Epoll>();
    auto inner = std::make_unique<Epoll>();
    Pipe p;
    ASSERT_EQ(inner->add(p.read, EPOLLIN, 1), 0);
    ASSERT_EQ(outer->add(inner->fd, EPOLLIN, 2), 0);
    put(p.write);
    inner.reset();
    EXPECT_TRUE(outer->wait().empty()) << "the inner instance's item went with it";
    auto again = std::make_unique<Epoll>();
    ASSERT_EQ(again->add(p.read, EPOLLIN, 1), 0);
    ASSERT_EQ(outer->add(again->fd, EPOLLIN, 3), 0);
    EXPECT_EQ(pairs(outer->wait()), (Pairs { { EPOLLIN, 3 } }));
    outer.reset();
    EXPECT_EQ(pairs(again->wait()), (Pairs { { EPOLLIN, 1 } }));
}

// --- errors ---

TEST(Epoll, BadDescriptors)
{
    Epoll ep;
    Pipe p;
    EXPECT_ERRNO(EBADF, epoll_ctl(-1, EPOLL_CTL_DEL, p.read, nullptr));
    EXPECT_ERRNO(EBADF, ep.add(-1, EPOLLIN, 0));
    EXPECT_ERRNO(EBADF, ep.add(1000, EPOLLIN, 0));
    epoll_event event {};
    EXPECT_ERRNO(EBADF, epoll_wait(-1, &event, 1, 0));
    int path = open("/", O_PATH);
    ASSERT_GE(path, 0);
    EXPECT_ERRNO(EBADF, ep.add(path, EPOLLIN, 0)); // an O_PATH descriptor counts as closed
    close(path);
}

TEST(Epoll, NotAnEpollInstance)
{
    Pipe p, q;
    epoll_event event { EPOLLIN, {} };
    EXPECT_ERRNO(EINVAL, epoll_ctl(p.read, EPOLL_CTL_ADD, q.read, &event));
    EXPECT_ERRNO(EINVAL, epoll_wait(p.read, &event, 1, 0));
}

TEST(Epoll, FilesWithoutPollArePermissionErrors)
{
    Epoll ep;
    ScratchDir dir("/tmp", "epoll");
    write_file(dir / "regular", "data");
    int regular = open((dir / "regular").c_str(), O_RDONLY);
    ASSERT_GE(regular, 0);
    EXPECT_ERRNO(EPERM, ep.add(regular, EPOLLIN, 0));
    int directory = open(dir.path().c_str(), O_RDONLY | O_DIRECTORY);
    ASSERT_GE(directory, 0);
    EXPECT_ERRNO(EPERM, ep.add(directory, EPOLLIN, 0));
    int null = open("/dev/null", O_RDWR);
    ASSERT_GE(null, 0);
    EXPECT_ERRNO(EPERM, ep.add(null, EPOLLIN, 0));
    Pipe p;
    epoll_event event { EPOLLIN, {} };
    EXPECT_ERRNO(EPERM, epoll_ctl(p.read, EPOLL_CTL_ADD, regular, &event)); // EPERM comes before EINVAL
    close(regular);
    close(directory);
    close(null);
}

TEST(Epoll, AddTwiceModifyOrDeleteUnknown)
{
    Epoll ep;
    Pipe p;
    ASSERT_EQ(ep.add(p.read, EPOLLIN, 0), 0);
    EXPECT_ERRNO(EEXIST, ep.add(p.read, EPOLLOUT, 0));
    EXPECT_ERRNO(ENOENT, ep.modify(p.write, EPOLLOUT, 0));
    EXPECT_ERRNO(ENOENT, ep.remove(p.write));
}

TEST(Epoll, BadOperation)
{
    Epoll ep;
    Pipe p;
    epoll_event event { EPOLLIN, {} };
    EXPECT_ERRNO(EINVAL, epoll_ctl(ep.fd, 0, p.read, &event));
    EXPECT_ERRNO(EINVAL, epoll_ctl(ep.fd, 4, p.read, &event));
    EXPECT_ERRNO(EFAULT, epoll_ctl(ep.fd, 4, p.read, static_cast<epoll_event*>(bad_user_pointer)));
}

TEST(Epoll, BadEventPointers)
{
    Epoll ep;
    Pipe p;
    EXPECT_ERRNO(EFAULT, epoll_ctl(ep.fd, EPOLL_CTL_ADD, p.read, static_cast<epoll_event*>(bad_user_pointer)));
    EXPECT_ERRNO(EFAULT, epoll_ctl(ep.fd, EPOLL_CTL_MOD, p.read, nullptr));
    EXPECT_ERRNO(EFAULT, epoll_ctl(-1, EPOLL_CTL_ADD, p.read, nullptr)); // the copy comes before EBADF
    EXPECT_EQ(epoll_ctl(ep.fd, EPOLL_CTL_ADD, p.read, static_cast<epoll_event*>(kernel_pointer)), -1);
    EXPECT_EQ(errno, EFAULT);
}

TEST(Epoll, DeleteReadsNoEvent)
{
    SKIP_UNDER_QEMU_USER("qemu-user checks a non-null event pointer whatever the operation");
    Epoll ep;
    Pipe p;
    ASSERT_EQ(ep.add(p.read, EPOLLIN, 0), 0);
    EXPECT_EQ(epoll_ctl(ep.fd, EPOLL_CTL_DEL, p.read, static_cast<epoll_event*>(bad_user_pointer)), 0);
}

TEST(Epoll, MaxEventsBounds)
{
    Epoll ep;
    epoll_event event {};
    EXPECT_ERRNO(EINVAL, epoll_wait(ep.fd, &event, 0, 0));
    EXPECT_ERRNO(EINVAL, epoll_wait(ep.fd, &event, -1, 0));
    EXPECT_ERRNO(EINVAL, epoll_wait(ep.fd, &event, int(INT_MAX / sizeof(epoll_event)) + 1, 0));
    EXPECT_ERRNO(EINVAL, epoll_wait(ep.fd, &event, INT_MIN, 0));
}

TEST(Epoll, WaitWithABadBufferFaultsAndLosesNothing)
{
    Epoll ep;
    Pipe p;
    ASSERT_EQ(ep.add(p.read, EPOLLIN | EPOLLET, 5), 0);
    put(p.write);
    EXPECT_ERRNO(EFAULT, epoll_wait(ep.fd, static_cast<epoll_event*>(kernel_pointer), 1, 0));
    EXPECT_ERRNO(EFAULT, epoll_wait(ep.fd, static_cast<epoll_event*>(bad_user_pointer), 1, 0));
    EXPECT_EQ(pairs(ep.wait()), (Pairs { { EPOLLIN, 5 } })) << "the edge was not consumed";
}

TEST(Epoll, ExclusiveWakeups)
{
    Epoll ep, other;
    Pipe p, q;
    EXPECT_ERRNO(EINVAL, ep.add(p.read, EPOLLIN | EPOLLRDHUP | EPOLLEXCLUSIVE, 0));
    EXPECT_ERRNO(EINVAL, ep.add(p.read, EPOLLIN | EPOLLONESHOT | EPOLLEXCLUSIVE, 0));
    EXPECT_ERRNO(EINVAL, ep.add(other.fd, EPOLLIN | EPOLLEXCLUSIVE, 0)); // not for a nested instance
    ASSERT_EQ(ep.add(p.read, EPOLLIN | EPOLLET | EPOLLEXCLUSIVE, 1), 0);
    EXPECT_ERRNO(EINVAL, ep.modify(p.read, EPOLLIN, 2)); // an exclusive item cannot be modified
    ASSERT_EQ(ep.add(q.read, EPOLLIN, 3), 0);
    EXPECT_ERRNO(EINVAL, ep.modify(q.read, EPOLLIN | EPOLLEXCLUSIVE, 3));
    put(p.write);
    EXPECT_EQ(pairs(ep.wait()), (Pairs { { EPOLLIN, 1 } }));
    EXPECT_EQ(ep.remove(p.read), 0);
}

TEST(Epoll, WakeupIsAccepted)
{
    Epoll ep;
    Pipe p;
    ASSERT_EQ(ep.add(p.read, EPOLLIN | EPOLLWAKEUP, 1), 0);
    put(p.write);
    EXPECT_EQ(pairs(ep.wait()), (Pairs { { EPOLLIN, 1 } }));
}

// --- waiting ---

TEST(Epoll, ZeroTimeoutDoesNotWait)
{
    Epoll ep;
    double start = now_seconds();
    epoll_event event {};
    EXPECT_EQ(epoll_wait(ep.fd, &event, 1, 0), 0);
    EXPECT_LT(now_seconds() - start, 0.5);
}

TEST(Epoll, TimeoutPassesWithNothingReady)
{
    Epoll ep;
    Pipe p;
    ASSERT_EQ(ep.add(p.read, EPOLLIN, 1), 0);
    double start = now_seconds();
    epoll_event event {};
    EXPECT_EQ(epoll_wait(ep.fd, &event, 1, 100), 0);
    double waited = now_seconds() - start;
    EXPECT_GE(waited, 0.095);
    EXPECT_LT(waited, 3.0);
}

TEST(Epoll, Pwait2TakesATimespec)
{
    SKIP_UNDER_QEMU_USER("qemu 7.2 does not know epoll_pwait2 (ENOSYS)");
    Epoll ep;
    Pipe p;
    ASSERT_EQ(ep.add(p.read, EPOLLIN, 1), 0);
    epoll_event event {};
    timespec timeout { 0, 50 * 1000 * 1000 };
    double start = now_seconds();
    EXPECT_EQ(syscall(SYS_epoll_pwait2, ep.fd, &event, 1, &timeout, nullptr, 8), 0);
    EXPECT_GE(now_seconds() - start, 0.045);
    timespec bad { 0, 1000000000 };
    EXPECT_ERRNO(EINVAL, syscall(SYS_epoll_pwait2, ep.fd, &event, 1, &bad, nullptr, 8));
    timespec negative { -1, 0 };
    EXPECT_ERRNO(EINVAL, syscall(SYS_epoll_pwait2, ep.fd, &event, 1, &negative, nullptr, 8));
    EXPECT_ERRNO(EFAULT, syscall(SYS_epoll_pwait2, ep.fd, &event, 1, bad_user_pointer, nullptr, 8));
    put(p.write);
    EXPECT_EQ(syscall(SYS_epoll_pwait2, ep.fd, &event, 1, nullptr, nullptr, 8), 1) << "null: no timeout";
    timespec zero {};
    EXPECT_EQ(syscall(SYS_epoll_pwait2, ep.fd, &event, 1, &zero, nullptr, 8), 1);
    EXPECT_EQ(event.data.u64, 1u);
}

TEST(Epoll, BlockedWaitIsWokenByAnotherThread)
{
    Epoll ep;
    int efd = eventfd(0, 0);
    ASSERT_EQ(ep.add(efd, EPOLLIN, 77), 0);
    std::thread writer([&] {
        sleep_ms(50);
        uint64_t one = 1;
        (void)write(efd, &one, 8);
    });
    double start = now_seconds();
    epoll_event event {};
    EXPECT_EQ(epoll_wait(ep.fd, &event, 1, 5000), 1);
    EXPECT_EQ(event.events, uint32_t(EPOLLIN));
    EXPECT_EQ(event.data.u64, 77u);
    EXPECT_LT(now_seconds() - start, 4.0);
    writer.join();
    close(efd);
}

TEST(Epoll, ClosingTheInstanceWhileAnotherThreadWaits)
{
    // The waiter holds the file: its wait goes on, and still sees the item's events.
    auto ep = std::make_unique<Epoll>();
    Pipe p;
    ASSERT_EQ(ep->add(p.read, EPOLLIN, 8), 0);
    int fd = ep->fd;
    int result = -2;
    epoll_event event {};
    std::atomic<bool> started { false };
    std::thread waiter([&] {
        started = true;
        result = epoll_wait(fd, &event, 1, 5000);
    });
    eventually([&] { return started.load(); });
    sleep_ms(100); // into epoll_wait by now
    ep->close();
    sleep_ms(50);
    put(p.write);
    waiter.join();
    EXPECT_EQ(result, 1);
    EXPECT_EQ(event.data.u64, 8u);
}

// Items come and go (added, deleted, their files closed in either order, nested instances
// closed) while another thread waits on the instance and collects: nothing may be lost or
// crash, and the files are all released (the leak check counts them on Sockeye).
TEST(Epoll, ChangesWhileAnotherThreadWaits)
{
    Epoll ep;
    std::atomic<bool> stop { false };
    std::atomic<long> seen { 0 };
    std::thread waiter([&] {
        epoll_event events[8];
        while (!stop) {
            int n = epoll_wait(ep.fd, events, 8, 5);
            if (n > 0)
                seen += n;
        }
    });
    double end = now_seconds() + 0.5;
    int rounds = 0;
    while (now_seconds() < end) {
        int fds[2];
        ASSERT_EQ(pipe2(fds, O_NONBLOCK), 0);
        ASSERT_EQ(ep.add(fds[0], EPOLLIN, uint64_t(rounds)), 0);
        ASSERT_EQ(ep.add(fds[1], EPOLLOUT | EPOLLET, uint64_t(rounds)), 0);
        (void)write(fds[1], "x", 1);
        if (rounds % 3 == 0)
            ASSERT_EQ(ep.remove(fds[0]), 0);
        int inner = epoll_create1(0);
        epoll_event watch { EPOLLIN, {} };
        ASSERT_EQ(epoll_ctl(inner, EPOLL_CTL_ADD, fds[0], &watch), 0);
        ASSERT_EQ(ep.add(inner, EPOLLIN, 1000000), 0);
        close(fds[rounds % 2]);
        close(inner);
        close(fds[1 - rounds % 2]);
        ++rounds;
    }
    stop = true;
    waiter.join();
    EXPECT_GT(rounds, 10);
    EXPECT_GT(seen.load(), 0);
    EXPECT_TRUE(ep.wait().empty()) << "every item went with its file";
}

TEST(Epoll, InstancesClosedWhileTheirFilesChange)
{
    int efd = eventfd(0, EFD_NONBLOCK);
    std::atomic<bool> stop { false };
    std::thread churn([&] {
        uint64_t value = 1;
        while (!stop) {
            (void)write(efd, &value, 8);
            (void)read(efd, &value, 8);
            value = 1;
        }
    });
    double end = now_seconds() + 0.5;
    int rounds = 0;
    while (now_seconds() < end) {
        Epoll ep;
        Pipe p(O_NONBLOCK);
        ASSERT_EQ(ep.add(efd, EPOLLIN | EPOLLOUT, 1), 0);
        ASSERT_EQ(ep.add(p.read, EPOLLIN, 2), 0);
        put(p.write);
        ep.wait(0);
        if (rounds % 2)
            p.close_read(); // the watched file first, or the instance first
        ++rounds;
    }
    stop = true;
    churn.join();
    close(efd);
    EXPECT_GT(rounds, 10);
}

TEST(Epoll, SignalInterruptsAWaitEvenUnderSaRestart)
{
    Epoll ep;
    for (int flags : { 0, SA_RESTART }) {
        g_count = 0;
        ScopedAction action(SIGUSR1, count_signal, flags);
        Child poker = poke_later(SIGUSR1, 50);
        epoll_event event {};
        EXPECT_ERRNO(EINTR, epoll_wait(ep.fd, &event, 1, 5000)); // never restarted
        EXPECT_EQ(g_count, 1) << "flags " << flags;
        poker.wait();
    }
}

TEST(Epoll, PwaitInstallsTheMaskForTheWait)
{
    Epoll ep;
    g_count = 0;
    ScopedAction action(SIGUSR1, count_signal);
    ScopedMask restore;
    restore.block(SIGUSR1);
    sigset_t during;
    sigemptyset(&during);
    Child poker = poke_later(SIGUSR1, 50);
    epoll_event event {};
    EXPECT_ERRNO(EINTR, epoll_pwait(ep.fd, &event, 1, 5000, &during));
    EXPECT_EQ(g_count, 1) << "the signal came through the temporary mask";
    EXPECT_TRUE(is_blocked(SIGUSR1)) << "and the old mask is back";
    poker.wait();
}

TEST(Epoll, PwaitMaskCanBlockASignal)
{
    Epoll ep;
    Pipe p;
    ASSERT_EQ(ep.add(p.read, EPOLLIN, 3), 0);
    g_count = 0;
    ScopedAction action(SIGUSR1, count_signal);
    ScopedMask restore;
    sigset_t during;
    sigemptyset(&during);
    sigaddset(&during, SIGUSR1);
    int writer = p.write;
    Child poker = poke_later_then(SIGUSR1, 50, [writer] {
        sleep_ms(50);
        (void)::write(writer, "w", 1);
    });
    epoll_event event {};
    EXPECT_EQ(epoll_pwait(ep.fd, &event, 1, 5000, &during), 1) << "the blocked signal did not interrupt";
    EXPECT_EQ(event.data.u64, 3u);
    // qemu-user runs the handler only at a later syscall.
    if (!under_qemu_user())
        EXPECT_EQ(g_count, 1) << "the pending signal runs as the call returns, with the old mask back";
    poker.wait();
}

TEST(Epoll, PwaitSignalSetSize)
{
    Epoll ep;
    epoll_event event {};
    sigset_t mask;
    sigemptyset(&mask);
    EXPECT_ERRNO(EINVAL, syscall(SYS_epoll_pwait, ep.fd, &event, 1, 0, &mask, 4));
    EXPECT_ERRNO(EINVAL, syscall(SYS_epoll_pwait, -1, &event, 1, 0, &mask, 16)); // checked before the descriptor
    EXPECT_ERRNO(EFAULT, syscall(SYS_epoll_pwait, ep.fd, &event, 1, 0, bad_user_pointer, 8));
    EXPECT_EQ(syscall(SYS_epoll_pwait, ep.fd, &event, 1, 0, nullptr, 4), 0) << "no mask, no size check";
}

} // namespace
