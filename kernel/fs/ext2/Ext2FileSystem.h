// Ext2FileSystem: one mounted ext2 (revision 0/1) volume over a BlockDevice.
//
// Owns the block cache, the in-memory superblock and group descriptors (both written through
// to the cache on every change, so the cache is the only dirty state and sync() is a cache
// sync), block and inode allocation, and the inode cache: at most one live Ext2Inode per inode
// number, kept as raw pointers that are upgraded with try_ref() (a weak map ino -> inode; an
// inode removes itself in its destructor).
//
// Mount:   auto fs = TRY(Ext2FileSystem::try_mount(device));            // or with options
//          KString why; auto r = Ext2FileSystem::try_mount(device, {}, &why); // why = refusal
//
// Locking: one sleeping Mutex (m_lock) serializes every operation on the volume (all inode
// operations take it through Locker); the block cache has its own lock below it. File data is
// copied to and from the caller's buffer with m_lock dropped, one pinned block at a time
// (Ext2Inode.h): m_lock is never held across a user-memory copy. An Ext2Inode
// whose last reference drops takes m_lock to free an unlinked inode, so code holding m_lock
// must not drop the last reference to an Ext2Inode: such RefPtrs live in variables declared
// before the Locker. FIXME: finer-grained (per-inode, per-group) locking.
#pragma once

#include <fs/BlockCache.h>
#include <fs/ext2/Ext2Structs.h>
#include <lib/KString.h>
#include <lib/Spinlock.h>
#include <lib/Vector.h>
#include <proc/Mutex.h>
#include <vfs/FileSystem.h>
#include <vfs/Inode.h>

// Debug output for ext2 (compile with -DEXT2_DEBUG=1); silent by default.
#ifndef EXT2_DEBUG
#    define EXT2_DEBUG 0
#endif

namespace sk {

class Ext2Inode;

class Ext2FileSystem final : public FileSystem {
public:
    struct MountOptions {
        bool read_only { false };
        size_t cache_blocks { 512 };
    };

    // Refusals (bad magic, unsupported INCOMPAT feature, inconsistent geometry...) return EINVAL
    // or EIO, and, when reason is given, a one-line explanation naming the problem. An
    // unsupported RO_COMPAT feature mounts read-only (reason says so; writes give EROFS).
    static Result<RefPtr<Ext2FileSystem>> try_mount(RefPtr<BlockDevice> device, const MountOptions& options, KString* reason = nullptr);
    static Result<RefPtr<Ext2FileSystem>> try_mount(RefPtr<BlockDevice> device) { return try_mount(std::move(device), MountOptions()); }
    ~Ext2FileSystem() override;

    const char* name() const override { return "ext2"; }
    RefPtr<Inode> root() override; // null only if the root inode became unreadable
    Result<void> sync() override;
    void drop_caches() override { m_cache->drop_clean(); }
    Result<FileSystemStats> stats() override;
    bool is_read_only() const override { return m_read_only; }

    Result<RefPtr<Ext2Inode>> get_inode(u32 ino);
    BlockCacheStats cache_stats() { return m_cache->stats(); }

    u32 block_size() const { return m_block_size; }
    u64 max_file_size() const { return m_max_file_size; }

private:
    friend class Ext2Inode;
    class Locker {
    public:
        explicit Locker(Ext2FileSystem& fs) : m_fs(fs) { m_fs.m_lock.lock(); }
        ~Locker() { m_fs.m_lock.unlock(); }
        Locker(const Locker&) = delete;
        Locker& operator=(const Locker&) = delete;

    private:
        Ext2FileSystem& m_fs;
    };

    Ext2FileSystem(RefPtr<BlockDevice> device, RefPtr<BlockCache> cache, const ext2::Superblock& super, bool read_only);
    Result<void> load_groups(KString* reason);

    // Everything below requires m_lock.
    Result<RefPtr<Ext2Inode>> get_inode_locked(u32 ino);
    Result<void> read_raw_inode(u32 ino, ext2::RawInode& raw, u32& valid_length);
    Result<void> write_raw_inode(u32 ino, const ext2::RawInode& raw, u32 length, bool fresh);
    Result<void> write_superblock();
    Result<void> write_group(u32 group);
    Result<u32> allocate_block(u32 goal);
    void free_block(u32 block); // corrupt (out of range, already free) blocks are skipped
    bool block_is_allocated(u32 block);
    Result<u32> allocate_inode(u32 parent_ino, bool directory);
    void free_inode(u32 ino, bool directory);
    Result<void> set_large_file_feature();
    bool is_valid_data_block(u32 block) const;
    u32 group_of_ino(u32 ino) const { return (ino - 1) / m_super.s_inodes_per_group; }
    u32 group_first_block(u32 group) const { return m_super.s_first_data_block + group * m_super.s_blocks_per_group; }
    u32 blocks_in_group(u32 group) const;
    bool is_group_metadata(u32 group, u32 block) const;
    bool group_has_superblock(u32 group) const;
    u32 count_overhead_blocks() const;
    bool has_filetype() const { return m_super.s_feature_incompat & ext2::incompat_filetype; }
    Timespec now() const; // the VFS clock (filesystem_now)

    // Inode cache (guarded by m_inode_cache_lock, not m_lock: destructors remove themselves).
    static constexpr size_t inode_buckets = 256;
    Ext2Inode* cache_find_and_ref(u32 ino, RefPtr<Ext2Inode>& out);
    void cache_insert(Ext2Inode& inode);
    void cache_remove(Ext2Inode& inode);

    RefPtr<BlockDevice> m_device;
    RefPtr<BlockCache> m_cache;
    Mutex m_lock;
    ext2::Superblock m_super;
    Vector<ext2::GroupDescriptor> m_groups;
    u32 m_group_count { 0 };
    u32 m_block_size { 0 };
    u32 m_inode_size { 0 };
    u32 m_first_ino { 0 };
    u32 m_inode_table_blocks { 0 }; // per group
    u32 m_gdt_blocks { 0 };
    u32 m_overhead_blocks { 0 }; // metadata statfs leaves out of f_blocks (constant once mounted)
    u32 m_ptrs_per_block { 0 };
    u64 m_max_file_size { 0 };
    bool m_read_only { false };
    u32 m_generation { 0 };

    Spinlock m_inode_cache_lock;
    Ext2Inode* m_inode_cache[inode_buckets] {};
};

} // namespace sk
