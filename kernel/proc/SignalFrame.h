// Linux's riscv64 signal frame: what a handler finds on its stack (struct rt_sigframe: a
// siginfo_t and a ucontext with every integer and FP register, the interrupted mask and the
// alternate stack), and rt_sigreturn, which puts all of it back. Also siginfo_t to and from
// user memory for rt_sigtimedwait, waitid and rt_sigqueueinfo.
#pragma once

#include <arch/riscv64/TrapFrame.h>
#include <lib/Result.h>
#include <proc/PendingSignals.h>

namespace sk {

class Thread;
struct SignalAction;

// sigaction flags and sigaltstack flags (asm-generic)
constexpr u64 SA_NOCLDSTOP = 1, SA_NOCLDWAIT = 2, SA_SIGINFO = 4, SA_ONSTACK = 0x08000000, SA_RESTART = 0x10000000,
              SA_NODEFER = 0x40000000, SA_RESETHAND = 0x80000000;
constexpr u32 SS_ONSTACK = 1, SS_DISABLE = 2, SS_AUTODISARM = 1u << 31;
constexpr size_t MINSIGSTKSZ = 2048;

// Pushes a frame for `info` on the user stack (the alternate one under SA_ONSTACK) and
// points the trap frame at the handler: a0 = signal, a1 = &siginfo, a2 = &ucontext, ra =
// the sigreturn trampoline. `saved_mask` is the mask rt_sigreturn will restore. EFAULT when
// the stack cannot take the frame.
Result<void> push_signal_frame(TrapFrame& frame, Thread& thread, const SignalInfo& info, const SignalAction& action,
    u64 saved_mask);

// rt_sigreturn: restores the registers, FP state, mask and alternate stack saved by
// push_signal_frame (or as the handler edited them). Returns the value for a0.
Result<long> signal_return(TrapFrame& frame);

// The alternate stack as sigaltstack(2) reports it for a thread whose user sp is `sp`.
bool on_alternate_stack(const Thread& thread, uptr sp);

Result<void> copy_siginfo_to_user(uptr address, const SignalInfo& info);
// A zeroed siginfo_t (waitid with WNOHANG and nothing to report).
Result<void> clear_siginfo_in_user(uptr address);
// rt_sigqueueinfo: what the sender put in its siginfo_t (code, pid, uid, value).
Result<SignalInfo> copy_siginfo_from_user(uptr address);

} // namespace sk
