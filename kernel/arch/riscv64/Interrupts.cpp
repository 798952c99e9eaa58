// Interrupt masking, time, idling, power-off and the PLIC.
#include <arch/Arch.h>
#include <arch/riscv64/Csr.h>
#include <arch/riscv64/Interrupts.h>
#include <arch/riscv64/Platform.h>
#include <arch/riscv64/Sbi.h>
#include <lib/Spinlock.h>

namespace sk {

uptr interrupts_save_disable()
{
    uptr previous;
    asm volatile("csrrci %0, sstatus, 2" : "=r"(previous)::"memory");
    return previous & riscv::SSTATUS_SIE;
}

void interrupts_restore(uptr state)
{
    if (state)
        csr_set(sstatus, riscv::SSTATUS_SIE);
}

namespace arch {

void enable_interrupts() { csr_set(sstatus, riscv::SSTATUS_SIE); }
void disable_interrupts() { csr_clear(sstatus, riscv::SSTATUS_SIE); }
bool interrupts_enabled() { return csr_read(sstatus) & riscv::SSTATUS_SIE; }
void wait_for_interrupt() { riscv::wait_for_interrupt(); }

u64 timebase_hz() { return platform().timebase_hz; }

u64 monotonic_ns()
{
    u64 ticks = csr_read(time);
    u64 hz = platform().timebase_hz;
    return (ticks / hz) * 1000000000ul + (ticks % hz) * 1000000000ul / hz;
}

static u64 s_boot_epoch_ns;
u64 boot_epoch_ns() { return s_boot_epoch_ns; }
void set_boot_epoch_ns(u64 ns) { s_boot_epoch_ns = ns; }

void power_off(int status)
{
    auto& test = platform().test_device;
    if (test.base) {
        auto* reg = static_cast<volatile u32*>(phys_to_virt(test.base));
        *reg = status == 0 ? 0x5555 : ((static_cast<u32>(status) & 0xffff) << 16) | 0x3333;
    }
    sbi::system_reset_shutdown();
}

void reset()
{
    auto& test = platform().test_device;
    if (test.base)
        *static_cast<volatile u32*>(phys_to_virt(test.base)) = 0x7777; // FINISHER_RESET
    sbi::system_reset_reboot();
}

} // namespace arch

namespace plic {

static volatile u32* s_base;
static u32 s_context;
static IrqHandler s_handlers[64];
static void* s_contexts[64];

void initialize(uptr physical_base, u32 hart)
{
    s_base = static_cast<volatile u32*>(arch::phys_to_virt(physical_base));
    s_context = 2 * hart + 1; // S-mode context of this hart on QEMU virt
    s_base[(0x200000 + s_context * 0x1000) / 4] = 0; // threshold
    csr_set(sie, riscv::SIE_SEIE);
}

void register_handler(u32 irq, IrqHandler handler, void* context)
{
    if (irq == 0 || irq >= 64)
        return;
    s_handlers[irq] = handler;
    s_contexts[irq] = context;
    s_base[irq] = 1; // priority
    volatile u32& enable = s_base[(0x2000 + s_context * 0x80) / 4 + irq / 32];
    enable = enable | (1u << (irq % 32));
}

void handle_external()
{
    volatile u32* claim = &s_base[(0x200004 + s_context * 0x1000) / 4];
    while (u32 irq = *claim) {
        if (irq < 64 && s_handlers[irq])
            s_handlers[irq](s_contexts[irq]);
        *claim = irq;
    }
}

} // namespace plic
} // namespace sk
