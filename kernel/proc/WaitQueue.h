// WaitQueue: the one way a thread sleeps until some state changes.
//
//   SpinlockGuard guard(m_lock);
//   TRY(m_readers.wait_until(guard, [&] { return !m_buffer.is_empty() || m_closed; }));
//
// The guard's lock protects the state the predicate reads. wait_until re-checks the
// predicate in a loop (wake-ups may be spurious), drops the lock while asleep and holds it
// again when it returns. Whoever changes that state calls wake_all()/wake_one() — with or
// without the lock held.
//
// Errors: ERESTARTSYS when a signal is pending for the sleeper (the signal code turns it into
// EINTR or restarts the syscall under SA_RESTART, as Linux does), ETIMEDOUT past the deadline.
// A wait with uninterruptible=true (disk I/O) ignores signals.
#pragma once

#include <lib/IntrusiveList.h>
#include <lib/Result.h>
#include <lib/Spinlock.h>

namespace sk {

// Linux's internal "restart the syscall if the handler allows it" code; never reaches user space.
constexpr int ERESTARTSYS = 512;
// Always restarted, handler or not (a fork that met a fatal signal: the caller dies first).
constexpr int ERESTARTNOINTR = 513;
// EINTR when a handler runs; restarted when none does (poll, select, pause, sigsuspend).
constexpr int ERESTARTNOHAND = 514;
// Linux's ERESTART_RESTARTBLOCK: EINTR when a handler runs (whatever SA_RESTART says); when no
// handler runs (a stop and continue, an ignored signal) the call goes on through
// restart_syscall(2) with what the thread saved in its restart block (nanosleep: the deadline).
constexpr int ERESTART_RESTARTBLOCK = 516;

class Thread;

// Monotonic time in nanoseconds; 0 = no deadline.
struct Deadline {
    u64 monotonic_ns { 0 };
    bool is_none() const { return monotonic_ns == 0; }
};

// One registration on one queue. Usually a sleeping thread (poll() registers one on several
// queues at once), which a wake-up makes runnable. An entry with a callback (epoll's lasting
// registrations, see PollTable.h's WaitHook) is not woken: a wake-up calls
// callback(entry, events) instead, with the queue's lock held — so the callback must not
// sleep, nor add or remove entries of this queue; it may take other spinlocks and wake other
// queues. Callback entries go to the front of the queue, as Linux's add_wait_queue puts them.
struct WaitEntry {
    Thread* thread { nullptr };
    void (*callback)(WaitEntry&, u32 events) { nullptr };
    IntrusiveListNode node;
};

class WaitQueue {
public:
    template<typename Predicate>
    Result<void> wait_until(SpinlockGuard& guard, Predicate predicate, Deadline deadline = {}, bool uninterruptible = false)
    {
        while (!predicate())
            TRY(wait_once(guard, deadline, uninterruptible));
        return {};
    }

    // wake_all wakes every thread and calls every callback. `events` are the poll bits the
    // change may have made ready (0: any), handed to the callbacks so that an epoll item
    // asking for none of them is left alone (Linux's wake-up key). wake_one wakes the first
    // thread (Mutex's hand-over) and still calls every callback: a callback stands for a
    // watcher that must hear of every change, never for a competing sleeper.
    void wake_all(u32 events = 0);
    void wake_one();
    bool has_waiters();

    // For a FileOperations::poll() that had to sleep (on a Mutex) while a poll loop runs: the
    // sleep consumed whatever wake-up was pending for the caller (see FsPoll.cpp), so the
    // caller is marked woken again and its loop makes one more pass instead of missing it.
    static void repost_wakeup();

    // For poll/select: add and remove an entry without sleeping.
    void add(WaitEntry& entry);
    void remove(WaitEntry& entry);

private:
    Result<void> wait_once(SpinlockGuard& guard, Deadline deadline, bool uninterruptible);
    // add and remove with m_lock held (the host tests' lock-free WaitQueue shares them).
    void link_locked(WaitEntry& entry)
    {
        if (entry.callback) {
            m_entries.prepend(entry);
            ++m_callbacks;
        } else {
            m_entries.append(entry);
        }
    }
    void unlink_locked(WaitEntry& entry)
    {
        if (!entry.node.is_linked())
            return;
        m_entries.remove(entry);
        if (entry.callback)
            --m_callbacks;
    }

    Spinlock m_lock;
    IntrusiveList<WaitEntry, &WaitEntry::node> m_entries;
    u32 m_callbacks { 0 }; // entries with a callback (wake_one walks the queue only if any)
};

} // namespace sk
