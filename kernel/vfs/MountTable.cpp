// MountTable: which filesystem covers which directory. A mount records the covered inode
// (host) and the mounted root; the host inode is flagged so the walk only searches the table
// at mount points. A directory may be mounted on more than once: the newest mount is the
// visible one (its root is itself flagged when something is mounted on top of it). Each mount
// owns a copy of its source string, as Linux's mnt_devname.
#include <new>
#include <vfs/Permission.h>
#include <vfs/VirtualFileSystem.h>

namespace sk {

static VirtualFileSystem* s_the;

Result<void> VirtualFileSystem::initialize()
{
    VERIFY(!s_the);
    s_the = new (std::nothrow) VirtualFileSystem;
    if (!s_the)
        return Error { ENOMEM };
    // Room for the boot mounts and a few of mount(2)'s, so that a program's mount + umount
    // leaves the heap as it found it (the leak check compares it around each test program).
    TRY(s_the->m_mounts.try_ensure_capacity(16));
    return {};
}

VirtualFileSystem& VirtualFileSystem::the()
{
    VERIFY(s_the);
    return *s_the;
}

Result<void> VirtualFileSystem::mount_root(RefPtr<FileSystem> fs, StringView source)
{
    VERIFY(fs);
    auto source_copy = TRY(KString::try_create(source));
    MutexGuard guard(m_mount_lock);
    if (m_root_custody)
        return Error { EBUSY };
    RefPtr<Inode> root = fs->root();
    auto custody = TRY(Custody::try_create(nullptr, StringView(""), root));
    TRY(m_mounts.try_append(Mount { fs, nullptr, root, nullptr, 0, std::move(source_copy) }));
    m_root_custody = custody;
    return {};
}

Result<void> VirtualFileSystem::mount(RefPtr<FileSystem> fs, StringView source, RefPtr<Custody> mount_point, u32 flags)
{
    VERIFY(fs && mount_point);
    Inode& host = mount_point->inode();
    if (!host.is_directory())
        return Error { ENOTDIR };
    auto source_copy = TRY(KString::try_create(source));
    RefPtr<Inode> root = fs->root();
    MutexGuard guard(m_mount_lock);
    for (auto& mount : m_mounts) {
        if (mount.fs == fs)
            return Error { EBUSY }; // one mount per instance (no bind mounts yet)
    }
    TRY(m_mounts.try_append(Mount { fs, RefPtr<Inode>(host), root, mount_point, flags, std::move(source_copy) }));
    host.set_mount_point(true);
    return {};
}

Result<void> VirtualFileSystem::mount(
    RefPtr<FileSystem> fs, StringView source, Custody& base, StringView path, const Credentials& credentials, u32 flags)
{
    if (!credentials.is_superuser())
        return Error { EPERM };
    auto mount_point = TRY(resolve(base, path, credentials, FollowLastSymlink));
    return mount(std::move(fs), source, std::move(mount_point), flags);
}

Result<void> VirtualFileSystem::umount(Custody& base, StringView path, const Credentials& credentials)
{
    if (!credentials.is_superuser())
        return Error { EPERM };
    auto custody = TRY(resolve(base, path, credentials, FollowLastSymlink));
    Inode& root = custody->inode();
    MutexGuard guard(m_mount_lock);
    size_t index = m_mounts.size();
    for (size_t i = 0; i < m_mounts.size(); ++i) {
        if (m_mounts[i].root.ptr() == &root)
            index = i;
    }
    if (index == m_mounts.size())
        return Error { EINVAL };
    Mount& victim = m_mounts[index];
    if (!victim.host)
        return Error { EBUSY }; // the root mount
    for (auto& mount : m_mounts) {
        if (mount.host && &mount.host->fs() == victim.fs.ptr())
            return Error { EBUSY };
    }
    // FIXME: Linux also refuses (EBUSY) while files of the filesystem are open or in use as
    // a cwd; the references keep the filesystem alive here, so it is safe, just more lenient.
    RefPtr<Inode> host = victim.host;
    m_mounts.remove(index);
    bool still_covered = false;
    for (auto& mount : m_mounts) {
        if (mount.host == host)
            still_covered = true;
    }
    host->set_mount_point(still_covered);
    return {};
}

RefPtr<Inode> VirtualFileSystem::cross_mounts(RefPtr<Inode> inode)
{
    while (inode->is_mount_point()) {
        RefPtr<Inode> covering;
        {
            MutexGuard guard(m_mount_lock);
            for (auto& mount : m_mounts) {
                if (mount.host == inode)
                    covering = mount.root; // the newest one wins
            }
        }
        if (!covering)
            break;
        inode = covering;
    }
    return inode;
}

bool VirtualFileSystem::is_mounted_root(Inode& inode)
{
    MutexGuard guard(m_mount_lock);
    for (auto& mount : m_mounts) {
        if (mount.root.ptr() == &inode)
            return true;
    }
    return false;
}

} // namespace sk
