// Pending sets with their siginfo. Real-time instances are heap nodes in one FIFO list per
// owner; a lookup walks it (it is short: at most max_queued_signals, usually empty).
#include <lib/Bitmap.h>
#include <new>
#include <proc/PendingSignals.h>

namespace sk {

PendingSignals::~PendingSignals() { discard(~0ull); }

bool PendingSignals::queued(int signal)
{
    for (auto& entry : m_queue) {
        if (entry.info.signal == signal)
            return true;
    }
    return false;
}

bool PendingSignals::add(const SignalInfo& info, bool must_queue)
{
    int signal = info.signal;
    u64 bit = 1ull << (signal - 1);
    if (signal < first_realtime_signal) {
        if (!(m_set & bit))
            m_last[signal - 1] = info;
        m_set |= bit;
        return true;
    }
    Queued* entry = m_queued < max_queued_signals ? new (std::nothrow) Queued { info, {} } : nullptr;
    if (!entry) {
        if (must_queue)
            return false;
        m_last[signal - 1] = info;
        m_set |= bit;
        return true;
    }
    m_queue.append(*entry);
    ++m_queued;
    m_set |= bit;
    return true;
}

int PendingSignals::take(u64 allowed, SignalInfo& info)
{
    u64 candidates = m_set & allowed;
    if (!candidates)
        return 0;
    int signal = static_cast<int>(lowest_set_bit(candidates)) + 1;
    u64 bit = 1ull << (signal - 1);
    if (signal >= first_realtime_signal) {
        for (auto& entry : m_queue) {
            if (entry.info.signal != signal)
                continue;
            info = entry.info;
            m_queue.remove(entry);
            --m_queued;
            delete &entry;
            if (!queued(signal))
                m_set &= ~bit;
            return signal;
        }
    }
    info = m_last[signal - 1];
    info.signal = signal;
    m_set &= ~bit;
    return signal;
}

void PendingSignals::discard(u64 set)
{
    m_set &= ~set;
    for (auto& entry : m_queue) { // the iterator survives removing the current entry
        if (set & (1ull << (entry.info.signal - 1))) {
            m_queue.remove(entry);
            --m_queued;
            delete &entry;
        }
    }
}

} // namespace sk
