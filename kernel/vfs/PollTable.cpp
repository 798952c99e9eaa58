// PollTable: one heap-allocated WaitEntry per (thread, queue) registration. The entries live
// until the table is destroyed; the poll syscall keeps the polled OpenFiles (and so their
// queues) referenced for at least as long as the table, so no queue dies under an entry.
#include <new>
#include <vfs/PollTable.h>

namespace sk {

void PollTable::wait_on(WaitQueue& queue)
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

PollTable::~PollTable()
{
    for (auto& registration : m_registrations) {
        registration.queue->remove(*registration.entry);
        delete registration.entry;
    }
}

} // namespace sk
