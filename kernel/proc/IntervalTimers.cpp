// The CPU timers are kept as an absolute point on the process's CPU clock (Process::cpu_ns);
// the real timer is a scheduler KernelTimer whose callback runs from the timer interrupt.
#include <arch/Arch.h>
#include <proc/IntervalTimers.h>
#include <proc/Scheduler.h>
#include <proc/SignalDelivery.h>
#include <proc/SignalNumbers.h>

namespace sk {

static void real_timer_expired(scheduler::KernelTimer& timer)
{
    auto* process = static_cast<Process*>(timer.context);
    SignalInfo info;
    info.signal = SIGALRM;
    info.code = SI_KERNEL;
    send_signal(*process, SIGALRM, info);
    if (process->real_timer_interval_ns)
        scheduler::arm_timer(timer, arch::monotonic_ns() + process->real_timer_interval_ns);
}

IntervalTimerValue interval_timer(Process& process, int which)
{
    IntervalTimerValue value;
    if (which == ITIMER_REAL) {
        value.interval_ns = process.real_timer_interval_ns;
        if (process.real_timer.node.is_linked()) {
            u64 now = arch::monotonic_ns();
            // An expiry that is due but not yet handled still reads as a little time left.
            value.value_ns = process.real_timer.deadline_ns > now ? process.real_timer.deadline_ns - now : 1000;
        }
        return value;
    }
    SpinlockGuard guard(g_process_table_lock);
    auto& timer = process.cpu_timers[which - 1];
    value.interval_ns = timer.interval_ns;
    if (timer.expiry_ns) {
        u64 now = process.cpu_ns_locked();
        value.value_ns = timer.expiry_ns > now ? timer.expiry_ns - now : 1000;
    }
    return value;
}

IntervalTimerValue set_interval_timer(Process& process, int which, const IntervalTimerValue& fresh)
{
    IntervalTimerValue old = interval_timer(process, which);
    if (which == ITIMER_REAL) {
        scheduler::cancel_timer(process.real_timer);
        process.real_timer_interval_ns = fresh.interval_ns;
        if (fresh.value_ns) {
            process.real_timer.callback = real_timer_expired;
            process.real_timer.context = &process;
            scheduler::arm_timer(process.real_timer, arch::monotonic_ns() + fresh.value_ns);
        }
        return old;
    }
    SpinlockGuard guard(g_process_table_lock);
    auto& timer = process.cpu_timers[which - 1];
    timer.interval_ns = fresh.interval_ns;
    timer.expiry_ns = fresh.value_ns ? process.cpu_ns_locked() + fresh.value_ns : 0;
    return old;
}

void cancel_interval_timers(Process& process)
{
    scheduler::cancel_timer(process.real_timer);
    SpinlockGuard guard(g_process_table_lock);
    for (auto& timer : process.cpu_timers)
        timer = {};
}

void account_cpu_timers(Thread& running)
{
    Process* process = running.process();
    if (!process || (!process->cpu_timers[0].expiry_ns && !process->cpu_timers[1].expiry_ns))
        return;
    SpinlockGuard guard(g_process_table_lock);
    u64 now = process->cpu_ns_locked();
    static constexpr int signals[] = { SIGVTALRM, SIGPROF };
    for (int i = 0; i < 2; ++i) {
        auto& timer = process->cpu_timers[i];
        if (!timer.expiry_ns || now < timer.expiry_ns)
            continue;
        timer.expiry_ns = timer.interval_ns ? now + timer.interval_ns : 0;
        SignalInfo info;
        info.signal = signals[i];
        info.code = SI_KERNEL;
        (void)send_signal_locked(*process, nullptr, info);
    }
}

} // namespace sk
