// panic(), VERIFY failures and unexpected kernel traps end here. The backtrace follows the
// frame-pointer chain (-fno-omit-frame-pointer: ra at fp-8, the caller's fp at fp-16) and
// names each address from the symbol table linked into the image (tools/gen-ksyms.sh).
#include <arch/Arch.h>
#include <arch/riscv64/Panic.h>
#include <drivers/Console.h>
#include <drivers/KernelLog.h>
#include <lib/Verify.h>
#include <stdarg.h>

// Generated at link time; weak so the first link pass (without the table) resolves.
extern "C" {
extern const sk::u64 ksyms_count __attribute__((weak));
extern const sk::u64 ksyms_addresses[] __attribute__((weak));
extern const sk::u32 ksyms_name_offsets[] __attribute__((weak));
extern const char ksyms_names[] __attribute__((weak));
extern char _kernel_start[], _kernel_end[];
}

namespace sk {

static bool s_panicking;

static const char* cause_name(u64 cause)
{
    static const char* const names[] = { "instruction address misaligned", "instruction access fault",
        "illegal instruction", "breakpoint", "load address misaligned", "load access fault",
        "store address misaligned", "store access fault", "ecall from U-mode", "ecall from S-mode", "reserved",
        "reserved", "instruction page fault", "load page fault", "reserved", "store page fault" };
    if (cause & (1ul << 63))
        return "interrupt";
    return cause < 16 ? names[cause] : "unknown";
}

void print_symbol(uptr address)
{
    if (&ksyms_count && ksyms_count > 0 && address >= ksyms_addresses[0]) {
        size_t low = 0, high = ksyms_count;
        while (high - low > 1) {
            size_t middle = (low + high) / 2;
            if (ksyms_addresses[middle] <= address)
                low = middle;
            else
                high = middle;
        }
        kprintf("%s+0x%lx", ksyms_names + ksyms_name_offsets[low], address - ksyms_addresses[low]);
        return;
    }
    kprintf("0x%lx", address);
}

void print_backtrace(uptr fp, uptr pc)
{
    kprintf("backtrace:\n  ");
    print_symbol(pc);
    kprintf("\n");
    auto is_kernel_stack = [](uptr p) { return p >= arch::direct_map_base && p % 8 == 0; };
    for (int depth = 0; depth < 32 && is_kernel_stack(fp); ++depth) {
        uptr ra = reinterpret_cast<const uptr*>(fp)[-1];
        uptr next = reinterpret_cast<const uptr*>(fp)[-2];
        if (ra < reinterpret_cast<uptr>(_kernel_start) || ra >= reinterpret_cast<uptr>(_kernel_end))
            break;
        kprintf("  ");
        print_symbol(ra - 4);
        kprintf("\n");
        if (next <= fp)
            break;
        fp = next;
    }
}

void kernel_fault(TrapFrame& frame, const char* reason)
{
    arch::disable_interrupts();
    if (s_panicking)
        arch::power_off(kernel_panic_exit_status);
    s_panicking = true;
    kernel_log::console_verbose(); // whatever dmesg -n said, a panic is shown (as on Linux)
    kprintf("\nKERNEL PANIC: %s\n", reason);
    kprintf("scause=0x%lx (%s) sepc=0x%lx stval=0x%lx\n", frame.scause, cause_name(frame.scause), frame.sepc, frame.stval);
    kprintf("at ");
    print_symbol(frame.sepc);
    kprintf("\n");
    static const char* const names[32] = { "zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1", "a0", "a1",
        "a2", "a3", "a4", "a5", "a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "t3", "t4",
        "t5", "t6" };
    for (int i = 1; i < 32; ++i)
        kprintf("%4s=%016lx%s", names[i], frame.regs[i], i % 4 == 3 ? "\n" : " ");
    kprintf("\n");
    print_backtrace(frame.regs[8], frame.sepc);
    arch::power_off(kernel_panic_exit_status);
}

void panic(const char* fmt, ...)
{
    arch::disable_interrupts();
    if (s_panicking)
        arch::power_off(kernel_panic_exit_status);
    s_panicking = true;
    kernel_log::console_verbose();
    kprintf("\nKERNEL PANIC: ");
    va_list ap;
    va_start(ap, fmt);
    vkprintf(fmt, ap);
    va_end(ap);
    kprintf("\n");
    print_backtrace(reinterpret_cast<uptr>(__builtin_frame_address(0)), reinterpret_cast<uptr>(&panic));
    arch::power_off(kernel_panic_exit_status);
}

void verify_failed(const char* expression, const char* file, int line)
{
    panic("VERIFY(%s) failed at %s:%d", expression, file, line);
}

} // namespace sk
