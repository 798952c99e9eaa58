// ProcessHandle: the back pointer is set under the table lock when a handle is attached and
// cleared by ~Process under the same lock, so a holder of the lock sees either a live object
// or null.
#include <asm-generic/poll.h>
#include <new>
#include <proc/Process.h>
#include <proc/ProcessHandle.h>

namespace sk {

Result<RefPtr<ProcessHandle>> ProcessHandle::try_create()
{
    auto* handle = new (std::nothrow) ProcessHandle;
    if (!handle)
        return Error { ENOMEM };
    return RefPtr<ProcessHandle>(handle);
}

Result<RefPtr<ProcessHandle>> ProcessHandle::of(Process& process)
{
    auto fresh = TRY(try_create()); // allocated outside the spinlock, maybe not needed
    SpinlockGuard guard(g_process_table_lock);
    if (!process.handle)
        fresh->attach_locked(process);
    return process.handle;
}

void ProcessHandle::attach_locked(Process& process)
{
    m_process = &process;
    m_pid = process.pid();
    process.handle = this;
}

void ProcessHandle::detach_locked()
{
    m_process = nullptr;
    m_exit_wait.wake_all();
}

static bool reaped_locked(const Process* process) { return !process || (process->is_zombie && !process->parent); }

Result<RefPtr<Process>> ProcessHandle::live_process()
{
    SpinlockGuard guard(g_process_table_lock);
    if (reaped_locked(m_process) || !m_process->try_ref())
        return Error { ESRCH };
    return RefPtr<Process>::adopt(m_process);
}

u32 ProcessHandle::readiness()
{
    SpinlockGuard guard(g_process_table_lock);
    if (reaped_locked(m_process))
        return POLLIN | POLLRDNORM | POLLHUP;
    return m_process->is_zombie ? POLLIN | POLLRDNORM : 0;
}

} // namespace sk
