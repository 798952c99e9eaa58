// wait4 and waitid: a parent collects what happened to its children — an exit (the zombie is
// reaped unless WaitNoWait), a stop (WaitUntraced/WaitStopped), a continue (WaitContinued) — sleeping
// until something happens unless WaitNoHang.
#pragma once

#include <lib/Result.h>
#include <proc/PendingSignals.h>

namespace sk {

// options (Linux's values)
constexpr int WaitNoHang = 1, WaitUntraced = 2, WaitStopped = 2, WaitExited = 4, WaitContinued = 8, WaitNoWait = 0x01000000,
              WaitNoThread = 0x20000000, WaitAll = 0x40000000, WaitClone = static_cast<int>(0x80000000u);
// waitid's idtype
constexpr int WaitIdAll = 0, WaitIdPid = 1, WaitIdGroup = 2, WaitIdFd = 3;

struct WaitRequest {
    int id_type { WaitIdAll };
    int id { 0 };
    int options { 0 };
};

struct WaitResult {
    int pid { 0 };         // 0: WaitNoHang and nothing to report
    int status_word { 0 }; // as wait4 returns it
    SignalInfo info;       // as waitid returns it (SIGCHLD, CLD_*, status, pid, uid)
    u64 cpu_ns { 0 };      // a reaped child's CPU time and its reaped children's (rusage)
};

// ECHILD when no child matches; ERESTARTSYS when a signal interrupts the sleep.
Result<WaitResult> wait_for_child(const WaitRequest& request);

} // namespace sk
