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

// One sleeper's registration on one queue. poll() registers a thread on several queues at once.
struct WaitEntry {
    Thread* thread { nullptr };
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

    void wake_all();
    void wake_one();
    bool has_waiters();

    // For poll/select: add and remove an entry without sleeping.
    void add(WaitEntry& entry);
    void remove(WaitEntry& entry);

private:
    Result<void> wait_once(SpinlockGuard& guard, Deadline deadline, bool uninterruptible);

    Spinlock m_lock;
    IntrusiveList<WaitEntry, &WaitEntry::node> m_entries;
};

} // namespace sk
