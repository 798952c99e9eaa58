// Pseudo-filesystems: the never-mounted filesystems that give pipes (pipefs), sockets
// (sockfs) and anonymous files (anon_inodefs) their inodes, as Linux's do.
//
// PseudoFileSystem has no root and reports its statfs magic with 4096-byte blocks.
// PseudoInode keeps its metadata only in memory: one link, 4096-byte blocks and all three
// times at creation; fchmod/fchown/utimensat change it (apply_attributes), a size change is
// EINVAL. Subclasses add what their files need.
//
// Locking: a PseudoInode's m_lock guards m_metadata; metadata() hands out a consistent copy.
#pragma once

#include <lib/Spinlock.h>
#include <vfs/Clock.h>
#include <vfs/FileSystem.h>
#include <vfs/Inode.h>

namespace sk {

class PseudoFileSystem : public FileSystem {
public:
    const char* name() const override { return m_name; }
    RefPtr<Inode> root() override { return nullptr; } // never mounted
    Result<FileSystemStats> stats() override
    {
        FileSystemStats stats;
        stats.type = m_magic;
        stats.block_size = 4096;
        return stats;
    }

protected:
    PseudoFileSystem(const char* name, u64 magic)
        : m_name(name)
        , m_magic(magic)
    {
    }

private:
    const char* m_name;
    u64 m_magic;
};

class PseudoInode : public Inode {
public:
    InodeMetadata metadata() override
    {
        SpinlockGuard guard(m_lock);
        return m_metadata;
    }

    Result<void> setattr(const InodeAttributes& attributes) override
    {
        if (attributes.mask & InodeAttributes::Size)
            return Error { EINVAL };
        SpinlockGuard guard(m_lock);
        apply_attributes(m_metadata, attributes);
        return {};
    }

protected:
    PseudoInode(FileSystem& fs, u64 ino, u32 mode, u32 uid, u32 gid)
        : Inode(fs, ino)
    {
        m_metadata.ino = ino;
        m_metadata.mode = mode;
        m_metadata.uid = uid;
        m_metadata.gid = gid;
        m_metadata.nlink = 1;
        m_metadata.block_size = 4096;
        m_metadata.atime = m_metadata.mtime = m_metadata.ctime = filesystem_now();
    }

    Spinlock m_lock; // guards m_metadata
    InodeMetadata m_metadata;
};

} // namespace sk
