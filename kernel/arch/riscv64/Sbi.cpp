#include <arch/riscv64/Sbi.h>

namespace sk::sbi {

static constexpr long EXT_TIME = 0x54494D45;
static constexpr long EXT_SRST = 0x53525354;
static constexpr long EXT_LEGACY_PUTCHAR = 1;
static constexpr long EXT_BASE = 0x10, BASE_MVENDORID = 4, BASE_MARCHID = 5, BASE_MIMPID = 6;

SbiResult call(long extension, long function, uptr a0, uptr a1, uptr a2)
{
    register uptr r_a0 asm("a0") = a0;
    register uptr r_a1 asm("a1") = a1;
    register uptr r_a2 asm("a2") = a2;
    register long r_a6 asm("a6") = function;
    register long r_a7 asm("a7") = extension;
    asm volatile("ecall" : "+r"(r_a0), "+r"(r_a1) : "r"(r_a2), "r"(r_a6), "r"(r_a7) : "memory");
    return { static_cast<long>(r_a0), static_cast<long>(r_a1) };
}

MachineIds machine_ids()
{
    return { static_cast<u64>(call(EXT_BASE, BASE_MVENDORID).value), static_cast<u64>(call(EXT_BASE, BASE_MARCHID).value),
        static_cast<u64>(call(EXT_BASE, BASE_MIMPID).value) };
}

void set_timer(u64 stime_value) { call(EXT_TIME, 0, stime_value); }

void console_putchar(char c) { call(EXT_LEGACY_PUTCHAR, 0, static_cast<u8>(c)); }

void system_reset_shutdown()
{
    call(EXT_SRST, 0, 0, 0);
    for (;;)
        asm volatile("wfi");
}

void system_reset_reboot()
{
    call(EXT_SRST, 0, 1, 0); // cold reboot
    for (;;)
        asm volatile("wfi");
}

} // namespace sk::sbi
