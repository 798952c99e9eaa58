// Interval timers (setitimer/getitimer/alarm): three per process. ITIMER_REAL counts wall
// time on a kernel timer and sends SIGALRM; ITIMER_VIRTUAL and ITIMER_PROF count the
// process's CPU time, checked at every scheduler tick (100 Hz) for the process whose thread
// is running, and send SIGVTALRM and SIGPROF. Each fires once, then again every `interval`
// when that is not zero. A fork child starts with none; exec keeps them.
//
// FIXME: Sockeye does not tell user time from system time, so ITIMER_VIRTUAL (user time
// only in Linux) counts the same CPU time as ITIMER_PROF.
//
// Locking: g_process_table_lock guards the CPU timers; the real timer is the scheduler's.
#pragma once

#include <lib/Types.h>
#include <proc/Process.h>

namespace sk {

enum : int { ITIMER_REAL = 0, ITIMER_VIRTUAL = 1, ITIMER_PROF = 2 };

struct IntervalTimerValue {
    u64 value_ns { 0 };    // time to the next expiry; 0 = disarmed
    u64 interval_ns { 0 }; // the period after it
};

IntervalTimerValue interval_timer(Process& process, int which);
// Arms (value_ns > 0) or disarms the timer; returns what it was.
IntervalTimerValue set_interval_timer(Process& process, int which, const IntervalTimerValue& fresh);
// At exit: nothing may fire for a process that is going away.
void cancel_interval_timers(Process& process);
// From the scheduler tick, for the running user thread.
void account_cpu_timers(Thread& running);

} // namespace sk
