// FdTable: a vector of slots under a spinlock. Closing drops the RefPtr<OpenFile> after the
// lock is released, because the last reference may run release() (which may sleep).
#include <lib/Verify.h>
#include <proc/FdTable.h>

namespace sk {

Result<RefPtr<FdTable>> FdTable::try_create()
{
    auto* table = new (std::nothrow) FdTable;
    if (!table)
        return Error { ENOMEM };
    return RefPtr<FdTable>(table);
}

Result<RefPtr<FdTable>> FdTable::try_clone()
{
    auto copy = TRY(try_create());
    SpinlockGuard guard(m_lock);
    TRY(copy->m_slots.try_resize(m_slots.size()));
    for (size_t i = 0; i < m_slots.size(); ++i) {
        copy->m_slots[i].file = m_slots[i].file;
        copy->m_slots[i].close_on_exec = m_slots[i].close_on_exec;
    }
    copy->m_lowest_free_hint = m_lowest_free_hint;
    return copy;
}

Result<RefPtr<OpenFile>> FdTable::get(int fd)
{
    SpinlockGuard guard(m_lock);
    if (fd < 0 || static_cast<size_t>(fd) >= m_slots.size() || !m_slots[fd].file)
        return Error { EBADF };
    return m_slots[fd].file;
}

// The lowest slot not in use at or above minimum (below limit), grown into if need be. Called
// with m_lock held.
Result<size_t> FdTable::claim_lowest_free(int limit, int minimum)
{
    limit = min(limit, hard_max);
    size_t start = max<size_t>(static_cast<size_t>(minimum), minimum == 0 ? m_lowest_free_hint : 0);
    size_t fd = start;
    while (fd < m_slots.size() && m_slots[fd].in_use())
        ++fd;
    if (fd >= static_cast<size_t>(limit))
        return Error { EMFILE };
    if (fd >= m_slots.size())
        TRY(m_slots.try_resize(fd + 1));
    if (minimum == 0)
        m_lowest_free_hint = fd + 1;
    return fd;
}

Result<int> FdTable::allocate(RefPtr<OpenFile> file, bool close_on_exec, int limit, int minimum)
{
    SpinlockGuard guard(m_lock);
    size_t fd = TRY(claim_lowest_free(limit, minimum));
    m_slots[fd].file = std::move(file);
    m_slots[fd].close_on_exec = close_on_exec;
    return static_cast<int>(fd);
}

Result<int> FdTable::reserve(bool close_on_exec, int limit)
{
    SpinlockGuard guard(m_lock);
    size_t fd = TRY(claim_lowest_free(limit, 0));
    m_slots[fd].reserved = true;
    m_slots[fd].close_on_exec = close_on_exec;
    return static_cast<int>(fd);
}

void FdTable::fill_reserved(int fd, RefPtr<OpenFile> file)
{
    SpinlockGuard guard(m_lock);
    VERIFY(static_cast<size_t>(fd) < m_slots.size() && m_slots[fd].reserved);
    m_slots[fd].reserved = false;
    m_slots[fd].file = std::move(file);
}

void FdTable::release_reserved(int fd)
{
    SpinlockGuard guard(m_lock);
    VERIFY(static_cast<size_t>(fd) < m_slots.size() && m_slots[fd].reserved);
    m_slots[fd].reserved = false;
    m_slots[fd].close_on_exec = false;
    if (static_cast<size_t>(fd) < m_lowest_free_hint)
        m_lowest_free_hint = fd;
}

Result<void> FdTable::install_at(int fd, RefPtr<OpenFile> file, bool close_on_exec, int limit)
{
    if (fd < 0 || fd >= min(limit, hard_max))
        return Error { EBADF };
    RefPtr<OpenFile> previous;
    {
        SpinlockGuard guard(m_lock);
        if (static_cast<size_t>(fd) >= m_slots.size())
            TRY(m_slots.try_resize(fd + 1));
        if (m_slots[fd].reserved)
            return Error { EBUSY };
        previous = std::move(m_slots[fd].file);
        m_slots[fd].file = std::move(file);
        m_slots[fd].close_on_exec = close_on_exec;
    }
    return {};
}

Result<RefPtr<OpenFile>> FdTable::remove(int fd)
{
    SpinlockGuard guard(m_lock);
    if (fd < 0 || static_cast<size_t>(fd) >= m_slots.size() || !m_slots[fd].file)
        return Error { EBADF };
    RefPtr<OpenFile> file = std::move(m_slots[fd].file);
    m_slots[fd].close_on_exec = false;
    if (static_cast<size_t>(fd) < m_lowest_free_hint)
        m_lowest_free_hint = fd;
    return file;
}

Result<bool> FdTable::close_on_exec(int fd)
{
    SpinlockGuard guard(m_lock);
    if (fd < 0 || static_cast<size_t>(fd) >= m_slots.size() || !m_slots[fd].file)
        return Error { EBADF };
    return m_slots[fd].close_on_exec;
}

Result<void> FdTable::set_close_on_exec(int fd, bool value)
{
    SpinlockGuard guard(m_lock);
    if (fd < 0 || static_cast<size_t>(fd) >= m_slots.size() || !m_slots[fd].file)
        return Error { EBADF };
    m_slots[fd].close_on_exec = value;
    return {};
}

void FdTable::close_all_on_exec()
{
    for (size_t fd = 0;; ++fd) {
        RefPtr<OpenFile> closing;
        {
            SpinlockGuard guard(m_lock);
            if (fd >= m_slots.size())
                break;
            if (!m_slots[fd].file || !m_slots[fd].close_on_exec)
                continue;
            closing = std::move(m_slots[fd].file);
            m_slots[fd].close_on_exec = false;
            if (fd < m_lowest_free_hint)
                m_lowest_free_hint = fd;
        }
    }
}

void FdTable::close_all()
{
    for (size_t fd = 0;; ++fd) {
        RefPtr<OpenFile> closing;
        {
            SpinlockGuard guard(m_lock);
            if (fd >= m_slots.size())
                break;
            closing = std::move(m_slots[fd].file);
        }
    }
    SpinlockGuard guard(m_lock);
    m_lowest_free_hint = 0;
}

size_t FdTable::open_count()
{
    SpinlockGuard guard(m_lock);
    size_t count = 0;
    for (auto& slot : m_slots)
        count += slot.file ? 1 : 0;
    return count;
}

} // namespace sk
