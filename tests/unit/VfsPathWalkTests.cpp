// Path walk: components, ".", "..", mounts, symlinks (loops, the 40-follow limit), trailing
// slashes, length limits, ENOTDIR, dirfd-relative walks and search permission.
#include "VfsTestSupport.h"

namespace sk::test {

class VfsPathWalk : public VfsTest { };

TEST_F(VfsPathWalk, ResolvesAbsoluteRelativeDotAndDotDot)
{
    mkdir("/a");
    mkdir("/a/b");
    auto b = MUST(vfs.resolve(root(), "/a/b", Credentials::root()));
    EXPECT_EQ(path_of(*b), "/a/b");
    auto same = MUST(vfs.resolve(root(), "a/./b/../b//", Credentials::root()));
    EXPECT_EQ(&same->inode(), &b->inode());
    auto top = MUST(vfs.resolve(root(), "/../../a/..", Credentials::root()));
    EXPECT_EQ(&top->inode(), &root().inode());
    EXPECT_EQ(path_of(*top), "/");
    EXPECT_ERRNO(vfs.resolve(root(), "", Credentials::root()), ENOENT);
}

TEST_F(VfsPathWalk, MissingComponents)
{
    mkdir("/a");
    EXPECT_ERRNO(vfs.resolve(root(), "/nope", Credentials::root()), ENOENT);
    EXPECT_ERRNO(vfs.resolve(root(), "/nope/x", Credentials::root()), ENOENT);
    PathResolution resolution;
    MUST(vfs.walk(root(), "/a/new", Credentials::root(), 0, resolution));
    EXPECT_FALSE(resolution.custody);
    ASSERT_TRUE(resolution.parent);
    EXPECT_EQ(path_of(*resolution.parent), "/a");
    EXPECT_EQ(std::string(resolution.last_name().chars(), resolution.last_name().length()), "new");
}

TEST_F(VfsPathWalk, NotADirectoryAndTrailingSlashes)
{
    mkdir("/d");
    write_file("/f", "x");
    symlink("/d", "/to_dir");
    symlink("/f", "/to_file");
    EXPECT_ERRNO(vfs.resolve(root(), "/f/x", Credentials::root()), ENOTDIR);
    EXPECT_ERRNO(vfs.resolve(root(), "/f/", Credentials::root()), ENOTDIR);
    EXPECT_ERRNO(vfs.resolve(root(), "/f/.", Credentials::root()), ENOTDIR);
    EXPECT_OK(vfs.resolve(root(), "/d/", Credentials::root()));
    // A trailing slash follows a final symlink even without FollowLastSymlink.
    auto through = MUST(vfs.resolve(root(), "/to_dir/", Credentials::root(), 0));
    EXPECT_TRUE(through->inode().is_directory());
    EXPECT_ERRNO(vfs.resolve(root(), "/to_file/", Credentials::root(), 0), ENOTDIR);
    auto link = MUST(vfs.resolve(root(), "/to_dir", Credentials::root(), 0));
    EXPECT_TRUE(link->inode().is_symlink());
}

TEST_F(VfsPathWalk, PathAndComponentLengthLimits)
{
    std::string name255(255, 'n');
    std::string name256(256, 'n');
    mkdir(StringView(("/" + name255).c_str()));
    EXPECT_ERRNO(vfs.resolve(root(), StringView(("/" + name256).c_str()), Credentials::root()), ENAMETOOLONG);
    EXPECT_ERRNO(vfs.mkdir(root(), StringView(("/" + name256).c_str()), 0755, Credentials::root(), 0), ENAMETOOLONG);

    // 4096 bytes (PATH_MAX including the NUL would need 4097) is too long; 4095 is walked.
    std::string path4096;
    while (path4096.size() < 4096)
        path4096 += "/a";
    path4096.resize(4096);
    EXPECT_ERRNO(vfs.resolve(root(), StringView(path4096.data(), path4096.size()), Credentials::root()), ENAMETOOLONG);
    std::string path4095(4095, '/');
    EXPECT_OK(vfs.resolve(root(), StringView(path4095.data(), path4095.size()), Credentials::root()));
    std::string long_missing = path4096.substr(0, 4095);
    EXPECT_ERRNO(vfs.resolve(root(), StringView(long_missing.data(), long_missing.size()), Credentials::root()), ENOENT);
}

TEST_F(VfsPathWalk, SymlinkLoopsAreELOOP)
{
    symlink("/loop_b", "/loop_a");
    symlink("/loop_a", "/loop_b");
    symlink("self", "/self");
    EXPECT_ERRNO(vfs.resolve(root(), "/loop_a", Credentials::root()), ELOOP);
    EXPECT_ERRNO(vfs.resolve(root(), "/self/x", Credentials::root()), ELOOP);
    EXPECT_ERRNO(vfs.open(root(), "/self", O_RDONLY | O_CREAT, 0644, Credentials::root(), 0), ELOOP);
    // Not following the last component: the link itself resolves.
    EXPECT_OK(vfs.resolve(root(), "/loop_a", Credentials::root(), 0));
}

TEST_F(VfsPathWalk, FortySymlinkFollowsAreAllowedFortyOneAreNot)
{
    write_file("/target", "ok");
    symlink("/target", "/l1");
    for (int i = 2; i <= 41; ++i) {
        std::string target = "l" + std::to_string(i - 1);
        std::string path = "/l" + std::to_string(i);
        symlink(StringView(target.c_str()), StringView(path.c_str()));
    }
    auto forty = MUST(vfs.resolve(root(), "/l40", Credentials::root()));
    EXPECT_TRUE(forty->inode().is_regular());
    EXPECT_EQ(path_of(*forty), "/target");
    EXPECT_ERRNO(vfs.resolve(root(), "/l41", Credentials::root()), ELOOP);
    // 39 follows in the middle + 1 at the end = 40 again; one more in the middle is too many.
    mkdir("/dir");
    symlink("/dir", "/m1");
    for (int i = 2; i <= 41; ++i) {
        std::string target = "m" + std::to_string(i - 1);
        std::string path = "/m" + std::to_string(i);
        symlink(StringView(target.c_str()), StringView(path.c_str()));
    }
    EXPECT_OK(vfs.resolve(root(), "/m40/.", Credentials::root()));
    EXPECT_ERRNO(vfs.resolve(root(), "/m41/.", Credentials::root()), ELOOP);
}

TEST_F(VfsPathWalk, SymlinksInTheMiddleAndRelativeTargets)
{
    mkdir("/a");
    mkdir("/a/b");
    mkdir("/d");
    write_file("/a/b/file", "data");
    symlink("/a", "/abs");
    symlink("../a/b", "/d/rel");
    auto file = MUST(vfs.resolve(root(), "/abs/b/file", Credentials::root()));
    EXPECT_EQ(path_of(*file), "/a/b/file");
    auto via_relative = MUST(vfs.resolve(root(), "/d/rel/file", Credentials::root()));
    EXPECT_EQ(&via_relative->inode(), &file->inode());
    symlink("/nowhere", "/dangling");
    EXPECT_ERRNO(vfs.resolve(root(), "/dangling", Credentials::root()), ENOENT);
    EXPECT_OK(vfs.resolve(root(), "/dangling", Credentials::root(), 0));
}

TEST_F(VfsPathWalk, DirfdRelativeWalks)
{
    mkdir("/a");
    mkdir("/a/b");
    auto a = MUST(vfs.resolve(root(), "/a", Credentials::root()));
    auto b = MUST(vfs.resolve(*a, "b", Credentials::root()));
    EXPECT_EQ(path_of(*b), "/a/b");
    auto up = MUST(vfs.resolve(*a, "..", Credentials::root()));
    EXPECT_EQ(&up->inode(), &root().inode());
    auto absolute = MUST(vfs.resolve(*b, "/a", Credentials::root()));
    EXPECT_EQ(&absolute->inode(), &a->inode());
    write_file("/a/file", "x");
    auto file = MUST(vfs.resolve(root(), "/a/file", Credentials::root()));
    EXPECT_ERRNO(vfs.resolve(*file, "x", Credentials::root()), ENOTDIR);
    MUST(vfs.mkdir(*a, "made", 0755, Credentials::root(), 0));
    EXPECT_OK(vfs.resolve(root(), "/a/made", Credentials::root()));
}

TEST_F(VfsPathWalk, SearchPermissionOnEveryDirectory)
{
    mkdir("/private", 0700);
    mkdir("/private/inner", 0777);
    mkdir("/open", 0711);
    write_file("/open/file", "x");
    auto user = user_credentials(1000, 1000);
    EXPECT_ERRNO(vfs.resolve(root(), "/private/inner", user), EACCES);
    EXPECT_ERRNO(vfs.resolve(root(), "/private/..", user), EACCES);
    EXPECT_ERRNO(vfs.resolve(root(), "/private/missing", user), EACCES);
    EXPECT_OK(vfs.resolve(root(), "/open/file", user)); // search without read is enough
    auto inner = MUST(vfs.resolve(root(), "/private/inner", Credentials::root()));
    EXPECT_OK(vfs.resolve(*inner, ".", user)); // a dirfd inside needs only that directory
    EXPECT_ERRNO(vfs.resolve_directory(root(), "/private", user), EACCES);
    EXPECT_ERRNO(vfs.resolve_directory(root(), "/open/file", user), ENOTDIR);
}

TEST_F(VfsPathWalk, MountsAndDotDotAcrossThem)
{
    mkdir("/mnt");
    mkdir("/mnt/hidden");
    auto second = MUST(TmpfsFileSystem::try_create(0755));
    MUST(vfs.mount(second, "second", root(), "/mnt", Credentials::root()));
    EXPECT_ERRNO(vfs.resolve(root(), "/mnt/hidden", Credentials::root()), ENOENT);
    mkdir("/mnt/sub");
    write_file("/mnt/sub/file", "on the mount");
    auto sub = MUST(vfs.resolve(root(), "/mnt/sub", Credentials::root()));
    EXPECT_EQ(&sub->inode().fs(), second.ptr());
    EXPECT_EQ(path_of(*sub), "/mnt/sub");
    EXPECT_NE(stat("/mnt").device, stat("/").device);

    auto mounted_root = MUST(vfs.resolve(root(), "/mnt", Credentials::root()));
    auto up = MUST(vfs.resolve(*mounted_root, "..", Credentials::root()));
    EXPECT_EQ(&up->inode(), &root().inode());
    auto hidden_again = MUST(vfs.resolve(root(), "/mnt/sub/../../mnt/sub/file", Credentials::root()));
    EXPECT_EQ(read_file("/mnt/sub/file"), "on the mount");
    EXPECT_EQ(&hidden_again->inode().fs(), second.ptr());

    // Busy while something is mounted below; the covered directory cannot be removed.
    auto third = MUST(TmpfsFileSystem::try_create(0755));
    MUST(vfs.mount(third, "third", root(), "/mnt/sub", Credentials::root()));
    // Each mount keeps the source it was given, in mount order (what /proc/mounts lists).
    std::string sources;
    vfs.for_each_mount([&](const MountEntry& mount) {
        sources += std::string(mount.source.chars(), mount.source.length()) + " ";
    });
    EXPECT_EQ(sources, "rootfs second third ");
    EXPECT_ERRNO(vfs.umount(root(), "/mnt", Credentials::root()), EBUSY);
    EXPECT_ERRNO(vfs.rmdir(root(), "/mnt/sub", Credentials::root()), EBUSY);
    EXPECT_ERRNO(vfs.rmdir(root(), "/mnt", Credentials::root()), EBUSY);
    EXPECT_ERRNO(vfs.umount(root(), "/mnt/sub/.", user_credentials(1, 1)), EPERM);
    MUST(vfs.umount(root(), "/mnt/sub", Credentials::root()));
    EXPECT_OK(vfs.resolve(root(), "/mnt/sub/file", Credentials::root()));
    EXPECT_ERRNO(vfs.umount(root(), "/mnt/sub", Credentials::root()), EINVAL);
    MUST(vfs.umount(root(), "/mnt", Credentials::root()));
    EXPECT_OK(vfs.resolve(root(), "/mnt/hidden", Credentials::root()));
    EXPECT_ERRNO(vfs.resolve(root(), "/mnt/sub", Credentials::root()), ENOENT);
    EXPECT_ERRNO(vfs.umount(root(), "/", Credentials::root()), EBUSY);
}

TEST_F(VfsPathWalk, RenameAndLinkAcrossMountsAreEXDEV)
{
    mkdir("/mnt");
    write_file("/file", "x");
    auto second = MUST(TmpfsFileSystem::try_create(0755));
    MUST(vfs.mount(second, "second", root(), "/mnt", Credentials::root()));
    EXPECT_ERRNO(vfs.rename(root(), "/file", root(), "/mnt/file", Credentials::root()), EXDEV);
    EXPECT_ERRNO(vfs.link(root(), "/file", root(), "/mnt/file", Credentials::root()), EXDEV);
    EXPECT_ERRNO(vfs.rename(root(), "/mnt", root(), "/elsewhere", Credentials::root()), EBUSY); // a mount point
}

TEST_F(VfsPathWalk, AbsolutePathOfCustody)
{
    mkdir("/abc");
    auto custody = MUST(vfs.resolve(root(), "/abc", Credentials::root()));
    char small[4];
    EXPECT_ERRNO(custody->absolute_path(small, sizeof(small)), ERANGE);
    char exact[5];
    EXPECT_EQ(MUST(custody->absolute_path(exact, sizeof(exact))), 4u);
    EXPECT_STREQ(exact, "/abc");
}

} // namespace sk::test
