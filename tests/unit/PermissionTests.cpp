// permission(): the owner/group/other selection with fs ids and supplementary groups, the
// superuser's overrides (read/write always; exec only with some x bit, or a directory) and
// EROFS for writes on read-only filesystems.
#include "VfsTestSupport.h"

namespace sk::test {

class Permission : public VfsTest {
protected:
    RefPtr<Inode> node(u32 mode, u32 uid = 100, u32 gid = 200, const char* path = "/node")
    {
        write_file(path, "");
        auto inode = MUST(vfs.resolve(root(), path, Credentials::root()))->inode_ref();
        MUST(vfs.chown(*inode, uid, gid, Credentials::root()));
        MUST(vfs.chmod(*inode, mode, Credentials::root()));
        return inode;
    }
};

TEST_F(Permission, OwnerBitsApplyToTheOwnerEvenWhenOthersHaveMore)
{
    auto inode = node(0077);
    auto owner = user_credentials(100, 999);
    EXPECT_ERRNO(permission(*inode, MAY_READ, owner), EACCES);
    EXPECT_ERRNO(permission(*inode, MAY_WRITE, owner), EACCES);
    EXPECT_OK(permission(*inode, MAY_READ | MAY_WRITE | MAY_EXEC, user_credentials(101, 200)));
}

TEST_F(Permission, OwnerGroupOtherMatrix)
{
    auto inode = node(0640);
    auto owner = user_credentials(100, 1);
    auto group_member = user_credentials(101, 200);
    auto supplementary = user_credentials(102, 1, { 7, 200 });
    auto other = user_credentials(103, 1, { 7 });
    EXPECT_OK(permission(*inode, MAY_READ | MAY_WRITE, owner));
    EXPECT_ERRNO(permission(*inode, MAY_EXEC, owner), EACCES);
    EXPECT_OK(permission(*inode, MAY_READ, group_member));
    EXPECT_ERRNO(permission(*inode, MAY_WRITE, group_member), EACCES);
    EXPECT_OK(permission(*inode, MAY_READ, supplementary));
    EXPECT_ERRNO(permission(*inode, MAY_READ | MAY_WRITE, supplementary), EACCES);
    EXPECT_ERRNO(permission(*inode, MAY_READ, other), EACCES);
    EXPECT_OK(permission(*inode, 0, other));
}

TEST_F(Permission, FsIdsDecideNotEffectiveIds)
{
    auto inode = node(0600);
    auto credentials = user_credentials(100, 1);
    credentials.euid = 0; // effective root, but the filesystem id is 100's... which owns it
    EXPECT_OK(permission(*inode, MAY_READ, credentials));
    credentials.fsuid = 555; // fsuid neither owner nor root
    EXPECT_ERRNO(permission(*inode, MAY_READ, credentials), EACCES);
    auto root_fs_only = user_credentials(555, 1);
    root_fs_only.fsuid = 0;
    EXPECT_OK(permission(*inode, MAY_READ | MAY_WRITE, root_fs_only));
}

TEST_F(Permission, RootOverridesReadWriteButExecNeedsSomeXBit)
{
    auto root_credentials = Credentials::root();
    auto none = node(0000, 100, 200, "/none");
    EXPECT_OK(permission(*none, MAY_READ | MAY_WRITE, root_credentials));
    EXPECT_ERRNO(permission(*none, MAY_EXEC, root_credentials), EACCES);
    EXPECT_ERRNO(permission(*none, MAY_READ | MAY_EXEC, root_credentials), EACCES);
    for (u32 x_bit : { 0100u, 0010u, 0001u }) {
        auto some_x = node(x_bit, 100, 200, "/some_x");
        EXPECT_OK(permission(*some_x, MAY_EXEC | MAY_READ, root_credentials)) << "mode " << x_bit;
        MUST(vfs.unlink(root(), "/some_x", root_credentials));
    }
    mkdir("/closed", 0000);
    auto directory = MUST(vfs.resolve(root(), "/closed", root_credentials))->inode_ref();
    EXPECT_OK(permission(*directory, MAY_EXEC | MAY_READ | MAY_WRITE, root_credentials));
    EXPECT_ERRNO(permission(*directory, MAY_EXEC, user_credentials(1, 1)), EACCES);
}

TEST_F(Permission, ReadOnlyFilesystemRefusesWritesToFilesButNotDevices)
{
    InodeMetadata metadata;
    metadata.mode = S_IFREG | 0666;
    EXPECT_ERRNO(permission(metadata, true, MAY_WRITE, Credentials::root()), EROFS);
    EXPECT_OK(permission(metadata, true, MAY_READ, Credentials::root()));
    metadata.mode = S_IFCHR | 0666;
    EXPECT_OK(permission(metadata, true, MAY_WRITE, user_credentials(5, 5)));
    metadata.mode = S_IFDIR | 0777;
    EXPECT_ERRNO(permission(metadata, true, MAY_WRITE, user_credentials(5, 5)), EROFS);
}

TEST_F(Permission, AccessUsesRealIdsUnlessEaccess)
{
    node(0600, 0, 0);
    auto setuid_root = user_credentials(1000, 1000);
    setuid_root.euid = setuid_root.fsuid = 0;
    EXPECT_ERRNO(vfs.access(root(), "/node", MAY_READ, setuid_root), EACCES);
    EXPECT_OK(vfs.access(root(), "/node", MAY_READ, setuid_root, AT_EACCESS));
    EXPECT_OK(vfs.access(root(), "/node", 0, setuid_root));
    EXPECT_ERRNO(vfs.access(root(), "/missing", 0, setuid_root), ENOENT);
    EXPECT_ERRNO(vfs.access(root(), "/node", 8, setuid_root), EINVAL);
    EXPECT_ERRNO(vfs.access(root(), "/node", MAY_EXEC, Credentials::root()), EACCES);
}

} // namespace sk::test
