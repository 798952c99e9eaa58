// pidfd_open(2) and pidfd_getfd(2). (pidfd_send_signal is with the other signal calls,
// waitid's P_PIDFD and CLONE_PIDFD with the process calls.)
#include <proc/Pidfd.h>
#include <proc/Process.h>
#include <syscalls/FsCommon.h>
#include <syscalls/Syscall.h>

namespace sk {

static constexpr u32 pidfd_nonblock = O_NONBLOCK, pidfd_thread = O_EXCL;

// pidfd_open(pid, flags): pid must be a process (a thread group's leader): EINVAL for the
// tid of another thread, ESRCH when nothing has that number (or only a reaped zombie).
static Result<long> sys_pidfd_open(const SyscallArguments& a)
{
    int pid = static_cast<int>(a.a0);
    u32 flags = static_cast<u32>(a.a1);
    if (flags & ~(pidfd_nonblock | pidfd_thread))
        return Error { EINVAL };
    if (flags & pidfd_thread)
        return Error { EINVAL }; // FIXME: PIDFD_THREAD (Linux 6.9), a pidfd for one thread
    if (pid <= 0)
        return Error { EINVAL };
    RefPtr<Process> process = Process::from_pid(pid);
    if (!process) {
        SpinlockGuard guard(g_process_table_lock);
        return Error { find_thread_locked(pid) ? EINVAL : ESRCH };
    }
    auto handle = TRY(ProcessHandle::of(*process));
    TRY(handle->live_process());
    auto file = TRY(Pidfd::try_create_file(std::move(handle), O_RDWR | (flags & pidfd_nonblock)));
    Process& current = Process::current();
    return TRY(current.fds().allocate(std::move(file), true, current.fd_limit()));
}
REGISTER_SYSCALL(__NR_pidfd_open, sys_pidfd_open);

// Linux's ptrace_may_access(PTRACE_MODE_ATTACH_REALCREDS): root, or the caller's real ids are
// all of the target's and the target is dumpable.
static bool may_attach(Process& target)
{
    Credentials caller = Process::current().credentials();
    if (caller.is_superuser())
        return true;
    Credentials owner = target.credentials();
    return caller.uid == owner.uid && caller.uid == owner.euid && caller.uid == owner.suid && caller.gid == owner.gid
        && caller.gid == owner.egid && caller.gid == owner.sgid && target.dumpable;
}

// pidfd_getfd(pidfd, targetfd, flags): a duplicate of another process's descriptor, in the
// caller's table with close-on-exec.
static Result<long> sys_pidfd_getfd(const SyscallArguments& a)
{
    if (a.a2 != 0)
        return Error { EINVAL };
    Process& current = Process::current();
    auto pidfd = TRY(current.fds().get(static_cast<int>(a.a0)));
    auto handle = Pidfd::handle_of(*pidfd);
    if (!handle)
        return Error { EBADF };
    auto target = TRY(handle->live_process());
    if (!may_attach(*target))
        return Error { EPERM };
    auto file = TRY(target->fds().get(static_cast<int>(a.a1)));
    return TRY(current.fds().allocate(std::move(file), true, current.fd_limit()));
}
REGISTER_SYSCALL(__NR_pidfd_getfd, sys_pidfd_getfd);

} // namespace sk
