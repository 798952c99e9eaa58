// ProcessHandle: what a pidfd refers to — a process that may exit, be reaped and be freed
// (its pid then free for reuse) while the pidfd stays open; Linux's struct pid. The process
// holds its handle once one was asked for; the handle points back at the process only while
// the process object exists.
//
// Readiness (pidfd poll): readable once the process has exited (every thread gone), and hung
// up as well once it has been reaped. exit_wait() is woken at both moments.
//
// Locking: g_process_table_lock guards the back pointer (and the process's exit state).
#pragma once

#include <lib/RefPtr.h>
#include <lib/Result.h>
#include <proc/WaitQueue.h>

namespace sk {

class Process;

class ProcessHandle : public RefCounted<ProcessHandle> {
public:
    // A handle not attached to any process yet (clone's CLONE_PIDFD attaches it to the child).
    static Result<RefPtr<ProcessHandle>> try_create();
    // The process's handle, made on first use.
    static Result<RefPtr<ProcessHandle>> of(Process& process);

    // Attaches to process, which has no handle yet (table lock held).
    void attach_locked(Process& process);
    // The process while it exists (table lock held); null once it is freed.
    Process* process_locked() const { return m_process; }
    // The process, referenced, unless it has been reaped (ESRCH then, as Linux's pidfd calls).
    Result<RefPtr<Process>> live_process();
    int pid() const { return m_pid; }

    WaitQueue& exit_wait() { return m_exit_wait; }
    // POLLIN | POLLRDNORM once exited, POLLHUP too once reaped.
    u32 readiness();

    // From the process's life: it exited or was reaped (wake the pollers); it is being freed.
    void notify_locked() { m_exit_wait.wake_all(); }
    void detach_locked();

private:
    ProcessHandle() = default;

    Process* m_process { nullptr };
    int m_pid { 0 };
    WaitQueue m_exit_wait;
};

} // namespace sk
