// Namespace operations: creating, removing, renaming and linking names. Each walks to the
// parent directory without following the last symlink, applies Linux's checks in Linux's
// order (permission on the parent, the sticky rule, then the type rules), and then asks the
// parent's filesystem. New nodes are owned by the caller's fsuid and get the fsgid, or the
// parent's group when the parent is set-group-ID (directories then inherit S_ISGID too).
#include <linux/fcntl.h>
#include <vfs/FileMode.h>
#include <vfs/Permission.h>
#include <vfs/VirtualFileSystem.h>

namespace sk {

Result<void> check_sticky(Inode& directory, Inode& victim, const Credentials& credentials)
{
    auto directory_metadata = directory.metadata();
    if (!(directory_metadata.mode & S_ISVTX))
        return {};
    if (credentials.fs_is_superuser() || credentials.fsuid == directory_metadata.uid)
        return {};
    if (credentials.fsuid == victim.metadata().uid)
        return {};
    return Error { EPERM };
}

// The owner group of a new node and the adjusted mode, per Linux's inode_init_owner.
static u32 group_for_new_node(Inode& directory, u32& mode, const Credentials& credentials)
{
    auto directory_metadata = directory.metadata();
    if (!(directory_metadata.mode & S_ISGID))
        return credentials.fsgid;
    if (mode_is_directory(mode))
        mode |= S_ISGID;
    else if ((mode & (S_ISGID | S_IXGRP)) == (S_ISGID | S_IXGRP) && !credentials.in_group(directory_metadata.gid)
        && !credentials.fs_is_superuser())
        mode &= ~S_ISGID;
    return directory_metadata.gid;
}

// Walks to a name that must not exist yet (EEXIST otherwise, also for "/", "." and ".." and
// dangling symlinks) and checks MAY_WRITE|MAY_EXEC on its directory.
Result<RefPtr<Custody>> VirtualFileSystem::walk_to_new_name(Custody& base, StringView path, const Credentials& credentials, PathResolution& out)
{
    TRY(walk(base, path, credentials, 0, out));
    if (out.custody || !out.parent)
        return Error { EEXIST };
    TRY(permission(out.parent->inode(), MAY_WRITE | MAY_EXEC, credentials));
    return out.parent;
}

Result<RefPtr<Inode>> VirtualFileSystem::mknod(Custody& base, StringView path, u32 mode, u64 rdev, const Credentials& credentials, u32 umask)
{
    u32 type = mode_type(mode);
    if (type == 0)
        type = S_IFREG;
    switch (type) {
    case S_IFREG:
    case S_IFIFO:
    case S_IFSOCK:
        break;
    case S_IFCHR:
    case S_IFBLK:
        if (!credentials.is_superuser())
            return Error { EPERM }; // CAP_MKNOD
        break;
    case S_IFDIR:
        return Error { EPERM };
    default:
        return Error { EINVAL };
    }
    PathResolution resolution;
    auto parent = TRY(walk_to_new_name(base, path, credentials, resolution));
    if (resolution.trailing_slash)
        return Error { ENOENT };
    u32 node_mode = type | (mode & 07777 & ~umask);
    u32 gid = group_for_new_node(parent->inode(), node_mode, credentials);
    return parent->inode().mknod(resolution.last_name(), node_mode, type == S_IFCHR || type == S_IFBLK ? rdev : 0,
        credentials.fsuid, gid);
}

Result<RefPtr<Inode>> VirtualFileSystem::mkdir(Custody& base, StringView path, u32 mode, const Credentials& credentials, u32 umask)
{
    PathResolution resolution;
    auto parent = TRY(walk_to_new_name(base, path, credentials, resolution));
    u32 directory_mode = S_IFDIR | (mode & (S_IRWXU | S_IRWXG | S_IRWXO | S_ISVTX) & ~umask);
    u32 gid = group_for_new_node(parent->inode(), directory_mode, credentials);
    return parent->inode().mkdir(resolution.last_name(), directory_mode, credentials.fsuid, gid);
}

Result<void> VirtualFileSystem::symlink(StringView target, Custody& base, StringView path, const Credentials& credentials)
{
    if (target.is_empty())
        return Error { ENOENT };
    if (target.length() >= path_max)
        return Error { ENAMETOOLONG };
    PathResolution resolution;
    auto parent = TRY(walk_to_new_name(base, path, credentials, resolution));
    if (resolution.trailing_slash)
        return Error { ENOENT };
    u32 mode = S_IFLNK | 0777;
    u32 gid = group_for_new_node(parent->inode(), mode, credentials);
    TRY(parent->inode().symlink(resolution.last_name(), target, credentials.fsuid, gid));
    return {};
}

Result<void> VirtualFileSystem::link(Custody& old_base, StringView old_path, Custody& new_base, StringView new_path, const Credentials& credentials, u32 flags)
{
    if (flags & ~static_cast<u32>(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
        return Error { EINVAL };
    auto old_custody = TRY(resolve(old_base, old_path, credentials, (flags & AT_SYMLINK_FOLLOW) ? u32(FollowLastSymlink) : 0u));
    PathResolution resolution;
    TRY(walk(new_base, new_path, credentials, 0, resolution));
    if (resolution.custody || !resolution.parent)
        return Error { EEXIST };
    if (resolution.trailing_slash)
        return Error { ENOENT };
    Inode& directory = resolution.parent->inode();
    Inode& target = old_custody->inode();
    if (&directory.fs() != &target.fs())
        return Error { EXDEV };
    TRY(permission(directory, MAY_WRITE | MAY_EXEC, credentials));
    if (target.is_directory())
        return Error { EPERM };
    return directory.link(resolution.last_name(), target);
}

Result<void> VirtualFileSystem::unlink(Custody& base, StringView path, const Credentials& credentials)
{
    PathResolution resolution;
    TRY(walk(base, path, credentials, 0, resolution));
    if (!resolution.parent || resolution.last_is_dot())
        return Error { EISDIR };
    if (!resolution.custody)
        return Error { ENOENT };
    Inode& directory = resolution.parent->inode();
    Inode& victim = resolution.custody->inode();
    TRY(permission(directory, MAY_WRITE | MAY_EXEC, credentials));
    TRY(check_sticky(directory, victim, credentials));
    if (victim.is_directory())
        return Error { EISDIR };
    return directory.unlink(resolution.last_name());
}

Result<void> VirtualFileSystem::rmdir(Custody& base, StringView path, const Credentials& credentials)
{
    PathResolution resolution;
    TRY(walk(base, path, credentials, 0, resolution));
    if (!resolution.parent)
        return Error { EBUSY }; // "/"
    if (resolution.last_name() == StringView(".", 1))
        return Error { EINVAL };
    if (resolution.last_name() == StringView("..", 2))
        return Error { ENOTEMPTY };
    if (!resolution.custody)
        return Error { ENOENT };
    Inode& directory = resolution.parent->inode();
    Inode& victim = resolution.custody->inode();
    TRY(permission(directory, MAY_WRITE | MAY_EXEC, credentials));
    TRY(check_sticky(directory, victim, credentials));
    if (!victim.is_directory())
        return Error { ENOTDIR };
    if (victim.is_mount_point() || is_mounted_root(victim))
        return Error { EBUSY };
    return directory.rmdir(resolution.last_name());
}

Result<void> VirtualFileSystem::rename(Custody& old_base, StringView old_path, Custody& new_base, StringView new_path, const Credentials& credentials, u32 flags)
{
    if (flags & ~(rename_noreplace | rename_exchange))
        return Error { EINVAL };
    if (flags & rename_exchange)
        return Error { EINVAL }; // FIXME: RENAME_EXCHANGE

    PathResolution from;
    TRY(walk(old_base, old_path, credentials, 0, from));
    if (!from.parent || from.last_is_dot())
        return Error { EBUSY };
    if (!from.custody)
        return Error { ENOENT };
    PathResolution to;
    TRY(walk(new_base, new_path, credentials, 0, to));
    if (!to.parent || to.last_is_dot())
        return Error { EBUSY };
    if ((flags & rename_noreplace) && to.custody)
        return Error { EEXIST };

    Inode& old_directory = from.parent->inode();
    Inode& new_directory = to.parent->inode();
    Inode& source = from.custody->inode();
    Inode* target = to.custody ? &to.custody->inode() : nullptr;
    if (&old_directory.fs() != &new_directory.fs())
        return Error { EXDEV };
    bool source_is_directory = source.is_directory();
    if (!source_is_directory && (from.trailing_slash || to.trailing_slash))
        return Error { ENOTDIR };
    if (target == &source)
        return {}; // two names of one inode: nothing to do, as POSIX says

    TRY(permission(old_directory, MAY_WRITE | MAY_EXEC, credentials));
    TRY(permission(new_directory, MAY_WRITE | MAY_EXEC, credentials));
    TRY(check_sticky(old_directory, source, credentials));
    if (target) {
        TRY(check_sticky(new_directory, *target, credentials));
        bool target_is_directory = target->is_directory();
        if (source_is_directory && !target_is_directory)
            return Error { ENOTDIR };
        if (!source_is_directory && target_is_directory)
            return Error { EISDIR };
    }
    if (source.is_mount_point() || is_mounted_root(source))
        return Error { EBUSY };
    if (target && (target->is_mount_point() || is_mounted_root(*target)))
        return Error { EBUSY };
    if (source_is_directory) {
        // Moving a directory rewrites its "..": that needs write permission on it.
        if (&old_directory != &new_directory)
            TRY(permission(source, MAY_WRITE, credentials));
        // A directory cannot move into its own subtree.
        for (Custody* custody = to.parent.ptr(); custody; custody = custody->parent()) {
            if (&custody->inode() == &source)
                return Error { EINVAL };
        }
    }
    if (target) {
        // ...nor replace one of its own ancestors.
        for (Custody* custody = from.parent.ptr(); custody; custody = custody->parent()) {
            if (&custody->inode() == target)
                return Error { ENOTEMPTY };
        }
    }
    return old_directory.rename(from.last_name(), new_directory, to.last_name());
}

Result<size_t> VirtualFileSystem::readlink(Custody& base, StringView path, const Credentials& credentials, char* buffer, size_t size)
{
    auto custody = TRY(resolve(base, path, credentials, 0));
    if (!custody->inode().is_symlink())
        return Error { EINVAL };
    if (size == 0)
        return Error { EINVAL };
    return custody->inode().readlink(buffer, size);
}

} // namespace sk
