// Kernel crash diagnostics: the trap cause, the registers and a symbolized backtrace, then
// power-off with a non-zero exit code so a test run sees the failure.
#pragma once

#include <arch/riscv64/TrapFrame.h>

namespace sk {

constexpr int kernel_panic_exit_status = 70;

[[noreturn]] void kernel_fault(TrapFrame& frame, const char* reason);
void print_backtrace(uptr frame_pointer, uptr pc);
// "function+0x1c", or the raw address when unknown.
void print_symbol(uptr address);

} // namespace sk
