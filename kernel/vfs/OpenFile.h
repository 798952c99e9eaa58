// OpenFile: Linux's open file description. Shared by dup, fork and SCM_RIGHTS; owns the
// offset and the status flags (access mode, O_APPEND, O_NONBLOCK, ...). The fd table maps
// descriptors to RefPtr<OpenFile>; the description lives while any descriptor, any in-flight
// SCM_RIGHTS message or any kernel user still references it.
//
// epoll watches a description without referencing it: the interest items watching it are on
// its epoll_watches() list (Linux's f_ep), and when the last reference goes the destructor has
// EventPoll remove them (Linux's eventpoll_release) before the file's own release().
#pragma once

#include <asm-generic/fcntl.h>
#include <lib/IntrusiveList.h>
#include <lib/RefPtr.h>
#include <lib/Spinlock.h>
#include <proc/Mutex.h>
#include <vfs/Custody.h>
#include <vfs/FileOperations.h>
#include <vfs/Inode.h>

namespace sk {

// An epoll interest item as the file it watches knows it; EventPoll's items derive from it.
struct EpollWatch {
    IntrusiveListNode watched_file_node;
};

class OpenFile : public RefCounted<OpenFile> {
public:
    // Status flags kept on the description (fcntl F_GETFL/F_SETFL).
    static constexpr u32 settable_flags = O_APPEND | O_NONBLOCK | FASYNC | O_DIRECT | O_NOATIME;

    static Result<RefPtr<OpenFile>> try_create(RefPtr<FileOperations> ops, RefPtr<Inode> inode, RefPtr<Custody> custody, u32 flags);
    ~OpenFile();

    // Open file descriptions alive in the system (the init leak check's files= pair).
    static u64 live_count();

    FileOperations& ops() const { return *m_ops; }
    Inode* inode() const { return m_inode.ptr(); }
    Custody* custody() const { return m_custody.ptr(); }

    u32 flags() const { return m_flags.load(std::memory_order_relaxed); }
    void set_status_flags(u32 flags);
    bool is_nonblocking() const { return flags() & O_NONBLOCK; }
    bool can_read() const { return (flags() & O_ACCMODE) != O_WRONLY && !(flags() & O_PATH); }
    bool can_write() const { return (flags() & O_ACCMODE) != O_RDONLY && !(flags() & O_PATH); }

    // The offset; serialized by offset_lock() for read-modify-write users (read/write/lseek).
    // A sleeping Mutex, not a Spinlock: it is held across filesystem I/O, which may sleep.
    u64 offset() const { return m_offset; }
    void set_offset(u64 offset) { m_offset = offset; }
    Mutex& offset_lock() { return m_offset_lock; }

    // The epoll items watching this description; EventPoll changes the list, holding the lock.
    using EpollWatchList = IntrusiveList<EpollWatch, &EpollWatch::watched_file_node>;
    Spinlock& epoll_lock() { return m_epoll_lock; }
    EpollWatchList& epoll_watches() { return m_epoll_watches; }

private:
    OpenFile(RefPtr<FileOperations> ops, RefPtr<Inode> inode, RefPtr<Custody> custody, u32 flags);

    RefPtr<FileOperations> m_ops;
    RefPtr<Inode> m_inode;     // may be null only for kernel-internal files
    RefPtr<Custody> m_custody; // the path it was opened by; null for sockets and pipes
    std::atomic<u32> m_flags;
    Mutex m_offset_lock;
    u64 m_offset { 0 };
    Spinlock m_epoll_lock; // guards m_epoll_watches
    EpollWatchList m_epoll_watches;
};

} // namespace sk
