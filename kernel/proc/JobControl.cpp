// Stop, continue and orphaned groups, with Linux's rules (kernel/signal.c do_signal_stop,
// prepare_signal; kernel/exit.c kill_orphaned_pgrp).
#include <proc/JobControl.h>
#include <proc/Lifecycle.h>
#include <proc/Scheduler.h>
#include <proc/SignalDelivery.h>
#include <proc/SignalFrame.h>
#include <proc/SignalNumbers.h>

namespace sk {

bool is_stop_signal(int signal) { return signal == SIGSTOP || signal == SIGTSTP || signal == SIGTTIN || signal == SIGTTOU; }

bool is_orphaned_process_group_locked(int pgid, const Process* ignoring)
{
    for (auto& process : process_table()) {
        if (process.pgid() != pgid || &process == ignoring || process.is_zombie)
            continue;
        Process* parent = process.parent;
        // A parent that is init does not count (Linux: is_global_init(real_parent)), nor one
        // that is leaving (its children go to init).
        if (!parent || parent == init_process() || parent == ignoring)
            continue;
        if (parent->pgid() != pgid && parent->sid() == process.sid())
            return false;
    }
    return true;
}

void notify_parent_of_stop_locked(Process& child, int code, int status)
{
    Process* parent = child.parent;
    if (!parent)
        return;
    notify_parent_locked(child);
    if (parent->signal_actions().actions[SIGCHLD - 1].flags & SA_NOCLDSTOP)
        return;
    SignalInfo info;
    info.signal = SIGCHLD;
    info.code = code;
    info.pid = child.pid();
    info.uid = child.credentials().uid;
    info.status = status;
    (void)send_signal_locked(*parent, nullptr, info);
}

void stop_process_locked(Process& process, int signal)
{
    if (process.stopped || process.exiting)
        return;
    process.stopped = true;
    process.stop_signal = signal;
    process.stop_complete = false;
    ++process.stop_generation;
    for (auto& thread : process.threads)
        scheduler::interrupt(&thread);
}

// A stop is complete, and reported to the parent, once every thread has parked for it (a
// thread that exits meanwhile no longer counts).
void complete_stop_if_all_parked_locked(Process& process)
{
    if (!process.stopped || process.stop_complete)
        return;
    for (auto& thread : process.threads) {
        if (thread.parked_stop != process.stop_generation)
            return;
    }
    process.stop_complete = true;
    process.stop_report = (process.stop_signal << 8) | 0x7f;
    notify_parent_of_stop_locked(process, CLD_STOPPED, process.stop_signal);
}

void continue_process_locked(Process& process, bool report)
{
    if (!process.stopped)
        return;
    // A stop that was not complete ends without a word; a complete one is reported continued.
    bool was_complete = process.stop_complete;
    process.stopped = false;
    process.stop_complete = false;
    if (report && was_complete) {
        process.stop_report = 0xffff;
        notify_parent_of_stop_locked(process, CLD_CONTINUED, SIGCONT);
    }
    process.stop_wait.wake_all();
}

void park_while_stopped_locked(SpinlockGuard& guard, Process& process, Thread& thread)
{
    thread.parked_stop = process.stop_generation;
    complete_stop_if_all_parked_locked(process);
    (void)process.stop_wait.wait_until(
        guard, [&] { return !process.stopped || thread.pending.has(SIGKILL) || process.pending.has(SIGKILL); }, {}, true);
}

static bool has_stopped_member_locked(int pgid)
{
    for (auto& process : process_table()) {
        if (process.pgid() == pgid && process.stopped)
            return true;
    }
    return false;
}

static void hang_up_group_locked(int pgid)
{
    for (int signal : { SIGHUP, SIGCONT }) {
        for (auto& process : process_table()) {
            if (process.pgid() != pgid || process.is_zombie)
                continue;
            SignalInfo info;
            info.signal = signal;
            info.code = SI_KERNEL;
            (void)send_signal_locked(process, nullptr, info);
        }
    }
}

void hang_up_orphaned_groups_locked(Process& exiting)
{
    // Our own group, if our parent was what kept it attached.
    Process* parent = exiting.parent;
    if (parent && parent->pgid() != exiting.pgid() && parent->sid() == exiting.sid()
        && is_orphaned_process_group_locked(exiting.pgid(), &exiting) && has_stopped_member_locked(exiting.pgid()))
        hang_up_group_locked(exiting.pgid());
    // Our children's groups, which we may have kept attached.
    for (auto& child : exiting.children) {
        if (child.pgid() != exiting.pgid() && child.sid() == exiting.sid()
            && is_orphaned_process_group_locked(child.pgid(), &exiting) && has_stopped_member_locked(child.pgid()))
            hang_up_group_locked(child.pgid());
    }
}

} // namespace sk
