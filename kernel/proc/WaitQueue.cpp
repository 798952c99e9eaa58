// WaitQueue: entries are the sleepers' stack-allocated WaitEntry records, and the
// heap-allocated callback entries of epoll's registrations. Waking never allocates and is safe
// from interrupt handlers.
#include <arch/Arch.h>
#include <proc/Scheduler.h>
#include <proc/Signals.h>
#include <proc/WaitQueue.h>

namespace sk {

namespace scheduler {
void prepare_to_block();
}

void WaitQueue::add(WaitEntry& entry)
{
    SpinlockGuard guard(m_lock);
    link_locked(entry);
}

void WaitQueue::remove(WaitEntry& entry)
{
    SpinlockGuard guard(m_lock);
    unlink_locked(entry);
}

bool WaitQueue::has_waiters()
{
    SpinlockGuard guard(m_lock);
    return !m_entries.is_empty();
}

void WaitQueue::wake_all(u32 events)
{
    SpinlockGuard guard(m_lock);
    for (auto& entry : m_entries) {
        if (entry.callback)
            entry.callback(entry, events);
        else
            scheduler::wake(entry.thread);
    }
}

void WaitQueue::wake_one()
{
    SpinlockGuard guard(m_lock);
    bool woke = false;
    for (auto& entry : m_entries) {
        if (entry.callback) {
            entry.callback(entry, 0);
        } else if (!woke) {
            scheduler::wake(entry.thread);
            woke = true;
        }
        if (woke && m_callbacks == 0)
            break;
    }
}

void WaitQueue::repost_wakeup() { scheduler::wake(scheduler::current()); }

Result<void> WaitQueue::wait_once(SpinlockGuard& guard, Deadline deadline, bool uninterruptible)
{
    Thread* thread = scheduler::current();
    if (!uninterruptible && signal_pending_for(*thread))
        return Error { ERESTARTSYS };
    if (!deadline.is_none() && arch::monotonic_ns() >= deadline.monotonic_ns)
        return Error { ETIMEDOUT };
    scheduler::prepare_to_block();
    WaitEntry entry { thread, {} };
    add(entry);
    guard.unlock();
    bool woken = scheduler::block_current(deadline.monotonic_ns);
    remove(entry);
    guard.relock();
    if (!uninterruptible && signal_pending_for(*thread))
        return Error { ERESTARTSYS };
    if (!woken)
        return Error { ETIMEDOUT };
    return {};
}

} // namespace sk
