// Ext2Inode: one ext2 inode. Its in-memory copy of the on-disk inode (m_raw) is the only
// metadata; every change is written through to the inode table block in the cache.
//
// Lifecycle: created by Ext2FileSystem::get_inode (one object per inode number); when the
// last reference goes, an inode whose link count is 0 is freed — blocks, EA block and the
// inode itself, dtime set — under the filesystem lock.
//
// Locking: every public operation takes the filesystem's Locker (see Ext2FileSystem.h); the
// *_locked helpers require it. iterate_directory calls the visitor with the lock held: the
// visitor must not call back into this filesystem. read_at and write_at are the exception:
// they map and pin one block at a time under the lock and copy its bytes with the lock
// dropped (a user buffer may fault and read a file through this filesystem); m_gate keeps
// truncation away from those copies (DataCopyGate.h). Order: writer lock, then Locker.
//
// Ext2Inode.cpp: metadata, block map, data, truncate, freeing. Ext2Directory.cpp: directories.
#pragma once

#include <fs/ext2/Ext2FileSystem.h>
#include <vfs/DataCopyGate.h>

namespace sk {

class Ext2Inode final : public Inode {
public:
    ~Ext2Inode() override;

    InodeMetadata metadata() override;
    Result<RefPtr<Inode>> lookup(StringView name) override;
    Result<RefPtr<Inode>> mknod(StringView name, u32 mode, u64 rdev, u32 uid, u32 gid) override;
    Result<RefPtr<Inode>> mkdir(StringView name, u32 mode, u32 uid, u32 gid) override;
    Result<RefPtr<Inode>> symlink(StringView name, StringView target, u32 uid, u32 gid) override;
    Result<void> link(StringView name, Inode& target) override;
    Result<void> unlink(StringView name) override;
    Result<void> rmdir(StringView name) override;
    Result<void> rename(StringView name, Inode& new_directory, StringView new_name) override;
    Result<void> iterate_directory(u64 offset, DirectoryVisitor& visitor) override;
    Result<size_t> readlink(char* buffer, size_t size) override;
    Result<size_t> read_at(u64 offset, const IoBuffer& buffer, size_t length) override;
    Result<size_t> write_at(u64 offset, const IoBuffer& buffer, size_t length) override;
    Result<void> setattr(const InodeAttributes& attributes) override;
    Result<void> sync() override;

private:
    friend class Ext2FileSystem;
    using Locker = Ext2FileSystem::Locker;
    Ext2Inode(Ext2FileSystem& fs, u32 ino, const ext2::RawInode& raw, u32 raw_length);

    Ext2FileSystem& ext2() const { return static_cast<Ext2FileSystem&>(fs()); }
    BlockCache& cache() const { return *ext2().m_cache; }
    u32 type() const { return m_raw.i_mode & 0170000; }
    bool is_dir() const { return type() == 0040000; }
    bool is_reg() const { return type() == 0100000; }
    bool is_fast_symlink() const;
    bool has_block_map() const; // regular files, directories and slow symlinks
    u64 size() const;
    void set_size(u64 size);
    void add_block_count(i64 blocks);
    Result<void> write_inode();
    void touch(bool modify, bool change);
    static void encode_time(u32& seconds, u32* extra, const Timespec& time);
    static Timespec decode_time(u32 seconds, const u32* extra);
    u32* extra_time(u32& field);

    // Block map (Ext2Inode.cpp). map_block returns 0 for a hole unless allocate is set.
    Result<u32> map_block(u64 logical, bool allocate);
    Result<void> free_blocks_from(u64 first_logical);
    void free_tree(u32 block, u32 level);
    Result<bool> free_partial(u32 block, u32 level, u64 start);
    Result<void> zero_tail(u64 from);
    Result<void> resize_locked(u64 new_size);
    Result<void> free_storage_locked();
    Result<void> check_data_access(bool write); // takes the lock

    // Directories (Ext2Directory.cpp).
    struct Entry {
        u64 offset;   // byte position in the directory
        u32 ino;
        u8 file_type;
    };
    template<typename Fn>
    Result<void> for_each_entry(u64 start, Fn fn);
    Result<Entry> find_entry(StringView name);
    Result<void> add_entry(StringView name, u32 ino, u8 file_type);
    Result<void> remove_entry(StringView name);
    Result<void> set_entry_inode(StringView name, u32 ino, u8 file_type);
    Result<bool> is_empty_directory();
    Result<void> set_dotdot(u32 parent_ino);
    Result<void> check_new_name(StringView name);
    Result<RefPtr<Ext2Inode>> create_child(StringView name, u32 mode, u32 uid, u32 gid, u64 rdev, StringView symlink_target);
    Result<void> rename_locked(StringView name, Ext2Inode& new_dir, StringView new_name, RefPtr<Ext2Inode>& source_out, RefPtr<Ext2Inode>& victim_out);
    u8 file_type_for(u32 mode) const;
    void modified_directory();

    ext2::RawInode m_raw {};
    u32 m_raw_length { 0 }; // bytes of m_raw that belong to this inode on disk (128..160)
    bool m_freed { false };  // storage released (the object may live on briefly)
    u32 m_alloc_hint { 0 }; // last block allocated, for locality
    Ext2Inode* m_cache_next { nullptr }; // inode cache chain (Ext2FileSystem::m_inode_cache_lock)
    DataCopyGate m_gate;                  // regular files' data copies vs. truncation
};

} // namespace sk
