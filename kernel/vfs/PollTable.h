// PollTable: what ppoll/pselect6 and epoll pass down to FileOperations::poll. A file's poll()
// calls table->wait_on(queue) for each WaitQueue whose wake-up may change its readiness; what
// that registration is depends on the kind of table:
//
//   ThreadPollTable (ppoll, pselect6): the polling thread, so that a wake_all() on any of the
//   queues wakes it. The registrations are removed when the table is destroyed.
//   HookPollTable (epoll): a WaitHook, a callback entry that outlives the table — it stays on
//   the queue, and runs its callback on every wake-up, until its owner calls unhook_all().
//
// A table may be null (poll() only reports readiness then).
#pragma once

#include <asm-generic/poll.h>
#include <lib/Vector.h>
#include <proc/WaitQueue.h>

namespace sk {

// Wake-up keys (WaitQueue::wake_all's events) of the two common changes, as Linux's sockets
// send them: data arrived (sk_data_ready), room was made (sk_write_space).
constexpr u32 readable_wake_key = POLLIN | POLLPRI | POLLRDNORM | POLLRDBAND;
constexpr u32 writable_wake_key = POLLOUT | POLLWRNORM | POLLWRBAND;

class PollTable {
public:
    virtual void wait_on(WaitQueue& queue) = 0;
    // Registration can fail only on allocation.
    bool had_error() const { return m_error; }

protected:
    PollTable() = default;
    ~PollTable() = default;
    PollTable(const PollTable&) = delete;
    PollTable& operator=(const PollTable&) = delete;

    bool m_error { false };
};

class ThreadPollTable final : public PollTable {
public:
    explicit ThreadPollTable(Thread* thread)
        : m_thread(thread)
    {
    }
    ~ThreadPollTable();

    // On an allocation failure poll behaves like a busy re-check.
    void wait_on(WaitQueue& queue) override;

private:
    struct Registration {
        WaitQueue* queue;
        WaitEntry* entry;
    };
    Thread* m_thread;
    Vector<Registration> m_registrations;
};

// One lasting callback registration on one queue. The callback finds its hook (and through it
// `owner`) with from_entry(). The queue must outlive the hook: the owner unhooks before the
// file whose queue it is goes away.
struct WaitHook {
    WaitEntry entry; // first: from_entry() relies on it
    WaitQueue* queue { nullptr };
    void* owner { nullptr };
    WaitHook* next { nullptr }; // the owner's chain

    static WaitHook& from_entry(WaitEntry& entry) { return *reinterpret_cast<WaitHook*>(&entry); }
};

// Adds a hook to the front of `chain` for each queue the polled file names (once per queue).
class HookPollTable final : public PollTable {
public:
    HookPollTable(WaitHook*& chain, void (*callback)(WaitEntry&, u32 events), void* owner)
        : m_chain(chain)
        , m_callback(callback)
        , m_owner(owner)
    {
    }

    void wait_on(WaitQueue& queue) override;

private:
    WaitHook*& m_chain;
    void (*m_callback)(WaitEntry&, u32 events);
    void* m_owner;
};

// Removes every hook of the chain from its queue (so no callback runs on it any more, nor is
// running once this returns) and frees it; the chain is empty afterwards.
void unhook_all(WaitHook*& chain);

} // namespace sk
