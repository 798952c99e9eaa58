// Generation (send_signal_locked): the side effects come first — a stop signal discards a
// pending SIGCONT, SIGCONT and SIGKILL discard pending stop signals and end a stop — then a
// signal that the target ignores and does not block is dropped (Linux's sig_ignored: a
// blocked signal is always kept, since the action may change before it is unblocked, and
// rt_sigtimedwait's real_blocked counts as blocked), and the rest is added to the thread's or
// the process's pending set and a thread that can take it is woken.
//
// Delivery (prepare_return_to_user) runs on every return to user mode: SIGKILL ends the
// process; a stopped process parks its threads; then the lowest deliverable signal is taken
// (the thread's own before the process's) and its action runs: ignore, stop, continue,
// terminate, core, or a handler frame. As in Linux, frames are pushed for every deliverable
// signal before returning (each handler's mask applies to the next choice), so the last one
// pushed runs first.
//
// Interrupted syscalls: with a handler, ERESTARTSYS restarts only under SA_RESTART,
// ERESTARTNOINTR always, ERESTARTNOHAND and ERESTART_RESTARTBLOCK fail with EINTR; with no
// handler all of them go on (ERESTART_RESTARTBLOCK as restart_syscall(2)).
//
// Locking: g_process_table_lock guards the pending sets and the stop state.
#include <arch/Arch.h>
#include <arch/riscv64/UserTrap.h>
#include <asm/unistd.h>
#include <proc/JobControl.h>
#include <proc/Rseq.h>
#include <proc/Lifecycle.h>
#include <proc/Scheduler.h>
#include <proc/SignalDelivery.h>
#include <proc/SignalNumbers.h>
#include <proc/Signals.h>

namespace sk {

static constexpr u64 unblockable = signal_bit(SIGKILL) | signal_bit(SIGSTOP);
static constexpr u64 stop_signals = signal_bit(SIGSTOP) | signal_bit(SIGTSTP) | signal_bit(SIGTTIN) | signal_bit(SIGTTOU);
static constexpr int RLIMIT_CORE = 4;

namespace {

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

bool is_restart_code(long value)
{
    return value == -ERESTARTSYS || value == -ERESTARTNOINTR || value == -ERESTARTNOHAND || value == -ERESTART_RESTARTBLOCK;
}

} // namespace

bool is_ignored(Process& process, int signal)
{
    auto& action = process.signal_actions().actions[signal - 1];
    return action.handler == 1 || (action.handler == 0 && default_action(signal) == DefaultAction::Ignore);
}

// The thread that stands for the process when a process-directed signal is judged: the main
// one (Linux looks at the thread group leader), or any other if it has exited.
static Thread* representative_thread(Process& process)
{
    for (auto& thread : process.threads) {
        if (static_cast<int>(thread.tid()) == process.pid())
            return &thread;
    }
    return process.threads.first();
}

static void prepare_signal_locked(Process& process, int signal)
{
    if (is_stop_signal(signal)) {
        process.pending.discard(signal_bit(SIGCONT));
        for (auto& thread : process.threads)
            thread.pending.discard(signal_bit(SIGCONT));
    } else if (signal == SIGCONT || signal == SIGKILL) {
        process.pending.discard(stop_signals);
        for (auto& thread : process.threads)
            thread.pending.discard(stop_signals);
        continue_process_locked(process, signal == SIGCONT);
    }
}

static bool discarded_locked(Process& process, Thread* thread, int signal, bool force)
{
    Thread* judge = thread ? thread : representative_thread(process);
    if (judge && ((judge->signal_mask | judge->real_blocked) & signal_bit(signal)))
        return false;
    // Init is unkillable by accident (Linux's SIGNAL_UNKILLABLE): a signal it leaves at the
    // default action is dropped, even SIGKILL, unless the kernel forces it (a fault).
    if (&process == init_process() && !force && process.signal_actions().actions[signal - 1].handler == 0)
        return true;
    if (signal == SIGKILL || signal == SIGSTOP)
        return false;
    return is_ignored(process, signal);
}

static void wake_taker_locked(Process& process, Thread* thread, int signal)
{
    if (signal == SIGKILL) {
        for (auto& other : process.threads)
            scheduler::interrupt(&other);
        process.stop_wait.wake_all();
        return;
    }
    if (thread) {
        if (!(thread->signal_mask & signal_bit(signal)))
            scheduler::interrupt(thread);
        return;
    }
    Thread* first = representative_thread(process);
    if (first && !(first->signal_mask & signal_bit(signal))) {
        scheduler::interrupt(first);
        return;
    }
    for (auto& other : process.threads) {
        if (!(other.signal_mask & signal_bit(signal))) {
            scheduler::interrupt(&other);
            return;
        }
    }
}

Result<void> send_signal_locked(Process& process, Thread* thread, const SignalInfo& info, unsigned flags)
{
    int signal = info.signal;
    if (signal <= 0 || signal > 64 || process.is_zombie || (process.exiting && signal != SIGKILL))
        return {};
    prepare_signal_locked(process, signal);
    if (discarded_locked(process, thread, signal, flags & SendForce))
        return {};
    auto& pending = thread ? thread->pending : process.pending;
    if (!pending.add(info, flags & SendMustQueue))
        return Error { EAGAIN };
    wake_taker_locked(process, thread, signal);
    return {};
}

void send_signal(Process& process, int signal, const SignalInfo& info)
{
    SignalInfo copy = info;
    copy.signal = signal;
    SpinlockGuard guard(g_process_table_lock);
    (void)send_signal_locked(process, nullptr, copy);
}

void send_signal_to_thread(Thread& thread, int signal, const SignalInfo& info)
{
    if (!thread.process())
        return;
    SignalInfo copy = info;
    copy.signal = signal;
    SpinlockGuard guard(g_process_table_lock);
    (void)send_signal_locked(*thread.process(), &thread, copy);
}

void send_signal_to_current_thread(int signal)
{
    SignalInfo info;
    info.code = SI_KERNEL;
    send_signal_to_thread(*scheduler::current(), signal, info);
}

void send_signal_to_process_group(int pgid, int signal)
{
    SignalInfo info;
    info.signal = signal;
    info.code = SI_KERNEL;
    SpinlockGuard guard(g_process_table_lock);
    for (auto& process : process_table()) {
        if (process.pgid() == pgid)
            (void)send_signal_locked(process, nullptr, info);
    }
}

void force_signal_on_current_thread(const SignalInfo& info)
{
    Thread& thread = *scheduler::current();
    Process& process = *thread.process();
    int signal = info.signal;
    {
        // A fault that is blocked or ignored cannot make progress: the default action it is
        // (Linux's force_sig_info_to_task).
        auto& actions = process.signal_actions();
        SpinlockGuard guard(actions.lock);
        auto& action = actions.actions[signal - 1];
        bool blocked = thread.signal_mask & signal_bit(signal);
        if (blocked || action.handler == 1) {
            action = SignalAction {};
            thread.signal_mask &= ~signal_bit(signal);
        }
    }
    SpinlockGuard guard(g_process_table_lock);
    (void)send_signal_locked(process, &thread, info, SendForce);
}

void force_sigsegv_on_current_thread()
{
    // Its handler could not run either: SIGSEGV with the default action (Linux's force_sigsegv).
    {
        auto& actions = Process::current().signal_actions();
        SpinlockGuard guard(actions.lock);
        actions.actions[SIGSEGV - 1] = SignalAction {};
    }
    SignalInfo info;
    info.signal = SIGSEGV;
    info.code = SI_KERNEL;
    force_signal_on_current_thread(info);
}

SignalInfo child_signal_info(Process& child)
{
    SignalInfo info;
    info.signal = SIGCHLD;
    info.pid = child.pid();
    info.uid = child.credentials().uid;
    int status = child.exit_status;
    if ((status & 0x7f) == 0) {
        info.code = CLD_EXITED;
        info.status = (status >> 8) & 0xff;
    } else {
        info.code = (status & 0x80) ? CLD_DUMPED : CLD_KILLED;
        info.status = status & 0x7f;
    }
    constexpr u64 ns_per_tick = 10000000; // USER_HZ = 100
    info.user_ticks = child.user_ns / ns_per_tick; // a zombie's threads are all accounted
    return info;
}

bool signal_pending_for(Thread& thread)
{
    if (thread.m_interrupted)
        return true;
    Process* process = thread.process();
    if (!process)
        return false;
    if (process->stopped)
        return true; // the thread must park on its way out
    u64 pending = thread.pending_signals | process->pending_signals;
    return (pending & ~(thread.signal_mask & ~unblockable)) != 0;
}

static int dequeue_signal_locked(Thread& thread, u64 wanted, SignalInfo& info)
{
    int signal = thread.pending.take(wanted, info);
    if (!signal)
        signal = thread.process()->pending.take(wanted, info);
    return signal;
}

int dequeue_signal_in(Thread& thread, u64 set, SignalInfo& info)
{
    SpinlockGuard guard(g_process_table_lock);
    return dequeue_signal_locked(thread, set, info);
}

// One step of delivery: 0 when nothing is deliverable. SIGKILL and stops are dealt with here.
static int next_signal(Thread& thread, SignalInfo& info)
{
    Process& process = *thread.process();
    SpinlockGuard guard(g_process_table_lock);
    for (;;) {
        thread.m_interrupted = false;
        if (thread.pending.has(SIGKILL) || process.pending.has(SIGKILL) || process.exiting) {
            guard.unlock();
            exit_process(SIGKILL);
        }
        if (process.stopped) {
            park_while_stopped_locked(guard, process, thread);
            continue;
        }
        return dequeue_signal_locked(thread, ~(thread.signal_mask & ~unblockable), info);
    }
}

// Applies a signal's default action (ignore, stop, terminate, core).
static void run_default_action(Thread& thread, int signal)
{
    Process& process = *thread.process();
    switch (default_action(signal)) {
    case DefaultAction::Ignore:
    case DefaultAction::Continue:
        return;
    case DefaultAction::Stop: {
        SpinlockGuard guard(g_process_table_lock);
        // A terminal stop signal is discarded in an orphaned group; SIGSTOP always stops.
        if (signal != SIGSTOP && is_orphaned_process_group_locked(process.pgid()))
            return;
        stop_process_locked(process, signal);
        return; // next_signal parks the thread
    }
    case DefaultAction::Terminate:
        exit_process(signal);
    case DefaultAction::Core: {
        // FIXME: no core file is written; the core flag says one would have been (RLIMIT_CORE
        // allows at least a page), as Linux reports a successful dump.
        bool core = process.limit(RLIMIT_CORE).current >= arch::page_size;
        exit_process(signal | (core ? 0x80 : 0));
    }
    }
}

static void apply_restart(TrapFrame& frame, Thread& thread, long code, bool handler, u64 handler_flags)
{
    bool restart = !handler || code == -ERESTARTNOINTR || (code == -ERESTARTSYS && (handler_flags & SA_RESTART));
    if (!restart) {
        frame.a(0) = static_cast<u64>(-static_cast<long>(EINTR));
        return;
    }
    frame.a(0) = thread.syscall_original_a0;
    if (code == -ERESTART_RESTARTBLOCK)
        frame.a(7) = __NR_restart_syscall;
    frame.sepc -= 4;
}

void prepare_return_to_user(TrapFrame& frame)
{
    Thread& thread = *scheduler::current();
    if (!thread.process())
        return;
    if (thread.rseq.resume_pending && !rseq_resume(thread, frame))
        force_sigsegv_on_current_thread();
    long restart_code = 0;
    if (thread.in_syscall && is_restart_code(static_cast<long>(frame.a(0))))
        restart_code = static_cast<long>(frame.a(0));
    thread.in_syscall = false;
    bool handled = false;
    while (signal_pending_for(thread)) {
        SignalInfo info;
        int signal = next_signal(thread, info);
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
        if (action.handler == 1)
            continue;
        if (action.handler == 0) {
            run_default_action(thread, signal);
            continue;
        }
        if (restart_code) {
            apply_restart(frame, thread, restart_code, true, action.flags);
            restart_code = 0;
        }
        // The handler's frame saves the abort handler's address if a critical section was
        // interrupted (Linux's rseq_signal_deliver).
        if (thread.rseq.area && !rseq_resume(thread, frame)) {
            force_sigsegv_on_current_thread();
            continue;
        }
        // The mask the handler's sigreturn restores: rt_sigsuspend's (or ppoll's) saved one
        // for the first frame, the current one after that.
        u64 saved_mask = thread.has_saved_signal_mask ? thread.saved_signal_mask : thread.signal_mask;
        thread.has_saved_signal_mask = false;
        info.signal = signal;
        if (push_signal_frame(frame, thread, info, action, saved_mask).is_error()) {
            force_sigsegv_on_current_thread();
            continue;
        }
        u64 mask = thread.signal_mask | action.mask;
        if (!(action.flags & SA_NODEFER))
            mask |= signal_bit(signal);
        thread.signal_mask = mask & ~unblockable;
        handled = true;
    }
    if (!handled && thread.has_saved_signal_mask) {
        thread.signal_mask = thread.saved_signal_mask;
        thread.has_saved_signal_mask = false;
    }
    if (restart_code)
        apply_restart(frame, thread, restart_code, false, 0);
}

void handle_user_fault(TrapFrame&, int signal, int code, uptr address)
{
    SignalInfo info;
    info.signal = signal;
    info.code = code;
    info.address = address;
    force_signal_on_current_thread(info);
}

} // namespace sk
