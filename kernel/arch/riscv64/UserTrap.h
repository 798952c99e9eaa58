// What the trap handler asks of the process layer for traps from user mode. The process
// layer (kernel/proc, kernel/syscalls) implements these.
#pragma once

#include <arch/riscv64/TrapFrame.h>

namespace sk {

enum class FaultAccess { Read, Write, Execute };

// ecall from user mode: a0 = syscall(a7; a0..a5).
void handle_syscall(TrapFrame& frame);
// A page fault on a user address (from user mode, or from a user-copy routine): true if the
// mapping was resolved (demand paging, copy-on-write) and the access can be retried.
bool handle_user_page_fault(uptr address, FaultAccess access);
// A user fault that could not be resolved: deliver SIGSEGV/SIGBUS/SIGILL/SIGTRAP.
void handle_user_fault(TrapFrame& frame, int signal, int code, uptr address);
// Last step before returning to user mode: deliver pending signals (may rewrite the frame).
void prepare_return_to_user(TrapFrame& frame);

} // namespace sk
