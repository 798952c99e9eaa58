// The sampler: a kernel timer re-armed every 5 seconds counts the runnable threads (the
// interrupted one included unless it is the idle thread) and folds the count into the three
// averages with Linux's decay factors (1884, 2014, 2037 = 2048 * e^(-5/60), e^(-5/300),
// e^(-5/900)).
#include <arch/Arch.h>
#include <atomic>
#include <proc/LoadAverage.h>
#include <proc/Scheduler.h>

namespace sk::load_average {

namespace {

constexpr u64 sample_interval_ns = 5'000'000'000ull;
constexpr u64 factors[3] = { 1884, 2014, 2037 };

std::atomic<u64> s_loads[3];
scheduler::KernelTimer s_timer;

void sample(scheduler::KernelTimer& timer)
{
    // FIXME: Linux also counts threads in uninterruptible sleep (state D).
    u64 active = scheduler::runnable_count() + (scheduler::idle_running() ? 0 : 1);
    for (int i = 0; i < 3; ++i)
        s_loads[i].store(decay(s_loads[i].load(std::memory_order_relaxed), factors[i], active), std::memory_order_relaxed);
    scheduler::arm_timer(timer, timer.deadline_ns + sample_interval_ns);
}

} // namespace

void start()
{
    s_timer.callback = sample;
    scheduler::arm_timer(s_timer, arch::monotonic_ns() + sample_interval_ns);
}

void read(u64 (&loads)[3])
{
    for (int i = 0; i < 3; ++i)
        loads[i] = s_loads[i].load(std::memory_order_relaxed);
}

} // namespace sk::load_average
