// Clocks and sleeping.
#include <arch/Arch.h>
#include <lib/UserCopy.h>
#include <proc/Process.h>
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

// Sleeps until the monotonic deadline; on a signal returns ERESTARTSYS with the remaining
// time written to remaining (when given).
static Result<long> sleep_until(u64 deadline, uptr remaining)
{
    Spinlock lock;
    WaitQueue queue;
    SpinlockGuard guard(lock);
    auto result = queue.wait_until(guard, [] { return false; }, Deadline { deadline });
    if (result.is_error() && result.error().code == ETIMEDOUT)
        return 0;
    if (remaining) {
        u64 now = arch::monotonic_ns();
        u64 left = deadline > now ? deadline - now : 0;
        KernelTimespec ts { static_cast<i64>(left / 1000000000), static_cast<i64>(left % 1000000000) };
        guard.unlock();
        (void)copy_to_user(remaining, &ts, sizeof(ts));
        guard.relock();
    }
    // FIXME: Linux restarts nanosleep with the remaining time (restart_syscall); we report EINTR.
    return Error { EINTR };
}

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
