// SBI calls to OpenSBI (the M-mode firmware): timer, console fallback, reset.
#pragma once

#include <lib/Types.h>

namespace sk::sbi {

struct SbiResult {
    long error;
    long value;
};

SbiResult call(long extension, long function, uptr a0 = 0, uptr a1 = 0, uptr a2 = 0);
// The hart's machine-mode identity registers, read through the SBI base extension.
struct MachineIds {
    u64 mvendorid;
    u64 marchid;
    u64 mimpid;
};
MachineIds machine_ids();

void set_timer(u64 stime_value);
void console_putchar(char c);
[[noreturn]] void system_reset_shutdown();
[[noreturn]] void system_reset_reboot();

} // namespace sk::sbi
