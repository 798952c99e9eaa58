// DataCopyGate: see DataCopyGate.h for the protocol between readers, writers and truncation.
#include <lib/Verify.h>
#include <vfs/DataCopyGate.h>

namespace sk {

DataCopyGate::Reader DataCopyGate::begin_read()
{
    SpinlockGuard guard(m_lock);
    ++m_readers;
    return Reader(*this);
}

void DataCopyGate::Reader::end()
{
    if (!m_gate)
        return;
    bool wake;
    {
        SpinlockGuard guard(m_gate->m_lock);
        VERIFY(m_gate->m_readers > 0);
        wake = --m_gate->m_readers == 0 && m_gate->m_exclusive_waiting;
    }
    if (wake)
        m_gate->m_idle.wake_all();
    m_gate = nullptr;
}

DataCopyGate::Exclusive::Exclusive(DataCopyGate& gate, Mutex& storage_lock)
    : m_gate(gate)
    , m_storage_lock(storage_lock)
{
    m_gate.m_writer_lock.lock();
    for (;;) {
        m_storage_lock.lock();
        {
            SpinlockGuard guard(m_gate.m_lock);
            if (m_gate.m_readers == 0)
                return;
        }
        // A reader is copying; it may need the storage lock to finish (its copy can fault
        // and read a file through this filesystem), so wait without it.
        m_storage_lock.unlock();
        SpinlockGuard guard(m_gate.m_lock);
        m_gate.m_exclusive_waiting = true;
        auto waited = m_gate.m_idle.wait_until(guard, [&] { return m_gate.m_readers == 0; }, {}, true);
        m_gate.m_exclusive_waiting = false;
        VERIFY(!waited.is_error());
    }
}

DataCopyGate::Exclusive::~Exclusive()
{
    m_storage_lock.unlock();
    m_gate.m_writer_lock.unlock();
}

} // namespace sk
