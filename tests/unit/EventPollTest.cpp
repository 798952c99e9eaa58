// EventPoll on the host, under AddressSanitizer: the lifetime of interest items whichever of
// the instance, the watched file and a nested instance goes first, the callbacks of wake-ups
// (the host's WaitQueue runs them), the ready list's order, and the loop and depth checks.
// Blocking waits are the guest tests' (tests/system/epoll_test.cpp).
#include "VfsTestSupport.h"

#include <vector>
#include <vfs/EventFd.h>
#include <vfs/EventPoll.h>
#include <vfs/Pipe.h>

using namespace sk;
using namespace sk::test;

namespace {

using Pairs = std::vector<std::pair<u32, u64>>;

struct Instance {
    RefPtr<OpenFile> file = MUST(EventPoll::try_create_file(O_RDWR));
    EventPoll& epoll() { return *EventPoll::from_file(*file); }

    Result<void> add(OpenFile& target, int fd, u32 events, u64 data = 0)
    {
        return epoll().control(epoll::ctl_add, fd, target, events, data);
    }
    Pairs collect(int max = 16)
    {
        std::vector<EpollEvent> out(static_cast<size_t>(max));
        int n = MUST(epoll().wait(IoBuffer::kernel(out.data(), out.size() * sizeof(EpollEvent)), max, {}, true));
        Pairs pairs;
        for (int i = 0; i < n; ++i)
            pairs.emplace_back(out[i].events, out[i].data);
        return pairs;
    }
};

Pipe::Ends make_pipe() { return MUST(Pipe::try_create_anonymous(O_NONBLOCK, Credentials::root())); }

void put(OpenFile& end)
{
    char c = 'x';
    MUST(end.ops().write(end, IoBuffer::kernel(&c, 1), 1));
}

void take(OpenFile& end)
{
    char c;
    MUST(end.ops().read(end, IoBuffer::kernel(&c, 1), 1));
}

constexpr u32 in = epoll::in;

TEST(EventPoll, WakeUpsMakeItemsReadyAndLevelTriggeredItemsStay)
{
    Instance ep;
    auto pipe = make_pipe();
    MUST(ep.add(*pipe.read, 3, in, 30));
    EXPECT_EQ(ep.collect(), Pairs {});
    put(*pipe.write);
    EXPECT_EQ(ep.collect(), (Pairs { { in, 30 } }));
    EXPECT_EQ(ep.collect(), (Pairs { { in, 30 } }));
    take(*pipe.read);
    EXPECT_EQ(ep.collect(), Pairs {});
}

TEST(EventPoll, TheLastReferenceOfAWatchedFileTakesItsItems)
{
    Instance ep, other;
    auto pipe = make_pipe();
    MUST(ep.add(*pipe.read, 3, in, 1));
    MUST(ep.add(*pipe.read, 4, in, 2)); // the same file under a second number
    MUST(other.add(*pipe.read, 3, in, 3));
    put(*pipe.write);
    pipe.read = nullptr; // released: every item goes
    EXPECT_EQ(ep.collect(), Pairs {});
    EXPECT_EQ(other.collect(), Pairs {});
    char c = 'x'; // no reader now: EPIPE, and no callback may run on freed hooks
    EXPECT_ERRNO(pipe.write->ops().write(*pipe.write, IoBuffer::kernel(&c, 1), 1), EPIPE);
}

TEST(EventPoll, TheInstanceGoingFirstUnhooksItsItems)
{
    auto pipe = make_pipe();
    auto eventfd = MUST(EventFd::try_create_file(0, false, O_RDWR | O_NONBLOCK));
    {
        Instance ep;
        MUST(ep.add(*pipe.read, 3, in));
        MUST(ep.add(*pipe.write, 4, epoll::out));
        MUST(ep.add(*eventfd, 5, in));
        for (int fd = 10; fd < 50; ++fd) // more than one release batch
            MUST(ep.add(*pipe.read, fd, in));
    }
    put(*pipe.write); // the hooks are gone: nothing may run on them
    u64 one = 1;
    MUST(eventfd->ops().write(*eventfd, IoBuffer::kernel(&one, sizeof one), sizeof one));
    EXPECT_TRUE(pipe.read->epoll_watches().is_empty());
    EXPECT_TRUE(eventfd->epoll_watches().is_empty());
}

TEST(EventPoll, NestedInstancesGoInEitherOrder)
{
    for (bool outer_first : { false, true }) {
        auto pipe = make_pipe();
        auto outer = std::make_unique<Instance>();
        auto inner = std::make_unique<Instance>();
        MUST(inner->add(*pipe.read, 3, in, 1));
        MUST(outer->add(*inner->file, 4, in, 2));
        put(*pipe.write);
        EXPECT_EQ(outer->collect(), (Pairs { { in, 2 } }));
        if (outer_first) {
            outer.reset();
            EXPECT_EQ(inner->collect(), (Pairs { { in, 1 } }));
            inner.reset();
        } else {
            inner.reset();
            EXPECT_EQ(outer->collect(), Pairs {});
            outer.reset();
        }
        put(*pipe.write);
        EXPECT_TRUE(pipe.read->epoll_watches().is_empty());
    }
}

TEST(EventPoll, OneWakeUpOrdersItemsAsLinuxDoes)
{
    Instance ep;
    auto pipe = make_pipe();
    MUST(ep.add(*pipe.read, 3, in, 1));
    MUST(ep.add(*pipe.read, 4, in, 2));
    put(*pipe.write);
    EXPECT_EQ(ep.collect(), (Pairs { { in, 2 }, { in, 1 } })) << "the later hook is first on the queue";
}

TEST(EventPoll, LoopsAndDepth)
{
    Instance a, b;
    MUST(a.add(*b.file, 3, in));
    EXPECT_ERRNO(b.add(*a.file, 4, in), ELOOP);
    EXPECT_ERRNO(a.add(*b.file, 3, in), EEXIST);
    std::vector<std::unique_ptr<Instance>> chain;
    chain.push_back(std::make_unique<Instance>());
    for (int i = 1; i <= 4; ++i) {
        chain.push_back(std::make_unique<Instance>());
        MUST(chain[i]->add(*chain[i - 1]->file, 3, in));
    }
    Instance top;
    EXPECT_ERRNO(top.add(*chain[4]->file, 3, in), ELOOP);
    EXPECT_ERRNO(chain[0]->add(*top.file, 3, in), ELOOP);
    chain.erase(chain.begin() + 2); // the chain breaks in the middle
    EXPECT_OK(top.add(*chain[3]->file, 3, in));
}

TEST(EventPoll, OneShotAndEdgeTriggered)
{
    Instance ep;
    auto pipe = make_pipe();
    MUST(ep.add(*pipe.read, 3, in | epoll::oneshot, 1));
    MUST(ep.add(*pipe.read, 4, in | epoll::edge_triggered, 2));
    put(*pipe.write);
    EXPECT_EQ(ep.collect(), (Pairs { { in, 2 }, { in, 1 } }));
    put(*pipe.write);
    EXPECT_EQ(ep.collect(), (Pairs { { in, 2 } })) << "the one-shot item is disarmed";
    MUST(ep.epoll().control(epoll::ctl_mod, 3, *pipe.read, in, 5));
    EXPECT_EQ(ep.collect(), (Pairs { { in, 5 } }));
}

} // namespace
