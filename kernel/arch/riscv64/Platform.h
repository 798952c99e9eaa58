// Platform: what the device tree says about this machine (QEMU virt), parsed once at boot.
#pragma once

#include <lib/Result.h>
#include <lib/RiscvIsa.h>
#include <lib/Types.h>

namespace sk {

struct MemoryRange {
    uptr base { 0 };
    u64 size { 0 };
};

struct MmioDevice {
    uptr base { 0 };
    u64 size { 0 };
    u32 irq { 0 };
};

struct Platform {
    static constexpr size_t max_ranges = 8;
    static constexpr size_t max_virtio = 8;

    MemoryRange memory[max_ranges];
    size_t memory_count { 0 };
    MemoryRange reserved[max_ranges];
    size_t reserved_count { 0 };
    char bootargs[1024] {};
    u64 timebase_hz { 0 };
    // What every hart's riscv,isa has in common (all harts are alike on QEMU virt).
    riscv_isa::Extensions isa;
    size_t isa_harts { 0 };
    char isa_string[128] {}; // the first hart's riscv,isa, for /proc/cpuinfo
    u64 boot_hart { 0 };     // set by kmain (the firmware's choice)
    MmioDevice uart;
    MmioDevice plic;
    MmioDevice test_device; // sifive,test0: power-off with an exit code
    MmioDevice rtc;         // google,goldfish-rtc
    MmioDevice virtio[max_virtio];
    size_t virtio_count { 0 };
    uptr device_tree_physical { 0 };
    size_t device_tree_size { 0 };

    u64 total_memory() const
    {
        u64 total = 0;
        for (size_t i = 0; i < memory_count; ++i)
            total += memory[i].size;
        return total;
    }
};

// Parses the blob; on failure describes what is missing in error_out (for the boot message).
Result<void> parse_platform(const void* device_tree, Platform& platform, const char*& error_out);
Platform& platform();

} // namespace sk
