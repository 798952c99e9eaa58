#include <proc/Signals.h>

namespace sk {

__attribute__((weak)) bool signal_pending_for(Thread& thread)
{
    return (thread.pending_signals & ~thread.signal_mask) != 0 || thread.m_interrupted;
}

} // namespace sk
