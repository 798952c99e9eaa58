// Signal syscalls: actions, masks, sending (with Linux's permission rules), waiting, the
// alternate stack and sigreturn.
#include <arch/Arch.h>
#include <lib/UserCopy.h>
#include <proc/Lifecycle.h>
#include <proc/Pidfd.h>
#include <proc/Scheduler.h>
#include <proc/SignalDelivery.h>
#include <proc/SignalNumbers.h>
#include <syscalls/Syscall.h>

namespace sk {

static constexpr u64 unblockable = signal_bit(SIGKILL) | signal_bit(SIGSTOP);

struct KernelSigaction {
    u64 handler;
    u64 flags;
    u64 mask; // riscv64 has no sa_restorer in the kernel struct
};

static Result<long> sys_rt_sigaction(const SyscallArguments& a)
{
    int signal = static_cast<int>(a.a0);
    if (a.a3 != 8)
        return Error { EINVAL };
    KernelSigaction fresh {};
    if (a.a1)
        TRY(copy_from_user(&fresh, a.a1, sizeof(fresh)));
    if (signal < 1 || signal > 64 || (a.a1 && (signal == SIGKILL || signal == SIGSTOP)))
        return Error { EINVAL };
    Process& process = Process::current();
    auto& actions = process.signal_actions();
    SignalAction old;
    {
        SpinlockGuard guard(actions.lock);
        old = actions.actions[signal - 1];
        if (a.a1)
            actions.actions[signal - 1] = SignalAction { fresh.handler, fresh.flags, 0, fresh.mask & ~unblockable };
    }
    if (a.a1 && is_ignored(process, signal)) {
        // POSIX: an action that ignores the signal discards pending instances, blocked or not.
        SpinlockGuard guard(g_process_table_lock);
        process.pending.discard(signal_bit(signal));
        for (auto& thread : process.threads)
            thread.pending.discard(signal_bit(signal));
    }
    if (a.a2) {
        KernelSigaction out { old.handler, old.flags, old.mask };
        TRY(copy_to_user(a.a2, &out, sizeof(out)));
    }
    return 0;
}
REGISTER_SYSCALL(__NR_rt_sigaction, sys_rt_sigaction);

static Result<long> sys_rt_sigprocmask(const SyscallArguments& a)
{
    if (a.a3 != 8)
        return Error { EINVAL };
    Thread& thread = *scheduler::current();
    u64 old = thread.signal_mask;
    if (a.a1) {
        u64 set;
        TRY(copy_from_user(&set, a.a1, sizeof(set)));
        u64 mask;
        switch (a.a0) {
        case 0: mask = old | set; break;  // SIG_BLOCK
        case 1: mask = old & ~set; break; // SIG_UNBLOCK
        case 2: mask = set; break;        // SIG_SETMASK
        default: return Error { EINVAL };
        }
        // A newly unblocked pending signal is delivered on the way out of this call.
        SpinlockGuard guard(g_process_table_lock);
        thread.signal_mask = mask & ~unblockable;
    }
    if (a.a2)
        TRY(copy_to_user(a.a2, &old, sizeof(old)));
    return 0;
}
REGISTER_SYSCALL(__NR_rt_sigprocmask, sys_rt_sigprocmask);

static Result<long> sys_rt_sigpending(const SyscallArguments& a)
{
    if (a.a1 > 8)
        return Error { EINVAL };
    Thread& thread = *scheduler::current();
    u64 pending;
    {
        SpinlockGuard guard(g_process_table_lock);
        pending = (thread.pending_signals | Process::current().pending_signals) & thread.signal_mask;
    }
    TRY(copy_to_user(a.a0, &pending, a.a1));
    return 0;
}
REGISTER_SYSCALL(__NR_rt_sigpending, sys_rt_sigpending);

// Sleeps with the given mask until a signal is delivered. ERESTARTNOHAND: EINTR once a handler
// has run (its sigreturn restores the old mask); without a handler (a stop and continue) the
// old mask comes back and the call starts again.
static Result<long> sys_rt_sigsuspend(const SyscallArguments& a)
{
    if (a.a1 != 8)
        return Error { EINVAL };
    u64 mask;
    TRY(copy_from_user(&mask, a.a0, sizeof(mask)));
    Thread& thread = *scheduler::current();
    thread.saved_signal_mask = thread.signal_mask;
    thread.has_saved_signal_mask = true;
    thread.signal_mask = mask & ~unblockable;
    Spinlock lock;
    WaitQueue queue;
    SpinlockGuard guard(lock);
    (void)queue.wait_until(guard, [] { return false; });
    return Error { ERESTARTNOHAND };
}
REGISTER_SYSCALL(__NR_rt_sigsuspend, sys_rt_sigsuspend);

// rt_sigtimedwait(set, info, timeout, sigsetsize): takes a pending signal of `set` without
// running its handler, sleeping until one comes (or the timeout passes: EAGAIN). As in Linux,
// the set is unblocked while the thread sleeps so that sending one wakes it; a signal outside
// the set that interrupts the wait is delivered as usual and the call fails with EINTR.
static Result<long> sys_rt_sigtimedwait(const SyscallArguments& a)
{
    if (a.a3 != 8)
        return Error { EINVAL };
    u64 set;
    TRY(copy_from_user(&set, a.a0, sizeof(set)));
    set &= ~unblockable;
    Deadline deadline;
    if (a.a2) {
        i64 ts[2];
        TRY(copy_from_user(ts, a.a2, sizeof(ts)));
        if (ts[0] < 0 || ts[1] < 0 || ts[1] >= 1000000000)
            return Error { EINVAL };
        deadline.monotonic_ns = arch::monotonic_ns() + static_cast<u64>(ts[0]) * 1000000000ul + static_cast<u64>(ts[1]);
    }
    Thread& thread = *scheduler::current();
    SignalInfo info;
    int signal = dequeue_signal_in(thread, set, info);
    if (!signal) {
        u64 blocked = thread.signal_mask;
        thread.real_blocked = blocked;
        thread.signal_mask &= ~set;
        Spinlock lock;
        WaitQueue queue;
        SpinlockGuard guard(lock);
        auto waited = queue.wait_until(
            guard, [] { return false; }, deadline);
        guard.unlock();
        thread.signal_mask = blocked;
        thread.real_blocked = 0;
        signal = dequeue_signal_in(thread, set, info);
        if (!signal)
            return Error { waited.is_error() && waited.error().code == ETIMEDOUT ? EAGAIN : EINTR };
    }
    if (a.a1)
        TRY(copy_siginfo_to_user(a.a1, info));
    return signal;
}
REGISTER_SYSCALL(__NR_rt_sigtimedwait, sys_rt_sigtimedwait);

// Linux's kill_ok_by_cred: the sender's real or effective uid is the target's real or saved
// uid (or the sender is root); SIGCONT may also go to any process of the sender's session.
static Result<void> check_kill_permission(Process& target, int signal)
{
    Process& current = Process::current();
    if (&target == &current)
        return {};
    Credentials sender = current.credentials();
    Credentials receiver = target.credentials();
    if (sender.is_superuser() || sender.uid == receiver.uid || sender.uid == receiver.suid
        || sender.euid == receiver.uid || sender.euid == receiver.suid)
        return {};
    if (signal == SIGCONT && target.sid() == current.sid())
        return {};
    return Error { EPERM };
}

static SignalInfo user_signal_info(int signal, int code)
{
    Process& current = Process::current();
    SignalInfo info;
    info.signal = signal;
    info.code = code;
    info.pid = current.pid();
    info.uid = current.credentials().uid;
    return info;
}

// Sends to one process after the permission check; signal 0 checks only.
static Result<void> send_checked(Process& target, const SignalInfo& info, bool must_queue = false)
{
    TRY(check_kill_permission(target, info.signal));
    if (!info.signal)
        return {};
    SpinlockGuard guard(g_process_table_lock);
    return send_signal_locked(target, nullptr, info, must_queue ? u32(SendMustQueue) : 0u);
}

// kill(pid, sig): one process (pid > 0), the caller's group (0), every process but init and
// the caller (-1), or the group -pid. For many targets: success if any succeeded, else the
// last error (ESRCH when there was nobody).
static Result<long> sys_kill(const SyscallArguments& a)
{
    int pid = static_cast<int>(a.a0), signal = static_cast<int>(a.a1);
    if (signal < 0 || signal > 64)
        return Error { EINVAL };
    SignalInfo info = user_signal_info(signal, SI_USER);
    if (pid > 0) {
        RefPtr<Process> target = Process::from_pid(pid);
        if (!target)
            return Error { ESRCH };
        TRY(send_checked(*target, info));
        return 0;
    }
    if (pid == INT32_MIN)
        return Error { ESRCH };
    Process& current = Process::current();
    Vector<RefPtr<Process>> targets;
    int group = pid == 0 ? current.pgid() : -pid;
    Process::for_each([&](Process& process) {
        bool selected = pid == -1 ? (process.pid() > 1 && &process != &current) : process.pgid() == group;
        if (selected && !process.is_zombie && process.try_ref()) {
            if (targets.try_append(RefPtr<Process>::adopt(&process)).is_error())
                process.unref();
        }
    });
    Result<void> last = Error { ESRCH };
    bool any = false;
    for (auto& target : targets) {
        last = send_checked(*target, info);
        any |= !last.is_error();
    }
    if (any)
        return 0;
    return last.error();
}
REGISTER_SYSCALL(__NR_kill, sys_kill);

// A thread by tid, within process tgid unless tgid is -1 (tkill). The owner comes with a
// reference so that it outlives the lookup.
static Result<Thread*> find_thread(int tgid, int tid, RefPtr<Process>& owner)
{
    SpinlockGuard guard(g_process_table_lock);
    Thread* found = find_thread_locked(tid);
    if (!found || (tgid > 0 && found->process()->pid() != tgid) || !found->process()->try_ref())
        return Error { ESRCH };
    owner = RefPtr<Process>::adopt(found->process());
    return found;
}

static Result<long> send_to_thread(int tgid, int tid, const SignalInfo& info, bool must_queue = false)
{
    RefPtr<Process> owner;
    Thread* thread = TRY(find_thread(tgid, tid, owner));
    TRY(check_kill_permission(*owner, info.signal));
    if (!info.signal)
        return 0;
    SpinlockGuard guard(g_process_table_lock);
    // The thread may have exited since the lookup: it is gone from its process then.
    if (find_thread_locked(tid) != thread)
        return Error { ESRCH };
    TRY(send_signal_locked(*owner, thread, info, must_queue ? u32(SendMustQueue) : 0u));
    return 0;
}

static Result<long> sys_tkill(const SyscallArguments& a)
{
    int tid = static_cast<int>(a.a0), signal = static_cast<int>(a.a1);
    if (tid <= 0 || signal < 0 || signal > 64)
        return Error { EINVAL };
    return send_to_thread(-1, tid, user_signal_info(signal, SI_TKILL));
}
REGISTER_SYSCALL(__NR_tkill, sys_tkill);

static Result<long> sys_tgkill(const SyscallArguments& a)
{
    int tgid = static_cast<int>(a.a0), tid = static_cast<int>(a.a1), signal = static_cast<int>(a.a2);
    if (tgid <= 0 || tid <= 0 || signal < 0 || signal > 64)
        return Error { EINVAL };
    return send_to_thread(tgid, tid, user_signal_info(signal, SI_TKILL));
}
REGISTER_SYSCALL(__NR_tgkill, sys_tgkill);

// rt_sigqueueinfo/rt_tgsigqueueinfo: the sender's own siginfo. Only negative codes (other
// than SI_TKILL) may go to another process, so that nobody forges a kernel's or kill's.
static Result<void> check_not_forged(int target_pid, const SignalInfo& info)
{
    if ((info.code >= 0 || info.code == SI_TKILL) && target_pid != Process::current().pid())
        return Error { EPERM };
    return {};
}

static Result<SignalInfo> queued_info(int target_pid, int signal, uptr user_info)
{
    SignalInfo info = TRY(copy_siginfo_from_user(user_info));
    if (signal < 0 || signal > 64)
        return Error { EINVAL };
    TRY(check_not_forged(target_pid, info));
    info.signal = signal;
    return info;
}

static Result<long> sys_rt_sigqueueinfo(const SyscallArguments& a)
{
    int pid = static_cast<int>(a.a0);
    SignalInfo info = TRY(queued_info(pid, static_cast<int>(a.a1), a.a2));
    RefPtr<Process> target = Process::from_pid(pid);
    if (!target)
        return Error { ESRCH };
    TRY(send_checked(*target, info, true));
    return 0;
}
REGISTER_SYSCALL(__NR_rt_sigqueueinfo, sys_rt_sigqueueinfo);

// pidfd_send_signal(pidfd, sig, info, flags): kill(2) (or rt_sigqueueinfo with info) aimed
// through a pidfd, so a reused pid number can never be hit. ESRCH once the process is reaped.
static Result<long> sys_pidfd_send_signal(const SyscallArguments& a)
{
    constexpr u32 signal_thread_group = 2; // PIDFD_SIGNAL_THREAD_GROUP: what a process pidfd means anyway
    int signal = static_cast<int>(a.a1);
    u32 flags = static_cast<u32>(a.a3);
    if (flags & ~signal_thread_group)
        return Error { EINVAL }; // FIXME: PIDFD_SIGNAL_THREAD and _PROCESS_GROUP (Linux 6.9)
    auto pidfd = TRY(Process::current().fds().get(static_cast<int>(a.a0)));
    auto handle = Pidfd::handle_of(*pidfd);
    if (!handle)
        return Error { EBADF };
    SignalInfo info = user_signal_info(signal, SI_USER);
    if (a.a2) {
        info = TRY(copy_siginfo_from_user(a.a2));
        if (info.signal != signal)
            return Error { EINVAL }; // the siginfo must name the signal sent
        TRY(check_not_forged(handle->pid(), info));
    }
    if (signal < 0 || signal > 64)
        return Error { EINVAL };
    auto target = TRY(handle->live_process());
    TRY(send_checked(*target, info, a.a2 != 0));
    return 0;
}
REGISTER_SYSCALL(__NR_pidfd_send_signal, sys_pidfd_send_signal);

static Result<long> sys_rt_tgsigqueueinfo(const SyscallArguments& a)
{
    int tgid = static_cast<int>(a.a0), tid = static_cast<int>(a.a1);
    SignalInfo info = TRY(queued_info(tgid, static_cast<int>(a.a2), a.a3));
    if (tgid <= 0 || tid <= 0)
        return Error { EINVAL };
    return send_to_thread(tgid, tid, info, true);
}
REGISTER_SYSCALL(__NR_rt_tgsigqueueinfo, sys_rt_tgsigqueueinfo);

// A frame that cannot be read back kills with SIGSEGV (Linux's badframe).
static Result<long> sys_rt_sigreturn(const SyscallArguments& a)
{
    // a0 is now the interrupted context's, not a result: never mistake it for a restart code
    // (Linux: regs->cause = -1).
    scheduler::current()->in_syscall = false;
    auto result = signal_return(*a.frame);
    if (result.is_error()) {
        force_sigsegv_on_current_thread();
        return static_cast<long>(a.frame->a(0));
    }
    return result.value();
}
REGISTER_SYSCALL(__NR_rt_sigreturn, sys_rt_sigreturn);

static Result<long> sys_sigaltstack(const SyscallArguments& a)
{
    struct Stack {
        u64 sp;
        i32 flags;
        i32 pad;
        u64 size;
    };
    Thread& thread = *scheduler::current();
    uptr sp = a.frame->sp();
    bool on_stack = on_alternate_stack(thread, sp);
    Stack old { thread.altstack_base, 0, 0, thread.altstack_size };
    old.flags = static_cast<i32>(!thread.altstack_size ? SS_DISABLE : on_stack ? SS_ONSTACK : 0);
    if (a.a0) {
        Stack fresh;
        TRY(copy_from_user(&fresh, a.a0, sizeof(fresh)));
        if (on_stack)
            return Error { EPERM };
        u32 mode = static_cast<u32>(fresh.flags) & ~SS_AUTODISARM;
        if (mode != 0 && mode != SS_ONSTACK && mode != SS_DISABLE)
            return Error { EINVAL };
        if (mode == SS_DISABLE) {
            thread.altstack_base = 0;
            thread.altstack_size = 0;
            thread.altstack_flags = SS_DISABLE;
        } else {
            if (fresh.size < MINSIGSTKSZ)
                return Error { ENOMEM };
            thread.altstack_base = fresh.sp;
            thread.altstack_size = fresh.size;
            thread.altstack_flags = 0;
        }
    }
    if (a.a1)
        TRY(copy_to_user(a.a1, &old, sizeof(old)));
    return 0;
}
REGISTER_SYSCALL(__NR_sigaltstack, sys_sigaltstack);

} // namespace sk
