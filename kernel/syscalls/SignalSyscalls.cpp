// Signal syscalls: actions, masks, sending, waiting, the alternate stack and sigreturn.
#include <arch/Arch.h>
#include <lib/UserCopy.h>
#include <proc/Lifecycle.h>
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
    if (signal < 1 || signal > 64 || a.a3 != 8)
        return Error { EINVAL };
    auto& actions = Process::current().signal_actions();
    KernelSigaction fresh {};
    if (a.a1) {
        if (signal == SIGKILL || signal == SIGSTOP)
            return Error { EINVAL };
        TRY(copy_from_user(&fresh, a.a1, sizeof(fresh)));
    }
    SignalAction old;
    {
        SpinlockGuard guard(actions.lock);
        old = actions.actions[signal - 1];
        if (a.a1)
            actions.actions[signal - 1] = SignalAction { fresh.handler, fresh.flags, 0, fresh.mask & ~unblockable };
    }
    if (a.a1 && fresh.handler == 1) {
        // Setting SIG_IGN discards a pending instance.
        Process& process = Process::current();
        SpinlockGuard guard(g_process_table_lock);
        process.pending_signals &= ~signal_bit(signal);
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
        switch (a.a0) {
        case 0: thread.signal_mask |= set; break;  // SIG_BLOCK
        case 1: thread.signal_mask &= ~set; break; // SIG_UNBLOCK
        case 2: thread.signal_mask = set; break;   // SIG_SETMASK
        default: return Error { EINVAL };
        }
        thread.signal_mask &= ~unblockable;
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
    u64 pending = (thread.pending_signals | Process::current().pending_signals) & thread.signal_mask;
    TRY(copy_to_user(a.a0, &pending, a.a1));
    return 0;
}
REGISTER_SYSCALL(__NR_rt_sigpending, sys_rt_sigpending);

static Result<long> sys_rt_sigsuspend(const SyscallArguments& a)
{
    if (a.a1 != 8)
        return Error { EINVAL };
    u64 mask;
    TRY(copy_from_user(&mask, a.a0, sizeof(mask)));
    Thread& thread = *scheduler::current();
    // The old mask comes back when the handler returns (it is saved in the signal frame), or
    // right away when no handler runs.
    thread.saved_signal_mask = thread.signal_mask;
    thread.has_saved_signal_mask = true;
    thread.signal_mask = mask & ~unblockable;
    Spinlock lock;
    WaitQueue queue;
    SpinlockGuard guard(lock);
    (void)queue.wait_until(guard, [] { return false; });
    return Error { EINTR };
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

static Result<void> check_kill_permission(Process& target, int signal)
{
    Credentials sender = Process::current().credentials();
    Credentials receiver = target.credentials();
    if (sender.is_superuser() || sender.uid == receiver.uid || sender.uid == receiver.suid
        || sender.euid == receiver.uid || sender.euid == receiver.suid)
        return {};
    if (signal == SIGCONT && target.sid() == Process::current().sid())
        return {};
    return Error { EPERM };
}

static Result<long> sys_kill(const SyscallArguments& a)
{
    int pid = static_cast<int>(a.a0), signal = static_cast<int>(a.a1);
    if (signal < 0 || signal > 64)
        return Error { EINVAL };
    Process& current = Process::current();
    SignalInfo info { signal, SI_USER, current.pid(), current.credentials().uid, 0, 0 };
    if (pid > 0) {
        RefPtr<Process> target = Process::from_pid(pid);
        if (!target || target->is_zombie)
            return target ? Result<long>(0) : Result<long>(Error { ESRCH });
        TRY(check_kill_permission(*target, signal));
        if (signal)
            send_signal(*target, signal, info);
        return 0;
    }
    Vector<RefPtr<Process>> targets;
    int group = pid == 0 ? current.pgid() : -pid;
    Process::for_each([&](Process& process) {
        bool selected = pid == -1 ? (process.pid() > 1 && &process != &current) : process.pgid() == group;
        if (selected && !process.is_zombie && process.try_ref()) {
            if (targets.try_append(RefPtr<Process>::adopt(&process)).is_error())
                process.unref();
        }
    });
    if (targets.is_empty())
        return Error { ESRCH };
    bool any = false;
    for (auto& target : targets) {
        if (check_kill_permission(*target, signal).is_error())
            continue;
        any = true;
        if (signal)
            send_signal(*target, signal, info);
    }
    return any ? Result<long>(0) : Result<long>(Error { EPERM });
}
REGISTER_SYSCALL(__NR_kill, sys_kill);

static Result<long> signal_thread(int tgid, int tid, int signal)
{
    if (signal < 0 || signal > 64 || tid <= 0)
        return Error { EINVAL };
    Thread* found = nullptr;
    RefPtr<Process> owner;
    Process::for_each([&](Process& process) {
        if (found || (tgid > 0 && process.pid() != tgid))
            return;
        for (auto& thread : process.threads) {
            if (static_cast<int>(thread.tid()) == tid || (process.pid() == tid && &thread == process.threads.first())) {
                found = &thread;
                process.ref();
                owner = RefPtr<Process>::adopt(&process);
                return;
            }
        }
    });
    if (!found)
        return Error { ESRCH };
    TRY(check_kill_permission(*owner, signal));
    if (signal) {
        Process& current = Process::current();
        send_signal_to_thread(*found, signal, SignalInfo { signal, SI_TKILL, current.pid(), current.credentials().uid, 0, 0 });
    }
    return 0;
}

static Result<long> sys_tkill(const SyscallArguments& a) { return signal_thread(-1, static_cast<int>(a.a0), static_cast<int>(a.a1)); }
REGISTER_SYSCALL(__NR_tkill, sys_tkill);
static Result<long> sys_tgkill(const SyscallArguments& a)
{
    return signal_thread(static_cast<int>(a.a0), static_cast<int>(a.a1), static_cast<int>(a.a2));
}
REGISTER_SYSCALL(__NR_tgkill, sys_tgkill);

static Result<long> sys_rt_sigreturn(const SyscallArguments& a) { return signal_return(*a.frame); }
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
    Stack old { thread.altstack_base, static_cast<i32>(thread.altstack_flags), 0, thread.altstack_size };
    uptr sp = a.frame->sp();
    bool on_stack = thread.altstack_size && sp > thread.altstack_base && sp <= thread.altstack_base + thread.altstack_size;
    if (on_stack)
        old.flags = 1; // SS_ONSTACK
    if (a.a0) {
        Stack fresh;
        TRY(copy_from_user(&fresh, a.a0, sizeof(fresh)));
        if (on_stack)
            return Error { EPERM };
        if (fresh.flags != 0 && fresh.flags != 2)
            return Error { EINVAL };
        if (fresh.flags == 2) {
            thread.altstack_base = 0;
            thread.altstack_size = 0;
            thread.altstack_flags = 2;
        } else {
            if (fresh.size < 2048)
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
