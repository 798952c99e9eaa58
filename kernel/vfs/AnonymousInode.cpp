// anon_inodefs and its one inode (see AnonymousInode.h).
#include <vfs/AnonymousInode.h>
#include <vfs/PseudoFileSystem.h>

namespace sk {

namespace {

constexpr u64 anon_inode_fs_magic = 0x09041934; // ANON_INODE_FS_MAGIC
constexpr u64 anonymous_ino = 1;

class AnonymousFileSystem final : public PseudoFileSystem {
public:
    // A permanent reference to itself: it is a static object, never deleted.
    AnonymousFileSystem()
        : PseudoFileSystem("anon_inodefs", anon_inode_fs_magic)
    {
        ref();
    }
};

class AnonymousInode final : public PseudoInode {
public:
    // No S_IFMT bits, owned by root, as Linux's alloc_anon_inode makes it at boot.
    explicit AnonymousInode(FileSystem& fs)
        : PseudoInode(fs, anonymous_ino, 0600, 0, 0)
    {
        ref(); // static as well
    }

    // Linux stamps the inode when it creates it at boot; here it is the first anonymous file,
    // since the wall clock is not running yet when static objects are built.
    void stamp_once()
    {
        SpinlockGuard guard(m_lock);
        if (m_stamped)
            return;
        m_stamped = true;
        m_metadata.atime = m_metadata.mtime = m_metadata.ctime = filesystem_now();
    }

private:
    bool m_stamped { false }; // guarded by m_lock
};

// Declared in this order, so the filesystem is built before its inode.
AnonymousFileSystem s_anonymous_fs;
AnonymousInode s_anonymous_inode(s_anonymous_fs);

} // namespace

Result<RefPtr<OpenFile>> open_anonymous_file(RefPtr<FileOperations> ops, u32 flags)
{
    s_anonymous_inode.stamp_once();
    return OpenFile::try_create(std::move(ops), RefPtr<Inode>(&s_anonymous_inode), nullptr, flags);
}

} // namespace sk
