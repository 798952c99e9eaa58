// Process lifecycle and identity syscalls: clone/clone3, execve, exit, wait4/waitid, pids and
// tids, process groups and sessions, robust futex lists, prctl, sched_*. Credentials are in
// CredentialSyscalls.cpp, limits and usage in ResourceSyscalls.cpp.
#include <arch/Arch.h>
#include <lib/UserCopy.h>
#include <proc/Exec.h>
#include <proc/Lifecycle.h>
#include <proc/Pid.h>
#include <proc/Scheduler.h>
#include <proc/Pidfd.h>
#include <proc/Rseq.h>
#include <proc/SignalDelivery.h>
#include <proc/Wait.h>
#include <syscalls/FsCommon.h>
#include <syscalls/Syscall.h>
#include <vfs/VirtualFileSystem.h>

namespace sk {

// CLONE_PIDFD: a pidfd for the child (close-on-exec), its number written to `where` before
// the child is made. The descriptor is reserved and the file made first, so that nothing has
// to be undone once the child exists.
static Result<long> clone_with_pidfd(CloneRequest& request, uptr where)
{
    if (request.flags & CloneFlag_THREAD)
        return Error { EINVAL }; // FIXME: a thread's pidfd (Linux 6.9)
    Process& process = Process::current();
    RefPtr<FdTable> fds = process.fd_table();
    int fd = TRY(fds->reserve(true, process.fd_limit()));
    auto prepare = [&]() -> Result<RefPtr<OpenFile>> {
        request.pidfd_handle = TRY(ProcessHandle::try_create());
        auto file = TRY(Pidfd::try_create_file(request.pidfd_handle, O_RDWR));
        TRY(copy_to_user(where, &fd, sizeof(fd)));
        return file;
    };
    auto file = prepare();
    auto pid = file.is_error() ? Result<int>(file.error()) : clone(request);
    if (pid.is_error()) {
        fds->release_reserved(fd);
        return pid.error();
    }
    fds->fill_reserved(fd, file.release_value());
    return pid.value();
}

static Result<long> sys_clone(const SyscallArguments& a)
{
    // riscv64: clone(flags, newsp, parent_tidptr, tls, child_tidptr); the low byte of the
    // flags is the exit signal. With CLONE_PIDFD the pidfd goes where parent_tidptr points,
    // so CLONE_PARENT_SETTID cannot come with it.
    u32 flags = static_cast<u32>(a.a0);
    CloneRequest request;
    request.flags = flags & ~0xffu;
    request.exit_signal = static_cast<int>(flags & 0xff);
    request.stack = a.a1;
    request.parent_tid = a.a2;
    request.tls = a.a3;
    request.child_tid = a.a4;
    if (flags & CloneFlag_PIDFD) {
        if (flags & (CloneFlag_PARENT_SETTID | CloneFlag_DETACHED))
            return Error { EINVAL };
        return clone_with_pidfd(request, a.a2);
    }
    return TRY(clone(request));
}
REGISTER_SYSCALL(__NR_clone, sys_clone);

// clone3(struct clone_args *, size): the versioned form; a larger struct than this kernel
// knows is accepted when the unknown tail is zero (E2BIG otherwise), as Linux does.
static Result<long> sys_clone3(const SyscallArguments& a)
{
    struct CloneArgs {
        u64 flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls, set_tid, set_tid_size, cgroup;
    };
    constexpr size_t first_version_size = 64;
    size_t size = a.a1;
    if (size < first_version_size)
        return Error { EINVAL };
    if (size > arch::page_size)
        return Error { E2BIG };
    CloneArgs args {};
    TRY(copy_from_user(&args, a.a0, min(size, sizeof(args))));
    for (size_t offset = sizeof(args); offset < size; offset += 8) {
        u64 word = 0;
        TRY(copy_from_user(&word, a.a0 + offset, min<size_t>(8, size - offset)));
        if (word)
            return Error { E2BIG };
    }
    constexpr u64 known = 0xffffffffull | CloneFlag_CLEAR_SIGHAND | CloneFlag_INTO_CGROUP;
    if ((args.flags & ~known) || (args.flags & (CloneFlag_DETACHED | 0xff)))
        return Error { EINVAL };
    if (args.exit_signal > 64 || ((args.flags & (CloneFlag_THREAD | CloneFlag_PARENT)) && args.exit_signal))
        return Error { EINVAL };
    if ((args.flags & CloneFlag_SIGHAND) && (args.flags & CloneFlag_CLEAR_SIGHAND))
        return Error { EINVAL };
    if ((args.stack == 0) != (args.stack_size == 0))
        return Error { EINVAL };
    if (args.set_tid || args.set_tid_size)
        return Error { EINVAL }; // FIXME: choosing the child's pid (CAP_SYS_ADMIN in Linux)
    if (args.flags & (CloneFlag_INTO_CGROUP | CloneFlag_CLEAR_SIGHAND))
        return Error { EINVAL }; // FIXME: cgroups and CLONE_CLEAR_SIGHAND are not supported
    CloneRequest request;
    request.flags = args.flags;
    request.exit_signal = static_cast<int>(args.exit_signal);
    request.stack = args.stack ? args.stack + args.stack_size : 0;
    request.parent_tid = args.parent_tid;
    request.tls = args.tls;
    request.child_tid = args.child_tid;
    if (args.flags & CloneFlag_PIDFD)
        return clone_with_pidfd(request, args.pidfd);
    return TRY(clone(request));
}
REGISTER_SYSCALL(__NR_clone3, sys_clone3);

// argv/envp into the kernel. A string may be MAX_ARG_STRLEN (32 pages) long with its NUL;
// the total is checked by exec against the stack limit.
static Result<void> copy_string_vector(uptr user_vector, Vector<KString>& out)
{
    if (!user_vector)
        return {};
    static constexpr size_t max_strings = 0x7fffffff;
    static constexpr size_t max_string_length = 32 * 4096;
    char* buffer = new (std::nothrow) char[max_string_length];
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
        auto length = copy_string_from_user(buffer, pointer, max_string_length - 1);
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

// struct rusage for a reaped child: its CPU time (all of it as user time).
static Result<void> copy_child_rusage(uptr address, const WaitResult& result)
{
    if (!address)
        return {};
    i64 usage[18] = {};
    usage[0] = static_cast<i64>(result.cpu_ns / 1000000000);
    usage[1] = static_cast<i64>(result.cpu_ns % 1000000000 / 1000);
    return copy_to_user(address, usage, sizeof(usage));
}

static Result<long> sys_wait4(const SyscallArguments& a)
{
    int pid = static_cast<int>(a.a0);
    int options = static_cast<int>(a.a2);
    if (options & ~(WaitNoHang | WaitUntraced | WaitContinued | WaitNoThread | WaitClone | WaitAll))
        return Error { EINVAL };
    if (pid == INT32_MIN)
        return Error { ESRCH }; // -pid would overflow
    WaitRequest request;
    request.options = options | WaitExited;
    if (pid > 0) {
        request.id_type = WaitIdPid;
        request.id = pid;
    } else if (pid == 0) {
        request.id_type = WaitIdGroup;
        request.id = Process::current().pgid();
    } else if (pid < -1) {
        request.id_type = WaitIdGroup;
        request.id = -pid;
    }
    WaitResult result = TRY(wait_for_child(request));
    // The child is reaped whether or not the copies succeed (as in Linux).
    if (result.pid > 0 && a.a1)
        TRY(copy_to_user(a.a1, &result.status_word, sizeof(result.status_word)));
    if (result.pid > 0)
        TRY(copy_child_rusage(a.a3, result));
    return result.pid;
}
REGISTER_SYSCALL(__NR_wait4, sys_wait4);

// waitid(idtype, id, infop, options, rusage): 0 on success; with WaitNoHang and nothing to
// report the siginfo is zeroed (si_pid 0).
static Result<long> sys_waitid(const SyscallArguments& a)
{
    int id_type = static_cast<int>(a.a0);
    int id = static_cast<int>(a.a1);
    int options = static_cast<int>(a.a3);
    if (options & ~(WaitNoHang | WaitNoWait | WaitExited | WaitStopped | WaitContinued | WaitNoThread | WaitClone | WaitAll))
        return Error { EINVAL };
    if (!(options & (WaitExited | WaitStopped | WaitContinued)))
        return Error { EINVAL };
    WaitRequest request;
    request.id_type = id_type;
    request.id = id;
    request.options = options;
    switch (id_type) {
    case WaitIdAll:
        break;
    case WaitIdPid:
        if (id <= 0)
            return Error { EINVAL };
        break;
    case WaitIdGroup:
        if (id < 0)
            return Error { EINVAL };
        break;
    case WaitIdFd: {
        // The child behind a pidfd (EBADF for any other fd); ECHILD once it is reaped. A
        // pidfd opened with PIDFD_NONBLOCK makes the wait WNOHANG, and "nothing yet" EAGAIN.
        auto file = TRY(Process::current().fds().get(id));
        auto handle = Pidfd::handle_of(*file);
        if (!handle)
            return Error { EBADF };
        if (handle->live_process().is_error())
            return Error { ECHILD };
        request.id_type = WaitIdPid;
        request.id = handle->pid();
        if (file->is_nonblocking())
            request.options |= WaitNoHang;
        break;
    }
    default:
        return Error { EINVAL };
    }
    WaitResult result = TRY(wait_for_child(request));
    if (result.pid == 0 && (request.options & WaitNoHang) && !(options & WaitNoHang))
        return Error { EAGAIN };
    if (a.a2) {
        if (result.pid > 0)
            TRY(copy_siginfo_to_user(a.a2, result.info));
        else
            TRY(clear_siginfo_in_user(a.a2));
    }
    if (result.pid > 0)
        TRY(copy_child_rusage(a.a4, result));
    return 0;
}
REGISTER_SYSCALL(__NR_waitid, sys_waitid);

static Result<long> sys_getpid(const SyscallArguments&) { return Process::current().pid(); }
REGISTER_SYSCALL(__NR_getpid, sys_getpid);
static Result<long> sys_getppid(const SyscallArguments&) { return Process::current().ppid(); }
REGISTER_SYSCALL(__NR_getppid, sys_getppid);
static Result<long> sys_gettid(const SyscallArguments&) { return static_cast<long>(scheduler::current()->tid()); }
REGISTER_SYSCALL(__NR_gettid, sys_gettid);

// Linux's setpgid: a process may move itself or a child that has not exec'd, within its
// session, into its own group or another group of the session; a session leader never moves.
static Result<long> sys_setpgid(const SyscallArguments& a)
{
    Process& current = Process::current();
    int pid = a.a0 ? static_cast<int>(a.a0) : current.pid();
    int pgid = a.a1 ? static_cast<int>(a.a1) : pid;
    if (pgid < 0)
        return Error { EINVAL };
    SpinlockGuard guard(g_process_table_lock);
    Process* target = find_process_locked(pid);
    if (!target || target->is_zombie)
        return Error { ESRCH };
    if (target != &current) {
        if (target->parent != &current)
            return Error { ESRCH };
        if (target->sid() != current.sid())
            return Error { EPERM };
        if (target->did_exec)
            return Error { EACCES };
    }
    if (target->pid() == target->sid())
        return Error { EPERM };
    if (pgid != pid) {
        // FIXME: O(n); a group's session is not indexed (the count only says it exists).
        bool exists = false;
        for (auto& process : process_table())
            exists |= process.pgid() == pgid && process.sid() == current.sid();
        if (!exists)
            return Error { EPERM };
    }
    target->set_pgid_locked(pgid);
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

// setsid: EPERM when a process group with the caller's pid exists (it leads one already).
static Result<long> sys_setsid(const SyscallArguments&)
{
    Process& process = Process::current();
    SpinlockGuard guard(g_process_table_lock);
    if (id_use_count_locked(IdUse::Group, process.pid()))
        return Error { EPERM };
    process.set_sid_locked(process.pid());
    process.set_pgid_locked(process.pid());
    return process.pid();
}
REGISTER_SYSCALL(__NR_setsid, sys_setsid);

static Result<long> sys_set_tid_address(const SyscallArguments& a)
{
    scheduler::current()->clear_child_tid = a.a0;
    return scheduler::current()->tid();
}
REGISTER_SYSCALL(__NR_set_tid_address, sys_set_tid_address);

static constexpr size_t robust_list_head_size = 24;

// Only remembered here; RobustList.cpp walks it when the thread exits.
static Result<long> sys_set_robust_list(const SyscallArguments& a)
{
    if (a.a1 != robust_list_head_size)
        return Error { EINVAL };
    Thread& thread = *scheduler::current();
    thread.robust_list = a.a0;
    thread.robust_list_length = a.a1;
    return 0;
}
REGISTER_SYSCALL(__NR_set_robust_list, sys_set_robust_list);

static Result<long> sys_rseq(const SyscallArguments& a)
{
    return rseq_register(*scheduler::current(), a.a0, static_cast<u32>(a.a1), static_cast<u32>(a.a2),
        static_cast<u32>(a.a3));
}
REGISTER_SYSCALL(__NR_rseq, sys_rseq);

// Runs fn(thread, its process's credentials) for thread tid under the process table lock
// (ESRCH when there is none); fn says whether the caller may act on it.
template<typename Fn> static Result<void> with_thread(int tid, Fn fn)
{
    SpinlockGuard guard(g_process_table_lock);
    Thread* found = find_thread_locked(tid);
    if (!found)
        return Error { ESRCH };
    return fn(*found, found->process()->m_credentials);
}

// get_robust_list(tid, head_ptr, len_ptr): another thread's needs the rights ptrace would.
static Result<long> sys_get_robust_list(const SyscallArguments& a)
{
    int tid = static_cast<int>(a.a0);
    uptr head = 0;
    if (tid == 0) {
        head = scheduler::current()->robust_list;
    } else {
        Credentials caller = Process::current().credentials();
        TRY(with_thread(tid, [&](Thread& thread, const Credentials& owner) -> Result<void> {
            if (!caller.is_superuser() && (caller.uid != owner.uid || caller.uid != owner.euid || caller.uid != owner.suid))
                return Error { EPERM };
            head = thread.robust_list;
            return {};
        }));
    }
    TRY(copy_to_user(a.a1, &head, sizeof(head)));
    u64 length = robust_list_head_size;
    TRY(copy_to_user(a.a2, &length, sizeof(length)));
    return 0;
}
REGISTER_SYSCALL(__NR_get_robust_list, sys_get_robust_list);

static Result<long> sys_sched_yield(const SyscallArguments&)
{
    scheduler::yield();
    return 0;
}
REGISTER_SYSCALL(__NR_sched_yield, sys_sched_yield);

// CPU affinity: user code runs on one CPU (0), so every thread's mask is {0}. Setting one is
// accepted when it includes CPU 0 (Linux: EINVAL when no allowed CPU is online), by the
// target's owner or root (EPERM otherwise, as without CAP_SYS_NICE).
static constexpr u64 online_cpus = 1;

static Result<void> check_affinity_target(int tid, bool setting)
{
    if (tid == 0)
        return {};
    Credentials caller = Process::current().credentials();
    return with_thread(tid, [&](Thread&, const Credentials& owner) -> Result<void> {
        if (setting && !caller.is_superuser() && caller.euid != owner.uid && caller.euid != owner.euid)
            return Error { EPERM };
        return {};
    });
}

static Result<long> sys_sched_setaffinity(const SyscallArguments& a)
{
    u64 mask = 0;
    TRY(copy_from_user(&mask, a.a2, min<size_t>(a.a1, sizeof(mask))));
    TRY(check_affinity_target(static_cast<int>(a.a0), true));
    if (!(mask & online_cpus))
        return Error { EINVAL };
    return 0;
}
REGISTER_SYSCALL(__NR_sched_setaffinity, sys_sched_setaffinity);

// getcpu(cpu, node, cache): CPU 0 on node 0; the third argument is unused since Linux 2.6.24.
static Result<long> sys_getcpu(const SyscallArguments& a)
{
    u32 zero = 0;
    if (a.a0)
        TRY(copy_to_user(a.a0, &zero, sizeof(zero)));
    if (a.a1)
        TRY(copy_to_user(a.a1, &zero, sizeof(zero)));
    return 0;
}
REGISTER_SYSCALL(__NR_getcpu, sys_getcpu);

static Result<long> sys_sched_getaffinity(const SyscallArguments& a)
{
    if (a.a1 < 8 || (a.a1 % 8))
        return Error { EINVAL };
    TRY(check_affinity_target(static_cast<int>(a.a0), false));
    u64 mask = online_cpus;
    TRY(copy_to_user(a.a2, &mask, sizeof(mask)));
    return 8;
}
REGISTER_SYSCALL(__NR_sched_getaffinity, sys_sched_getaffinity);

// prctl: the name is the calling thread's (Linux's comm is per thread); the main thread's is
// also the process's (/proc/<pid>/stat, comm). The rest is per process (see Process.h).
static Result<long> sys_prctl(const SyscallArguments& a)
{
    constexpr int PR_SET_PDEATHSIG = 1, PR_GET_PDEATHSIG = 2, PR_GET_DUMPABLE = 3, PR_SET_DUMPABLE = 4,
                  PR_SET_NAME = 15, PR_GET_NAME = 16, PR_SET_CHILD_SUBREAPER = 36, PR_GET_CHILD_SUBREAPER = 37,
                  PR_SET_NO_NEW_PRIVS = 38, PR_GET_NO_NEW_PRIVS = 39;
    Process& process = Process::current();
    Thread& thread = *scheduler::current();
    switch (static_cast<int>(a.a0)) {
    case PR_SET_NAME: {
        char name[16] = {};
        auto length = copy_string_from_user(name, a.a1, 15);
        if (length.is_error() && length.error().code != ENAMETOOLONG)
            return length.error();
        name[15] = '\0';
        thread.set_name(name);
        if (static_cast<int>(thread.tid()) == process.pid())
            process.set_name(name);
        return 0;
    }
    case PR_GET_NAME: {
        char name[16] = {};
        StringView current(thread.name());
        for (size_t i = 0; i < current.length() && i < 15; ++i)
            name[i] = current[i];
        TRY(copy_to_user(a.a1, name, sizeof(name)));
        return 0;
    }
    case PR_SET_PDEATHSIG:
        if (a.a1 > 64)
            return Error { EINVAL };
        process.pdeath_signal = static_cast<int>(a.a1);
        return 0;
    case PR_GET_PDEATHSIG: {
        int signal = process.pdeath_signal;
        TRY(copy_to_user(a.a1, &signal, sizeof(signal)));
        return 0;
    }
    case PR_GET_DUMPABLE:
        return process.dumpable ? 1 : 0;
    case PR_SET_DUMPABLE:
        if (a.a1 > 1)
            return Error { EINVAL };
        process.dumpable = a.a1 == 1;
        return 0;
    case PR_SET_CHILD_SUBREAPER: {
        SpinlockGuard guard(g_process_table_lock);
        process.child_subreaper = a.a1 != 0;
        return 0;
    }
    case PR_GET_CHILD_SUBREAPER: {
        int value = process.child_subreaper ? 1 : 0;
        TRY(copy_to_user(a.a1, &value, sizeof(value)));
        return 0;
    }
    case PR_SET_NO_NEW_PRIVS:
        if (a.a1 != 1 || a.a2 || a.a3 || a.a4)
            return Error { EINVAL };
        process.no_new_privs = true;
        return 0;
    case PR_GET_NO_NEW_PRIVS:
        if (a.a1 || a.a2 || a.a3 || a.a4)
            return Error { EINVAL };
        return process.no_new_privs ? 1 : 0;
    default:
        return Error { EINVAL };
    }
}
REGISTER_SYSCALL(__NR_prctl, sys_prctl);

} // namespace sk
