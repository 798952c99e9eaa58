// The PLIC (external interrupts) and the timer, as used by drivers and the trap handler.
#pragma once

#include <lib/Types.h>

namespace sk {

namespace plic {
using IrqHandler = void (*)(void* context);
void initialize(uptr physical_base, u32 hart);
void register_handler(u32 irq, IrqHandler handler, void* context);
void handle_external();
} // namespace plic

namespace timer {
constexpr u64 tick_ns = 10'000'000; // 100 Hz time slices
void initialize();
void handle_interrupt();
} // namespace timer

namespace arch {
void set_boot_epoch_ns(u64 ns);
}

} // namespace sk
