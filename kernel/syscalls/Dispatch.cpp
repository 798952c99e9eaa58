// The dispatcher: a table indexed by syscall number, built at boot from the registrations in
// the syscall_table section. Unknown numbers return ENOSYS and are logged once each.
#include <arch/riscv64/UserTrap.h>
#include <drivers/Console.h>
#include <proc/Scheduler.h>
#include <syscalls/Syscall.h>

extern "C" const sk::SyscallRegistration __syscall_table_start[], __syscall_table_end[];

namespace sk {

static constexpr long table_size = 512;
static SyscallHandler s_table[table_size];
static bool s_logged_unknown[table_size];

void initialize_syscalls()
{
    for (auto* entry = __syscall_table_start; entry != __syscall_table_end; ++entry) {
        if (entry->number >= 0 && entry->number < table_size)
            s_table[entry->number] = entry->handler;
    }
}

void handle_syscall(TrapFrame& frame)
{
    long number = static_cast<long>(frame.a(7));
    SyscallArguments arguments { frame.a(0), frame.a(1), frame.a(2), frame.a(3), frame.a(4), frame.a(5), &frame };
    Thread* thread = scheduler::current();
    thread->syscall_original_a0 = frame.a(0);
    thread->in_syscall = true; // prepare_return_to_user reads a0 as this call's result
    if (number < 0 || number >= table_size || !s_table[number]) {
        if (number >= 0 && number < table_size && !s_logged_unknown[number]) {
            s_logged_unknown[number] = true;
            kprintf("sockeye: unknown syscall %ld (ENOSYS)\n", number);
        }
        frame.a(0) = static_cast<u64>(-static_cast<long>(ENOSYS));
        return;
    }
    auto result = s_table[number](arguments);
    frame.a(0) = result.is_error() ? static_cast<u64>(-static_cast<long>(result.error().code)) : static_cast<u64>(result.value());
}

} // namespace sk
