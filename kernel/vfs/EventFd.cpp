// EventFd: the counter, its blocking reads and writes, and its readiness (see EventFd.h).
#include <asm-generic/poll.h>
#include <lib/IoBuffer.h>
#include <new>
#include <vfs/AnonymousInode.h>
#include <vfs/EventFd.h>
#include <vfs/PollTable.h>

namespace sk {

Result<RefPtr<OpenFile>> EventFd::try_create_file(u64 initial, bool semaphore, u32 flags)
{
    auto* raw = new (std::nothrow) EventFd(initial, semaphore);
    if (!raw)
        return Error { ENOMEM };
    RefPtr<FileOperations> ops(raw);
    return open_anonymous_file(std::move(ops), flags);
}

Result<size_t> EventFd::read(OpenFile& file, const IoBuffer& buffer, size_t length)
{
    if (length < sizeof(u64))
        return Error { EINVAL };
    u64 value;
    {
        SpinlockGuard guard(m_lock);
        if (m_count == 0) {
            if (file.is_nonblocking())
                return Error { EAGAIN };
            TRY(m_wait.wait_until(guard, [&] { return m_count != 0; }));
        }
        value = m_semaphore ? 1 : m_count;
        m_count -= value;
    }
    m_wait.wake_all(POLLOUT); // writers may go on; pollers see the change
    TRY(buffer.write(0, &value, sizeof value));
    return sizeof value;
}

Result<size_t> EventFd::write(OpenFile& file, const IoBuffer& buffer, size_t length)
{
    if (length != sizeof(u64))
        return Error { EINVAL };
    u64 value;
    TRY(buffer.read(0, &value, sizeof value));
    if (value == ~0ull)
        return Error { EINVAL };
    {
        SpinlockGuard guard(m_lock);
        auto fits = [&] { return ~0ull - m_count > value; };
        if (!fits()) {
            if (file.is_nonblocking())
                return Error { EAGAIN };
            TRY(m_wait.wait_until(guard, fits));
        }
        m_count += value;
    }
    m_wait.wake_all(POLLIN);
    return sizeof value;
}

Result<i64> EventFd::seek(OpenFile& file, i64, int) { return static_cast<i64>(file.offset()); }

u32 EventFd::poll(OpenFile&, PollTable* table)
{
    if (table)
        table->wait_on(m_wait);
    u64 count;
    {
        SpinlockGuard guard(m_lock);
        count = m_count;
    }
    u32 mask = 0;
    if (count > 0)
        mask |= POLLIN;
    if (count == ~0ull)
        mask |= POLLERR; // only an in-kernel eventfd_signal can get here on Linux
    if (count < max_count)
        mask |= POLLOUT;
    return mask;
}

} // namespace sk
