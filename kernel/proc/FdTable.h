// FdTable: descriptor number → (open file description, close-on-exec). Shared between
// threads (CLONE_FILES), copied by fork. Allocation takes the lowest free descriptor below
// the RLIMIT_NOFILE the caller passes (EMFILE beyond it).
#pragma once

#include <lib/RefPtr.h>
#include <lib/Spinlock.h>
#include <lib/Vector.h>
#include <vfs/OpenFile.h>

namespace sk {

class FdTable : public RefCounted<FdTable> {
public:
    static constexpr int hard_max = 65536;

    static Result<RefPtr<FdTable>> try_create();
    Result<RefPtr<FdTable>> try_clone();

    // The file at fd, or EBADF.
    Result<RefPtr<OpenFile>> get(int fd);
    // Lowest free fd >= minimum (< limit) → file. EMFILE when none.
    Result<int> allocate(RefPtr<OpenFile> file, bool close_on_exec, int limit, int minimum = 0);
    // Reserves the lowest free fd (EMFILE as allocate) before its file exists: Linux's
    // get_unused_fd_flags, for a call that must know a descriptor is there before a step it
    // cannot undo (accept dequeues a connection). Until fill_reserved or release_reserved the
    // fd is neither free nor open: EBADF to get and close, EBUSY to dup2; fork leaves it free.
    Result<int> reserve(bool close_on_exec, int limit);
    void fill_reserved(int fd, RefPtr<OpenFile> file);
    void release_reserved(int fd);
    // dup2/dup3: install at exactly fd (closing what was there). EBADF if fd >= limit, EBUSY
    // if fd is reserved.
    Result<void> install_at(int fd, RefPtr<OpenFile> file, bool close_on_exec, int limit);
    // Removes fd; EBADF if not open. The description is released outside the table lock.
    Result<RefPtr<OpenFile>> remove(int fd);
    Result<bool> close_on_exec(int fd);
    Result<void> set_close_on_exec(int fd, bool value);
    void close_all_on_exec();
    void close_all();
    // Number of open descriptors (for /proc and the leak check).
    size_t open_count();
    // Calls fn(fd, OpenFile&) for each open descriptor, in order.
    template<typename Fn>
    void for_each(Fn fn)
    {
        SpinlockGuard guard(m_lock);
        for (size_t fd = 0; fd < m_slots.size(); ++fd) {
            if (m_slots[fd].file)
                fn(static_cast<int>(fd), *m_slots[fd].file);
        }
    }

private:
    FdTable() = default;
    struct Slot {
        RefPtr<OpenFile> file;
        bool close_on_exec { false };
        bool reserved { false };
        bool in_use() const { return file || reserved; }
    };
    Result<size_t> claim_lowest_free(int limit, int minimum);
    Spinlock m_lock;
    Vector<Slot> m_slots;
    size_t m_lowest_free_hint { 0 };
};

} // namespace sk
