// EventFd: the file behind eventfd2(2) (Linux's fs/eventfd.c), an 8-byte counter used as an
// event notification channel between threads, processes or the kernel.
//
//   read   needs an 8-byte buffer (EINVAL); blocks while the counter is 0 (EAGAIN when
//          non-blocking); returns the counter and resets it to 0, or — EFD_SEMAPHORE — returns
//          1 and decrements it. The counter is consumed before the copy out, so a fault
//          (EFAULT) loses it, as on Linux.
//   write  adds an 8-byte value: exactly 8 bytes (EINVAL otherwise, and for
//          0xffffffffffffffff); blocks while the sum would pass 0xfffffffffffffffe (EAGAIN when
//          non-blocking). A write of 0 still wakes every waiter (and so re-arms an
//          edge-triggered epoll). writev writes segment by segment, as Linux's .write does.
//   poll   POLLIN while the counter is not 0, POLLOUT while a write of 1 would not block.
//   lseek  a no-op that returns 0 (Linux's noop_llseek); pread/pwrite ESPIPE; ioctl ENOTTY.
//
// Locking: m_lock guards m_count; readers, writers and pollers all wait on m_wait, woken
// after every change (the lock is never held across a user copy).
#pragma once

#include <lib/Spinlock.h>
#include <proc/WaitQueue.h>
#include <vfs/FileOperations.h>
#include <vfs/OpenFile.h>

namespace sk {

class EventFd final : public FileOperations {
public:
    // A new eventfd file (on the anonymous inode) with the counter at `initial`; flags are
    // the open file's access mode and status flags (O_RDWR | maybe O_NONBLOCK).
    static Result<RefPtr<OpenFile>> try_create_file(u64 initial, bool semaphore, u32 flags);

    Result<size_t> read(OpenFile& file, const IoBuffer& buffer, size_t length) override;
    Result<size_t> write(OpenFile& file, const IoBuffer& buffer, size_t length) override;
    bool writes_each_segment() const override { return true; }
    Result<i64> seek(OpenFile& file, i64 offset, int whence) override;
    u32 poll(OpenFile& file, PollTable* table) override;
    bool can_poll() const override { return true; }
    const char* anonymous_name() const override { return "[eventfd]"; }

private:
    EventFd(u64 initial, bool semaphore)
        : m_count(initial)
        , m_semaphore(semaphore)
    {
    }

    static constexpr u64 max_count = ~0ull - 1; // ULLONG_MAX - 1

    Spinlock m_lock;
    u64 m_count;
    const bool m_semaphore;
    WaitQueue m_wait;
};

} // namespace sk
