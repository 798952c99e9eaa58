// fs_namespace_test — names on ext2 (/var) and tmpfs (/tmp): mkdirat, mknodat, unlinkat,
// renameat2, linkat, symlinkat, readlinkat, the *at() dirfd forms, chdir/fchdir/getcwd, and
// mount/umount2. Linux's behaviour (the same binary runs under qemu-riscv64).
#include "fs_test_support.h"

#include <linux/fs.h>
#include <sys/mount.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>

using namespace fstest;

namespace {

class FsNames : public testing::TestWithParam<const char*> {
protected:
    ScratchDir dir { GetParam(), "fs_names" };
};

TEST_P(FsNames, MkdirAndRmdir)
{
    std::string sub = dir / "sub";
    ASSERT_EQ(mkdir(sub.c_str(), 0755), 0) << strerror(errno);
    struct stat st;
    ASSERT_EQ(stat(sub.c_str(), &st), 0);
    EXPECT_TRUE(S_ISDIR(st.st_mode));
    EXPECT_EQ(st.st_nlink, 2u);
    EXPECT_ERRNO(EEXIST, mkdir(sub.c_str(), 0755));
    EXPECT_ERRNO(ENOENT, mkdir((dir / "missing/sub").c_str(), 0755));
    write_file(dir / "file", "x");
    EXPECT_ERRNO(ENOTDIR, mkdir((dir / "file/sub").c_str(), 0755));
    EXPECT_ERRNO(EEXIST, mkdir((dir / "file").c_str(), 0755));

    ASSERT_EQ(mkdir((sub + "/inner").c_str(), 0755), 0);
    ASSERT_EQ(stat(sub.c_str(), &st), 0);
    EXPECT_EQ(st.st_nlink, 3u) << "a subdirectory's .. links its parent";
    EXPECT_ERRNO(ENOTEMPTY, rmdir(sub.c_str()));
    EXPECT_ERRNO(ENOTDIR, rmdir((dir / "file").c_str()));
    EXPECT_ERRNO(EINVAL, rmdir((sub + "/inner/.").c_str()));
    EXPECT_EQ(rmdir((sub + "/inner").c_str()), 0);
    EXPECT_EQ(rmdir(sub.c_str()), 0);
    EXPECT_ERRNO(ENOENT, rmdir(sub.c_str()));
    // A trailing slash names a directory.
    ASSERT_EQ(mkdir((dir / "slash/").c_str(), 0755), 0);
    EXPECT_EQ(rmdir((dir / "slash/").c_str()), 0);
}

TEST_P(FsNames, UmaskAppliesToNewNodes)
{
    mode_t old = umask(027);
    ASSERT_EQ(mkdir((dir / "d").c_str(), 0777), 0);
    int fd = open((dir / "f").c_str(), O_CREAT | O_WRONLY, 0666);
    ASSERT_GE(fd, 0);
    close(fd);
    ASSERT_EQ(mknod((dir / "p").c_str(), S_IFIFO | 0666, 0), 0);
    EXPECT_EQ(umask(old), 027u);
    struct stat st;
    ASSERT_EQ(stat((dir / "d").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0750u);
    ASSERT_EQ(stat((dir / "f").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0640u);
    ASSERT_EQ(stat((dir / "p").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0640u);
    EXPECT_TRUE(S_ISFIFO(st.st_mode));
}

TEST_P(FsNames, MknodKinds)
{
    ASSERT_EQ(mknod((dir / "regular").c_str(), S_IFREG | 0644, 0), 0);
    ASSERT_EQ(mknod((dir / "default").c_str(), 0644, 0), 0) << "type 0 means a regular file";
    ASSERT_EQ(mknod((dir / "null").c_str(), S_IFCHR | 0666, makedev(1, 3)), 0) << strerror(errno);
    struct stat st;
    ASSERT_EQ(stat((dir / "default").c_str(), &st), 0);
    EXPECT_TRUE(S_ISREG(st.st_mode));
    ASSERT_EQ(stat((dir / "null").c_str(), &st), 0);
    EXPECT_TRUE(S_ISCHR(st.st_mode));
    EXPECT_EQ(major(st.st_rdev), 1u);
    EXPECT_EQ(minor(st.st_rdev), 3u);
    EXPECT_ERRNO(EPERM, mknod((dir / "dir").c_str(), S_IFDIR | 0755, 0));
    EXPECT_ERRNO(EINVAL, mknod((dir / "bad").c_str(), 0170000 | 0644, 0));
    EXPECT_ERRNO(EEXIST, mknod((dir / "regular").c_str(), S_IFREG | 0644, 0));
    int status = run_in_child([&] {
        if (!become_nobody())
            return 10;
        FS_CHILD_EXPECT_ERRNO(mknod((dir / "dev").c_str(), S_IFCHR | 0666, makedev(1, 3)), EPERM);
        return mknod((dir / "fifo").c_str(), S_IFIFO | 0666, 0) == 0 ? 0 : 3;
    });
    EXPECT_TRUE(exited_with(status, 0)) << status;
}

TEST_P(FsNames, UnlinkRules)
{
    write_file(dir / "file", "x");
    ASSERT_EQ(mkdir((dir / "sub").c_str(), 0755), 0);
    EXPECT_ERRNO(EISDIR, unlink((dir / "sub").c_str()));
    EXPECT_ERRNO(ENOENT, unlink((dir / "missing").c_str()));
    EXPECT_ERRNO(ENOTDIR, unlink((dir / "file/x").c_str()));
    EXPECT_ERRNO(ENOTDIR, unlink((dir / "file/").c_str()));
    // An open file survives its last name.
    int fd = open((dir / "file").c_str(), O_RDWR);
    ASSERT_GE(fd, 0);
    EXPECT_EQ(unlink((dir / "file").c_str()), 0);
    EXPECT_ERRNO(ENOENT, access((dir / "file").c_str(), F_OK));
    EXPECT_EQ(write(fd, "yz", 2), 2);
    struct stat st;
    ASSERT_EQ(fstat(fd, &st), 0);
    EXPECT_EQ(st.st_nlink, 0u);
    EXPECT_EQ(st.st_size, 2);
    char buffer[4];
    EXPECT_EQ(pread(fd, buffer, sizeof buffer, 0), 2);
    close(fd);
    // unlinkat: AT_REMOVEDIR removes directories only; unknown flags are EINVAL.
    EXPECT_ERRNO(EINVAL, unlinkat(AT_FDCWD, (dir / "sub").c_str(), 0x1));
    EXPECT_EQ(unlinkat(AT_FDCWD, (dir / "sub").c_str(), AT_REMOVEDIR), 0);
}

TEST_P(FsNames, RenameRules)
{
    write_file(dir / "a", "A");
    write_file(dir / "b", "B");
    ASSERT_EQ(mkdir((dir / "d").c_str(), 0755), 0);
    ASSERT_EQ(mkdir((dir / "e").c_str(), 0755), 0);
    write_file(dir / "e/inside", "");

    EXPECT_EQ(rename((dir / "a").c_str(), (dir / "b").c_str()), 0);
    EXPECT_EQ(read_file(dir / "b"), "A");
    EXPECT_ERRNO(ENOENT, access((dir / "a").c_str(), F_OK));
    EXPECT_EQ(rename((dir / "b").c_str(), (dir / "b").c_str()), 0) << "same file: nothing happens";
    EXPECT_ERRNO(EISDIR, rename((dir / "b").c_str(), (dir / "d").c_str()));
    EXPECT_ERRNO(ENOTDIR, rename((dir / "d").c_str(), (dir / "b").c_str()));
    EXPECT_ERRNO(ENOTEMPTY, rename((dir / "d").c_str(), (dir / "e").c_str()));
    EXPECT_ERRNO(EINVAL, rename((dir / "d").c_str(), (dir / "d/sub").c_str()));
    EXPECT_ERRNO(ENOENT, rename((dir / "missing").c_str(), (dir / "x").c_str()));
    // Directories move with their contents; an empty target directory is replaced.
    EXPECT_EQ(rename((dir / "e").c_str(), (dir / "d").c_str()), 0);
    EXPECT_EQ(access((dir / "d/inside").c_str(), F_OK), 0);
    EXPECT_EQ(rename((dir / "d").c_str(), (dir / "moved").c_str()), 0);

    write_file(dir / "c", "C");
    EXPECT_ERRNO(
        EEXIST, syscall(SYS_renameat2, AT_FDCWD, (dir / "c").c_str(), AT_FDCWD, (dir / "b").c_str(), RENAME_NOREPLACE));
    EXPECT_EQ(
        syscall(SYS_renameat2, AT_FDCWD, (dir / "c").c_str(), AT_FDCWD, (dir / "new").c_str(), RENAME_NOREPLACE), 0);
    EXPECT_ERRNO(EINVAL,
        syscall(SYS_renameat2, AT_FDCWD, (dir / "new").c_str(), AT_FDCWD, (dir / "x").c_str(),
            RENAME_NOREPLACE | RENAME_EXCHANGE));
    EXPECT_ERRNO(EINVAL, syscall(SYS_renameat2, AT_FDCWD, (dir / "new").c_str(), AT_FDCWD, (dir / "x").c_str(), 0x100));
}

TEST_P(FsNames, HardLinks)
{
    write_file(dir / "file", "data");
    ASSERT_EQ(link((dir / "file").c_str(), (dir / "other").c_str()), 0) << strerror(errno);
    struct stat a, b;
    ASSERT_EQ(stat((dir / "file").c_str(), &a), 0);
    ASSERT_EQ(stat((dir / "other").c_str(), &b), 0);
    EXPECT_EQ(a.st_ino, b.st_ino);
    EXPECT_EQ(a.st_nlink, 2u);
    EXPECT_ERRNO(EEXIST, link((dir / "file").c_str(), (dir / "other").c_str()));
    EXPECT_ERRNO(EPERM, link(dir.path().c_str(), (dir / "dirlink").c_str()));
    EXPECT_ERRNO(ENOENT, link((dir / "missing").c_str(), (dir / "x").c_str()));
    EXPECT_EQ(unlink((dir / "file").c_str()), 0);
    EXPECT_EQ(read_file(dir / "other"), "data");
    ASSERT_EQ(stat((dir / "other").c_str(), &b), 0);
    EXPECT_EQ(b.st_nlink, 1u);
    // linkat links the symlink itself unless AT_SYMLINK_FOLLOW.
    ASSERT_EQ(symlink("other", (dir / "sym").c_str()), 0);
    ASSERT_EQ(linkat(AT_FDCWD, (dir / "sym").c_str(), AT_FDCWD, (dir / "sym2").c_str(), 0), 0);
    ASSERT_EQ(linkat(AT_FDCWD, (dir / "sym").c_str(), AT_FDCWD, (dir / "followed").c_str(), AT_SYMLINK_FOLLOW), 0);
    struct stat st;
    ASSERT_EQ(lstat((dir / "sym2").c_str(), &st), 0);
    EXPECT_TRUE(S_ISLNK(st.st_mode));
    ASSERT_EQ(lstat((dir / "followed").c_str(), &st), 0);
    EXPECT_TRUE(S_ISREG(st.st_mode));
    EXPECT_ERRNO(EINVAL, linkat(AT_FDCWD, (dir / "sym").c_str(), AT_FDCWD, (dir / "x").c_str(), 0x1));
}

TEST_P(FsNames, SymlinksAndReadlink)
{
    ASSERT_EQ(symlink("target/path", (dir / "link").c_str()), 0);
    char buffer[64];
    EXPECT_EQ(readlink((dir / "link").c_str(), buffer, sizeof buffer), 11);
    EXPECT_EQ(std::string(buffer, 11), "target/path");
    EXPECT_EQ(readlink((dir / "link").c_str(), buffer, 4), 4) << "truncated silently";
    EXPECT_EQ(std::string(buffer, 4), "targ");
    EXPECT_ERRNO(EINVAL, readlink((dir / "link").c_str(), buffer, 0));
    write_file(dir / "file", "");
    EXPECT_ERRNO(EINVAL, readlink((dir / "file").c_str(), buffer, sizeof buffer));
    EXPECT_ERRNO(ENOENT, readlink((dir / "missing").c_str(), buffer, sizeof buffer));
    EXPECT_ERRNO(EEXIST, symlink("x", (dir / "link").c_str()));
    EXPECT_ERRNO(ENOENT, symlink("", (dir / "empty").c_str()));
    struct stat st;
    ASSERT_EQ(lstat((dir / "link").c_str(), &st), 0);
    EXPECT_TRUE(S_ISLNK(st.st_mode));
    EXPECT_EQ(st.st_size, 11);
    EXPECT_ERRNO(ENOENT, stat((dir / "link").c_str(), &st)); // dangling
    // A loop: ELOOP.
    ASSERT_EQ(symlink("loop2", (dir / "loop1").c_str()), 0);
    ASSERT_EQ(symlink("loop1", (dir / "loop2").c_str()), 0);
    EXPECT_ERRNO(ELOOP, open((dir / "loop1").c_str(), O_RDONLY));
    // Relative targets resolve from the link's directory; absolute ones from the root.
    ASSERT_EQ(mkdir((dir / "sub").c_str(), 0755), 0);
    write_file(dir / "sub/data", "payload");
    ASSERT_EQ(symlink("sub/data", (dir / "rel").c_str()), 0);
    ASSERT_EQ(symlink((dir / "sub").c_str(), (dir / "abs").c_str()), 0);
    EXPECT_EQ(read_file(dir / "rel"), "payload");
    EXPECT_EQ(read_file(dir / "abs/data"), "payload");
    // readlinkat with an empty path reads the link an O_PATH descriptor names.
    int fd = open((dir / "rel").c_str(), O_PATH | O_NOFOLLOW);
    ASSERT_GE(fd, 0) << strerror(errno);
    EXPECT_EQ(readlinkat(fd, "", buffer, sizeof buffer), 8);
    close(fd);
}

TEST_P(FsNames, AtFormsResolveAgainstDirfd)
{
    ASSERT_EQ(mkdir((dir / "sub").c_str(), 0755), 0);
    int dirfd = open((dir / "sub").c_str(), O_RDONLY | O_DIRECTORY);
    ASSERT_GE(dirfd, 0);
    int fd = openat(dirfd, "file", O_CREAT | O_WRONLY, 0644);
    ASSERT_GE(fd, 0);
    close(fd);
    EXPECT_EQ(access((dir / "sub/file").c_str(), F_OK), 0);
    EXPECT_EQ(mkdirat(dirfd, "d", 0755), 0);
    EXPECT_EQ(symlinkat("file", dirfd, "s"), 0);
    EXPECT_EQ(linkat(dirfd, "file", dirfd, "h", 0), 0);
    EXPECT_EQ(renameat(dirfd, "h", dirfd, "h2"), 0);
    struct stat st;
    EXPECT_EQ(fstatat(dirfd, "h2", &st, 0), 0);
    EXPECT_EQ(fstatat(dirfd, "s", &st, AT_SYMLINK_NOFOLLOW), 0);
    EXPECT_TRUE(S_ISLNK(st.st_mode));
    EXPECT_EQ(unlinkat(dirfd, "d", AT_REMOVEDIR), 0);
    // An absolute path ignores dirfd, even an invalid one.
    EXPECT_EQ(fstatat(999, (dir / "sub/file").c_str(), &st, 0), 0);
    EXPECT_ERRNO(EBADF, fstatat(999, "file", &st, 0));
    int file = open((dir / "sub/file").c_str(), O_RDONLY);
    EXPECT_ERRNO(ENOTDIR, fstatat(file, "x", &st, 0));
    EXPECT_ERRNO(ENOTDIR, openat(file, "x", O_RDONLY));
    close(file);
    // ".." from a dirfd.
    EXPECT_EQ(fstatat(dirfd, "..", &st, 0), 0);
    struct stat parent;
    ASSERT_EQ(stat(dir.path().c_str(), &parent), 0);
    EXPECT_EQ(st.st_ino, parent.st_ino);
    close(dirfd);
}

TEST_P(FsNames, ChdirFchdirGetcwd)
{
    char saved[4096];
    ASSERT_NE(getcwd(saved, sizeof saved), nullptr);
    ASSERT_EQ(mkdir((dir / "sub").c_str(), 0755), 0);
    ASSERT_EQ(chdir((dir / "sub").c_str()), 0);
    char buffer[4096];
    ASSERT_NE(getcwd(buffer, sizeof buffer), nullptr);
    EXPECT_EQ(std::string(buffer), dir / "sub");
    EXPECT_EQ(syscall(SYS_getcwd, buffer, sizeof buffer), long((dir / "sub").size() + 1)) << "the length with the NUL";
    EXPECT_ERRNO(ERANGE, syscall(SYS_getcwd, buffer, 3));
    write_file("relative", "r");
    EXPECT_EQ(read_file(dir / "sub/relative"), "r");
    ASSERT_EQ(chdir(".."), 0);
    ASSERT_NE(getcwd(buffer, sizeof buffer), nullptr);
    EXPECT_EQ(std::string(buffer), dir.path());
    EXPECT_ERRNO(ENOTDIR, chdir((dir / "sub/relative").c_str()));
    EXPECT_ERRNO(ENOENT, chdir((dir / "missing").c_str()));
    int fd = open((dir / "sub").c_str(), O_RDONLY | O_DIRECTORY);
    ASSERT_EQ(fchdir(fd), 0);
    ASSERT_NE(getcwd(buffer, sizeof buffer), nullptr);
    EXPECT_EQ(std::string(buffer), dir / "sub");
    close(fd);
    fd = open((dir / "sub/relative").c_str(), O_RDONLY);
    EXPECT_ERRNO(ENOTDIR, fchdir(fd));
    close(fd);
    EXPECT_ERRNO(EBADF, fchdir(999));
    ASSERT_EQ(chdir(saved), 0);
    // Another user may not enter a directory without search permission.
    ASSERT_EQ(chmod((dir / "sub").c_str(), 0700), 0);
    int status = run_in_child([&] {
        if (!become_nobody())
            return 10;
        FS_CHILD_EXPECT_ERRNO(chdir((dir / "sub").c_str()), EACCES);
        return 0;
    });
    EXPECT_TRUE(exited_with(status, 0)) << status;
}

TEST_P(FsNames, CrossFilesystemRenameAndLink)
{
    const char* other_root = std::string(GetParam()) == "/tmp" ? "/var" : "/tmp";
    ScratchDir other(other_root, "fs_names_other");
    struct stat here, there;
    ASSERT_EQ(stat(dir.path().c_str(), &here), 0);
    ASSERT_EQ(stat(other.path().c_str(), &there), 0);
    if (here.st_dev == there.st_dev)
        GTEST_SKIP() << "/var and /tmp are one filesystem here";
    write_file(dir / "file", "x");
    EXPECT_ERRNO(EXDEV, rename((dir / "file").c_str(), (other / "file").c_str()));
    EXPECT_ERRNO(EXDEV, link((dir / "file").c_str(), (other / "file").c_str()));
}

INSTANTIATE_TEST_SUITE_P(Filesystems, FsNames, testing::ValuesIn(filesystem_roots), root_name);

TEST(FsMount, TmpfsMountAndUmount)
{
    ScratchDir dir("/var", "fs_mount");
    std::string point = dir / "mnt";
    ASSERT_EQ(mkdir(point.c_str(), 0755), 0);
    if (mount("none", point.c_str(), "tmpfs", 0, "mode=0700") != 0) {
        if (errno == EPERM && getuid() == 0)
            GTEST_SKIP() << "mount is not permitted to this (containerized) host's root";
        FAIL() << "mount: " << strerror(errno);
    }
    struct statfs fs;
    ASSERT_EQ(statfs(point.c_str(), &fs), 0);
    EXPECT_EQ(fs.f_type, 0x01021994) << "TMPFS_MAGIC";
    struct stat st;
    ASSERT_EQ(stat(point.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0700u);
    write_file(point + "/file", "in tmpfs");
    EXPECT_ERRNO(EBUSY, rmdir(point.c_str()));
    EXPECT_ERRNO(EXDEV, rename((point + "/file").c_str(), (dir / "file").c_str()));
    EXPECT_EQ(umount2(point.c_str(), 0), 0) << strerror(errno);
    EXPECT_ERRNO(ENOENT, access((point + "/file").c_str(), F_OK)); // gone with the mount
    EXPECT_ERRNO(EINVAL, umount2(point.c_str(), 0)); // not a mount point
    EXPECT_ERRNO(ENODEV, mount("none", point.c_str(), "no-such-fs", 0, nullptr));
    EXPECT_ERRNO(ENOENT, mount("none", (dir / "missing").c_str(), "tmpfs", 0, nullptr));
    EXPECT_ERRNO(EINVAL, umount2(point.c_str(), 0x100));
    int status = run_in_child([&] {
        if (!become_nobody())
            return 10;
        FS_CHILD_EXPECT_ERRNO(mount("none", point.c_str(), "tmpfs", 0, nullptr), EPERM);
        FS_CHILD_EXPECT_ERRNO(umount2("/tmp", 0), EPERM);
        return 0;
    });
    EXPECT_TRUE(exited_with(status, 0)) << status;
}

// The first field of the /proc/mounts line for mount point, or "" when it is not listed.
static std::string mounts_source_of(const std::string& point)
{
    std::string mounts = read_file("/proc/mounts");
    size_t start = 0;
    while (start < mounts.size()) {
        size_t end = mounts.find('\n', start);
        if (end == std::string::npos)
            end = mounts.size();
        std::string line = mounts.substr(start, end - start);
        size_t space = line.find(' ');
        if (space != std::string::npos && line.compare(space + 1, point.size() + 1, point + " ") == 0)
            return line.substr(0, space);
        start = end + 1;
    }
    return "";
}

// /proc/mounts shows the source mount(2) was given, with space, tab, newline and backslash
// in octal, and "none" when it got no source at all.
TEST(FsMount, ProcMountsShowsTheSource)
{
    ScratchDir dir("/var", "fs_mount");
    std::string point = dir / "mnt";
    ASSERT_EQ(mkdir(point.c_str(), 0755), 0);
    if (mount("my src\\x", point.c_str(), "tmpfs", 0, nullptr) != 0) {
        if (errno == EPERM && getuid() == 0)
            GTEST_SKIP() << "mount is not permitted to this (containerized) host's root";
        FAIL() << "mount: " << strerror(errno);
    }
    EXPECT_EQ(mounts_source_of(point), "my\\040src\\134x");
    ASSERT_EQ(umount2(point.c_str(), 0), 0) << strerror(errno);
    ASSERT_EQ(mount(nullptr, point.c_str(), "tmpfs", 0, nullptr), 0) << strerror(errno);
    EXPECT_EQ(mounts_source_of(point), "none");
    ASSERT_EQ(umount2(point.c_str(), 0), 0) << strerror(errno);
    EXPECT_EQ(mounts_source_of(point), "");
    EXPECT_ERRNO(EFAULT, mount(reinterpret_cast<const char*>(1), point.c_str(), "tmpfs", 0, nullptr));
}

TEST(FsMount, ProcMount)
{
    ScratchDir dir("/var", "fs_mount");
    std::string point = dir / "proc";
    ASSERT_EQ(mkdir(point.c_str(), 0755), 0);
    if (mount("proc", point.c_str(), "proc", 0, nullptr) != 0) {
        if (errno == EPERM && getuid() == 0)
            GTEST_SKIP() << "mount is not permitted to this (containerized) host's root";
        FAIL() << "mount: " << strerror(errno);
    }
    struct statfs fs;
    ASSERT_EQ(statfs(point.c_str(), &fs), 0);
    EXPECT_EQ(fs.f_type, 0x9fa0) << "PROC_SUPER_MAGIC";
    char buffer[64];
    ssize_t n = readlink((point + "/self").c_str(), buffer, sizeof buffer - 1);
    ASSERT_GT(n, 0);
    EXPECT_EQ(std::string(buffer, size_t(n)), std::to_string(getpid()));
    EXPECT_EQ(umount2(point.c_str(), 0), 0) << strerror(errno);
}

} // namespace
