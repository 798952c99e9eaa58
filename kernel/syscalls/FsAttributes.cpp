// Attributes and whole-file operations: stat/statx, access, chmod/chown, utimensat,
// truncate, fsync/sync, statfs and umask. The path forms resolve against dirfd; the
// AT_EMPTY_PATH forms act on dirfd's own file (any kind: pipes and sockets have inodes).
#include <asm-generic/statfs.h>
#include <lib/UserCopy.h>
#include <linux/fcntl.h>
#include <linux/stat.h>
#include <string.h>
#include <syscalls/FsCommon.h>
#include <syscalls/Syscall.h>
#include <vfs/Permission.h>

namespace sk {

// Resolves (dirfd, path, flags) to the inode a stat-like call acts on. Empty paths need
// AT_EMPTY_PATH (ENOENT otherwise, from the copy-in).
static Result<RefPtr<Inode>> resolve_at(int dirfd, uptr user_path, u32 at_flags, bool path_may_be_null = false)
{
    if (path_may_be_null && !user_path && (at_flags & AT_EMPTY_PATH))
        return inode_of_dirfd(dirfd);
    auto path = TRY(UserPath::copy_in(user_path, at_flags & AT_EMPTY_PATH));
    if (path.is_empty())
        return inode_of_dirfd(dirfd);
    Process& process = Process::current();
    auto base = TRY(base_custody(dirfd, path.view()));
    u32 options = (at_flags & AT_SYMLINK_NOFOLLOW) ? 0u : u32(VirtualFileSystem::FollowLastSymlink);
    auto custody = TRY(VirtualFileSystem::the().resolve(*base, path.view(), process.credentials(), options));
    return custody->inode_ref();
}

static Result<long> sys_newfstatat(const SyscallArguments& a)
{
    u32 flags = static_cast<u32>(a.a3);
    if (flags & ~static_cast<u32>(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT))
        return Error { EINVAL };
    auto inode = TRY(resolve_at(static_cast<int>(a.a0), a.a1, flags));
    TRY(copy_stat_to_user(a.a2, VirtualFileSystem::stat(*inode)));
    return 0;
}
REGISTER_SYSCALL(__NR_newfstatat, sys_newfstatat);

static Result<long> sys_fstat(const SyscallArguments& a)
{
    auto file = TRY(open_file(static_cast<int>(a.a0)));
    if (!file->inode())
        return Error { EBADF }; // FIXME: only kernel-internal files lack an inode
    TRY(copy_stat_to_user(a.a1, VirtualFileSystem::stat(*file->inode())));
    return 0;
}
REGISTER_SYSCALL(__NR_fstat, sys_fstat);

static Result<long> sys_statx(const SyscallArguments& a)
{
    u32 flags = static_cast<u32>(a.a2);
    u32 mask = static_cast<u32>(a.a3);
    if (flags & ~static_cast<u32>(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT | AT_STATX_SYNC_TYPE))
        return Error { EINVAL };
    if ((flags & AT_STATX_SYNC_TYPE) == AT_STATX_SYNC_TYPE)
        return Error { EINVAL };
    if (mask & STATX__RESERVED)
        return Error { EINVAL };
    auto inode = TRY(resolve_at(static_cast<int>(a.a0), a.a1, flags, true));
    TRY(copy_statx_to_user(a.a4, VirtualFileSystem::stat(*inode), mask));
    return 0;
}
REGISTER_SYSCALL(__NR_statx, sys_statx);

static Result<long> do_faccessat(int dirfd, uptr user_path, int mode, u32 flags)
{
    if (mode & ~(R_OK | W_OK | X_OK))
        return Error { EINVAL };
    if (flags & ~static_cast<u32>(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
        return Error { EINVAL };
    Process& process = Process::current();
    auto path = TRY(UserPath::copy_in(user_path, flags & AT_EMPTY_PATH));
    if (path.is_empty()) {
        // access(2) asks about the real ids unless AT_EACCESS.
        Credentials checking = process.credentials();
        if (!(flags & AT_EACCESS)) {
            checking.fsuid = checking.uid;
            checking.fsgid = checking.gid;
        }
        auto inode = TRY(inode_of_dirfd(dirfd));
        if (mode)
            TRY(permission(*inode, mode, checking));
        return 0;
    }
    auto base = TRY(base_custody(dirfd, path.view()));
    TRY(VirtualFileSystem::the().access(*base, path.view(), mode, process.credentials(), flags));
    return 0;
}

static Result<long> sys_faccessat(const SyscallArguments& a)
{
    return do_faccessat(static_cast<int>(a.a0), a.a1, static_cast<int>(a.a2), 0);
}
REGISTER_SYSCALL(__NR_faccessat, sys_faccessat);

static Result<long> sys_faccessat2(const SyscallArguments& a)
{
    return do_faccessat(static_cast<int>(a.a0), a.a1, static_cast<int>(a.a2), static_cast<u32>(a.a3));
}
REGISTER_SYSCALL(__NR_faccessat2, sys_faccessat2);

static Result<long> sys_fchmod(const SyscallArguments& a)
{
    auto file = TRY(open_file_for_io(static_cast<int>(a.a0)));
    if (!file->inode())
        return Error { EBADF };
    TRY(VirtualFileSystem::chmod(*file->inode(), static_cast<u32>(a.a1), Process::current().credentials()));
    return 0;
}
REGISTER_SYSCALL(__NR_fchmod, sys_fchmod);

static Result<long> do_fchmodat(int dirfd, uptr user_path, u32 mode, u32 flags)
{
    if (flags & ~static_cast<u32>(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
        return Error { EINVAL };
    auto inode = TRY(resolve_at(dirfd, user_path, flags));
    TRY(VirtualFileSystem::chmod(*inode, mode, Process::current().credentials()));
    return 0;
}

static Result<long> sys_fchmodat(const SyscallArguments& a)
{
    return do_fchmodat(static_cast<int>(a.a0), a.a1, static_cast<u32>(a.a2), 0);
}
REGISTER_SYSCALL(__NR_fchmodat, sys_fchmodat);

#ifndef __NR_fchmodat2
#define __NR_fchmodat2 452
#endif
static Result<long> sys_fchmodat2(const SyscallArguments& a)
{
    return do_fchmodat(static_cast<int>(a.a0), a.a1, static_cast<u32>(a.a2), static_cast<u32>(a.a3));
}
REGISTER_SYSCALL(__NR_fchmodat2, sys_fchmodat2);

static Result<long> sys_fchown(const SyscallArguments& a)
{
    auto file = TRY(open_file_for_io(static_cast<int>(a.a0)));
    if (!file->inode())
        return Error { EBADF };
    TRY(VirtualFileSystem::chown(
        *file->inode(), static_cast<u32>(a.a1), static_cast<u32>(a.a2), Process::current().credentials()));
    return 0;
}
REGISTER_SYSCALL(__NR_fchown, sys_fchown);

static Result<long> sys_fchownat(const SyscallArguments& a)
{
    u32 flags = static_cast<u32>(a.a4);
    if (flags & ~static_cast<u32>(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
        return Error { EINVAL };
    auto inode = TRY(resolve_at(static_cast<int>(a.a0), a.a1, flags));
    TRY(VirtualFileSystem::chown(
        *inode, static_cast<u32>(a.a2), static_cast<u32>(a.a3), Process::current().credentials()));
    return 0;
}
REGISTER_SYSCALL(__NR_fchownat, sys_fchownat);

static Result<long> sys_utimensat(const SyscallArguments& a)
{
    int dirfd = static_cast<int>(a.a0);
    uptr user_path = a.a1;
    uptr user_times = a.a2;
    u32 flags = static_cast<u32>(a.a3);
    // Linux's order: copy the times (EFAULT), "omit both" succeeds without looking at the
    // path, then the flags, the path, and (in the VFS) the nanoseconds.
    Timespec times[2];
    struct {
        i64 seconds;
        i64 nanoseconds;
    } user_value[2];
    if (user_times) {
        TRY(copy_from_user(user_value, user_times, sizeof user_value));
        if (user_value[0].nanoseconds == utime_omit && user_value[1].nanoseconds == utime_omit)
            return 0;
        for (int i = 0; i < 2; ++i) {
            times[i].seconds = user_value[i].seconds;
            times[i].nanoseconds = user_value[i].nanoseconds;
        }
    }
    if (flags & ~static_cast<u32>(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
        return Error { EINVAL };
    RefPtr<Inode> inode;
    if (!user_path) {
        // Linux's special case (futimens): a null path acts on dirfd itself.
        if (dirfd == at_fdcwd || (flags & AT_SYMLINK_NOFOLLOW))
            return Error { dirfd == at_fdcwd ? EFAULT : EINVAL };
        auto file = TRY(open_file_for_io(dirfd));
        if (!file->inode())
            return Error { EBADF };
        inode = RefPtr<Inode>(file->inode());
    } else {
        inode = TRY(resolve_at(dirfd, user_path, flags));
    }
    TRY(VirtualFileSystem::utimens(*inode, user_times ? times : nullptr, Process::current().credentials()));
    return 0;
}
REGISTER_SYSCALL(__NR_utimensat, sys_utimensat);

static Result<long> sys_truncate(const SyscallArguments& a)
{
    auto path = TRY(UserPath::copy_in(a.a0));
    i64 length = static_cast<i64>(a.a1);
    if (length < 0)
        return Error { EINVAL };
    Process& process = Process::current();
    auto base = TRY(base_custody(at_fdcwd, path.view()));
    TRY(VirtualFileSystem::the().truncate(*base, path.view(), length, process.credentials()));
    return 0;
}
REGISTER_SYSCALL(__NR_truncate, sys_truncate);

static Result<long> sys_ftruncate(const SyscallArguments& a)
{
    i64 length = static_cast<i64>(a.a1);
    if (length < 0)
        return Error { EINVAL };
    auto file = TRY(open_file_for_io(static_cast<int>(a.a0)));
    // Linux: only a regular file open for writing (EINVAL otherwise, directories included).
    if (!file->inode() || !file->inode()->is_regular() || !file->can_write())
        return Error { EINVAL };
    TRY(file->ops().truncate(*file, static_cast<u64>(length)));
    return 0;
}
REGISTER_SYSCALL(__NR_ftruncate, sys_ftruncate);

static Result<long> sys_fsync(const SyscallArguments& a)
{
    auto file = TRY(open_file_for_io(static_cast<int>(a.a0)));
    TRY(file->ops().fsync(*file));
    return 0;
}
REGISTER_SYSCALL(__NR_fsync, sys_fsync);

static Result<long> sys_fdatasync(const SyscallArguments& a) { return sys_fsync(a); }
REGISTER_SYSCALL(__NR_fdatasync, sys_fdatasync);

static Result<long> sys_sync(const SyscallArguments&)
{
    // sync(2) cannot fail; a filesystem's write error is its own to report (fsync).
    VirtualFileSystem::the().for_each_mount([](const MountEntry& mount) { (void)mount.fs.sync(); });
    return 0;
}
REGISTER_SYSCALL(__NR_sync, sys_sync);

static Result<long> sys_syncfs(const SyscallArguments& a)
{
    auto file = TRY(open_file_for_io(static_cast<int>(a.a0)));
    if (!file->inode())
        return Error { EBADF };
    TRY(file->inode()->fs().sync());
    return 0;
}
REGISTER_SYSCALL(__NR_syncfs, sys_syncfs);

// struct statfs's f_flags (ST_* values of statvfs).
static constexpr u64 st_rdonly = 1, st_valid = 0x20;
static constexpr u32 mount_flags_reported
    = 1 | 2 | 4 | 8 | 16 | 1024 | 2048; // MS_RDONLY..MS_SYNCHRONOUS, NOATIME, NODIRATIME

static Result<void> copy_statfs_to_user(uptr user, FileSystem& fs)
{
    auto stats = TRY(fs.stats());
    u32 mount_flags = 0;
    VirtualFileSystem::the().for_each_mount([&](const MountEntry& mount) {
        if (&mount.fs == &fs)
            mount_flags = mount.flags;
    });
    struct statfs out;
    memset(&out, 0, sizeof out);
    out.f_type = static_cast<long>(stats.type);
    out.f_bsize = static_cast<long>(stats.block_size);
    out.f_blocks = static_cast<long>(stats.blocks);
    out.f_bfree = static_cast<long>(stats.blocks_free);
    out.f_bavail = static_cast<long>(stats.blocks_available);
    out.f_files = static_cast<long>(stats.files);
    out.f_ffree = static_cast<long>(stats.files_free);
    out.f_fsid.val[0] = static_cast<int>(fs.device_id());
    out.f_namelen = static_cast<long>(stats.name_max);
    out.f_frsize = static_cast<long>(stats.block_size);
    out.f_flags
        = static_cast<long>(st_valid | (mount_flags & mount_flags_reported) | (fs.is_read_only() ? st_rdonly : 0));
    return copy_to_user(user, &out, sizeof out);
}

static Result<long> sys_statfs(const SyscallArguments& a)
{
    auto path = TRY(UserPath::copy_in(a.a0));
    Process& process = Process::current();
    auto base = TRY(base_custody(at_fdcwd, path.view()));
    auto custody = TRY(VirtualFileSystem::the().resolve(*base, path.view(), process.credentials()));
    TRY(copy_statfs_to_user(a.a1, custody->inode().fs()));
    return 0;
}
REGISTER_SYSCALL(__NR_statfs, sys_statfs);

static Result<long> sys_fstatfs(const SyscallArguments& a)
{
    auto file = TRY(open_file(static_cast<int>(a.a0)));
    if (!file->inode())
        return Error { EBADF };
    TRY(copy_statfs_to_user(a.a1, file->inode()->fs()));
    return 0;
}
REGISTER_SYSCALL(__NR_fstatfs, sys_fstatfs);

static Result<long> sys_umask(const SyscallArguments& a)
{
    return Process::current().exchange_umask(static_cast<u32>(a.a0) & 0777);
}
REGISTER_SYSCALL(__NR_umask, sys_umask);

} // namespace sk
