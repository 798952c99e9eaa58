// Inode: one file-system object (file, directory, symlink, device node, fifo, socket).
//
// The metadata fields are the VFS's view; each filesystem subclasses Inode and implements the
// InodeOperations below (Linux's inode_operations) plus data access for regular files. An
// operation a kind of inode does not support keeps the default, which returns Linux's errno
// (ENOTDIR for directory operations on a non-directory, EINVAL, EPERM...).
//
// Lifecycle: a filesystem hands out at most one live Inode object per inode number (ext2 keeps
// a cache of weak references), so metadata is never duplicated. The VFS holds them through
// RefPtr; the last reference drops the object; an unlinked inode's storage is freed by its
// filesystem when the last reference goes.
//
// Locking: the filesystem serializes operations on its inodes itself. The VFS takes one inode
// lock, write_lock(), around every write and truncate through an open file (Linux's i_rwsem
// for writers): an O_APPEND write finds the end and writes there in one step, and writes
// through different open files never interleave. Directory operations that touch two
// directories (rename) are serialized by the filesystem.
#pragma once

#include <lib/RefPtr.h>
#include <lib/Result.h>
#include <lib/StringView.h>
#include <lib/Types.h>
#include <proc/Mutex.h>
#include <vfs/FileSystem.h>

namespace sk {

class IoBuffer;
class FileOperations;

struct Timespec {
    i64 seconds { 0 };
    i64 nanoseconds { 0 };
};

// What setattr may change; a field is applied only when its flag is set.
struct InodeAttributes {
    enum : u32 { Mode = 1, Uid = 2, Gid = 4, Size = 8, Atime = 16, Mtime = 32, Ctime = 64 };
    u32 mask { 0 };
    u32 mode { 0 }; // permission bits only (07777)
    u32 uid { 0 };
    u32 gid { 0 };
    u64 size { 0 };
    Timespec atime, mtime, ctime;
};

struct InodeMetadata {
    u64 ino { 0 };
    u32 mode { 0 }; // S_IFMT type | permission bits
    u32 uid { 0 };
    u32 gid { 0 };
    u32 nlink { 0 };
    u64 size { 0 };
    u64 blocks { 0 }; // 512-byte units, as st_blocks
    u32 block_size { 4096 };
    u64 rdev { 0 };   // device number for S_IFCHR/S_IFBLK (Linux encoding)
    Timespec atime, mtime, ctime;
};

// File-type helpers on S_IFMT mode bits. directory_entry_type gives linux_dirent64's d_type
// (DT_REG, DT_DIR, ... are exactly the S_IFMT value shifted right by 12).
constexpr u32 mode_type(u32 mode) { return mode & 0170000; }
constexpr bool mode_is_directory(u32 mode) { return mode_type(mode) == 0040000; }
constexpr bool mode_is_regular(u32 mode) { return mode_type(mode) == 0100000; }
constexpr bool mode_is_symlink(u32 mode) { return mode_type(mode) == 0120000; }
constexpr u8 directory_entry_type(u32 mode) { return static_cast<u8>(mode_type(mode) >> 12); }

// setattr for in-memory metadata (pseudo-filesystem inodes): applies the masked fields,
// keeping the file type. Size changes are the caller's to refuse or implement.
inline void apply_attributes(InodeMetadata& metadata, const InodeAttributes& attributes)
{
    if (attributes.mask & InodeAttributes::Mode)
        metadata.mode = (metadata.mode & 0170000) | (attributes.mode & 07777);
    if (attributes.mask & InodeAttributes::Uid)
        metadata.uid = attributes.uid;
    if (attributes.mask & InodeAttributes::Gid)
        metadata.gid = attributes.gid;
    if (attributes.mask & InodeAttributes::Atime)
        metadata.atime = attributes.atime;
    if (attributes.mask & InodeAttributes::Mtime)
        metadata.mtime = attributes.mtime;
    if (attributes.mask & InodeAttributes::Ctime)
        metadata.ctime = attributes.ctime;
}

// getdents callback: return false to stop (the caller's buffer is full).
struct DirectoryEntryView {
    StringView name;
    u64 ino;
    u8 type;       // DT_* value
    u64 next_offset; // offset to resume after this entry
};

class Inode : public RefCounted<Inode> {
public:
    virtual ~Inode() = default;

    FileSystem& fs() const { return *m_fs; }
    u64 ino() const { return m_ino; }

    // A consistent snapshot of the metadata.
    virtual InodeMetadata metadata() = 0;
    u32 mode() { return metadata().mode; }
    bool is_directory() { return mode_is_directory(mode()); }
    bool is_regular() { return mode_is_regular(mode()); }
    bool is_symlink() { return mode_is_symlink(mode()); }

    // --- InodeOperations on directories ---
    virtual Result<RefPtr<Inode>> lookup(StringView name);
    // Creates a regular file, fifo, socket or device node (the S_IFMT bits of mode say which).
    // EEXIST if the name exists.
    virtual Result<RefPtr<Inode>> mknod(StringView name, u32 mode, u64 rdev, u32 uid, u32 gid);
    virtual Result<RefPtr<Inode>> mkdir(StringView name, u32 mode, u32 uid, u32 gid);
    virtual Result<RefPtr<Inode>> symlink(StringView name, StringView target, u32 uid, u32 gid);
    virtual Result<void> link(StringView name, Inode& target);
    virtual Result<void> unlink(StringView name);
    virtual Result<void> rmdir(StringView name);
    // Moves name to new_directory/new_name, replacing a compatible target (Linux's rules:
    // EISDIR, ENOTDIR, ENOTEMPTY). Both directories belong to this filesystem (the VFS checks).
    virtual Result<void> rename(StringView name, Inode& new_directory, StringView new_name);
    // Calls emit for each entry from offset on; returns when emit returns false or at the end.
    template<typename Emit>
    Result<void> iterate(u64 offset, Emit emit)
    {
        struct Adapter final : DirectoryVisitor {
            Emit& fn;
            explicit Adapter(Emit& f) : fn(f) { }
            bool visit(const DirectoryEntryView& entry) override { return fn(entry); }
        } adapter(emit);
        return iterate_directory(offset, adapter);
    }
    struct DirectoryVisitor {
        virtual bool visit(const DirectoryEntryView& entry) = 0;
    };
    virtual Result<void> iterate_directory(u64 offset, DirectoryVisitor& visitor);

    // --- symlinks ---
    virtual Result<size_t> readlink(char* buffer, size_t size);

    // --- data (regular files) ---
    // The buffer may be user memory, and a copy into or out of it may fault and read a mapped
    // file through read_at — of this filesystem, of this very inode. So no lock that read_at
    // takes may be held across the copy (DataCopyGate helps a filesystem drop it safely).
    virtual Result<size_t> read_at(u64 offset, const IoBuffer& buffer, size_t length);
    virtual Result<size_t> write_at(u64 offset, const IoBuffer& buffer, size_t length);
    virtual Result<void> setattr(const InodeAttributes& attributes) = 0;
    virtual Result<void> sync() { return {}; }

    Mutex& write_lock() { return m_write_lock; }

    // Mount bookkeeping, maintained by the mount table only.
    bool is_mount_point() const { return m_mount_point; }
    void set_mount_point(bool value) { m_mount_point = value; }

protected:
    Inode(FileSystem& fs, u64 ino) : m_fs(fs), m_ino(ino) { }

    RefPtr<FileSystem> m_fs;
    u64 m_ino;
    bool m_mount_point { false };
    Mutex m_write_lock;
};

} // namespace sk
