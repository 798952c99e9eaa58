// CSR access and bit definitions for S-mode. Only kernel/arch/riscv64 includes this file;
// everything above reaches the hardware through small interfaces (Arch.h).
#pragma once

#include <lib/Types.h>

#define csr_read(csr)                                          \
    ({                                                         \
        unsigned long _value;                                  \
        asm volatile("csrr %0, " #csr : "=r"(_value));         \
        _value;                                                \
    })
#define csr_write(csr, value) asm volatile("csrw " #csr ", %0" ::"rK"(value) : "memory")
#define csr_set(csr, bits) asm volatile("csrs " #csr ", %0" ::"rK"(bits) : "memory")
#define csr_clear(csr, bits) asm volatile("csrc " #csr ", %0" ::"rK"(bits) : "memory")

namespace sk::riscv {

constexpr u64 SSTATUS_SIE = 1ul << 1;
constexpr u64 SSTATUS_SPIE = 1ul << 5;
constexpr u64 SSTATUS_SPP = 1ul << 8;
constexpr u64 SSTATUS_FS_MASK = 3ul << 13;
constexpr u64 SSTATUS_FS_INITIAL = 1ul << 13;
constexpr u64 SSTATUS_FS_CLEAN = 2ul << 13;
constexpr u64 SSTATUS_FS_DIRTY = 3ul << 13;
constexpr u64 SSTATUS_SUM = 1ul << 18;
constexpr u64 SSTATUS_MXR = 1ul << 19;

constexpr u64 SIE_SSIE = 1ul << 1;
constexpr u64 SIE_STIE = 1ul << 5;
constexpr u64 SIE_SEIE = 1ul << 9;

constexpr u64 SCAUSE_INTERRUPT = 1ul << 63;
enum : u64 {
    IRQ_S_SOFTWARE = 1,
    IRQ_S_TIMER = 5,
    IRQ_S_EXTERNAL = 9,
};
enum : u64 {
    EXC_INSTRUCTION_MISALIGNED = 0,
    EXC_INSTRUCTION_ACCESS = 1,
    EXC_ILLEGAL_INSTRUCTION = 2,
    EXC_BREAKPOINT = 3,
    EXC_LOAD_MISALIGNED = 4,
    EXC_LOAD_ACCESS = 5,
    EXC_STORE_MISALIGNED = 6,
    EXC_STORE_ACCESS = 7,
    EXC_ECALL_U = 8,
    EXC_ECALL_S = 9,
    EXC_INSTRUCTION_PAGE_FAULT = 12,
    EXC_LOAD_PAGE_FAULT = 13,
    EXC_STORE_PAGE_FAULT = 15,
};

inline void sfence_vma_all() { asm volatile("sfence.vma" ::: "memory"); }
inline void sfence_vma(uptr address) { asm volatile("sfence.vma %0" ::"r"(address) : "memory"); }
inline void wait_for_interrupt() { asm volatile("wfi"); }

} // namespace sk::riscv
