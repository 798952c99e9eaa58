// Job control: stopping and continuing a whole process (all its threads), the reports a
// waiting parent gets (WUNTRACED/WCONTINUED, SIGCHLD with CLD_STOPPED/CLD_CONTINUED), and
// orphaned process groups (POSIX: a group none of whose members has a parent in another group
// of the same session; terminal stop signals are discarded there, and a group that becomes
// orphaned with stopped members gets SIGHUP and SIGCONT).
//
// Lifecycle of a stop: a thread that takes a stop signal with the default action marks the
// process stopped (stopped = true, stop_report = the WUNTRACED status), tells the parent and
// interrupts the other threads; every thread parks on its way back to user mode until
// SIGCONT (continued: stop_report = the WCONTINUED status) or SIGKILL.
//
// Locking: everything here runs with g_process_table_lock held.
#pragma once

#include <lib/Spinlock.h>
#include <proc/Process.h>

namespace sk {

bool is_stop_signal(int signal);
// `ignoring`: a process about to leave the group (Linux's will_become_orphaned_pgrp).
bool is_orphaned_process_group_locked(int pgid, const Process* ignoring = nullptr);

void stop_process_locked(Process& process, int signal);
// SIGCONT: ends a stop (reported to the parent). SIGKILL ends it without a report.
void continue_process_locked(Process& process, bool report);
// Sleeps while the process is stopped; returns when it continues or is being killed.
void park_while_stopped_locked(SpinlockGuard& guard, Process& process, Thread& thread);
// A thread left the process (it exited): the stop may now be complete.
void complete_stop_if_all_parked_locked(Process& process);

// Wakes a parent's wait4/waitid and sends it SIGCHLD with `code` (CLD_STOPPED,
// CLD_CONTINUED) unless its SIGCHLD action has SA_NOCLDSTOP.
void notify_parent_of_stop_locked(Process& child, int code, int status);

// `exiting` is about to leave: groups it orphans that have stopped members get SIGHUP then
// SIGCONT — its own group, and each of its children's.
void hang_up_orphaned_groups_locked(Process& exiting);

} // namespace sk
