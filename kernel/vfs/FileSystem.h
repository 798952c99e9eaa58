// FileSystem: one mounted instance (an ext2 volume, a tmpfs, sockfs...). It owns its inodes'
// storage and gives the VFS its root. Each instance has a unique device number (st_dev).
#pragma once

#include <lib/RefPtr.h>
#include <lib/Result.h>
#include <lib/Types.h>

namespace sk {

class Inode;

struct FileSystemStats {
    u64 type { 0 };        // statfs f_type magic (EXT2_SUPER_MAGIC, TMPFS_MAGIC, ...)
    u64 block_size { 0 };
    u64 blocks { 0 }, blocks_free { 0 }, blocks_available { 0 };
    u64 files { 0 }, files_free { 0 };
    u64 name_max { 255 };
};

class FileSystem : public RefCounted<FileSystem> {
public:
    FileSystem();
    virtual ~FileSystem() = default;

    virtual const char* name() const = 0; // "ext2", "tmpfs", ... as /proc/mounts shows it
    virtual RefPtr<Inode> root() = 0;
    virtual Result<void> sync() { return {}; }
    // Releases memory that only caches the disk (clean blocks); nothing visible changes.
    virtual void drop_caches() { }
    virtual Result<FileSystemStats> stats() = 0;
    virtual bool is_read_only() const { return false; }

    u32 device_id() const { return m_device_id; }

private:
    u32 m_device_id;
};

} // namespace sk
