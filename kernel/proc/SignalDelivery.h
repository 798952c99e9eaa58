// Signal generation and delivery: the pending sets of each process and thread (with their
// siginfo, see PendingSignals), Linux's rules for what is discarded when sent, default
// actions (terminate, core, ignore, stop, continue), handlers through the rt_sigframe (see
// SignalFrame), and interrupted syscalls (ERESTART* codes, see WaitQueue.h).
#pragma once

#include <arch/riscv64/TrapFrame.h>
#include <lib/Result.h>
#include <proc/PendingSignals.h>
#include <proc/Process.h>
#include <proc/SignalFrame.h>

namespace sk {

// Process-directed: any thread that does not block it takes it.
void send_signal(Process& process, int signal, const SignalInfo& info = {});
void send_signal_to_thread(Thread& thread, int signal, const SignalInfo& info = {});
void send_signal_to_current_thread(int signal);
void send_signal_to_process_group(int pgid, int signal);
// With g_process_table_lock held; thread = null for process-directed.
enum SendFlags : unsigned {
    SendMustQueue = 1, // sigqueue: EAGAIN when a real-time instance finds no room
    SendForce = 2,     // a fault: init cannot ignore it by leaving the default action
};
Result<void> send_signal_locked(Process& process, Thread* thread, const SignalInfo& info, unsigned flags = 0);
// A user fault: the thread gets `signal` even when it blocks or ignores it (then it kills).
void force_signal_on_current_thread(const SignalInfo& info);
// A signal frame could not be pushed or popped: SIGSEGV that kills, whatever its action.
void force_sigsegv_on_current_thread();

// What SIGCHLD and waitid say about a child that has exited.
SignalInfo child_signal_info(Process& child);
// Wakes the parent's wait4/waitid (table lock held).
void notify_parent_locked(Process& child);

// Takes the lowest pending signal in `set` (the thread's own first, then the process's) off
// the pending sets, blocked or not, for rt_sigtimedwait; 0 if none is pending.
int dequeue_signal_in(Thread& thread, u64 set, SignalInfo& info);

// The action is SIG_IGN, or SIG_DFL for a signal whose default is to ignore it.
bool is_ignored(Process& process, int signal);

} // namespace sk
