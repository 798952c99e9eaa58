// kmain: from the boot hart's first C++ instruction to init. The order matters: the device
// tree tells where memory and the devices are; the frame allocator and heap come before
// anything that allocates; traps and the timer before anything that sleeps.
#include <Bootargs.h>
#include <Version.h>
#include <arch/Arch.h>
#include <arch/riscv64/Interrupts.h>
#include <arch/riscv64/Platform.h>
#include <arch/riscv64/Sbi.h>
#include <drivers/Console.h>
#include <drivers/Uart16550.h>
#include <mm/FrameAllocator.h>
#include <mm/Heap.h>
#include <proc/LoadAverage.h>
#include <proc/Scheduler.h>
#include <selftest/SelfTest.h>

extern "C" void (*__init_array_start[])();
extern "C" void (*__init_array_end[])();

namespace sk {

void initialize_traps();
// The rest of the boot (storage, filesystems, init) lives with the subsystems that own it.
__attribute__((weak)) int start_userspace()
{
    kprintf("sockeye: no process layer in this build; nothing to run\n");
    return 1;
}

static void uart_interrupt(void*) { uart::handle_interrupt(); }

[[noreturn]] static void boot_failure(const char* what)
{
    kprintf("Sockeye: cannot boot: %s\n", what);
    arch::power_off(1);
}

extern "C" [[noreturn]] void kmain(u64 hart, uptr device_tree_physical)
{
    for (auto* constructor = __init_array_start; constructor != __init_array_end; ++constructor)
        (*constructor)();
    scheduler::initialize();
    initialize_traps();

    Platform& machine = platform();
    machine.device_tree_physical = device_tree_physical;
    machine.boot_hart = hart;
    const char* missing = "unknown";
    if (device_tree_physical == 0 || device_tree_physical % 8)
        boot_failure("no device tree address from the firmware");
    if (parse_platform(arch::phys_to_virt(device_tree_physical), machine, missing).is_error()) {
        if (machine.uart.base)
            uart::initialize(machine.uart.base);
        boot_failure(missing);
    }
    uart::initialize(machine.uart.base);
    // Linux's banner first: it opens the kernel log (dmesg) as on Linux.
    kprintf(KERN_NOTICE "%s", SOCKEYE_LINUX_BANNER);
    kprintf(KERN_NOTICE "Sockeye 0.1 riscv64 (hart %lu, %lu MiB RAM, timebase %lu Hz)\n", hart,
        machine.total_memory() >> 20, machine.timebase_hz);

    frames::initialize(machine.memory, machine.memory_count, machine.reserved, machine.reserved_count);
    scheduler::start_idle_thread();
    plic::initialize(machine.plic.base, static_cast<u32>(hart));
    plic::register_handler(machine.uart.irq, uart_interrupt, nullptr);
    timer::initialize();
    arch::enable_interrupts();
    load_average::start();

    bootargs::parse(machine.bootargs);
    if (const char* name = bootargs::selftest()) {
        bool passed = false;
        if (!selftest::run(name, passed)) {
            kprintf("selftest %s: FAIL (no such self-test)\n", name);
            arch::power_off(1);
        }
        kprintf("selftest %s: %s\n", name, passed ? "PASS" : "FAIL");
        arch::power_off(passed ? 0 : 1);
    }
    arch::power_off(start_userspace());
}

} // namespace sk
