// The supervisor timer through SBI: a 100 Hz tick for time slices, brought forward when a
// sleeper's deadline is nearer.
#include <arch/Arch.h>
#include <arch/riscv64/Csr.h>
#include <arch/riscv64/Interrupts.h>
#include <arch/riscv64/Sbi.h>
#include <proc/Scheduler.h>

namespace sk::timer {

static void program_next(u64 now_ns)
{
    u64 next = now_ns + tick_ns;
    u64 deadline = scheduler::next_deadline_ns();
    if (deadline && deadline < next)
        next = deadline > now_ns ? deadline : now_ns + 1000;
    u64 hz = arch::timebase_hz();
    u64 ticks = (next / 1000000000ul) * hz + (next % 1000000000ul) * hz / 1000000000ul;
    sbi::set_timer(ticks);
}

void initialize()
{
    program_next(arch::monotonic_ns());
    csr_set(sie, riscv::SIE_STIE);
}

void handle_interrupt()
{
    u64 now = arch::monotonic_ns();
    scheduler::timer_tick(now);
    program_next(now);
}

} // namespace sk::timer
