// handle_trap: the C++ side of every trap. Interrupts go to the timer and the PLIC; traps
// from user mode to the process layer; a fault inside a user-copy routine is resolved or
// turned into EFAULT; any other kernel exception is a kernel bug: print the diagnostic and
// end the machine with a non-zero exit code.
#include <arch/Arch.h>
#include <arch/riscv64/Csr.h>
#include <arch/riscv64/Interrupts.h>
#include <arch/riscv64/Panic.h>
#include <arch/riscv64/UserTrap.h>
#include <drivers/Console.h>
#include <proc/Scheduler.h>
#include <proc/SignalNumbers.h>

extern "C" char user_access_begin[], user_access_end[], user_access_fault[];
extern "C" void trap_entry();

namespace sk {

__attribute__((weak)) void handle_syscall(TrapFrame& frame) { frame.a(0) = -38; } // ENOSYS
__attribute__((weak)) FaultResult handle_user_page_fault(uptr, FaultAccess) { return FaultResult::NoMapping; }
__attribute__((weak)) void handle_user_fault(TrapFrame& frame, int, int, uptr)
{
    kernel_fault(frame, "user fault with no process layer");
}
__attribute__((weak)) void prepare_return_to_user(TrapFrame&) { }

void initialize_traps()
{
    csr_write(sscratch, 0);
    csr_write(stvec, reinterpret_cast<uptr>(trap_entry));
    // The kernel never touches FP itself; user FP state lives in the registers.
    csr_set(sstatus, riscv::SSTATUS_FS_INITIAL);
    // User memory stays accessible in S-mode (see UserCopyAsm.S for why).
    csr_set(sstatus, riscv::SSTATUS_SUM);
}

static FaultAccess access_of(u64 cause)
{
    if (cause == riscv::EXC_STORE_PAGE_FAULT || cause == riscv::EXC_STORE_ACCESS)
        return FaultAccess::Write;
    if (cause == riscv::EXC_INSTRUCTION_PAGE_FAULT || cause == riscv::EXC_INSTRUCTION_ACCESS)
        return FaultAccess::Execute;
    return FaultAccess::Read;
}

static void handle_user_page_fault_result(TrapFrame& frame, FaultResult result)
{
    switch (result) {
    case FaultResult::Resolved:
        break;
    case FaultResult::NoMapping:
        handle_user_fault(frame, SIGSEGV, SEGV_MAPERR, frame.stval);
        break;
    case FaultResult::Forbidden:
        handle_user_fault(frame, SIGSEGV, SEGV_ACCERR, frame.stval);
        break;
    case FaultResult::BeyondFile:
    case FaultResult::Failed:
        handle_user_fault(frame, SIGBUS, BUS_ADRERR, frame.stval);
        break;
    }
}

static void handle_interrupt(TrapFrame& frame)
{
    u64 code = frame.scause & ~riscv::SCAUSE_INTERRUPT;
    if (code == riscv::IRQ_S_TIMER)
        timer::handle_interrupt();
    else if (code == riscv::IRQ_S_EXTERNAL)
        plic::handle_external();
    else
        kprintf("sockeye: unexpected interrupt %lu\n", code);
}

static void handle_user_exception(TrapFrame& frame)
{
    u64 cause = frame.scause;
    switch (cause) {
    case riscv::EXC_ECALL_U:
        frame.sepc += 4;
        arch::enable_interrupts();
        handle_syscall(frame);
        break;
    case riscv::EXC_INSTRUCTION_PAGE_FAULT:
    case riscv::EXC_LOAD_PAGE_FAULT:
    case riscv::EXC_STORE_PAGE_FAULT:
        arch::enable_interrupts();
        handle_user_page_fault_result(frame, handle_user_page_fault(frame.stval, access_of(cause)));
        break;
    case riscv::EXC_INSTRUCTION_ACCESS:
    case riscv::EXC_LOAD_ACCESS:
    case riscv::EXC_STORE_ACCESS:
        handle_user_fault(frame, SIGSEGV, SEGV_ACCERR, frame.stval);
        break;
    case riscv::EXC_INSTRUCTION_MISALIGNED:
    case riscv::EXC_LOAD_MISALIGNED:
    case riscv::EXC_STORE_MISALIGNED:
        handle_user_fault(frame, SIGBUS, BUS_ADRALN, frame.stval);
        break;
    case riscv::EXC_ILLEGAL_INSTRUCTION:
        handle_user_fault(frame, SIGILL, ILL_ILLOPC, frame.sepc);
        break;
    case riscv::EXC_BREAKPOINT:
        handle_user_fault(frame, SIGTRAP, TRAP_BRKPT, frame.sepc);
        break;
    default:
        handle_user_fault(frame, SIGILL, ILL_ILLTRP, frame.sepc);
        break;
    }
}

static void handle_kernel_exception(TrapFrame& frame)
{
    u64 cause = frame.scause;
    bool in_user_access = frame.sepc >= reinterpret_cast<uptr>(user_access_begin)
        && frame.sepc < reinterpret_cast<uptr>(user_access_end);
    bool page_fault = cause == riscv::EXC_LOAD_PAGE_FAULT || cause == riscv::EXC_STORE_PAGE_FAULT;
    if (in_user_access && (page_fault || cause == riscv::EXC_LOAD_ACCESS || cause == riscv::EXC_STORE_ACCESS)) {
        if (page_fault && frame.stval < arch::user_space_end && (frame.sstatus & riscv::SSTATUS_SPIE))
            arch::enable_interrupts();
        if (page_fault && frame.stval < arch::user_space_end
            && handle_user_page_fault(frame.stval, access_of(cause)) == FaultResult::Resolved)
            return;
        arch::disable_interrupts();
        frame.sepc = reinterpret_cast<uptr>(user_access_fault);
        return;
    }
    kernel_fault(frame, "unexpected kernel exception");
}

extern "C" void handle_trap(TrapFrame* frame)
{
    if (frame->scause & riscv::SCAUSE_INTERRUPT) {
        handle_interrupt(*frame);
        if (frame->from_user() || (frame->sstatus & riscv::SSTATUS_SPIE))
            scheduler::preempt_if_needed();
    } else if (frame->from_user()) {
        handle_user_exception(*frame);
    } else {
        handle_kernel_exception(*frame);
    }
    if (frame->from_user()) {
        arch::enable_interrupts();
        scheduler::preempt_if_needed();
        prepare_return_to_user(*frame);
        arch::disable_interrupts();
    }
}

} // namespace sk
