// VirtualFileSystem: the mount table, the one path walk, and the file-system operations the
// syscall layer (and sockfs's bind/connect) call. Every operation takes the base custody of
// a relative path (the cwd or a dirfd's directory), the path, and the caller's credentials
// (+ umask where something is created); it checks permissions with permission() and then
// calls the filesystem through Inode's operations. Nothing here names a concrete filesystem.
//
// Files of this subsystem: PathWalk.cpp (resolution), MountTable.cpp (mount/umount and
// crossing), VirtualFileSystem.cpp (open), Namespace.cpp (create/remove/rename/link),
// Attributes.cpp (stat, chmod/chown/utimens, truncate, access, statfs).
//
// Custodies: a mounted filesystem's root is reached through a custody whose parent is the
// mountpoint's parent, so ".." at a mounted root goes to the mountpoint's parent; ".." at the
// global root stays there.
//
// Locking: the mount table is guarded by m_mount_lock (a sleeping Mutex, held only briefly);
// the walk itself takes no locks, the filesystems serialize their own directories.
#pragma once

#include <linux/fcntl.h> // the AT_* flags the operations take
#include <lib/KString.h>
#include <lib/RefPtr.h>
#include <lib/Result.h>
#include <lib/StringView.h>
#include <lib/Vector.h>
#include <proc/Credentials.h>
#include <proc/Mutex.h>
#include <vfs/Custody.h>
#include <vfs/FileSystem.h>
#include <vfs/Inode.h>
#include <vfs/OpenFile.h>

namespace sk {

constexpr size_t path_max = 4096; // PATH_MAX, including the terminating NUL
constexpr size_t name_max = 255;  // NAME_MAX
constexpr unsigned max_symlink_follows = 40; // MAXSYMLINKS

// utimensat's special tv_nsec values.
constexpr i64 utime_now = (1l << 30) - 1;
constexpr i64 utime_omit = (1l << 30) - 2;

// renameat2 flags (Linux values).
constexpr u32 rename_noreplace = 1;
constexpr u32 rename_exchange = 2;

// What stat reports; the syscall layer converts it to struct stat / statx.
struct FileStat {
    u64 device { 0 }; // st_dev: the filesystem's device id
    u64 ino { 0 };
    u32 mode { 0 };
    u32 nlink { 0 };
    u32 uid { 0 };
    u32 gid { 0 };
    u64 rdev { 0 };
    u64 size { 0 };
    u32 block_size { 0 };
    u64 blocks { 0 };
    Timespec atime, mtime, ctime;
};

// One entry of the mount table as for_each_mount shows it.
struct MountEntry {
    FileSystem& fs;
    Custody* mount_point; // where it is mounted; null for the root mount
    u32 flags;            // the MS_* flags mount(2) recorded
    StringView source;    // mount(2)'s source ("none" when it got none), as /proc/mounts shows it
};

// The outcome of walking a path up to its last component.
struct PathResolution {
    RefPtr<Custody> parent;  // the directory holding the last component; null for "/"
    RefPtr<Custody> custody; // the last component itself; null when it does not exist
    char name[name_max + 1] {};
    size_t name_length { 0 };
    bool trailing_slash { false };

    StringView last_name() const { return StringView(name, name_length); }
    // "." or "..": the path names a directory through an alias, not by a removable name.
    bool last_is_dot() const;
};

class VirtualFileSystem {
public:
    // Options of resolve()/walk().
    enum : u32 {
        FollowLastSymlink = 1u, // follow a symlink in the last component (stat, open, chdir)
    };

    VirtualFileSystem() = default;
    VirtualFileSystem(const VirtualFileSystem&) = delete;
    VirtualFileSystem& operator=(const VirtualFileSystem&) = delete;

    // The kernel's instance, created by initialize() at boot.
    static Result<void> initialize();
    static VirtualFileSystem& the();

    // --- mounts ---
    // Every mount keeps the source it was given (a device path, or any word for the virtual
    // filesystems); it is only shown (/proc/mounts), never interpreted here.
    Result<void> mount_root(RefPtr<FileSystem> fs, StringView source);
    RefPtr<Custody> root_custody() const { return m_root_custody; }
    // Mounts fs on the directory the custody names (the kernel at boot; no permission check).
    Result<void> mount(RefPtr<FileSystem> fs, StringView source, RefPtr<Custody> mount_point, u32 flags = 0);
    // mount(2): only the superuser (EPERM); the mount point must be a directory (ENOTDIR).
    Result<void> mount(RefPtr<FileSystem> fs, StringView source, Custody& base, StringView path,
        const Credentials& credentials, u32 flags = 0);
    // umount(2): path names a mounted root. EINVAL if it is not one, EBUSY for the root or
    // while anything is mounted below it.
    Result<void> umount(Custody& base, StringView path, const Credentials& credentials);
    // Calls fn(const MountEntry&) for each mount in mount order (for /proc/mounts, statfs
    // and sync), with the mount table locked.
    template<typename Fn>
    void for_each_mount(Fn fn)
    {
        MutexGuard guard(m_mount_lock);
        for (auto& mount : m_mounts)
            fn(MountEntry { *mount.fs, mount.mount_point.ptr(), mount.flags, mount.source.view() });
    }

    // --- path walk ---
    // Walks to the last component; see PathResolution. Errors for everything before it
    // (ENOENT, ENOTDIR, EACCES, ELOOP, ENAMETOOLONG); a missing last component is not an error.
    Result<void> walk(Custody& base, StringView path, const Credentials& credentials, u32 options, PathResolution& out);
    // Walks and requires the last component to exist.
    Result<RefPtr<Custody>> resolve(Custody& base, StringView path, const Credentials& credentials, u32 options = FollowLastSymlink);
    // chdir/chroot: resolve, then require a searchable directory (ENOTDIR, EACCES).
    Result<RefPtr<Custody>> resolve_directory(Custody& base, StringView path, const Credentials& credentials);

    // --- open ---
    // open(2)/openat(2). flags are open's flags: O_CREAT, O_EXCL, O_TRUNC, O_APPEND, O_DIRECTORY,
    // O_NOFOLLOW, O_PATH, O_NONBLOCK...; O_CLOEXEC is the fd table's business. mode (with
    // umask applied) is used only when a file is created.
    Result<RefPtr<OpenFile>> open(Custody& base, StringView path, u32 flags, u32 mode, const Credentials& credentials, u32 umask);
    // Opens an already resolved custody (exec, /proc/<pid>/fd); no creation.
    Result<RefPtr<OpenFile>> open_custody(RefPtr<Custody> custody, u32 flags, const Credentials& credentials);

    // --- names ---
    // mknod(2) and sockfs's bind: creates a regular file, fifo, socket or (root only) device
    // node with permissions mode & ~umask & 07777. The parent needs MAY_WRITE|MAY_EXEC;
    // EEXIST if the name exists (even as a dangling symlink).
    Result<RefPtr<Inode>> mknod(Custody& base, StringView path, u32 mode, u64 rdev, const Credentials& credentials, u32 umask);
    Result<RefPtr<Inode>> mkdir(Custody& base, StringView path, u32 mode, const Credentials& credentials, u32 umask);
    Result<void> symlink(StringView target, Custody& base, StringView path, const Credentials& credentials);
    // linkat(2); flags may hold AT_SYMLINK_FOLLOW.
    Result<void> link(Custody& old_base, StringView old_path, Custody& new_base, StringView new_path, const Credentials& credentials, u32 flags = 0);
    Result<void> unlink(Custody& base, StringView path, const Credentials& credentials);
    Result<void> rmdir(Custody& base, StringView path, const Credentials& credentials);
    // renameat2(2); flags may hold rename_noreplace (rename_exchange is EINVAL for now).
    Result<void> rename(Custody& old_base, StringView old_path, Custody& new_base, StringView new_path, const Credentials& credentials, u32 flags = 0);
    Result<size_t> readlink(Custody& base, StringView path, const Credentials& credentials, char* buffer, size_t size);

    // --- attributes (the path forms follow the last symlink unless AT_SYMLINK_NOFOLLOW) ---
    Result<FileStat> stat(Custody& base, StringView path, const Credentials& credentials, u32 at_flags = 0);
    static FileStat stat(Inode& inode);
    Result<void> chmod(Custody& base, StringView path, u32 mode, const Credentials& credentials, u32 at_flags = 0);
    static Result<void> chmod(Inode& inode, u32 mode, const Credentials& credentials);
    // uid or gid of 0xffffffff ((uid_t)-1) leaves it unchanged.
    Result<void> chown(Custody& base, StringView path, u32 uid, u32 gid, const Credentials& credentials, u32 at_flags = 0);
    static Result<void> chown(Inode& inode, u32 uid, u32 gid, const Credentials& credentials);
    // times null means both "now"; tv_nsec may be utime_now or utime_omit.
    Result<void> utimens(Custody& base, StringView path, const Timespec* times, const Credentials& credentials, u32 at_flags = 0);
    static Result<void> utimens(Inode& inode, const Timespec* times, const Credentials& credentials);
    // truncate(2): MAY_WRITE on the file, EISDIR for a directory, EINVAL for a bad length.
    Result<void> truncate(Custody& base, StringView path, i64 length, const Credentials& credentials);
    // faccessat2: mode is F_OK or a mask of R_OK/W_OK/X_OK; checks with the real ids unless
    // at_flags has AT_EACCESS.
    Result<void> access(Custody& base, StringView path, int mode, const Credentials& credentials, u32 at_flags = 0);
    Result<FileSystemStats> statfs(Custody& base, StringView path, const Credentials& credentials);

private:
    struct Mount {
        RefPtr<FileSystem> fs;
        RefPtr<Inode> host;             // the covered directory; null for the root mount
        RefPtr<Inode> root;             // fs's root inode
        RefPtr<Custody> mount_point;    // where it was mounted (null for the root mount)
        u32 flags { 0 };
        KString source;
    };

    RefPtr<Inode> cross_mounts(RefPtr<Inode> inode);
    bool is_mounted_root(Inode& inode);
    Result<RefPtr<Custody>> resolve_for_attributes(Custody& base, StringView path, const Credentials& credentials, u32 at_flags);
    Result<RefPtr<Custody>> walk_to_new_name(Custody& base, StringView path, const Credentials& credentials, PathResolution& out);
    Result<RefPtr<OpenFile>> open_resolved(RefPtr<Custody> custody, u32 flags, const Credentials& credentials, bool created);

    Mutex m_mount_lock;
    Vector<Mount> m_mounts;
    RefPtr<Custody> m_root_custody;
};

// Linux's sticky-directory rule: in a directory with S_ISVTX, only the owner of the entry,
// the owner of the directory or the superuser may remove or rename it (EPERM otherwise).
Result<void> check_sticky(Inode& directory, Inode& victim, const Credentials& credentials);

} // namespace sk
