// TrapFrame: the user (or interrupted kernel) register state saved on trap entry, at the top
// of the thread's kernel stack for user traps. Offsets are shared with Trap.S.
#pragma once

#include <lib/Types.h>

namespace sk {

struct TrapFrame {
    u64 regs[32]; // x0..x31; regs[0] is unused, regs[2] is the interrupted sp
    u64 sepc;
    u64 sstatus;
    u64 scause;
    u64 stval;

    u64& ra() { return regs[1]; }
    u64& sp() { return regs[2]; }
    u64& tp() { return regs[4]; }
    u64& a(int n) { return regs[10 + n]; }
    bool from_user() const { return !(sstatus & (1ul << 8)); }
};
static_assert(sizeof(TrapFrame) == 36 * 8);

// Callee-saved state for switch_context.
struct SwitchContext {
    u64 ra, sp;
    u64 s[12];
};

struct FpState {
    u64 f[32];
    u64 fcsr;
};

extern "C" void switch_context(SwitchContext* from, SwitchContext* to);
extern "C" void save_fp_state(FpState* state);
extern "C" void restore_fp_state(const FpState* state);
// Returns to the state in frame (user or kernel) — never returns.
extern "C" [[noreturn]] void return_from_trap(TrapFrame* frame);

} // namespace sk
