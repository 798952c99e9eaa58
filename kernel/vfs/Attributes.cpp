// Attribute operations: stat, chmod, chown, utimens, truncate, access, statfs — Linux's
// setattr_prepare rules for who may change what. Every change goes through the filesystem's
// Inode::setattr with ctime set to now.
#include <linux/fcntl.h>
#include <vfs/FileMode.h>
#include <vfs/Clock.h>
#include <vfs/Permission.h>
#include <vfs/VirtualFileSystem.h>

namespace sk {

static constexpr u32 unchanged_id = 0xffffffffu;
static constexpr i64 max_file_offset = 0x7fffffffffffffffll;

Result<RefPtr<Custody>> VirtualFileSystem::resolve_for_attributes(Custody& base, StringView path, const Credentials& credentials, u32 at_flags)
{
    return resolve(base, path, credentials, (at_flags & AT_SYMLINK_NOFOLLOW) ? 0u : u32(FollowLastSymlink));
}

FileStat VirtualFileSystem::stat(Inode& inode)
{
    auto metadata = inode.metadata();
    FileStat stat;
    stat.device = inode.fs().device_id();
    stat.ino = metadata.ino;
    stat.mode = metadata.mode;
    stat.nlink = metadata.nlink;
    stat.uid = metadata.uid;
    stat.gid = metadata.gid;
    stat.rdev = metadata.rdev;
    stat.size = metadata.size;
    stat.block_size = metadata.block_size;
    stat.blocks = metadata.blocks;
    stat.atime = metadata.atime;
    stat.mtime = metadata.mtime;
    stat.ctime = metadata.ctime;
    return stat;
}

Result<FileStat> VirtualFileSystem::stat(Custody& base, StringView path, const Credentials& credentials, u32 at_flags)
{
    auto custody = TRY(resolve_for_attributes(base, path, credentials, at_flags));
    return stat(custody->inode());
}

Result<void> VirtualFileSystem::chmod(Inode& inode, u32 mode, const Credentials& credentials)
{
    auto metadata = inode.metadata();
    if (!is_owner_or_superuser(metadata, credentials))
        return Error { EPERM };
    if (inode.fs().is_read_only())
        return Error { EROFS };
    if (mode_is_symlink(metadata.mode))
        return Error { EOPNOTSUPP }; // fchmodat(AT_SYMLINK_NOFOLLOW) on a symlink, as Linux
    mode &= 07777;
    // Only a member of the file's group (or root) may leave the set-group-ID bit set.
    if (!credentials.fs_is_superuser() && !credentials.in_group(metadata.gid))
        mode &= ~static_cast<u32>(S_ISGID);
    InodeAttributes attributes;
    attributes.mask = InodeAttributes::Mode | InodeAttributes::Ctime;
    attributes.mode = mode;
    attributes.ctime = filesystem_now();
    return inode.setattr(attributes);
}

Result<void> VirtualFileSystem::chmod(Custody& base, StringView path, u32 mode, const Credentials& credentials, u32 at_flags)
{
    auto custody = TRY(resolve_for_attributes(base, path, credentials, at_flags));
    return chmod(custody->inode(), mode, credentials);
}

Result<void> VirtualFileSystem::chown(Inode& inode, u32 uid, u32 gid, const Credentials& credentials)
{
    auto metadata = inode.metadata();
    if (!credentials.fs_is_superuser()) {
        // Linux's chown_ok/chgrp_ok: the owner may "change" the uid only to itself, and the
        // group only to one it belongs to.
        bool owner = credentials.fsuid == metadata.uid;
        if (uid != unchanged_id && !(owner && uid == metadata.uid))
            return Error { EPERM };
        if (gid != unchanged_id && !(owner && (gid == metadata.gid || credentials.in_group(gid))))
            return Error { EPERM };
    }
    if (inode.fs().is_read_only())
        return Error { EROFS };
    InodeAttributes attributes;
    attributes.mask = InodeAttributes::Ctime;
    attributes.ctime = filesystem_now();
    if (uid != unchanged_id) {
        attributes.mask |= InodeAttributes::Uid;
        attributes.uid = uid;
    }
    if (gid != unchanged_id) {
        attributes.mask |= InodeAttributes::Gid;
        attributes.gid = gid;
    }
    // A chown of a non-directory drops set-user-ID, and set-group-ID when it means
    // "executable by the group" (with S_IXGRP clear it marks mandatory locking).
    if (!mode_is_directory(metadata.mode)) {
        u32 mode = metadata.mode & 07777;
        u32 dropped = mode & ~static_cast<u32>(S_ISUID);
        if ((dropped & (S_ISGID | S_IXGRP)) == (S_ISGID | S_IXGRP))
            dropped &= ~static_cast<u32>(S_ISGID);
        if (dropped != mode) {
            attributes.mask |= InodeAttributes::Mode;
            attributes.mode = dropped;
        }
    }
    return inode.setattr(attributes);
}

Result<void> VirtualFileSystem::chown(Custody& base, StringView path, u32 uid, u32 gid, const Credentials& credentials, u32 at_flags)
{
    auto custody = TRY(resolve_for_attributes(base, path, credentials, at_flags));
    return chown(custody->inode(), uid, gid, credentials);
}

Result<void> VirtualFileSystem::utimens(Inode& inode, const Timespec* times, const Credentials& credentials)
{
    Timespec now = filesystem_now();
    Timespec requested[2] = { { 0, utime_now }, { 0, utime_now } };
    if (times) {
        requested[0] = times[0];
        requested[1] = times[1];
    }
    bool explicit_time = false;
    for (auto& time : requested) {
        if (time.nanoseconds == utime_now || time.nanoseconds == utime_omit)
            continue;
        if (time.nanoseconds < 0 || time.nanoseconds > 999999999)
            return Error { EINVAL };
        explicit_time = true;
    }
    if (requested[0].nanoseconds == utime_omit && requested[1].nanoseconds == utime_omit)
        return {};

    auto metadata = inode.metadata();
    if (inode.fs().is_read_only())
        return Error { EROFS };
    if (!is_owner_or_superuser(metadata, credentials)) {
        // Setting explicit times needs ownership; "now" also the right to write the file.
        if (explicit_time)
            return Error { EPERM };
        TRY(permission(inode, MAY_WRITE, credentials));
    }
    InodeAttributes attributes;
    attributes.mask = InodeAttributes::Ctime;
    attributes.ctime = now;
    if (requested[0].nanoseconds != utime_omit) {
        attributes.mask |= InodeAttributes::Atime;
        attributes.atime = requested[0].nanoseconds == utime_now ? now : requested[0];
    }
    if (requested[1].nanoseconds != utime_omit) {
        attributes.mask |= InodeAttributes::Mtime;
        attributes.mtime = requested[1].nanoseconds == utime_now ? now : requested[1];
    }
    return inode.setattr(attributes);
}

Result<void> VirtualFileSystem::utimens(Custody& base, StringView path, const Timespec* times, const Credentials& credentials, u32 at_flags)
{
    auto custody = TRY(resolve_for_attributes(base, path, credentials, at_flags));
    return utimens(custody->inode(), times, credentials);
}

Result<void> VirtualFileSystem::truncate(Custody& base, StringView path, i64 length, const Credentials& credentials)
{
    if (length < 0 || length > max_file_offset)
        return Error { EINVAL };
    auto custody = TRY(resolve(base, path, credentials, FollowLastSymlink));
    Inode& inode = custody->inode();
    if (inode.is_directory())
        return Error { EISDIR };
    if (!inode.is_regular())
        return Error { EINVAL };
    TRY(permission(inode, MAY_WRITE, credentials));
    InodeAttributes attributes;
    Timespec now = filesystem_now();
    attributes.mask = InodeAttributes::Size | InodeAttributes::Mtime | InodeAttributes::Ctime;
    attributes.size = static_cast<u64>(length);
    attributes.mtime = now;
    attributes.ctime = now;
    return inode.setattr(attributes);
}

Result<void> VirtualFileSystem::access(Custody& base, StringView path, int mode, const Credentials& credentials, u32 at_flags)
{
    if (mode & ~(MAY_READ | MAY_WRITE | MAY_EXEC))
        return Error { EINVAL };
    if (at_flags & ~static_cast<u32>(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
        return Error { EINVAL };
    // access(2) asks about the real ids: the whole lookup runs with them, as in Linux.
    Credentials checking = credentials;
    if (!(at_flags & AT_EACCESS)) {
        checking.fsuid = credentials.uid;
        checking.fsgid = credentials.gid;
    }
    auto custody = TRY(resolve_for_attributes(base, path, checking, at_flags));
    if (mode == 0)
        return {};
    return permission(custody->inode(), mode, checking);
}

Result<FileSystemStats> VirtualFileSystem::statfs(Custody& base, StringView path, const Credentials& credentials)
{
    auto custody = TRY(resolve(base, path, credentials, FollowLastSymlink));
    return custody->inode().fs().stats();
}

} // namespace sk
