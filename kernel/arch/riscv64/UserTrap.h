// What the trap handler asks of the process layer for traps from user mode. The process
// layer (kernel/proc, kernel/syscalls) implements these.
#pragma once

#include <arch/riscv64/TrapFrame.h>

namespace sk {

enum class FaultAccess { Read, Write, Execute };

// What a page fault on a user address came to. Anything but Resolved is what a user-mode
// access is told (Linux's choice of signal): NoMapping SIGSEGV/SEGV_MAPERR, Forbidden
// SIGSEGV/SEGV_ACCERR, BeyondFile (a file page past the end of the file) and Failed (the
// page could not be had: I/O error, no memory) SIGBUS/BUS_ADRERR. A user-copy routine
// turns any of them into EFAULT.
enum class FaultResult { Resolved, NoMapping, Forbidden, BeyondFile, Failed };

// ecall from user mode: a0 = syscall(a7; a0..a5).
void handle_syscall(TrapFrame& frame);
// A page fault on a user address (from user mode, or from a user-copy routine): Resolved if
// the page is now mapped (demand paging, copy-on-write) and the access can be retried.
FaultResult handle_user_page_fault(uptr address, FaultAccess access);
// A user fault that could not be resolved: deliver SIGSEGV/SIGBUS/SIGILL/SIGTRAP.
void handle_user_fault(TrapFrame& frame, int signal, int code, uptr address);
// Last step before returning to user mode: deliver pending signals (may rewrite the frame).
void prepare_return_to_user(TrapFrame& frame);

} // namespace sk
