// The VFS operations the syscall layer calls: umask on creation, set-group-ID inheritance,
// the sticky-directory rule, rename edge cases, open flags, link/unlink/rmdir errors and the
// chmod/chown/utimens ownership rules.
#include "VfsTestSupport.h"

#include <vfs/CharacterDevices.h>
#include <vfs/Clock.h>

namespace sk::test {

class VfsOperations : public VfsTest { };

TEST_F(VfsOperations, UmaskAppliesToCreateMkdirAndMknod)
{
    open("/file", O_WRONLY | O_CREAT, 0666, Credentials::root(), 022);
    EXPECT_EQ(stat("/file").mode, u32(S_IFREG | 0644));
    MUST(vfs.mkdir(root(), "/dir", 0777, Credentials::root(), 027));
    EXPECT_EQ(stat("/dir").mode, u32(S_IFDIR | 0750));
    MUST(vfs.mkdir(root(), "/sticky", 01777, Credentials::root(), 0));
    EXPECT_EQ(stat("/sticky").mode, u32(S_IFDIR | 01777));
    MUST(vfs.mknod(root(), "/fifo", S_IFIFO | 0666, 0, Credentials::root(), 077));
    EXPECT_EQ(stat("/fifo").mode, u32(S_IFIFO | 0600));
    auto socket = MUST(vfs.mknod(root(), "/sock", S_IFSOCK | 0777, 0, Credentials::root(), 022));
    EXPECT_EQ(socket->mode(), u32(S_IFSOCK | 0755));
    EXPECT_ERRNO(vfs.mknod(root(), "/sock", S_IFSOCK | 0777, 0, Credentials::root(), 022), EEXIST);
    symlink("/nowhere", "/dangling");
    EXPECT_ERRNO(vfs.mknod(root(), "/dangling", S_IFSOCK | 0777, 0, Credentials::root(), 0), EEXIST);
    EXPECT_ERRNO(vfs.mknod(root(), "/missing/sock", S_IFSOCK | 0777, 0, Credentials::root(), 0), ENOENT);
}

TEST_F(VfsOperations, NewNodesBelongToTheCallerOrInheritASetgidGroup)
{
    mkdir("/open", 0777);
    auto user = user_credentials(1000, 1000);
    MUST(vfs.mknod(root(), "/open/mine", S_IFREG | 0644, 0, user, 0));
    EXPECT_EQ(stat("/open/mine").uid, 1000u);
    EXPECT_EQ(stat("/open/mine").gid, 1000u);
    mkdir("/shared", 02777);
    MUST(vfs.chown(root(), "/shared", 0, 50, Credentials::root()));
    MUST(vfs.chmod(root(), "/shared", 02777, Credentials::root()));
    MUST(vfs.mkdir(root(), "/shared/sub", 0755, user, 0));
    EXPECT_EQ(stat("/shared/sub").gid, 50u);
    EXPECT_EQ(stat("/shared/sub").mode, u32(S_IFDIR | 02755));
    MUST(vfs.mknod(root(), "/shared/file", S_IFREG | 02755, 0, user, 0));
    EXPECT_EQ(stat("/shared/file").gid, 50u);
    EXPECT_EQ(stat("/shared/file").mode, u32(S_IFREG | 0755)); // not a member of group 50
}

TEST_F(VfsOperations, CreationNeedsWriteAndSearchOnTheParent)
{
    mkdir("/ro", 0555);
    auto user = user_credentials(1000, 1000);
    EXPECT_ERRNO(vfs.mkdir(root(), "/ro/x", 0755, user, 0), EACCES);
    EXPECT_ERRNO(vfs.mknod(root(), "/ro/s", S_IFSOCK | 0777, 0, user, 0), EACCES);
    EXPECT_ERRNO(vfs.open(root(), "/ro/f", O_CREAT | O_WRONLY, 0644, user, 0), EACCES);
    EXPECT_ERRNO(vfs.mknod(root(), "/dev0", S_IFCHR | 0600, encode_device(1, 3), user, 0), EPERM);
    EXPECT_OK(vfs.mknod(root(), "/dev0", S_IFCHR | 0600, encode_device(1, 3), Credentials::root(), 0));
    EXPECT_EQ(stat("/dev0").rdev, encode_device(1, 3));
}

TEST_F(VfsOperations, StickyDirectoryRestrictsRemovalToOwners)
{
    mkdir("/tmp", 01777);
    auto alice = user_credentials(1000, 1000);
    auto bob = user_credentials(1001, 1001);
    write_file("/tmp/alice", "a", alice);
    write_file("/tmp/alice2", "a", alice);
    write_file("/tmp/alice3", "a", alice);
    EXPECT_ERRNO(vfs.unlink(root(), "/tmp/alice", bob), EPERM);
    EXPECT_ERRNO(vfs.rename(root(), "/tmp/alice", root(), "/tmp/bobs", bob), EPERM);
    write_file("/tmp/bobs", "b", bob);
    EXPECT_ERRNO(vfs.rename(root(), "/tmp/bobs", root(), "/tmp/alice", bob), EPERM); // replacing hers
    EXPECT_OK(vfs.unlink(root(), "/tmp/alice", alice));
    EXPECT_OK(vfs.unlink(root(), "/tmp/alice2", Credentials::root()));
    MUST(vfs.mkdir(root(), "/tmp/alices_dir", 0777, alice, 0));
    EXPECT_ERRNO(vfs.rmdir(root(), "/tmp/alices_dir", bob), EPERM);

    // The directory's owner may remove anything in it.
    MUST(vfs.mkdir(root(), "/bobs_sticky", 01777, Credentials::root(), 0));
    MUST(vfs.chown(root(), "/bobs_sticky", 1001, 1001, Credentials::root()));
    write_file("/bobs_sticky/alice", "a", alice);
    EXPECT_OK(vfs.unlink(root(), "/bobs_sticky/alice", bob));

    // Without the sticky bit, write permission on the directory is enough.
    mkdir("/plain", 0777);
    write_file("/plain/alice", "a", alice);
    EXPECT_OK(vfs.unlink(root(), "/plain/alice", bob));
}

TEST_F(VfsOperations, UnlinkAndRmdirErrors)
{
    mkdir("/d");
    mkdir("/d/full");
    write_file("/d/full/f", "x");
    write_file("/f", "x");
    EXPECT_ERRNO(vfs.unlink(root(), "/d", Credentials::root()), EISDIR);
    EXPECT_ERRNO(vfs.unlink(root(), "/d/.", Credentials::root()), EISDIR);
    EXPECT_ERRNO(vfs.unlink(root(), "/f/", Credentials::root()), ENOTDIR);
    EXPECT_ERRNO(vfs.unlink(root(), "/missing", Credentials::root()), ENOENT);
    EXPECT_ERRNO(vfs.rmdir(root(), "/f", Credentials::root()), ENOTDIR);
    EXPECT_ERRNO(vfs.rmdir(root(), "/d/.", Credentials::root()), EINVAL);
    EXPECT_ERRNO(vfs.rmdir(root(), "/d/full/..", Credentials::root()), ENOTEMPTY);
    EXPECT_ERRNO(vfs.rmdir(root(), "/d/full", Credentials::root()), ENOTEMPTY);
    EXPECT_ERRNO(vfs.rmdir(root(), "/", Credentials::root()), EBUSY);
    EXPECT_ERRNO(vfs.mkdir(root(), "/", 0755, Credentials::root(), 0), EEXIST);
    EXPECT_ERRNO(vfs.mkdir(root(), "/d/.", 0755, Credentials::root(), 0), EEXIST);
    EXPECT_ERRNO(vfs.mkdir(root(), "/d", 0755, Credentials::root(), 0), EEXIST);
    EXPECT_OK(vfs.mkdir(root(), "/trailing/", 0755, Credentials::root(), 0));
    MUST(vfs.unlink(root(), "/d/full/f", Credentials::root()));
    EXPECT_OK(vfs.rmdir(root(), "/d/full/", Credentials::root()));
    EXPECT_EQ(stat("/d").nlink, 2u);
}

TEST_F(VfsOperations, RenameEdgeCases)
{
    mkdir("/a");
    mkdir("/a/b");
    mkdir("/a/b/c");
    mkdir("/empty");
    mkdir("/full");
    write_file("/full/x", "x");
    write_file("/file", "file contents");
    write_file("/other", "other contents");

    EXPECT_ERRNO(vfs.rename(root(), "/a", root(), "/a/b/c/a", Credentials::root()), EINVAL);
    EXPECT_ERRNO(vfs.rename(root(), "/a", root(), "/a/b", Credentials::root()), EINVAL);
    EXPECT_ERRNO(vfs.rename(root(), "/a/b", root(), "/a", Credentials::root()), ENOTEMPTY);
    EXPECT_ERRNO(vfs.rename(root(), "/file", root(), "/empty", Credentials::root()), EISDIR);
    EXPECT_ERRNO(vfs.rename(root(), "/empty", root(), "/file", Credentials::root()), ENOTDIR);
    EXPECT_ERRNO(vfs.rename(root(), "/empty", root(), "/full", Credentials::root()), ENOTEMPTY);
    EXPECT_ERRNO(vfs.rename(root(), "/a/.", root(), "/x", Credentials::root()), EBUSY);
    EXPECT_ERRNO(vfs.rename(root(), "/file", root(), "/a/..", Credentials::root()), EBUSY);
    EXPECT_ERRNO(vfs.rename(root(), "/file/", root(), "/x", Credentials::root()), ENOTDIR);
    EXPECT_ERRNO(vfs.rename(root(), "/file", root(), "/x/", Credentials::root()), ENOTDIR);
    EXPECT_ERRNO(vfs.rename(root(), "/missing", root(), "/x", Credentials::root()), ENOENT);
    EXPECT_ERRNO(vfs.rename(root(), "/file", root(), "/other", Credentials::root(), rename_noreplace), EEXIST);
    EXPECT_ERRNO(vfs.rename(root(), "/file", root(), "/other", Credentials::root(), rename_exchange), EINVAL);

    // Same file: nothing happens, both names stay.
    EXPECT_OK(vfs.rename(root(), "/file", root(), "/file", Credentials::root()));
    MUST(vfs.link(root(), "/file", root(), "/alias", Credentials::root()));
    EXPECT_OK(vfs.rename(root(), "/file", root(), "/alias", Credentials::root()));
    EXPECT_EQ(stat("/file").nlink, 2u);
    MUST(vfs.unlink(root(), "/alias", Credentials::root()));

    // Replacing a file: an open description of the old one keeps its data.
    auto old_other = open("/other", O_RDONLY);
    MUST(vfs.rename(root(), "/file", root(), "/other", Credentials::root()));
    EXPECT_EQ(read_file("/other"), "file contents");
    EXPECT_ERRNO(vfs.resolve(root(), "/file", Credentials::root()), ENOENT);
    EXPECT_EQ(VirtualFileSystem::stat(*old_other->inode()).nlink, 0u);
    char buffer[32] {};
    EXPECT_EQ(MUST(old_other->ops().read(*old_other, IoBuffer::kernel(buffer, sizeof(buffer)), sizeof(buffer))), 14u);
    EXPECT_STREQ(buffer, "other contents");

    // Moving a directory fixes both parents' link counts; over an empty directory works.
    EXPECT_EQ(stat("/a").nlink, 3u);
    MUST(vfs.rename(root(), "/a/b", root(), "/empty", Credentials::root()));
    EXPECT_EQ(stat("/a").nlink, 2u);
    EXPECT_EQ(stat("/empty").nlink, 3u); // it is the former /a/b, holding c
    EXPECT_OK(vfs.resolve(root(), "/empty/c", Credentials::root()));
    MUST(vfs.rename(root(), "/empty/", root(), "/a/moved/", Credentials::root()));
    EXPECT_EQ(stat("/a").nlink, 3u);
    auto moved = MUST(vfs.resolve(root(), "/a/moved/c/..", Credentials::root()));
    EXPECT_EQ(path_of(*moved), "/a/moved");
}

TEST_F(VfsOperations, MovingADirectoryNeedsWriteOnIt)
{
    mkdir("/src", 0777);
    mkdir("/dst", 0777);
    mkdir("/src/locked", 0555);
    auto user = user_credentials(1000, 1000);
    MUST(vfs.chown(root(), "/src/locked", 1000, 1000, Credentials::root()));
    EXPECT_ERRNO(vfs.rename(root(), "/src/locked", root(), "/dst/locked", user), EACCES);
    EXPECT_OK(vfs.rename(root(), "/src/locked", root(), "/src/renamed", user)); // same parent
}

TEST_F(VfsOperations, OpenFlags)
{
    write_file("/file", "contents");
    mkdir("/dir");
    symlink("/file", "/link");
    symlink("/created_through_link", "/dangling");

    EXPECT_ERRNO(vfs.open(root(), "/file", O_CREAT | O_EXCL | O_WRONLY, 0644, Credentials::root(), 0), EEXIST);
    EXPECT_ERRNO(vfs.open(root(), "/dangling", O_CREAT | O_EXCL | O_WRONLY, 0644, Credentials::root(), 0), EEXIST);
    EXPECT_OK(vfs.open(root(), "/dangling", O_CREAT | O_WRONLY, 0644, Credentials::root(), 0));
    EXPECT_OK(vfs.resolve(root(), "/created_through_link", Credentials::root()));
    EXPECT_ERRNO(vfs.open(root(), "/missing", O_RDONLY, 0, Credentials::root(), 0), ENOENT);

    EXPECT_ERRNO(vfs.open(root(), "/file", O_RDONLY | O_DIRECTORY, 0, Credentials::root(), 0), ENOTDIR);
    EXPECT_OK(vfs.open(root(), "/dir", O_RDONLY | O_DIRECTORY, 0, Credentials::root(), 0));
    EXPECT_ERRNO(vfs.open(root(), "/link", O_RDONLY | O_NOFOLLOW, 0, Credentials::root(), 0), ELOOP);
    auto path_only = MUST(vfs.open(root(), "/link", O_PATH | O_NOFOLLOW, 0, Credentials::root(), 0));
    EXPECT_TRUE(path_only->inode()->is_symlink());
    EXPECT_FALSE(path_only->can_read());
    EXPECT_OK(vfs.open(root(), "/dir/../link", O_RDONLY, 0, Credentials::root(), 0));

    EXPECT_ERRNO(vfs.open(root(), "/dir", O_WRONLY, 0, Credentials::root(), 0), EISDIR);
    EXPECT_ERRNO(vfs.open(root(), "/dir", O_RDONLY | O_TRUNC, 0, Credentials::root(), 0), EISDIR);
    EXPECT_ERRNO(vfs.open(root(), "/dir", O_RDONLY | O_CREAT, 0644, Credentials::root(), 0), EISDIR);
    EXPECT_ERRNO(vfs.open(root(), "/newdir/", O_RDWR | O_CREAT, 0644, Credentials::root(), 0), EISDIR);

    auto file = open("/file", O_RDWR | O_TRUNC | O_CREAT | O_APPEND | O_CLOEXEC | O_NONBLOCK);
    EXPECT_EQ(stat("/file").size, 0u);
    EXPECT_EQ(file->flags(), u32(O_RDWR | O_APPEND | O_NONBLOCK));
    EXPECT_TRUE(file->can_read());
    EXPECT_TRUE(file->can_write());
}

TEST_F(VfsOperations, OpenChecksAccessModePermissions)
{
    write_file("/secret", "s");
    MUST(vfs.chmod(root(), "/secret", 0600, Credentials::root()));
    write_file("/public", "p");
    auto user = user_credentials(1000, 1000);
    EXPECT_ERRNO(vfs.open(root(), "/secret", O_RDONLY, 0, user, 0), EACCES);
    EXPECT_OK(vfs.open(root(), "/public", O_RDONLY, 0, user, 0));
    EXPECT_ERRNO(vfs.open(root(), "/public", O_WRONLY, 0, user, 0), EACCES);
    EXPECT_ERRNO(vfs.open(root(), "/public", O_RDONLY | O_TRUNC, 0, user, 0), EACCES);
    EXPECT_OK(vfs.open(root(), "/secret", O_PATH, 0, user, 0));
    // The creator may open a file it just created read-only for writing.
    mkdir("/home", 0777);
    EXPECT_OK(vfs.open(root(), "/home/mine", O_RDWR | O_CREAT, 0444, user, 0));
    EXPECT_ERRNO(vfs.open(root(), "/home/mine", O_RDWR, 0, user, 0), EACCES);
}

static Result<RefPtr<FileOperations>> open_test_device(u32, u32, u32)
{
    auto ops = TRY(try_make_ref<FileOperations>());
    return ops;
}

TEST_F(VfsOperations, OpeningSpecialFiles)
{
    MUST(vfs.mknod(root(), "/sock", S_IFSOCK | 0777, 0, Credentials::root(), 0));
    MUST(vfs.mknod(root(), "/fifo", S_IFIFO | 0666, 0, Credentials::root(), 0));
    MUST(vfs.mknod(root(), "/chr", S_IFCHR | 0666, encode_device(240, 7), Credentials::root(), 0));
    EXPECT_ERRNO(vfs.open(root(), "/sock", O_RDWR, 0, Credentials::root(), 0), ENXIO);
    // (FIFOs open through whatever opener the pipe code installed; not tested here.)
    EXPECT_ERRNO(vfs.open(root(), "/chr", O_RDWR, 0, Credentials::root(), 0), ENXIO);
    MUST(register_character_device(240, 7, open_test_device));
    auto device = MUST(vfs.open(root(), "/chr", O_RDWR | O_TRUNC, 0, Credentials::root(), 0));
    EXPECT_ERRNO(device->ops().ioctl(*device, 0, 0), ENOTTY);
    EXPECT_ERRNO(device->ops().seek(*device, 0, SEEK_SET), ESPIPE);
    unregister_character_device(240, 7);
    EXPECT_ERRNO(vfs.open(root(), "/chr", O_RDWR, 0, Credentials::root(), 0), ENXIO);
}

TEST_F(VfsOperations, LinkRules)
{
    mkdir("/dir");
    write_file("/file", "x");
    symlink("/file", "/link");
    EXPECT_ERRNO(vfs.link(root(), "/dir", root(), "/dir2", Credentials::root()), EPERM);
    EXPECT_ERRNO(vfs.link(root(), "/file", root(), "/dir", Credentials::root()), EEXIST);
    EXPECT_ERRNO(vfs.link(root(), "/missing", root(), "/x", Credentials::root()), ENOENT);
    MUST(vfs.link(root(), "/link", root(), "/link_copy", Credentials::root()));
    EXPECT_TRUE(MUST(vfs.resolve(root(), "/link_copy", Credentials::root(), 0))->inode().is_symlink());
    MUST(vfs.link(root(), "/link", root(), "/file_copy", Credentials::root(), AT_SYMLINK_FOLLOW));
    EXPECT_EQ(stat("/file").nlink, 2u);
    EXPECT_EQ(stat("/file_copy").ino, stat("/file").ino);
    char target[64];
    size_t length = MUST(vfs.readlink(root(), "/link", Credentials::root(), target, sizeof(target)));
    EXPECT_EQ(std::string(target, length), "/file");
    EXPECT_EQ(MUST(vfs.readlink(root(), "/link", Credentials::root(), target, 3)), 3u);
    EXPECT_ERRNO(vfs.readlink(root(), "/file", Credentials::root(), target, sizeof(target)), EINVAL);
    EXPECT_ERRNO(vfs.symlink("", root(), "/empty_link", Credentials::root()), ENOENT);
    EXPECT_ERRNO(vfs.symlink("x", root(), "/file", Credentials::root()), EEXIST);
}

TEST_F(VfsOperations, ChmodRules)
{
    write_file("/file", "x");
    MUST(vfs.chown(root(), "/file", 1000, 50, Credentials::root()));
    auto owner = user_credentials(1000, 1000);
    auto stranger = user_credentials(1001, 50);
    EXPECT_ERRNO(vfs.chmod(root(), "/file", 0777, stranger), EPERM);
    MUST(vfs.chmod(root(), "/file", 02755, owner)); // not in group 50: S_ISGID dropped
    EXPECT_EQ(stat("/file").mode, u32(S_IFREG | 0755));
    auto member = user_credentials(1000, 1000, { 50 });
    MUST(vfs.chmod(root(), "/file", 06755, member));
    EXPECT_EQ(stat("/file").mode, u32(S_IFREG | 06755));
    MUST(vfs.chmod(root(), "/file", 012345, Credentials::root())); // only 07777 is kept
    EXPECT_EQ(stat("/file").mode, u32(S_IFREG | 02345));
    symlink("/file", "/link");
    EXPECT_ERRNO(vfs.chmod(root(), "/link", 0600, Credentials::root(), AT_SYMLINK_NOFOLLOW), EOPNOTSUPP);
}

TEST_F(VfsOperations, ChownRules)
{
    write_file("/file", "x");
    MUST(vfs.chown(root(), "/file", 1000, 1000, Credentials::root()));
    MUST(vfs.chmod(root(), "/file", 06775, Credentials::root()));
    auto owner = user_credentials(1000, 1000, { 60 });
    EXPECT_ERRNO(vfs.chown(root(), "/file", 1001, 0xffffffff, owner), EPERM);
    EXPECT_ERRNO(vfs.chown(root(), "/file", 0xffffffff, 70, owner), EPERM);
    EXPECT_ERRNO(vfs.chown(root(), "/file", 0xffffffff, 60, user_credentials(1001, 60)), EPERM);
    MUST(vfs.chown(root(), "/file", 1000, 60, owner)); // own uid, a group it belongs to
    auto metadata = stat("/file");
    EXPECT_EQ(metadata.uid, 1000u);
    EXPECT_EQ(metadata.gid, 60u);
    EXPECT_EQ(metadata.mode, u32(S_IFREG | 0775)); // setuid and (group-exec) setgid dropped
    MUST(vfs.chown(root(), "/file", 5, 0xffffffff, Credentials::root()));
    EXPECT_EQ(stat("/file").uid, 5u);
    EXPECT_EQ(stat("/file").gid, 60u);
    mkdir("/dir", 02755);
    EXPECT_EQ(stat("/dir").mode, u32(S_IFDIR | 0755)); // mkdir ignores S_ISGID, as Linux
    MUST(vfs.chmod(root(), "/dir", 02755, Credentials::root()));
    MUST(vfs.chown(root(), "/dir", 5, 5, Credentials::root()));
    EXPECT_EQ(stat("/dir").mode, u32(S_IFDIR | 02755)); // directories keep it
}

static Timespec s_fake_now { 1000, 5 };
static Timespec fake_clock() { return s_fake_now; }

TEST_F(VfsOperations, UtimensRulesAndClock)
{
    set_filesystem_clock(fake_clock);
    write_file("/file", "x");
    MUST(vfs.chmod(root(), "/file", 0646, Credentials::root()));
    auto writer = user_credentials(1000, 1000);
    auto reader = user_credentials(1001, 1001);
    MUST(vfs.chmod(root(), "/file", 0644, Credentials::root()));
    Timespec explicit_times[2] = { { 10, 0 }, { 20, 0 } };
    EXPECT_ERRNO(vfs.utimens(root(), "/file", explicit_times, writer), EPERM);
    EXPECT_ERRNO(vfs.utimens(root(), "/file", nullptr, reader), EACCES);
    MUST(vfs.chmod(root(), "/file", 0646, Credentials::root()));
    s_fake_now = { 2000, 7 };
    EXPECT_OK(vfs.utimens(root(), "/file", nullptr, writer));
    EXPECT_EQ(stat("/file").mtime.seconds, 2000);
    EXPECT_EQ(stat("/file").atime.nanoseconds, 7);
    MUST(vfs.utimens(root(), "/file", explicit_times, Credentials::root()));
    EXPECT_EQ(stat("/file").atime.seconds, 10);
    EXPECT_EQ(stat("/file").mtime.seconds, 20);
    Timespec omit_atime[2] = { { 0, utime_omit }, { 30, 0 } };
    MUST(vfs.utimens(root(), "/file", omit_atime, Credentials::root()));
    EXPECT_EQ(stat("/file").atime.seconds, 10);
    EXPECT_EQ(stat("/file").mtime.seconds, 30);
    Timespec bad[2] = { { 0, 1000000000 }, { 0, 0 } };
    EXPECT_ERRNO(vfs.utimens(root(), "/file", bad, Credentials::root()), EINVAL);

    s_fake_now = { 3000, 0 };
    auto file = open("/file", O_WRONLY);
    MUST(file->ops().write(*file, IoBuffer::kernel("y", 1), 1));
    EXPECT_EQ(stat("/file").mtime.seconds, 3000);
    EXPECT_EQ(stat("/file").ctime.seconds, 3000);
    s_fake_now = { 4000, 0 };
    MUST(vfs.chmod(root(), "/file", 0600, Credentials::root()));
    EXPECT_EQ(stat("/file").ctime.seconds, 4000);
    EXPECT_EQ(stat("/file").mtime.seconds, 3000);
    set_filesystem_clock(nullptr);
}

TEST_F(VfsOperations, TruncateAndStatfs)
{
    write_file("/file", "0123456789");
    mkdir("/dir");
    auto user = user_credentials(1000, 1000);
    EXPECT_ERRNO(vfs.truncate(root(), "/file", 4, user), EACCES);
    EXPECT_ERRNO(vfs.truncate(root(), "/file", -1, Credentials::root()), EINVAL);
    EXPECT_ERRNO(vfs.truncate(root(), "/dir", 0, Credentials::root()), EISDIR);
    MUST(vfs.truncate(root(), "/file", 4, Credentials::root()));
    EXPECT_EQ(read_file("/file"), "0123");
    auto stats = MUST(vfs.statfs(root(), "/dir", Credentials::root()));
    EXPECT_EQ(stats.type, tmpfs_magic);
    EXPECT_EQ(stats.block_size, 4096u);
    EXPECT_EQ(stats.name_max, 255u);
}

} // namespace sk::test
