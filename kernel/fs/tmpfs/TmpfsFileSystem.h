// TmpfsFileSystem: a filesystem whose files live only in memory (Linux's tmpfs/shmem).
//
// Ownership: directories own their entries' inodes (strong), every inode holds its
// filesystem (Inode::m_fs, strong), so the filesystem holds its root only weakly — otherwise
// the root and the filesystem would keep each other alive forever. Whoever mounts the
// filesystem holds the root (the mount table does), and with it the whole tree. try_create()
// pins the root until the first root() call hands that reference over; if a root is asked
// for after every holder let go, the old tree is gone and a fresh empty root is made.
//
// Limits: data pages are charged against a page budget (ENOSPC when exhausted); statfs
// reports it. Locking: m_namespace_lock (sleeping) serializes every directory lookup and
// change in this filesystem, including two-directory renames; each inode's own lock guards
// its data and metadata and nests inside the namespace lock.
#pragma once

#include <atomic>
#include <lib/RefPtr.h>
#include <proc/Mutex.h>
#include <vfs/FileSystem.h>
#include <vfs/Inode.h>

namespace sk {

class TmpfsInode;

constexpr u64 tmpfs_magic = 0x01021994; // TMPFS_MAGIC
constexpr size_t tmpfs_page_size = 4096;

class TmpfsFileSystem : public FileSystem {
public:
    static constexpr u64 default_size_limit = 256ull * 1024 * 1024;

    // root_mode: the permission bits of the root (Linux's tmpfs default, 1777).
    static Result<RefPtr<TmpfsFileSystem>> try_create(u32 root_mode = 01777, u32 root_uid = 0, u32 root_gid = 0, u64 size_limit = default_size_limit);

    const char* name() const override { return "tmpfs"; }
    RefPtr<Inode> root() override;
    Result<FileSystemStats> stats() override;

    // For TmpfsInode.
    u64 allocate_inode_number() { return m_next_ino.fetch_add(1, std::memory_order_relaxed); }
    Result<void> charge_page();
    void uncharge_pages(u64 count) { m_used_pages.fetch_sub(count, std::memory_order_relaxed); }
    void inode_created() { m_inode_count.fetch_add(1, std::memory_order_relaxed); }
    void inode_destroyed() { m_inode_count.fetch_sub(1, std::memory_order_relaxed); }
    Mutex& namespace_lock() { return m_namespace_lock; }

protected:
    TmpfsFileSystem(u32 root_mode, u32 root_uid, u32 root_gid, u64 size_limit);
    Result<void> create_root();
    // The root without handing over the pin (for populating a fresh instance).
    RefPtr<Inode> peek_root();

private:
    u32 m_root_mode, m_root_uid, m_root_gid;
    u64 m_page_limit;
    std::atomic<u64> m_used_pages { 0 };
    std::atomic<u64> m_inode_count { 0 };
    std::atomic<u64> m_next_ino { 1 };
    Mutex m_namespace_lock;
    Mutex m_root_lock;
    RefPtr<Inode> m_root_pin; // strong until the first root() call (see above)
    WeakPtr<Inode> m_root;    // weak: the root holds this filesystem
};

} // namespace sk
