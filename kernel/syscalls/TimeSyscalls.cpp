// Clocks and sleeping.
#include <arch/Arch.h>
#include <lib/UserCopy.h>
#include <proc/IntervalTimers.h>
#include <proc/Process.h>
#include <proc/SignalDelivery.h>
#include <proc/SignalNumbers.h>
#include <proc/Scheduler.h>
#include <syscalls/Syscall.h>

namespace sk {

struct KernelTimespec {
    i64 seconds;
    i64 nanoseconds;
};

enum : int { Clock_REALTIME = 0, Clock_MONOTONIC = 1, Clock_PROCESS_CPUTIME_ID = 2, Clock_THREAD_CPUTIME_ID = 3,
    Clock_MONOTONIC_RAW = 4, Clock_REALTIME_COARSE = 5, Clock_MONOTONIC_COARSE = 6, Clock_BOOTTIME = 7 };

static Result<u64> clock_now(int clock)
{
    switch (clock) {
    case Clock_REALTIME:
    case Clock_REALTIME_COARSE:
        return arch::boot_epoch_ns() + arch::monotonic_ns();
    case Clock_MONOTONIC:
    case Clock_MONOTONIC_RAW:
    case Clock_MONOTONIC_COARSE:
    case Clock_BOOTTIME:
        return arch::monotonic_ns();
    case Clock_PROCESS_CPUTIME_ID:
        return Process::current().cpu_ns();
    case Clock_THREAD_CPUTIME_ID: {
        Thread* thread = scheduler::current();
        return thread->m_cpu_ns + (arch::monotonic_ns() - thread->m_switched_in_ns);
    }
    default:
        return Error { EINVAL };
    }
}

static Result<long> sys_clock_gettime(const SyscallArguments& a)
{
    u64 now = TRY(clock_now(static_cast<int>(a.a0)));
    KernelTimespec ts { static_cast<i64>(now / 1000000000), static_cast<i64>(now % 1000000000) };
    TRY(copy_to_user(a.a1, &ts, sizeof(ts)));
    return 0;
}
REGISTER_SYSCALL(__NR_clock_gettime, sys_clock_gettime);

static Result<long> sys_clock_getres(const SyscallArguments& a)
{
    TRY(clock_now(static_cast<int>(a.a0)));
    if (a.a1) {
        KernelTimespec ts { 0, 100 }; // the 10 MHz timebase
        TRY(copy_to_user(a.a1, &ts, sizeof(ts)));
    }
    return 0;
}
REGISTER_SYSCALL(__NR_clock_getres, sys_clock_getres);

static Result<long> sys_gettimeofday(const SyscallArguments& a)
{
    if (a.a0) {
        u64 now = arch::boot_epoch_ns() + arch::monotonic_ns();
        i64 tv[2] = { static_cast<i64>(now / 1000000000), static_cast<i64>(now % 1000000000 / 1000) };
        TRY(copy_to_user(a.a0, tv, sizeof(tv)));
    }
    if (a.a1) {
        i32 tz[2] = { 0, 0 };
        TRY(copy_to_user(a.a1, tz, sizeof(tz)));
    }
    return 0;
}
REGISTER_SYSCALL(__NR_gettimeofday, sys_gettimeofday);

// Sleeps until the monotonic deadline. On a signal the time left goes to `remaining` (when
// given) and the call returns ERESTART_RESTARTBLOCK, as Linux's: EINTR if a handler runs;
// otherwise (a stop and continue, an ignored signal) restart_syscall(2) sleeps on to the same
// deadline, so `sleep 100` that is stopped with ^Z and continued with fg still sleeps 100 s.
static Result<long> sleep_until(u64 deadline, uptr remaining);
static Result<long> resume_sleep(const Thread::RestartBlock& block)
{
    return sleep_until(block.deadline_ns, block.remaining);
}

static Result<long> sleep_until(u64 deadline, uptr remaining)
{
    Spinlock lock;
    WaitQueue queue;
    SpinlockGuard guard(lock);
    auto result = queue.wait_until(guard, [] { return false; }, Deadline { deadline });
    if (result.is_error() && result.error().code == ETIMEDOUT)
        return 0;
    guard.unlock();
    if (remaining) {
        u64 now = arch::monotonic_ns();
        u64 left = deadline > now ? deadline - now : 0;
        KernelTimespec ts { static_cast<i64>(left / 1000000000), static_cast<i64>(left % 1000000000) };
        TRY(copy_to_user(remaining, &ts, sizeof(ts))); // EFAULT rather than EINTR, as Linux
    }
    Thread& thread = *scheduler::current();
    thread.restart_block = Thread::RestartBlock { resume_sleep, deadline, remaining };
    return Error { ERESTART_RESTARTBLOCK };
}

// restart_syscall(2): only ever made by the kernel itself, after ERESTART_RESTARTBLOCK.
static Result<long> sys_restart_syscall(const SyscallArguments&)
{
    Thread& thread = *scheduler::current();
    auto block = thread.restart_block;
    thread.restart_block = {};
    if (!block.resume)
        return Error { EINTR };
    return block.resume(block);
}
REGISTER_SYSCALL(__NR_restart_syscall, sys_restart_syscall);

static Result<long> sys_nanosleep(const SyscallArguments& a)
{
    KernelTimespec ts;
    TRY(copy_from_user(&ts, a.a0, sizeof(ts)));
    if (ts.seconds < 0 || ts.nanoseconds < 0 || ts.nanoseconds >= 1000000000)
        return Error { EINVAL };
    u64 duration = static_cast<u64>(ts.seconds) * 1000000000ul + static_cast<u64>(ts.nanoseconds);
    if (duration == 0) {
        scheduler::yield();
        return 0;
    }
    return sleep_until(arch::monotonic_ns() + duration, a.a1);
}
REGISTER_SYSCALL(__NR_nanosleep, sys_nanosleep);

static Result<long> sys_clock_nanosleep(const SyscallArguments& a)
{
    int clock = static_cast<int>(a.a0);
    if (clock != Clock_REALTIME && clock != Clock_MONOTONIC && clock != Clock_BOOTTIME)
        return Error { EINVAL };
    KernelTimespec ts;
    TRY(copy_from_user(&ts, a.a2, sizeof(ts)));
    if (ts.seconds < 0 || ts.nanoseconds < 0 || ts.nanoseconds >= 1000000000)
        return Error { EINVAL };
    u64 value = static_cast<u64>(ts.seconds) * 1000000000ul + static_cast<u64>(ts.nanoseconds);
    u64 deadline;
    if (a.a1 & 1) { // TIMER_ABSTIME
        u64 offset = clock == Clock_REALTIME ? arch::boot_epoch_ns() : 0;
        deadline = value > offset ? value - offset : 1;
        if (deadline <= arch::monotonic_ns())
            return 0;
        return sleep_until(deadline, 0);
    }
    deadline = arch::monotonic_ns() + value;
    return sleep_until(deadline, a.a3);
}
REGISTER_SYSCALL(__NR_clock_nanosleep, sys_clock_nanosleep);

} // namespace sk

namespace sk {

// setitimer/getitimer (and glibc's alarm): the three interval timers, see IntervalTimers.h.
struct KernelItimerval {
    i64 interval_seconds, interval_microseconds;
    i64 value_seconds, value_microseconds;
};

static KernelItimerval to_itimerval(const IntervalTimerValue& value)
{
    KernelItimerval out {};
    out.interval_seconds = static_cast<i64>(value.interval_ns / 1000000000);
    out.interval_microseconds = static_cast<i64>(value.interval_ns % 1000000000 / 1000);
    // A time left is rounded up, so that a running timer never reads as disarmed.
    out.value_seconds = static_cast<i64>(value.value_ns / 1000000000);
    out.value_microseconds = static_cast<i64>((value.value_ns % 1000000000 + 999) / 1000);
    if (out.value_microseconds == 1000000) {
        ++out.value_seconds;
        out.value_microseconds = 0;
    }
    return out;
}

static Result<long> sys_getitimer(const SyscallArguments& a)
{
    int which = static_cast<int>(a.a0);
    if (which != ITIMER_REAL && which != ITIMER_VIRTUAL && which != ITIMER_PROF)
        return Error { EINVAL };
    KernelItimerval value = to_itimerval(interval_timer(Process::current(), which));
    TRY(copy_to_user(a.a1, &value, sizeof(value)));
    return 0;
}
REGISTER_SYSCALL(__NR_getitimer, sys_getitimer);

static Result<long> sys_setitimer(const SyscallArguments& a)
{
    int which = static_cast<int>(a.a0);
    if (which != ITIMER_REAL && which != ITIMER_VIRTUAL && which != ITIMER_PROF)
        return Error { EINVAL };
    KernelItimerval fresh {};
    if (a.a1)
        TRY(copy_from_user(&fresh, a.a1, sizeof(fresh)));
    if (fresh.value_seconds < 0 || fresh.value_microseconds < 0 || fresh.value_microseconds >= 1000000
        || fresh.interval_seconds < 0 || fresh.interval_microseconds < 0 || fresh.interval_microseconds >= 1000000)
        return Error { EINVAL };
    IntervalTimerValue value;
    value.value_ns = static_cast<u64>(fresh.value_seconds) * 1000000000ul + static_cast<u64>(fresh.value_microseconds) * 1000;
    value.interval_ns = static_cast<u64>(fresh.interval_seconds) * 1000000000ul + static_cast<u64>(fresh.interval_microseconds) * 1000;
    KernelItimerval old = to_itimerval(set_interval_timer(Process::current(), which, value));
    if (a.a2)
        TRY(copy_to_user(a.a2, &old, sizeof(old)));
    return 0;
}
REGISTER_SYSCALL(__NR_setitimer, sys_setitimer);

} // namespace sk
