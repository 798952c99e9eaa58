// Resource limits and usage: prlimit64/getrlimit/setrlimit, getrusage, times.
#include <arch/Arch.h>
#include <lib/UserCopy.h>
#include <proc/Process.h>
#include <proc/Scheduler.h>
#include <syscalls/Syscall.h>

namespace sk {

static constexpr int RLIMIT_NOFILE = 7;
static constexpr u64 nr_open = 1048576; // Linux's fs.nr_open: the ceiling of RLIMIT_NOFILE

// Linux's check_prlimit_permission: another process's limits are the caller's business only
// when all of its real/effective/saved ids are the caller's real id (or the caller is root).
static bool may_touch_limits_of(Process& target)
{
    Process& current = Process::current();
    if (&target == &current)
        return true;
    Credentials caller = current.credentials();
    if (caller.is_superuser())
        return true;
    Credentials t = target.credentials();
    return caller.uid == t.uid && caller.uid == t.euid && caller.uid == t.suid && caller.gid == t.gid
        && caller.gid == t.egid && caller.gid == t.sgid;
}

static Result<long> sys_prlimit64(const SyscallArguments& a)
{
    int resource = static_cast<int>(a.a1);
    if (resource < 0 || resource >= Process::rlimit_count)
        return Error { EINVAL };
    RefPtr<Process> target = a.a0 ? Process::from_pid(static_cast<int>(a.a0)) : RefPtr<Process>(Process::current());
    if (!target || target->is_zombie)
        return Error { ESRCH };
    if (!may_touch_limits_of(*target))
        return Error { EPERM };
    ResourceLimit old = target->limit(resource);
    if (a.a2) {
        ResourceLimit fresh;
        TRY(copy_from_user(&fresh, a.a2, sizeof(fresh)));
        if (fresh.current > fresh.maximum)
            return Error { EINVAL };
        if (fresh.maximum > old.maximum && !Process::current().credentials().is_superuser())
            return Error { EPERM };
        if (resource == RLIMIT_NOFILE && fresh.maximum > nr_open)
            return Error { EPERM };
        target->limit(resource) = fresh;
    }
    if (a.a3)
        TRY(copy_to_user(a.a3, &old, sizeof(old)));
    return 0;
}
REGISTER_SYSCALL(__NR_prlimit64, sys_prlimit64);

static Result<long> sys_getrlimit(const SyscallArguments& a)
{
    int resource = static_cast<int>(a.a0);
    if (resource < 0 || resource >= Process::rlimit_count)
        return Error { EINVAL };
    ResourceLimit limit = Process::current().limit(resource);
    TRY(copy_to_user(a.a1, &limit, sizeof(limit)));
    return 0;
}
REGISTER_SYSCALL(__NR_getrlimit, sys_getrlimit);

static Result<long> sys_setrlimit(const SyscallArguments& a)
{
    SyscallArguments forwarded { 0, a.a0, a.a1, 0, 0, 0, a.frame };
    return sys_prlimit64(forwarded);
}
REGISTER_SYSCALL(__NR_setrlimit, sys_setrlimit);

static u64 current_thread_cpu_ns()
{
    Thread* thread = scheduler::current();
    return thread->m_cpu_ns + (arch::monotonic_ns() - thread->m_switched_in_ns);
}

// struct rusage: two timevals, then 14 longs (ru_maxrss first, in KiB). Sockeye does not
// tell user time from system time: all of it is user time.
static Result<long> sys_getrusage(const SyscallArguments& a)
{
    constexpr int RUSAGE_SELF = 0, RUSAGE_CHILDREN = -1, RUSAGE_THREAD = 1;
    int who = static_cast<int>(a.a0);
    Process& process = Process::current();
    u64 ns;
    i64 max_rss_kib = 0;
    switch (who) {
    case RUSAGE_SELF:
        ns = process.cpu_ns();
        max_rss_kib = static_cast<i64>(process.address_space().resident_pages() * (arch::page_size / 1024));
        break;
    case RUSAGE_THREAD:
        ns = current_thread_cpu_ns();
        max_rss_kib = static_cast<i64>(process.address_space().resident_pages() * (arch::page_size / 1024));
        break;
    case RUSAGE_CHILDREN: {
        SpinlockGuard guard(g_process_table_lock);
        ns = process.children_ns;
        break;
    }
    default:
        return Error { EINVAL };
    }
    i64 usage[18] = {};
    usage[0] = static_cast<i64>(ns / 1000000000);
    usage[1] = static_cast<i64>(ns % 1000000000 / 1000);
    usage[4] = max_rss_kib; // FIXME: the current resident size, not the peak
    TRY(copy_to_user(a.a1, usage, sizeof(usage)));
    return 0;
}
REGISTER_SYSCALL(__NR_getrusage, sys_getrusage);

// times: CPU time in clock ticks (USER_HZ = 100), and the ticks since boot.
static Result<long> sys_times(const SyscallArguments& a)
{
    constexpr u64 ns_per_tick = 10000000;
    Process& process = Process::current();
    if (a.a0) {
        u64 children;
        {
            SpinlockGuard guard(g_process_table_lock);
            children = process.children_ns;
        }
        i64 tms[4] = { static_cast<i64>(process.cpu_ns() / ns_per_tick), 0, static_cast<i64>(children / ns_per_tick), 0 };
        TRY(copy_to_user(a.a0, tms, sizeof(tms)));
    }
    return static_cast<long>(arch::monotonic_ns() / ns_per_tick);
}
REGISTER_SYSCALL(__NR_times, sys_times);

} // namespace sk
