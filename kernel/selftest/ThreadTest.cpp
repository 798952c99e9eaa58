// selftest=threads: two kernel threads ping-pong 10,000 times over WaitQueues while a third
// spins (so the timer must preempt it for the others to progress).
#include <arch/Arch.h>
#include <drivers/Console.h>
#include <proc/Scheduler.h>
#include <proc/WaitQueue.h>
#include <selftest/SelfTest.h>

namespace sk::selftest {

namespace {
struct PingPong {
    Spinlock lock;
    WaitQueue queue;
    u32 turn { 0 }; // 0: ping's turn, 1: pong's
    u32 rounds { 0 };
    u32 finished { 0 };
    bool stop_spinner { false };
    volatile u64 spins { 0 };
};
constexpr u32 total_rounds = 10000;

void player(PingPong& game, u32 me)
{
    for (u32 i = 0; i < total_rounds; ++i) {
        SpinlockGuard guard(game.lock);
        auto result = game.queue.wait_until(guard, [&] { return game.turn == me; });
        VERIFY(!result.is_error());
        game.turn = 1 - me;
        if (me == 1)
            ++game.rounds;
        game.queue.wake_all();
    }
    SpinlockGuard guard(game.lock);
    ++game.finished;
    game.queue.wake_all();
}
} // namespace

bool threads()
{
    static PingPong game;
    auto ping = Thread::try_create_kernel("ping", [](void* g) { player(*static_cast<PingPong*>(g), 0); }, &game);
    auto pong = Thread::try_create_kernel("pong", [](void* g) { player(*static_cast<PingPong*>(g), 1); }, &game);
    auto spinner = Thread::try_create_kernel(
        "spinner",
        [](void* g) {
            auto& game = *static_cast<PingPong*>(g);
            while (!__atomic_load_n(&game.stop_spinner, __ATOMIC_ACQUIRE))
                game.spins = game.spins + 1;
        },
        &game);
    if (ping.is_error() || pong.is_error() || spinner.is_error())
        return false;
    u64 start = arch::monotonic_ns();
    scheduler::enqueue(spinner.value());
    scheduler::enqueue(ping.value());
    scheduler::enqueue(pong.value());
    {
        SpinlockGuard guard(game.lock);
        if (game.queue.wait_until(guard, [&] { return game.finished == 2; }, {}, true).is_error())
            return false;
    }
    __atomic_store_n(&game.stop_spinner, true, __ATOMIC_RELEASE);
    u64 elapsed = arch::monotonic_ns() - start;
    kprintf("threads: %u round trips in %lu ms (spinner ran %lu iterations)\n", game.rounds, elapsed / 1000000,
        static_cast<u64>(game.spins));
    return game.rounds == total_rounds && game.spins > 0;
}

bool fault()
{
    kprintf("fault: dereferencing an unmapped kernel address on purpose\n");
    volatile u64* bad = reinterpret_cast<volatile u64*>(0xffffffd000000008ul);
    *bad = 42;
    return false;
}

} // namespace sk::selftest
