// Signal generation and delivery: pending sets per process and per thread, default actions,
// and Linux's riscv64 rt_sigframe (siginfo + ucontext with the FP state) on the user stack.
#pragma once

#include <arch/riscv64/TrapFrame.h>
#include <lib/Result.h>
#include <proc/Process.h>

namespace sk {

struct SignalInfo {
    int signal { 0 };
    int code { 0 };
    int pid { 0 };
    u32 uid { 0 };
    int status { 0 };   // SIGCHLD
    uptr address { 0 }; // faults
};

// Process-directed: any thread that does not block it takes it.
void send_signal(Process& process, int signal, const SignalInfo& info = {});
void send_signal_to_thread(Thread& thread, int signal, const SignalInfo& info = {});
void send_signal_to_current_thread(int signal);
void send_signal_to_process_group(int pgid, int signal);
SignalInfo child_signal_info(Process& child);
void notify_parent_locked(Process& child);

// Takes the lowest pending signal in `set` (the thread's own first, then the process's) off
// the pending sets, blocked or not, for rt_sigtimedwait; 0 if none is pending.
int dequeue_signal_in(Thread& thread, u64 set, SignalInfo& info);
// Writes Linux's siginfo_t (128 bytes) for `info` to user memory.
Result<void> copy_siginfo_to_user(uptr address, const SignalInfo& info);

// rt_sigreturn: restores the frame saved at delivery. Returns the value for a0.
Result<long> signal_return(TrapFrame& frame);

// Thread-safe accessors of the masks for the syscall layer.
bool is_ignored(Process& process, int signal);

} // namespace sk
