// TmpfsFileSystem: the instance-wide parts of tmpfs — root handling, page budget, statfs.
#include <fs/tmpfs/TmpfsFileSystem.h>
#include <fs/tmpfs/TmpfsInode.h>
#include <vfs/FileMode.h>
#include <new>

namespace sk {

TmpfsFileSystem::TmpfsFileSystem(u32 root_mode, u32 root_uid, u32 root_gid, u64 size_limit)
    : m_root_mode(root_mode & 07777)
    , m_root_uid(root_uid)
    , m_root_gid(root_gid)
    , m_page_limit(size_limit / tmpfs_page_size)
{
}

Result<RefPtr<TmpfsFileSystem>> TmpfsFileSystem::try_create(u32 root_mode, u32 root_uid, u32 root_gid, u64 size_limit)
{
    auto* fs = new (std::nothrow) TmpfsFileSystem(root_mode, root_uid, root_gid, size_limit);
    if (!fs)
        return Error { ENOMEM };
    RefPtr<TmpfsFileSystem> result(fs);
    TRY(result->create_root());
    return result;
}

Result<void> TmpfsFileSystem::create_root()
{
    auto root = TRY(TmpfsInode::try_create(*this, S_IFDIR | m_root_mode, 0, m_root_uid, m_root_gid));
    root->make_root();
    MutexGuard guard(m_root_lock);
    m_root = WeakPtr<Inode>(RefPtr<Inode>(root));
    m_root_pin = root;
    return {};
}

RefPtr<Inode> TmpfsFileSystem::root()
{
    {
        MutexGuard guard(m_root_lock);
        if (m_root_pin)
            return std::exchange(m_root_pin, nullptr);
        if (auto root = m_root.strong_ref())
            return root;
    }
    // Every holder let go: the tree is gone; start a fresh, empty one.
    if (create_root().is_error())
        return nullptr;
    return root();
}

RefPtr<Inode> TmpfsFileSystem::peek_root()
{
    MutexGuard guard(m_root_lock);
    if (m_root_pin)
        return m_root_pin;
    return m_root.strong_ref();
}

Result<void> TmpfsFileSystem::charge_page()
{
    u64 used = m_used_pages.load(std::memory_order_relaxed);
    do {
        if (used >= m_page_limit)
            return Error { ENOSPC };
    } while (!m_used_pages.compare_exchange_weak(used, used + 1, std::memory_order_relaxed));
    return {};
}

Result<FileSystemStats> TmpfsFileSystem::stats()
{
    FileSystemStats stats;
    u64 used = m_used_pages.load(std::memory_order_relaxed);
    stats.type = tmpfs_magic;
    stats.block_size = tmpfs_page_size;
    stats.blocks = m_page_limit;
    stats.blocks_free = m_page_limit > used ? m_page_limit - used : 0;
    stats.blocks_available = stats.blocks_free;
    // Inodes are limited only by memory; report Linux's default (one per page of the limit).
    u64 inodes = m_inode_count.load(std::memory_order_relaxed);
    stats.files = max<u64>(m_page_limit, inodes);
    stats.files_free = stats.files - inodes;
    stats.name_max = 255;
    return stats;
}

} // namespace sk
