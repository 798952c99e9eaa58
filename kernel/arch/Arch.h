// The architecture interface the rest of the kernel uses: memory layout, time, interrupts,
// idling and power-off. Nothing above kernel/arch includes CSR details.
//
// Virtual layout (Sv39):
//   0x0000000000000000 .. 0x0000003fffffffff  user space (per address space)
//   0xffffffc000000000 .. +4 GiB             direct map of physical memory (1 GiB pages)
//   0xffffffff80000000 .. +1 GiB             the kernel image (linked at 0xffffffff80200000)
#pragma once

#include <lib/Types.h>

namespace sk::arch {

constexpr uptr direct_map_base = 0xffffffc000000000ul;
constexpr uptr kernel_virtual_base = 0xffffffff80000000ul;
constexpr uptr kernel_physical_base = 0x80000000ul;
constexpr uptr user_space_end = 0x4000000000ul;
constexpr size_t page_size = 4096;

inline void* phys_to_virt(uptr physical) { return reinterpret_cast<void*>(physical + direct_map_base); }
inline uptr virt_to_phys(const void* virtual_address)
{
    auto va = reinterpret_cast<uptr>(virtual_address);
    if (va >= kernel_virtual_base)
        return va - kernel_virtual_base + kernel_physical_base;
    return va - direct_map_base;
}

// Monotonic time since boot.
u64 monotonic_ns();
u64 timebase_hz();
// Wall-clock seconds at boot (from the RTC), for CLOCK_REALTIME.
u64 boot_epoch_ns();

void enable_interrupts();
void disable_interrupts();
bool interrupts_enabled();
// Sleep the hart until an interrupt arrives (called with interrupts enabled).
void wait_for_interrupt();

// Ends the machine: QEMU exits with status (0 = success).
[[noreturn]] void power_off(int status);
// Resets the machine (reboot(2) RESTART): QEMU boots again, or exits 0 under -no-reboot.
[[noreturn]] void reset();

} // namespace sk::arch
