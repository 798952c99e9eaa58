// The rt_sigframe layout is Linux's riscv64 one (asm/sigcontext.h, asm/ucontext.h): the
// ucontext's mcontext is 16-byte aligned (the Q-extension FP area inside it is), so it starts
// at offset 176 and the FP registers at 432; glibc's ucontext_t has the same offsets.
#include <arch/riscv64/Csr.h>
#include <lib/UserCopy.h>
#include <proc/Exec.h>
#include <proc/Process.h>
#include <proc/SignalFrame.h>
#include <proc/SignalNumbers.h>
#include <stddef.h>
#include <string.h>

namespace sk {

namespace {

// siginfo_t: 16 bytes of header, then a union whose layout depends on the signal and code.
struct KernelSiginfo {
    i32 si_signo, si_errno, si_code, pad;
    union {
        struct { i32 pid; u32 uid; } kill;                       // SI_USER, SI_TKILL, SI_KERNEL
        struct { i32 pid; u32 uid; u64 value; } rt;              // SI_QUEUE, SI_TIMER, ...
        struct { i32 pid; u32 uid; i32 status; i32 pad; i64 utime, stime; } child; // SIGCHLD
        struct { u64 address; } fault;                           // SIGSEGV, SIGBUS, SIGILL, ...
        u8 bytes[112];
    };
};
static_assert(sizeof(KernelSiginfo) == 128);

struct UserStack {
    u64 sp;
    i32 flags;
    i32 pad;
    u64 size;
};

struct UserContext {
    u64 flags;
    u64 link;
    UserStack stack;
    u64 sigmask;
    u8 unused[1024 / 8 - 8];
    alignas(16) u64 regs[32]; // pc, then x1..x31 (struct user_regs_struct)
    alignas(16) u64 fp[64];   // __riscv_q_ext_state: the D extension uses f[0..31]
    u32 fcsr;
    u32 reserved[3];
};
static_assert(offsetof(UserContext, stack) == 16 && offsetof(UserContext, sigmask) == 40);
static_assert(offsetof(UserContext, regs) == 176 && offsetof(UserContext, fp) == 432 && sizeof(UserContext) == 960);

struct SignalFrame {
    KernelSiginfo info;
    UserContext context;
};

bool is_fault_signal(int signal)
{
    return signal == SIGSEGV || signal == SIGBUS || signal == SIGILL || signal == SIGTRAP || signal == SIGFPE;
}

// Linux's siginfo_layout(): codes from user space (<= 0) have the kill or rt layout, kernel
// codes (1..127) the signal's own, SI_KERNEL the kill layout.
void fill_siginfo(KernelSiginfo& out, const SignalInfo& info)
{
    memset(&out, 0, sizeof(out));
    out.si_signo = info.signal;
    out.si_code = info.code;
    constexpr int SI_QUEUE = -1, SI_TIMER = -2, SI_MESGQ = -3, SI_ASYNCIO = -4;
    bool kernel_code = info.code > 0 && info.code < SI_KERNEL;
    if (info.code == SI_QUEUE || info.code == SI_TIMER || info.code == SI_MESGQ || info.code == SI_ASYNCIO) {
        out.rt = { info.pid, info.uid, info.value };
    } else if (kernel_code && info.signal == SIGCHLD) {
        out.child = { info.pid, info.uid, info.status, 0, static_cast<i64>(info.user_ticks), static_cast<i64>(info.system_ticks) };
    } else if (kernel_code && is_fault_signal(info.signal)) {
        out.fault.address = info.address;
    } else {
        out.kill = { info.pid, info.uid };
    }
}

} // namespace

bool on_alternate_stack(const Thread& thread, uptr sp)
{
    return thread.altstack_size && sp > thread.altstack_base && sp <= thread.altstack_base + thread.altstack_size;
}

Result<void> copy_siginfo_to_user(uptr address, const SignalInfo& info)
{
    KernelSiginfo out;
    fill_siginfo(out, info);
    return copy_to_user(address, &out, sizeof(out));
}

Result<void> clear_siginfo_in_user(uptr address) { return clear_user(address, sizeof(KernelSiginfo)); }

Result<SignalInfo> copy_siginfo_from_user(uptr address)
{
    KernelSiginfo in;
    TRY(copy_from_user(&in, address, sizeof(in)));
    SignalInfo info;
    info.signal = in.si_signo;
    info.code = in.si_code;
    info.pid = in.rt.pid;
    info.uid = in.rt.uid;
    info.value = in.rt.value;
    return info;
}

Result<void> push_signal_frame(TrapFrame& frame, Thread& thread, const SignalInfo& info, const SignalAction& action,
    u64 saved_mask)
{
    uptr user_sp = frame.sp();
    uptr sp = user_sp;
    bool alternate_usable = thread.altstack_size && !(thread.altstack_flags & SS_DISABLE);
    if ((action.flags & SA_ONSTACK) && alternate_usable && !on_alternate_stack(thread, user_sp))
        sp = thread.altstack_base + thread.altstack_size;
    sp = align_down<uptr>(sp - sizeof(SignalFrame), 16);

    // Big enough (1088 bytes) to keep off the kernel stack's own frame.
    static_assert(sizeof(SignalFrame) <= 1100);
    SignalFrame signal_frame;
    fill_siginfo(signal_frame.info, info);
    auto& context = signal_frame.context;
    memset(&context, 0, sizeof(context));
    context.stack.sp = thread.altstack_base;
    context.stack.size = thread.altstack_size;
    context.stack.flags = static_cast<i32>(!alternate_usable ? SS_DISABLE : on_alternate_stack(thread, user_sp) ? SS_ONSTACK : 0);
    context.sigmask = saved_mask;
    context.regs[0] = frame.sepc;
    for (int i = 1; i < 32; ++i)
        context.regs[i] = frame.regs[i];
    FpState fp;
    save_fp_state(&fp);
    for (int i = 0; i < 32; ++i)
        context.fp[i] = fp.f[i];
    context.fcsr = static_cast<u32>(fp.fcsr);
    TRY(copy_to_user(sp, &signal_frame, sizeof(signal_frame)));

    frame.sepc = action.handler;
    frame.sp() = sp;
    frame.a(0) = static_cast<u64>(info.signal);
    frame.a(1) = sp + offsetof(SignalFrame, info);
    frame.a(2) = sp + offsetof(SignalFrame, context);
    frame.ra() = sigreturn_trampoline;
    return {};
}

Result<long> signal_return(TrapFrame& frame)
{
    static constexpr u64 unblockable = signal_bit(SIGKILL) | signal_bit(SIGSTOP);
    Thread& thread = *scheduler::current();
    UserContext context;
    TRY(copy_from_user(&context, frame.sp() + offsetof(SignalFrame, context), sizeof(context)));
    frame.sepc = context.regs[0];
    for (int i = 1; i < 32; ++i)
        frame.regs[i] = context.regs[i];
    FpState fp;
    for (int i = 0; i < 32; ++i)
        fp.f[i] = context.fp[i];
    fp.fcsr = context.fcsr;
    restore_fp_state(&fp);
    thread.signal_mask = context.sigmask & ~unblockable;
    // The alternate stack comes back too, unless the restored sp is on the current one
    // (Linux's restore_altstack, which ignores every error but EFAULT).
    auto flags = static_cast<u32>(context.stack.flags) & ~SS_AUTODISARM;
    if (!on_alternate_stack(thread, frame.sp())) {
        if (flags == SS_DISABLE) {
            thread.altstack_base = 0;
            thread.altstack_size = 0;
            thread.altstack_flags = SS_DISABLE;
        } else if ((flags == 0 || flags == SS_ONSTACK) && context.stack.size >= MINSIGSTKSZ) {
            thread.altstack_base = context.stack.sp;
            thread.altstack_size = context.stack.size;
            thread.altstack_flags = 0;
        }
    }
    return static_cast<long>(frame.a(0));
}

} // namespace sk
