// The RISC-V ISA string of a device tree cpu node ("rv64imafdch_zicsr_zba_zbb...") read into
// what riscv_hwprobe(2) reports: the base behaviour and the RISCV_HWPROBE_KEY_IMA_EXT_0 bits
// (Linux's uapi values). Only extensions a user program can use under this kernel count: V
// is left out because the kernel does not save vector state across a context switch.
#pragma once

#include <lib/StringView.h>
#include <lib/Types.h>

namespace sk::riscv_isa {

struct Extensions {
    bool base_ima { false }; // rv64 with I, M and A: RISCV_HWPROBE_BASE_BEHAVIOR_IMA
    u64 ima_ext_0 { 0 };     // RISCV_HWPROBE_IMA_* / RISCV_HWPROBE_EXT_* bits
};

// Unknown or malformed parts are ignored (a newer QEMU may list extensions we don't know).
Extensions parse(StringView isa);

} // namespace sk::riscv_isa
