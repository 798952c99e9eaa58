// Mutex: a sleeping lock for long critical sections that may block (disk I/O in ext2, the
// block cache). Not for interrupt context. Built on WaitQueue; not recursive.
#pragma once

#include <proc/WaitQueue.h>

namespace sk {

class Mutex {
public:
    void lock();
    // Takes the mutex only if that needs no sleep.
    bool try_lock();
    void unlock();
    bool is_locked();

private:
    Spinlock m_lock;
    bool m_locked { false };
    WaitQueue m_waiters;
};

class MutexGuard {
public:
    explicit MutexGuard(Mutex& mutex) : m_mutex(mutex) { m_mutex.lock(); }
    ~MutexGuard() { m_mutex.unlock(); }
    MutexGuard(const MutexGuard&) = delete;
    MutexGuard& operator=(const MutexGuard&) = delete;

private:
    Mutex& m_mutex;
};

} // namespace sk
