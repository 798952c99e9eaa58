// Mutex on WaitQueue: waiters sleep uninterruptibly until the holder unlocks.
#include <proc/Mutex.h>

namespace sk {

void Mutex::lock()
{
    SpinlockGuard guard(m_lock);
    auto result = m_waiters.wait_until(guard, [&] { return !m_locked; }, {}, true);
    VERIFY(!result.is_error());
    m_locked = true;
}

bool Mutex::try_lock()
{
    SpinlockGuard guard(m_lock);
    if (m_locked)
        return false;
    m_locked = true;
    return true;
}

void Mutex::unlock()
{
    {
        SpinlockGuard guard(m_lock);
        VERIFY(m_locked);
        m_locked = false;
    }
    m_waiters.wake_one();
}

bool Mutex::is_locked()
{
    SpinlockGuard guard(m_lock);
    return m_locked;
}

} // namespace sk
