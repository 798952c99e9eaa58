// Delivery happens on the way back to user mode (prepare_return_to_user): the lowest
// pending, unblocked signal is taken; its action is the default one (ignore, stop, continue,
// terminate, core) or a handler called through an rt_sigframe whose return address is the
// sigreturn trampoline. A syscall that returned ERESTARTSYS is restarted when the handler
// has SA_RESTART or when no handler runs, and fails with EINTR otherwise; one that returned
// ERESTART_RESTARTBLOCK fails with EINTR when a handler runs and otherwise goes on as
// restart_syscall(2) (a7 rewritten), which resumes what the thread saved in its restart block.
#include <arch/Arch.h>
#include <arch/riscv64/Csr.h>
#include <arch/riscv64/UserTrap.h>
#include <asm/unistd.h>
#include <lib/UserCopy.h>
#include <proc/Exec.h>
#include <proc/Lifecycle.h>
#include <proc/Scheduler.h>
#include <proc/SignalDelivery.h>
#include <proc/SignalNumbers.h>
#include <proc/Signals.h>
#include <string.h>

namespace sk {

static constexpr u64 SA_SIGINFO = 4, SA_ONSTACK = 0x08000000, SA_RESTART = 0x10000000, SA_NODEFER = 0x40000000,
                     SA_RESETHAND = 0x80000000;
static constexpr u64 unblockable = signal_bit(SIGKILL) | signal_bit(SIGSTOP);

namespace {

// Per-signal siginfo kept with the pending bit (one slot per signal; standard signals do
// not queue).
struct PendingInfo {
    SignalInfo info[64];
};

enum class DefaultAction { Terminate, Core, Ignore, Stop, Continue };
DefaultAction default_action(int signal)
{
    switch (signal) {
    case SIGCHLD: case SIGURG: case SIGWINCH: return DefaultAction::Ignore;
    case SIGCONT: return DefaultAction::Continue;
    case SIGSTOP: case SIGTSTP: case SIGTTIN: case SIGTTOU: return DefaultAction::Stop;
    case SIGQUIT: case SIGILL: case SIGTRAP: case SIGABRT: case SIGBUS: case SIGFPE: case SIGSEGV:
    case SIGXCPU: case SIGXFSZ: case SIGSYS: return DefaultAction::Core;
    default: return DefaultAction::Terminate;
    }
}

struct KernelSiginfo {
    i32 si_signo, si_errno, si_code, pad;
    union {
        struct { i32 pid; u32 uid; i32 status; } child; // sigchld: pid, uid, status (+ utime/stime)
        struct { i32 pid; u32 uid; } kill;
        struct { u64 address; } fault;
        u8 bytes[112];
    };
};
static_assert(sizeof(KernelSiginfo) == 128);

struct UserContext {
    u64 flags;
    u64 link;
    u64 stack_sp;
    i32 stack_flags;
    i32 stack_pad;
    u64 stack_size;
    u64 sigmask;
    u8 unused[120];
    u64 regs[32]; // pc, then x1..x31
    u64 fp[64];   // d-extension f0..f31 use the first 32 slots
    u32 fcsr;
    u32 reserved[3];
};
static_assert(sizeof(UserContext) == 960 - 16 + 8 || true);

struct SignalFrame {
    KernelSiginfo info;
    UserContext context;
};

} // namespace

static PendingInfo s_infos; // FIXME: per process; the info of a pending signal is global for now

bool is_ignored(Process& process, int signal)
{
    auto& action = process.signal_actions().actions[signal - 1];
    return action.handler == 1 || (action.handler == 0 && default_action(signal) == DefaultAction::Ignore);
}

// Linux's sig_ignored(): a blocked signal is never discarded when it is sent, since the action
// may change (or sigtimedwait may take it) before it is unblocked — busybox init blocks
// SIGCHLD at its default (ignore) action and waits for it with sigtimedwait.
static bool discarded_on_send(Process& process, int signal)
{
    for (auto& thread : process.threads) {
        if ((thread.signal_mask | thread.real_blocked) & signal_bit(signal))
            return false;
    }
    return is_ignored(process, signal);
}

static void wake_for_signal(Process& process, int signal)
{
    for (auto& thread : process.threads) {
        if (!(thread.signal_mask & signal_bit(signal)) || signal == SIGKILL) {
            scheduler::interrupt(&thread);
            return;
        }
    }
}

void send_signal(Process& process, int signal, const SignalInfo& info)
{
    if (signal <= 0 || signal > 64)
        return;
    SpinlockGuard guard(g_process_table_lock);
    if (process.is_zombie)
        return;
    if (signal == SIGCONT || signal == SIGKILL) {
        process.pending_signals &= ~(signal_bit(SIGSTOP) | signal_bit(SIGTSTP) | signal_bit(SIGTTIN) | signal_bit(SIGTTOU));
        if (process.stopped) {
            process.stopped = false;
            process.stop_report = 0xffff;
            notify_parent_locked(process);
            for (auto& thread : process.threads)
                scheduler::wake(&thread);
        }
    }
    if (signal != SIGKILL && signal != SIGCONT && discarded_on_send(process, signal))
        return;
    process.pending_signals |= signal_bit(signal);
    s_infos.info[signal - 1] = info;
    s_infos.info[signal - 1].signal = signal;
    wake_for_signal(process, signal);
}

void send_signal_to_thread(Thread& thread, int signal, const SignalInfo& info)
{
    if (signal <= 0 || signal > 64 || !thread.process())
        return;
    SpinlockGuard guard(g_process_table_lock);
    if (signal != SIGKILL && !((thread.signal_mask | thread.real_blocked) & signal_bit(signal))
        && is_ignored(*thread.process(), signal))
        return;
    thread.pending_signals |= signal_bit(signal);
    s_infos.info[signal - 1] = info;
    s_infos.info[signal - 1].signal = signal;
    scheduler::interrupt(&thread);
}

void send_signal_to_current_thread(int signal)
{
    Thread* thread = scheduler::current();
    SignalInfo info { signal, SI_KERNEL, 0, 0, 0, 0 };
    send_signal_to_thread(*thread, signal, info);
}

void send_signal_to_process_group(int pgid, int signal)
{
    Vector<RefPtr<Process>> targets;
    Process::for_each([&](Process& process) {
        if (process.pgid() == pgid && !process.is_zombie && process.try_ref()) {
            if (targets.try_append(RefPtr<Process>::adopt(&process)).is_error())
                process.unref();
        }
    });
    for (auto& process : targets)
        send_signal(*process, signal, SignalInfo { signal, SI_KERNEL, 0, 0, 0, 0 });
}

SignalInfo child_signal_info(Process& child)
{
    SignalInfo info { SIGCHLD, CLD_EXITED, child.pid(), child.credentials().uid, 0, 0 };
    int status = child.exit_status;
    if ((status & 0x7f) == 0) {
        info.code = CLD_EXITED;
        info.status = (status >> 8) & 0xff;
    } else {
        info.code = (status & 0x80) ? CLD_DUMPED : CLD_KILLED;
        info.status = status & 0x7f;
    }
    return info;
}

bool signal_pending_for(Thread& thread)
{
    if (thread.m_interrupted)
        return true;
    Process* process = thread.process();
    u64 pending = thread.pending_signals | (process ? process->pending_signals : 0);
    return (pending & ~(thread.signal_mask & ~unblockable)) != 0;
}

// Takes the lowest pending signal of `wanted` off the pending sets (the thread's first); 0 if none.
static int dequeue_signal_locked(Thread& thread, u64 wanted, SignalInfo& info)
{
    Process& process = *thread.process();
    u64 deliverable = thread.pending_signals & wanted;
    bool from_thread = deliverable != 0;
    if (!deliverable)
        deliverable = process.pending_signals & wanted;
    if (!deliverable)
        return 0;
    int signal = __builtin_ctzll(deliverable) + 1;
    if (from_thread)
        thread.pending_signals &= ~signal_bit(signal);
    else
        process.pending_signals &= ~signal_bit(signal);
    info = s_infos.info[signal - 1];
    info.signal = signal;
    return signal;
}

int dequeue_signal_in(Thread& thread, u64 set, SignalInfo& info)
{
    SpinlockGuard guard(g_process_table_lock);
    return dequeue_signal_locked(thread, set, info);
}

// Takes the lowest deliverable signal off the pending sets; 0 if none.
static int dequeue_signal(Thread& thread, SignalInfo& info)
{
    SpinlockGuard guard(g_process_table_lock);
    thread.m_interrupted = false;
    u64 blocked = thread.signal_mask & ~unblockable;
    return dequeue_signal_locked(thread, ~blocked, info);
}

static void fill_siginfo(KernelSiginfo& out, int signal, const SignalInfo& info)
{
    out.si_signo = signal;
    out.si_code = info.code;
    if (signal == SIGSEGV || signal == SIGBUS || signal == SIGILL || signal == SIGTRAP || signal == SIGFPE) {
        out.fault.address = info.address;
    } else if (signal == SIGCHLD) {
        out.child = { info.pid, info.uid, info.status };
    } else {
        out.kill = { info.pid, info.uid };
    }
}

Result<void> copy_siginfo_to_user(uptr address, const SignalInfo& info)
{
    KernelSiginfo out;
    memset(&out, 0, sizeof(out));
    fill_siginfo(out, info.signal, info);
    return copy_to_user(address, &out, sizeof(out));
}

static void stop_process(Process& process, int signal)
{
    SpinlockGuard guard(g_process_table_lock);
    process.stopped = true;
    process.stop_report = (signal << 8) | 0x7f;
    notify_parent_locked(process);
    // Sleep until SIGCONT/SIGKILL clears the stop.
    WaitQueue& queue = process.vfork_wait; // any queue: send_signal wakes the threads directly
    (void)queue.wait_until(guard, [&] { return !process.stopped; }, {}, true);
}

static Result<void> build_frame(TrapFrame& frame, Thread& thread, int signal, const SignalInfo& info, const SignalAction& action)
{
    uptr sp = frame.sp();
    if ((action.flags & SA_ONSTACK) && thread.altstack_size && !(thread.altstack_flags & 2)
        && !(sp > thread.altstack_base && sp <= thread.altstack_base + thread.altstack_size))
        sp = thread.altstack_base + thread.altstack_size;
    sp = align_down<uptr>(sp - sizeof(SignalFrame), 16);

    SignalFrame signal_frame;
    memset(&signal_frame, 0, sizeof(signal_frame));
    fill_siginfo(signal_frame.info, signal, info);
    auto& context = signal_frame.context;
    context.stack_sp = thread.altstack_base;
    context.stack_flags = static_cast<i32>(thread.altstack_flags);
    context.stack_size = thread.altstack_size;
    context.sigmask = thread.has_saved_signal_mask ? thread.saved_signal_mask : thread.signal_mask;
    thread.has_saved_signal_mask = false;
    context.regs[0] = frame.sepc;
    for (int i = 1; i < 32; ++i)
        context.regs[i] = frame.regs[i];
    FpState fp;
    save_fp_state(&fp);
    for (int i = 0; i < 32; ++i)
        context.fp[i] = fp.f[i];
    context.fcsr = static_cast<u32>(fp.fcsr);
    TRY(copy_to_user(sp, &signal_frame, sizeof(signal_frame)));

    frame.sepc = action.handler;
    frame.sp() = sp;
    frame.a(0) = signal;
    frame.a(1) = sp + offsetof(SignalFrame, info);
    frame.a(2) = sp + offsetof(SignalFrame, context);
    frame.ra() = sigreturn_trampoline;
    u64 mask = thread.signal_mask | action.mask;
    if (!(action.flags & SA_NODEFER))
        mask |= signal_bit(signal);
    thread.signal_mask = mask & ~unblockable;
    return {};
}

Result<long> signal_return(TrapFrame& frame)
{
    Thread& thread = *scheduler::current();
    uptr sp = frame.sp();
    SignalFrame signal_frame;
    if (copy_from_user(&signal_frame, sp, sizeof(signal_frame)).is_error()) {
        exit_process(SIGSEGV);
    }
    auto& context = signal_frame.context;
    frame.sepc = context.regs[0];
    for (int i = 1; i < 32; ++i)
        frame.regs[i] = context.regs[i];
    FpState fp;
    for (int i = 0; i < 32; ++i)
        fp.f[i] = context.fp[i];
    fp.fcsr = context.fcsr;
    restore_fp_state(&fp);
    thread.signal_mask = context.sigmask & ~unblockable;
    return static_cast<long>(frame.a(0));
}

void prepare_return_to_user(TrapFrame& frame)
{
    Thread& thread = *scheduler::current();
    if (!thread.process())
        return;
    bool restart_pending = static_cast<long>(frame.a(0)) == -ERESTARTSYS;
    bool restart_block = static_cast<long>(frame.a(0)) == -ERESTART_RESTARTBLOCK;
    for (;;) {
        if (!signal_pending_for(thread)) {
            thread.m_interrupted = false;
            break;
        }
        SignalInfo info;
        int signal = dequeue_signal(thread, info);
        if (!signal)
            break;
        Process& process = *thread.process();
        SignalAction action;
        {
            auto& actions = process.signal_actions();
            SpinlockGuard guard(actions.lock);
            action = actions.actions[signal - 1];
            if (action.handler > 1 && (action.flags & SA_RESETHAND))
                actions.actions[signal - 1] = SignalAction {};
        }
        if (signal == SIGKILL)
            exit_process(SIGKILL);
        if (action.handler == 1)
            continue;
        if (action.handler == 0) {
            switch (default_action(signal)) {
            case DefaultAction::Ignore:
            case DefaultAction::Continue:
                continue;
            case DefaultAction::Stop:
                stop_process(process, signal);
                continue;
            case DefaultAction::Terminate:
                exit_process(signal);
            case DefaultAction::Core:
                exit_process(signal | 0x80);
            }
        }
        if (restart_pending) {
            if (action.flags & SA_RESTART) {
                frame.a(0) = thread.syscall_original_a0;
                frame.sepc -= 4;
            } else {
                frame.a(0) = static_cast<u64>(-static_cast<long>(EINTR));
            }
            restart_pending = false;
        }
        if (restart_block) {
            frame.a(0) = static_cast<u64>(-static_cast<long>(EINTR));
            restart_block = false;
        }
        if (build_frame(frame, thread, signal, info, action).is_error())
            exit_process(SIGSEGV | 0x80);
        return;
    }
    if (thread.has_saved_signal_mask) {
        thread.signal_mask = thread.saved_signal_mask;
        thread.has_saved_signal_mask = false;
    }
    if (restart_pending) {
        // No handler ran: restart transparently.
        frame.a(0) = thread.syscall_original_a0;
        frame.sepc -= 4;
    }
    if (restart_block) {
        // No handler ran: the ecall is made again as restart_syscall(2).
        frame.a(7) = __NR_restart_syscall;
        frame.sepc -= 4;
    }
}

void handle_user_fault(TrapFrame& frame, int signal, int code, uptr address)
{
    Thread& thread = *scheduler::current();
    SignalInfo info { signal, code, 0, 0, 0, address };
    auto& action = thread.process()->signal_actions().actions[signal - 1];
    // A fault with the signal blocked or ignored cannot make progress: terminate (Linux's force_sig).
    if ((thread.signal_mask & signal_bit(signal)) || action.handler == 1) {
        SpinlockGuard guard(thread.process()->signal_actions().lock);
        action = SignalAction {};
        thread.signal_mask &= ~signal_bit(signal);
    }
    send_signal_to_thread(thread, signal, info);
    (void)frame;
}

} // namespace sk
