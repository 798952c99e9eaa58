// Permission: mode-bit checks, following Linux's generic_permission() + capable() overrides
// for CAP_DAC_OVERRIDE / CAP_DAC_READ_SEARCH, which only the superuser holds here.
#include <vfs/FileMode.h>
#include <vfs/Permission.h>

namespace sk {

Result<void> permission(const InodeMetadata& metadata, bool read_only_fs, int may_mask, const Credentials& credentials)
{
    may_mask &= MAY_READ | MAY_WRITE | MAY_EXEC;
    u32 type = mode_type(metadata.mode);
    if ((may_mask & MAY_WRITE) && read_only_fs && (type == S_IFREG || type == S_IFDIR || type == S_IFLNK))
        return Error { EROFS };

    u32 granted;
    if (credentials.fsuid == metadata.uid)
        granted = (metadata.mode >> 6) & 7;
    else if (credentials.in_group(metadata.gid))
        granted = (metadata.mode >> 3) & 7;
    else
        granted = metadata.mode & 7;
    if ((granted & static_cast<u32>(may_mask)) == static_cast<u32>(may_mask))
        return {};

    if (credentials.fs_is_superuser()) {
        bool exec_allowed = type == S_IFDIR || (metadata.mode & (S_IXUSR | S_IXGRP | S_IXOTH));
        if (!(may_mask & MAY_EXEC) || exec_allowed)
            return {};
    }
    return Error { EACCES };
}

Result<void> permission(Inode& inode, int may_mask, const Credentials& credentials)
{
    return permission(inode.metadata(), inode.fs().is_read_only(), may_mask, credentials);
}

bool is_owner_or_superuser(const InodeMetadata& metadata, const Credentials& credentials)
{
    return credentials.fsuid == metadata.uid || credentials.fs_is_superuser();
}

} // namespace sk
