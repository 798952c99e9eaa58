// Restartable sequences (rseq(2)): a thread registers a struct rseq in its memory; the kernel
// keeps its cpu fields current and, when the thread was switched out or gets a signal while
// its instruction pointer is inside the critical section that rseq_cs describes, sends it to
// the section's abort handler instead of letting it resume halfway. glibc registers one for
// every thread. Linux's kernel/rseq.c is the specification.
#pragma once

#include <arch/riscv64/TrapFrame.h>
#include <lib/Result.h>
#include <proc/Thread.h>

namespace sk {

// rseq(area, length, flags, signature) for the calling thread: register, or unregister with
// flags = RSEQ_FLAG_UNREGISTER.
Result<long> rseq_register(Thread& thread, uptr area, u32 length, u32 flags, u32 signature);
// On the way back to user mode with resume_pending, and before a signal frame is built:
// an interrupted critical section continues at its abort handler and the cpu fields are
// written. False when the thread's rseq state cannot be read or is invalid (the caller
// forces SIGSEGV, as Linux does).
bool rseq_resume(Thread& thread, TrapFrame& frame);
// fork keeps the parent thread's registration; a thread sharing the memory and exec start
// without one.
void rseq_inherit(Thread& child, const Thread& parent, bool shares_memory);
void rseq_forget(Thread& thread);

} // namespace sk
