// Process lifecycle and identity syscalls: clone, execve, exit, wait, ids, groups, sessions,
// credentials (Linux's set*id rules), limits.
#include <lib/UserCopy.h>
#include <proc/Exec.h>
#include <proc/Lifecycle.h>
#include <proc/Scheduler.h>
#include <proc/SignalDelivery.h>
#include <syscalls/FsCommon.h>
#include <syscalls/Syscall.h>
#include <vfs/VirtualFileSystem.h>

namespace sk {

static Result<long> sys_clone(const SyscallArguments& a)
{
    // riscv64: clone(flags, newsp, parent_tidptr, tls, child_tidptr)
    CloneRequest request { a.a0, a.a1, a.a2, a.a3, a.a4 };
    return TRY(clone(request));
}
REGISTER_SYSCALL(__NR_clone, sys_clone);

static Result<long> sys_clone3(const SyscallArguments&) { return Error { ENOSYS }; }
REGISTER_SYSCALL(__NR_clone3, sys_clone3);

static Result<void> copy_string_vector(uptr user_vector, Vector<KString>& out)
{
    if (!user_vector)
        return {};
    static constexpr size_t max_strings = 32768;
    char* buffer = new (std::nothrow) char[4097];
    if (!buffer)
        return Error { ENOMEM };
    struct Free {
        char* p;
        ~Free() { delete[] p; }
    } free_buffer { buffer };
    for (size_t i = 0;; ++i) {
        if (i >= max_strings)
            return Error { E2BIG };
        uptr pointer;
        TRY(copy_from_user(&pointer, user_vector + i * sizeof(uptr), sizeof(pointer)));
        if (!pointer)
            return {};
        auto length = copy_string_from_user(buffer, pointer, 4096);
        if (length.is_error())
            return length.error().code == ENAMETOOLONG ? Error { E2BIG } : length.error();
        TRY(out.try_append(TRY(KString::try_create(StringView(buffer, length.value())))));
    }
}

static Result<long> sys_execve(const SyscallArguments& a)
{
    auto path = TRY(UserPath::copy_in(a.a0));
    ExecArguments arguments;
    TRY(copy_string_vector(a.a1, arguments.argv));
    TRY(copy_string_vector(a.a2, arguments.envp));
    Process& process = Process::current();
    auto cwd = process.cwd();
    TRY(exec(process, *cwd, path.view(), arguments));
    return 0; // a0 of the new program (the frame was rewritten; a0 = 0)
}
REGISTER_SYSCALL(__NR_execve, sys_execve);

static Result<long> sys_exit(const SyscallArguments& a) { exit_thread((a.a0 & 0xff) << 8); }
REGISTER_SYSCALL(__NR_exit, sys_exit);

static Result<long> sys_exit_group(const SyscallArguments& a) { exit_process((a.a0 & 0xff) << 8); }
REGISTER_SYSCALL(__NR_exit_group, sys_exit_group);

static Result<long> sys_wait4(const SyscallArguments& a)
{
    int options = static_cast<int>(a.a2);
    if (options & ~(1 | 2 | 8 | 0x40000000 | 0x80000000 | 0x20000000))
        return Error { EINVAL };
    int status = 0;
    u64 child_ns = 0;
    int pid = TRY(wait_for_child(static_cast<int>(a.a0), options, &status, &child_ns));
    if (pid > 0 && a.a1)
        TRY(copy_to_user(a.a1, &status, sizeof(status)));
    if (a.a3) {
        u64 rusage[18] = {};
        TRY(copy_to_user(a.a3, rusage, sizeof(rusage)));
    }
    return pid;
}
REGISTER_SYSCALL(__NR_wait4, sys_wait4);

static Result<long> sys_getpid(const SyscallArguments&) { return Process::current().pid(); }
REGISTER_SYSCALL(__NR_getpid, sys_getpid);
static Result<long> sys_getppid(const SyscallArguments&) { return Process::current().ppid(); }
REGISTER_SYSCALL(__NR_getppid, sys_getppid);
static Result<long> sys_gettid(const SyscallArguments&) { return scheduler::current()->tid() == 0 ? 0 : static_cast<long>(scheduler::current()->tid()); }
REGISTER_SYSCALL(__NR_gettid, sys_gettid);

static Result<long> sys_getuid(const SyscallArguments&) { return Process::current().credentials().uid; }
REGISTER_SYSCALL(__NR_getuid, sys_getuid);
static Result<long> sys_geteuid(const SyscallArguments&) { return Process::current().credentials().euid; }
REGISTER_SYSCALL(__NR_geteuid, sys_geteuid);
static Result<long> sys_getgid(const SyscallArguments&) { return Process::current().credentials().gid; }
REGISTER_SYSCALL(__NR_getgid, sys_getgid);
static Result<long> sys_getegid(const SyscallArguments&) { return Process::current().credentials().egid; }
REGISTER_SYSCALL(__NR_getegid, sys_getegid);

static constexpr u32 unchanged = 0xffffffff;

// The user ids and the group ids follow the same rules; each rule is written once over
// whichever set a syscall names. Root (euid 0) may set any id; others only ids they have.
struct IdSet {
    u32 Credentials::*real;
    u32 Credentials::*effective;
    u32 Credentials::*saved;
    u32 Credentials::*fs;
};
static constexpr IdSet user_ids { &Credentials::uid, &Credentials::euid, &Credentials::suid, &Credentials::fsuid };
static constexpr IdSet group_ids { &Credentials::gid, &Credentials::egid, &Credentials::sgid, &Credentials::fsgid };

static bool holds(const Credentials& c, const IdSet& set, u32 id)
{
    return id == c.*set.real || id == c.*set.effective || id == c.*set.saved;
}

// setresuid/setresgid: each id may become one of the caller's current real, effective or
// saved ids; the fs id follows the effective one.
static Result<long> set_resident_ids(const IdSet& set, u32 real, u32 effective, u32 saved)
{
    Process& process = Process::current();
    Credentials c = process.credentials();
    if (!c.is_superuser()) {
        for (u32 id : { real, effective, saved }) {
            if (id != unchanged && !holds(c, set, id))
                return Error { EPERM };
        }
    }
    if (real != unchanged)
        c.*set.real = real;
    if (effective != unchanged)
        c.*set.effective = effective;
    if (saved != unchanged)
        c.*set.saved = saved;
    c.*set.fs = c.*set.effective;
    process.set_credentials(c);
    return 0;
}

// setuid/setgid: root sets all of them; others may set the effective id to the real or saved one.
static Result<long> set_single_id(const IdSet& set, u32 id)
{
    Process& process = Process::current();
    Credentials c = process.credentials();
    if (id == unchanged)
        return Error { EINVAL };
    if (c.is_superuser())
        c.*set.real = c.*set.saved = id;
    else if (id != c.*set.real && id != c.*set.saved)
        return Error { EPERM };
    c.*set.effective = c.*set.fs = id;
    process.set_credentials(c);
    return 0;
}

// setreuid/setregid: the saved id follows the new effective one when the real id is set or the
// effective id changes to something other than the old real id.
static Result<long> set_real_effective_ids(const IdSet& set, u32 real, u32 effective)
{
    Process& process = Process::current();
    Credentials c = process.credentials();
    if (!c.is_superuser()) {
        if (real != unchanged && real != c.*set.real && real != c.*set.effective)
            return Error { EPERM };
        if (effective != unchanged && !holds(c, set, effective))
            return Error { EPERM };
    }
    u32 old_real = c.*set.real;
    if (real != unchanged)
        c.*set.real = real;
    if (effective != unchanged)
        c.*set.effective = effective;
    if (real != unchanged || (effective != unchanged && effective != old_real))
        c.*set.saved = c.*set.effective;
    c.*set.fs = c.*set.effective;
    process.set_credentials(c);
    return 0;
}

static Result<long> get_resident_ids(const IdSet& set, const SyscallArguments& a)
{
    Credentials c = Process::current().credentials();
    TRY(copy_to_user(a.a0, &(c.*set.real), 4));
    TRY(copy_to_user(a.a1, &(c.*set.effective), 4));
    TRY(copy_to_user(a.a2, &(c.*set.saved), 4));
    return 0;
}

// setfsuid/setfsgid return the previous fs id and change it only when allowed.
static Result<long> set_fs_id(const IdSet& set, u32 id)
{
    Process& process = Process::current();
    Credentials c = process.credentials();
    u32 previous = c.*set.fs;
    if (c.is_superuser() || holds(c, set, id) || id == c.*set.fs) {
        c.*set.fs = id;
        process.set_credentials(c);
    }
    return previous;
}

static u32 id_argument(u64 value) { return static_cast<u32>(value); }

static Result<long> sys_setresuid(const SyscallArguments& a) { return set_resident_ids(user_ids, id_argument(a.a0), id_argument(a.a1), id_argument(a.a2)); }
REGISTER_SYSCALL(__NR_setresuid, sys_setresuid);
static Result<long> sys_setresgid(const SyscallArguments& a) { return set_resident_ids(group_ids, id_argument(a.a0), id_argument(a.a1), id_argument(a.a2)); }
REGISTER_SYSCALL(__NR_setresgid, sys_setresgid);
static Result<long> sys_setuid(const SyscallArguments& a) { return set_single_id(user_ids, id_argument(a.a0)); }
REGISTER_SYSCALL(__NR_setuid, sys_setuid);
static Result<long> sys_setgid(const SyscallArguments& a) { return set_single_id(group_ids, id_argument(a.a0)); }
REGISTER_SYSCALL(__NR_setgid, sys_setgid);
static Result<long> sys_setreuid(const SyscallArguments& a) { return set_real_effective_ids(user_ids, id_argument(a.a0), id_argument(a.a1)); }
REGISTER_SYSCALL(__NR_setreuid, sys_setreuid);
static Result<long> sys_setregid(const SyscallArguments& a) { return set_real_effective_ids(group_ids, id_argument(a.a0), id_argument(a.a1)); }
REGISTER_SYSCALL(__NR_setregid, sys_setregid);
static Result<long> sys_getresuid(const SyscallArguments& a) { return get_resident_ids(user_ids, a); }
REGISTER_SYSCALL(__NR_getresuid, sys_getresuid);
static Result<long> sys_getresgid(const SyscallArguments& a) { return get_resident_ids(group_ids, a); }
REGISTER_SYSCALL(__NR_getresgid, sys_getresgid);
static Result<long> sys_setfsuid(const SyscallArguments& a) { return set_fs_id(user_ids, id_argument(a.a0)); }
REGISTER_SYSCALL(__NR_setfsuid, sys_setfsuid);
static Result<long> sys_setfsgid(const SyscallArguments& a) { return set_fs_id(group_ids, id_argument(a.a0)); }
REGISTER_SYSCALL(__NR_setfsgid, sys_setfsgid);

static Result<long> sys_getgroups(const SyscallArguments& a)
{
    Credentials c = Process::current().credentials();
    int size = static_cast<int>(a.a0);
    if (size < 0)
        return Error { EINVAL };
    if (size == 0)
        return c.group_count;
    if (static_cast<u32>(size) < c.group_count)
        return Error { EINVAL };
    TRY(copy_to_user(a.a1, c.groups, c.group_count * sizeof(u32)));
    return c.group_count;
}
REGISTER_SYSCALL(__NR_getgroups, sys_getgroups);

static Result<long> sys_setgroups(const SyscallArguments& a)
{
    Process& process = Process::current();
    Credentials c = process.credentials();
    if (!c.is_superuser())
        return Error { EPERM };
    if (a.a0 > Credentials::max_groups)
        return Error { EINVAL };
    TRY(copy_from_user(c.groups, a.a1, a.a0 * sizeof(u32)));
    c.group_count = static_cast<u32>(a.a0);
    process.set_credentials(c);
    return 0;
}
REGISTER_SYSCALL(__NR_setgroups, sys_setgroups);

static Result<long> sys_setpgid(const SyscallArguments& a)
{
    Process& current = Process::current();
    int pid = a.a0 ? static_cast<int>(a.a0) : current.pid();
    int pgid = a.a1 ? static_cast<int>(a.a1) : pid;
    if (pgid < 0)
        return Error { EINVAL };
    RefPtr<Process> target = Process::from_pid(pid);
    if (!target)
        return Error { ESRCH };
    if (target.ptr() != &current && target->ppid() != current.pid())
        return Error { ESRCH };
    if (target->sid() != current.sid())
        return Error { EPERM };
    if (target->pid() == target->sid())
        return Error { EPERM };
    if (pgid != pid) {
        bool exists = false;
        Process::for_each([&](Process& p) { exists |= p.pgid() == pgid && p.sid() == current.sid(); });
        if (!exists)
            return Error { EPERM };
    }
    target->set_pgid(pgid);
    return 0;
}
REGISTER_SYSCALL(__NR_setpgid, sys_setpgid);

static Result<long> sys_getpgid(const SyscallArguments& a)
{
    if (a.a0 == 0)
        return Process::current().pgid();
    RefPtr<Process> target = Process::from_pid(static_cast<int>(a.a0));
    if (!target)
        return Error { ESRCH };
    return target->pgid();
}
REGISTER_SYSCALL(__NR_getpgid, sys_getpgid);

static Result<long> sys_getsid(const SyscallArguments& a)
{
    if (a.a0 == 0)
        return Process::current().sid();
    RefPtr<Process> target = Process::from_pid(static_cast<int>(a.a0));
    if (!target)
        return Error { ESRCH };
    return target->sid();
}
REGISTER_SYSCALL(__NR_getsid, sys_getsid);

static Result<long> sys_setsid(const SyscallArguments&)
{
    Process& process = Process::current();
    bool leader = false;
    Process::for_each([&](Process& p) { leader |= p.pgid() == process.pid(); });
    if (leader)
        return Error { EPERM };
    process.set_sid(process.pid());
    process.set_pgid(process.pid());
    return process.pid();
}
REGISTER_SYSCALL(__NR_setsid, sys_setsid);

static Result<long> sys_set_tid_address(const SyscallArguments& a)
{
    scheduler::current()->clear_child_tid = a.a0;
    return scheduler::current()->tid();
}
REGISTER_SYSCALL(__NR_set_tid_address, sys_set_tid_address);

static Result<long> sys_set_robust_list(const SyscallArguments& a)
{
    if (a.a1 != 24)
        return Error { EINVAL };
    return 0; // FIXME: robust futex lists are accepted but not processed at thread exit
}
REGISTER_SYSCALL(__NR_set_robust_list, sys_set_robust_list);

static Result<long> sys_prlimit64(const SyscallArguments& a)
{
    int resource = static_cast<int>(a.a1);
    if (resource < 0 || resource >= Process::rlimit_count)
        return Error { EINVAL };
    RefPtr<Process> target = a.a0 ? Process::from_pid(static_cast<int>(a.a0)) : RefPtr<Process>(Process::current());
    if (!target)
        return Error { ESRCH };
    ResourceLimit old = target->limit(resource);
    if (a.a2) {
        ResourceLimit fresh;
        TRY(copy_from_user(&fresh, a.a2, sizeof(fresh)));
        if (fresh.current > fresh.maximum)
            return Error { EINVAL };
        if (fresh.maximum > old.maximum && !Process::current().credentials().is_superuser())
            return Error { EPERM };
        if (resource == 7 && fresh.current > static_cast<u64>(FdTable::hard_max))
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

static Result<long> sys_sched_yield(const SyscallArguments&)
{
    scheduler::yield();
    return 0;
}
REGISTER_SYSCALL(__NR_sched_yield, sys_sched_yield);

static Result<long> sys_sched_getaffinity(const SyscallArguments& a)
{
    if (a.a1 < 8)
        return Error { EINVAL };
    u64 mask = 1;
    TRY(copy_to_user(a.a2, &mask, sizeof(mask)));
    return 8;
}
REGISTER_SYSCALL(__NR_sched_getaffinity, sys_sched_getaffinity);

static Result<long> sys_prctl(const SyscallArguments& a)
{
    constexpr int PR_SET_NAME = 15, PR_GET_NAME = 16;
    Process& process = Process::current();
    if (a.a0 == PR_SET_NAME) {
        char name[16] = {};
        auto length = copy_string_from_user(name, a.a1, 15);
        if (length.is_error() && length.error().code != ENAMETOOLONG)
            return length.error();
        name[15] = '\0';
        process.set_name(name);
        return 0;
    }
    if (a.a0 == PR_GET_NAME) {
        char name[16] = {};
        StringView current(process.name());
        for (size_t i = 0; i < current.length(); ++i)
            name[i] = current[i];
        TRY(copy_to_user(a.a1, name, sizeof(name)));
        return 0;
    }
    return Error { EINVAL };
}
REGISTER_SYSCALL(__NR_prctl, sys_prctl);

} // namespace sk
