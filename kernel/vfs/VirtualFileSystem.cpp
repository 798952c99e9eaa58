// VirtualFileSystem::open: resolution, creation with O_CREAT, the access checks that the
// access mode implies, and the choice of FileOperations by file type — InodeFile for
// regular files and directories, the character-device registry for S_IFCHR, the fifo opener
// for S_IFIFO. Sockets cannot be opened (ENXIO, as on Linux).
#include <asm-generic/fcntl.h>
#include <vfs/FileMode.h>
#include <vfs/CharacterDevices.h>
#include <vfs/Clock.h>
#include <vfs/FifoOpener.h>
#include <vfs/InodeFile.h>
#include <vfs/Permission.h>
#include <vfs/VirtualFileSystem.h>

namespace sk {

// Flags that act at open time only and are not kept on the open file description.
static constexpr u32 open_time_flags = O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_CLOEXEC;

Result<RefPtr<OpenFile>> VirtualFileSystem::open(Custody& base, StringView path, u32 flags, u32 mode, const Credentials& credentials, u32 umask)
{
    if ((flags & __O_TMPFILE) == __O_TMPFILE)
        return Error { EOPNOTSUPP }; // FIXME: O_TMPFILE (unnamed temporary files)
    if (flags & O_PATH)
        flags &= O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
    bool create = flags & O_CREAT;
    bool exclusive = create && (flags & O_EXCL);
    // O_CREAT|O_EXCL never follows a final symlink (it fails with EEXIST instead).
    u32 options = (flags & O_NOFOLLOW) || exclusive ? 0u : u32(FollowLastSymlink);

    // Two attempts: a racing creator may make our create fail with EEXIST; then open theirs.
    for (int attempt = 0;; ++attempt) {
        PathResolution resolution;
        TRY(walk(base, path, credentials, options, resolution));
        if (resolution.custody) {
            if (exclusive)
                return Error { EEXIST };
            if (create && resolution.custody->inode().is_directory())
                return Error { EISDIR };
            return open_resolved(resolution.custody, flags, credentials, false);
        }
        if (!create)
            return Error { ENOENT };
        if (resolution.trailing_slash)
            return Error { EISDIR };

        Inode& directory = resolution.parent->inode();
        TRY(permission(directory, MAY_WRITE | MAY_EXEC, credentials));
        auto directory_metadata = directory.metadata();
        u32 file_mode = S_IFREG | (mode & 07777 & ~umask);
        u32 gid = credentials.fsgid;
        if (directory_metadata.mode & S_ISGID) {
            gid = directory_metadata.gid;
            if ((file_mode & (S_ISGID | S_IXGRP)) == (S_ISGID | S_IXGRP) && !credentials.in_group(gid) && !credentials.fs_is_superuser())
                file_mode &= ~S_ISGID;
        }
        auto created = directory.mknod(resolution.last_name(), file_mode, 0, credentials.fsuid, gid);
        if (created.is_error()) {
            if (created.error().code == EEXIST && !exclusive && attempt == 0)
                continue;
            return created.error();
        }
        auto custody = TRY(Custody::try_create(resolution.parent, resolution.last_name(), created.release_value()));
        return open_resolved(std::move(custody), flags, credentials, true);
    }
}

Result<RefPtr<OpenFile>> VirtualFileSystem::open_custody(RefPtr<Custody> custody, u32 flags, const Credentials& credentials)
{
    VERIFY(custody);
    if (flags & O_PATH)
        flags &= O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
    return open_resolved(std::move(custody), flags & ~(O_CREAT | O_EXCL), credentials, false);
}

Result<RefPtr<OpenFile>> VirtualFileSystem::open_resolved(RefPtr<Custody> custody, u32 flags, const Credentials& credentials, bool created)
{
    RefPtr<Inode> inode = custody->inode_ref();
    auto metadata = inode->metadata();
    u32 type = mode_type(metadata.mode);
    u32 kept_flags = flags & ~open_time_flags;

    if ((flags & O_DIRECTORY) && type != S_IFDIR)
        return Error { ENOTDIR };
    if (flags & O_PATH) {
        // An O_PATH description only names the file: no permission checks, no I/O.
        auto ops = TRY(try_make_ref<FileOperations>());
        return OpenFile::try_create(std::move(ops), std::move(inode), std::move(custody), kept_flags);
    }
    if (type == S_IFLNK)
        return Error { ELOOP }; // reached only with O_NOFOLLOW

    u32 access_mode = flags & O_ACCMODE;
    int may = 0;
    if (access_mode == O_RDONLY || access_mode == O_RDWR || access_mode == O_ACCMODE)
        may |= MAY_READ;
    if (access_mode == O_WRONLY || access_mode == O_RDWR || access_mode == O_ACCMODE || (flags & O_TRUNC))
        may |= MAY_WRITE;
    if (type == S_IFDIR && (may & MAY_WRITE))
        return Error { EISDIR };
    if (!created)
        TRY(permission(metadata, inode->fs().is_read_only(), may, credentials));

    RefPtr<FileOperations> ops;
    switch (type) {
    case S_IFREG:
    case S_IFDIR:
        ops = TRY(InodeFile::try_create());
        break;
    case S_IFCHR:
        ops = TRY(open_character_device(device_major(metadata.rdev), device_minor(metadata.rdev), flags));
        break;
    case S_IFIFO:
        ops = TRY(open_fifo(*inode, flags));
        break;
    case S_IFBLK:
        return Error { ENXIO }; // FIXME: block devices are not exposed as files yet
    default:
        return Error { ENXIO }; // sockets: connect(2), not open(2)
    }

    if ((flags & O_TRUNC) && type == S_IFREG && !created) {
        InodeAttributes attributes;
        Timespec now = filesystem_now();
        attributes.mask = InodeAttributes::Size | InodeAttributes::Mtime | InodeAttributes::Ctime;
        attributes.mtime = now;
        attributes.ctime = now;
        TRY(inode->setattr(attributes));
    }
    return OpenFile::try_create(std::move(ops), std::move(inode), std::move(custody), kept_flags);
}

} // namespace sk
