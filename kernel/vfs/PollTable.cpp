// PollTable: ThreadPollTable keeps one heap-allocated WaitEntry per (thread, queue)
// registration until the table is destroyed; the poll syscall keeps the polled OpenFiles (and
// so their queues) referenced for at least as long as the table, so no queue dies under an
// entry. HookPollTable's hooks belong to the chain's owner (an epoll interest item), which
// unhooks them before the watched file lets its queues go.
#include <new>
#include <type_traits>
#include <vfs/PollTable.h>

namespace sk {

static_assert(std::is_standard_layout_v<WaitHook>, "WaitHook::from_entry casts from its first member");

void ThreadPollTable::wait_on(WaitQueue& queue)
{
    for (auto& registration : m_registrations) {
        if (registration.queue == &queue)
            return; // one entry per queue is enough to be woken
    }
    auto* entry = new (std::nothrow) WaitEntry;
    if (!entry) {
        m_error = true;
        return;
    }
    entry->thread = m_thread;
    if (m_registrations.try_append(Registration { &queue, entry }).is_error()) {
        delete entry;
        m_error = true;
        return;
    }
    queue.add(*entry);
}

ThreadPollTable::~ThreadPollTable()
{
    for (auto& registration : m_registrations) {
        registration.queue->remove(*registration.entry);
        delete registration.entry;
    }
}

void HookPollTable::wait_on(WaitQueue& queue)
{
    for (WaitHook* hook = m_chain; hook; hook = hook->next) {
        if (hook->queue == &queue)
            return; // one callback per queue: every wake-up of it already runs it
    }
    auto* hook = new (std::nothrow) WaitHook;
    if (!hook) {
        m_error = true;
        return;
    }
    hook->entry.callback = m_callback;
    hook->queue = &queue;
    hook->owner = m_owner;
    hook->next = m_chain;
    m_chain = hook;
    queue.add(hook->entry);
}

void unhook_all(WaitHook*& chain)
{
    while (WaitHook* hook = chain) {
        chain = hook->next;
        // Taking the queue's lock also waits out a callback running on this hook right now.
        hook->queue->remove(hook->entry);
        delete hook;
    }
}

} // namespace sk
