// Spinlock with an RAII guard. Holding a spinlock disables interrupts on this hart, so an
// interrupt handler can take the same lock without deadlocking. Never sleep while holding
// one: WaitQueue::wait_until releases the lock around the sleep.
#pragma once

#include <atomic>
#include <lib/Types.h>

namespace sk {

// Implemented by the architecture (kernel) or by the host test support (tests/unit).
uptr interrupts_save_disable();
void interrupts_restore(uptr state);

class Spinlock {
public:
    uptr lock()
    {
        uptr state = interrupts_save_disable();
        while (m_locked.exchange(1, std::memory_order_acquire)) {
            while (m_locked.load(std::memory_order_relaxed)) { }
        }
        return state;
    }
    void unlock(uptr state)
    {
        m_locked.store(0, std::memory_order_release);
        interrupts_restore(state);
    }
    bool is_locked() const { return m_locked.load(std::memory_order_relaxed) != 0; }

private:
    // A word, not a bool: RISC-V has no byte-sized AMO, and GCC 12 would call libatomic's
    // __atomic_exchange_1, which the kernel does not link.
    std::atomic<u32> m_locked { 0 };
};

class SpinlockGuard {
public:
    explicit SpinlockGuard(Spinlock& lock) : m_lock(lock), m_state(lock.lock()) { }
    ~SpinlockGuard()
    {
        if (m_held)
            m_lock.unlock(m_state);
    }
    SpinlockGuard(const SpinlockGuard&) = delete;
    SpinlockGuard& operator=(const SpinlockGuard&) = delete;

    // For WaitQueue: drop and retake the lock around a sleep.
    void unlock()
    {
        m_lock.unlock(m_state);
        m_held = false;
    }
    void relock()
    {
        m_state = m_lock.lock();
        m_held = true;
    }
    Spinlock& lock() { return m_lock; }

private:
    Spinlock& m_lock;
    uptr m_state;
    bool m_held { true };
};

} // namespace sk
