// fs_attr_test — attributes on ext2 (/var) and tmpfs (/tmp): stat/fstat/newfstatat/statx,
// chmod/chown, utimensat, access/faccessat, statfs/fstatfs, and permission checks between
// root and uid 65534 (a forked child drops to nobody). Linux's behaviour (the same binary
// runs under qemu-riscv64).
#include "fs_test_support.h"

#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <sys/time.h>

using namespace fstest;

namespace {

class FsAttr : public testing::TestWithParam<const char*> {
protected:
    ScratchDir dir { GetParam(), "fs_attr" };
};

TEST_P(FsAttr, StatFormsAgree)
{
    std::string path = dir / "file";
    write_file(path, "12345", 0640);
    ASSERT_EQ(chmod(path.c_str(), 0640), 0);
    struct stat by_path, by_fd, by_at;
    ASSERT_EQ(stat(path.c_str(), &by_path), 0);
    int fd = open(path.c_str(), O_RDONLY);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(fstat(fd, &by_fd), 0);
    ASSERT_EQ(fstatat(fd, "", &by_at, AT_EMPTY_PATH), 0);
    for (const struct stat* st : { &by_path, &by_fd, &by_at }) {
        EXPECT_EQ(st->st_ino, by_path.st_ino);
        EXPECT_EQ(st->st_dev, by_path.st_dev);
        EXPECT_EQ(st->st_mode, S_IFREG | 0640u);
        EXPECT_EQ(st->st_nlink, 1u);
        EXPECT_EQ(st->st_uid, 0u);
        EXPECT_EQ(st->st_gid, 0u);
        EXPECT_EQ(st->st_size, 5);
        EXPECT_GT(st->st_blksize, 0);
    }
    EXPECT_ERRNO(ENOENT, fstatat(fd, "", &by_at, 0));
    EXPECT_ERRNO(EINVAL, fstatat(AT_FDCWD, path.c_str(), &by_at, 0x4000000));
    close(fd);

    struct statx sx;
    ASSERT_EQ(statx(AT_FDCWD, path.c_str(), 0, STATX_BASIC_STATS, &sx), 0) << strerror(errno);
    EXPECT_EQ(sx.stx_mask & STATX_BASIC_STATS, STATX_BASIC_STATS);
    EXPECT_EQ(sx.stx_ino, by_path.st_ino);
    EXPECT_EQ(sx.stx_size, 5u);
    EXPECT_EQ(sx.stx_mode, S_IFREG | 0640u);
    EXPECT_EQ(sx.stx_nlink, 1u);
    EXPECT_EQ(sx.stx_mtime.tv_sec, by_path.st_mtim.tv_sec);
    EXPECT_EQ(sx.stx_mtime.tv_nsec, uint32_t(by_path.st_mtim.tv_nsec));
    EXPECT_EQ(makedev(sx.stx_dev_major, sx.stx_dev_minor), by_path.st_dev);
    EXPECT_ERRNO(EINVAL, statx(AT_FDCWD, path.c_str(), 0, 0x80000000u, &sx));
    EXPECT_ERRNO(ENOENT, statx(AT_FDCWD, "", 0, STATX_BASIC_STATS, &sx));

    // Directories and symlinks.
    struct stat st;
    ASSERT_EQ(stat(dir.path().c_str(), &st), 0);
    EXPECT_TRUE(S_ISDIR(st.st_mode));
    ASSERT_EQ(symlink("file", (dir / "link").c_str()), 0);
    ASSERT_EQ(lstat((dir / "link").c_str(), &st), 0);
    EXPECT_TRUE(S_ISLNK(st.st_mode));
    EXPECT_EQ(st.st_size, 4);
    ASSERT_EQ(stat((dir / "link").c_str(), &st), 0);
    EXPECT_TRUE(S_ISREG(st.st_mode));
    ASSERT_EQ(statx(AT_FDCWD, (dir / "link").c_str(), AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, &sx), 0);
    EXPECT_TRUE(S_ISLNK(sx.stx_mode));
}

TEST_P(FsAttr, ModificationTimesAdvance)
{
    std::string path = dir / "file";
    write_file(path, "a");
    struct timespec times[2] = { { 1000000000, 5 }, { 1100000000, 123456789 } };
    ASSERT_EQ(utimensat(AT_FDCWD, path.c_str(), times, 0), 0) << strerror(errno);
    struct stat st;
    ASSERT_EQ(stat(path.c_str(), &st), 0);
    EXPECT_EQ(st.st_atim.tv_sec, 1000000000);
    EXPECT_EQ(st.st_mtim.tv_sec, 1100000000);
    // ext2 keeps whole seconds; tmpfs keeps nanoseconds.
    EXPECT_TRUE(st.st_mtim.tv_nsec == 123456789 || st.st_mtim.tv_nsec == 0) << st.st_mtim.tv_nsec;

    // UTIME_OMIT keeps a time; UTIME_NOW sets it to now.
    struct timespec omit_now[2] = { { 0, UTIME_OMIT }, { 0, UTIME_NOW } };
    time_t before = time(nullptr);
    ASSERT_EQ(utimensat(AT_FDCWD, path.c_str(), omit_now, 0), 0);
    ASSERT_EQ(stat(path.c_str(), &st), 0);
    EXPECT_EQ(st.st_atim.tv_sec, 1000000000);
    EXPECT_GE(st.st_mtim.tv_sec, before - 1);
    EXPECT_LE(st.st_mtim.tv_sec, time(nullptr) + 1);

    struct timespec bad[2] = { { 0, 1000000000 }, { 0, 0 } };
    EXPECT_ERRNO(EINVAL, utimensat(AT_FDCWD, path.c_str(), bad, 0));
    EXPECT_ERRNO(EINVAL, utimensat(AT_FDCWD, path.c_str(), nullptr, 0x1));
    // The path comes before the times' validity, and "omit both" never looks at the path.
    EXPECT_ERRNO(ENOENT, utimensat(AT_FDCWD, (dir / "missing").c_str(), bad, 0));
    struct timespec omit_both[2] = { { 0, UTIME_OMIT }, { 0, UTIME_OMIT } };
    EXPECT_EQ(utimensat(AT_FDCWD, (dir / "missing").c_str(), omit_both, 0), 0);
    // futimens: the null-path form acts on the descriptor.
    int fd = open(path.c_str(), O_RDONLY);
    ASSERT_EQ(futimens(fd, times), 0);
    ASSERT_EQ(fstat(fd, &st), 0);
    EXPECT_EQ(st.st_mtim.tv_sec, 1100000000);
    close(fd);

    // A write moves mtime forward (to "now").
    ASSERT_EQ(utimensat(AT_FDCWD, path.c_str(), times, 0), 0);
    fd = open(path.c_str(), O_WRONLY);
    ASSERT_EQ(write(fd, "b", 1), 1);
    close(fd);
    ASSERT_EQ(stat(path.c_str(), &st), 0);
    EXPECT_GE(st.st_mtim.tv_sec, before - 1);
}

TEST_P(FsAttr, ChmodAndChownAsRoot)
{
    std::string path = dir / "file";
    write_file(path, "x");
    ASSERT_EQ(chmod(path.c_str(), 04751), 0);
    struct stat st;
    ASSERT_EQ(stat(path.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 04751u);
    int fd = open(path.c_str(), O_RDONLY);
    ASSERT_EQ(fchmod(fd, 0600), 0);
    ASSERT_EQ(fstat(fd, &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0600u);
    ASSERT_EQ(fchmodat(AT_FDCWD, path.c_str(), 0644, 0), 0);

    ASSERT_EQ(chown(path.c_str(), 65534, 65534), 0);
    ASSERT_EQ(stat(path.c_str(), &st), 0);
    EXPECT_EQ(st.st_uid, 65534u);
    EXPECT_EQ(st.st_gid, 65534u);
    ASSERT_EQ(fchown(fd, uid_t(-1), 0), 0) << "-1 leaves the owner";
    ASSERT_EQ(fstat(fd, &st), 0);
    EXPECT_EQ(st.st_uid, 65534u);
    EXPECT_EQ(st.st_gid, 0u);
    close(fd);

    // chown clears set-user-ID.
    ASSERT_EQ(chmod(path.c_str(), 04755), 0);
    ASSERT_EQ(chown(path.c_str(), 0, 0), 0);
    ASSERT_EQ(stat(path.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0755u);

    // lchown/fchownat(AT_SYMLINK_NOFOLLOW) change the link itself.
    ASSERT_EQ(symlink("file", (dir / "link").c_str()), 0);
    ASSERT_EQ(lchown((dir / "link").c_str(), 65534, 65534), 0);
    ASSERT_EQ(lstat((dir / "link").c_str(), &st), 0);
    EXPECT_EQ(st.st_uid, 65534u);
    ASSERT_EQ(stat(path.c_str(), &st), 0);
    EXPECT_EQ(st.st_uid, 0u);
    EXPECT_ERRNO(ENOENT, chmod((dir / "missing").c_str(), 0644));
}

TEST_P(FsAttr, AccessChecksRealIds)
{
    std::string path = dir / "file";
    write_file(path, "x");
    ASSERT_EQ(chmod(path.c_str(), 0640), 0);
    EXPECT_EQ(access(path.c_str(), R_OK | W_OK), 0);
    EXPECT_ERRNO(EACCES, access(path.c_str(), X_OK)); // root needs some x bit to execute
    EXPECT_EQ(access(path.c_str(), F_OK), 0);
    EXPECT_ERRNO(ENOENT, access((dir / "missing").c_str(), F_OK));
    EXPECT_ERRNO(EINVAL, access(path.c_str(), 0100));
    EXPECT_EQ(access(dir.path().c_str(), X_OK), 0);
    int status = run_in_child([&] {
        if (!become_nobody())
            return 10;
        FS_CHILD_EXPECT_ERRNO(access(path.c_str(), R_OK), EACCES);
        if (access(path.c_str(), F_OK) != 0)
            return 3;
        return 0;
    });
    EXPECT_TRUE(exited_with(status, 0)) << status;
    ASSERT_EQ(chmod(path.c_str(), 0600), 0); // the group (still root's) must not help
    // With only the effective uid dropped, access() still answers for the real (root) uid;
    // faccessat(AT_EACCESS) for the effective one.
    status = run_in_child([&] {
        if (setresuid(0, 65534, 0) != 0)
            return 10;
        if (access(path.c_str(), R_OK) != 0)
            return 3;
        FS_CHILD_EXPECT_ERRNO(faccessat(AT_FDCWD, path.c_str(), R_OK, AT_EACCESS), EACCES);
        return 0;
    });
    EXPECT_TRUE(exited_with(status, 0)) << status;
}

TEST_P(FsAttr, NobodyIsHeldToTheModeBits)
{
    std::string secret = dir / "secret";
    std::string shared = dir / "shared";
    std::string locked = dir / "locked";
    write_file(secret, "root only");
    ASSERT_EQ(chmod(secret.c_str(), 0600), 0);
    write_file(shared, "everyone");
    ASSERT_EQ(chmod(shared.c_str(), 0644), 0);
    ASSERT_EQ(mkdir(locked.c_str(), 0755), 0);
    write_file(locked + "/inner", "in");

    int status = run_in_child([&] {
        if (!become_nobody())
            return 10;
        FS_CHILD_EXPECT_ERRNO(open(secret.c_str(), O_RDONLY), EACCES);
        FS_CHILD_EXPECT_ERRNO(open(shared.c_str(), O_WRONLY), EACCES);
        FS_CHILD_EXPECT_ERRNO(open(shared.c_str(), O_RDONLY | O_TRUNC), EACCES);
        int fd = open(shared.c_str(), O_RDONLY);
        if (fd < 0)
            return 3;
        FS_CHILD_EXPECT_ERRNO(fchmod(fd, 0777), EPERM);
        FS_CHILD_EXPECT_ERRNO(fchown(fd, 65534, 65534), EPERM);
        close(fd);
        FS_CHILD_EXPECT_ERRNO(chmod(shared.c_str(), 0777), EPERM);
        FS_CHILD_EXPECT_ERRNO(chown(shared.c_str(), 65534, uid_t(-1)), EPERM);
        FS_CHILD_EXPECT_ERRNO(truncate(shared.c_str(), 0), EACCES);
        struct timespec explicit_times[2] = { { 1, 0 }, { 1, 0 } };
        FS_CHILD_EXPECT_ERRNO(utimensat(AT_FDCWD, shared.c_str(), explicit_times, 0), EPERM);
        FS_CHILD_EXPECT_ERRNO(utimensat(AT_FDCWD, shared.c_str(), nullptr, 0), EACCES);
        // A directory without write permission: no new names, no removals, no renames.
        FS_CHILD_EXPECT_ERRNO(open((locked + "/new").c_str(), O_CREAT | O_WRONLY, 0644), EACCES);
        FS_CHILD_EXPECT_ERRNO(mkdir((locked + "/d").c_str(), 0755), EACCES);
        FS_CHILD_EXPECT_ERRNO(unlink((locked + "/inner").c_str()), EACCES);
        FS_CHILD_EXPECT_ERRNO(rename((locked + "/inner").c_str(), (dir / "stolen").c_str()), EACCES);
        FS_CHILD_EXPECT_ERRNO(symlink("x", (locked + "/s").c_str()), EACCES);
        // Its own file in the shared (0777) directory: full control, and nobody owns it.
        fd = open((dir / "mine").c_str(), O_CREAT | O_WRONLY, 0600);
        if (fd < 0)
            return 4;
        struct stat st;
        if (fstat(fd, &st) != 0 || st.st_uid != 65534 || st.st_gid != 65534)
            return 5;
        if (fchmod(fd, 0640) != 0)
            return 6;
        close(fd);
        FS_CHILD_EXPECT_ERRNO(link((dir / "mine").c_str(), (locked + "/h").c_str()), EACCES);
        return 0;
    });
    EXPECT_TRUE(exited_with(status, 0)) << status;

    // A directory without search permission hides its contents.
    ASSERT_EQ(chmod(locked.c_str(), 0700), 0);
    status = run_in_child([&] {
        if (!become_nobody())
            return 10;
        struct stat st;
        FS_CHILD_EXPECT_ERRNO(stat((locked + "/inner").c_str(), &st), EACCES);
        FS_CHILD_EXPECT_ERRNO(open((locked + "/inner").c_str(), O_RDONLY), EACCES);
        return 0;
    });
    EXPECT_TRUE(exited_with(status, 0)) << status;
}

TEST_P(FsAttr, StickyDirectoryProtectsOthersFiles)
{
    std::string sticky = dir / "sticky";
    ASSERT_EQ(mkdir(sticky.c_str(), 0777), 0);
    ASSERT_EQ(chmod(sticky.c_str(), 01777), 0);
    write_file(sticky + "/roots", "r");
    int status = run_in_child([&] {
        if (!become_nobody())
            return 10;
        FS_CHILD_EXPECT_ERRNO(unlink((sticky + "/roots").c_str()), EPERM);
        FS_CHILD_EXPECT_ERRNO(rename((sticky + "/roots").c_str(), (sticky + "/x").c_str()), EPERM);
        int fd = open((sticky + "/mine").c_str(), O_CREAT | O_WRONLY, 0644);
        if (fd < 0)
            return 3;
        close(fd);
        return unlink((sticky + "/mine").c_str()) == 0 ? 0 : 4;
    });
    EXPECT_TRUE(exited_with(status, 0)) << status;
}

TEST_P(FsAttr, StatfsDescribesTheFilesystem)
{
    struct statfs by_path, by_fd;
    ASSERT_EQ(statfs(dir.path().c_str(), &by_path), 0);
    int fd = open(dir.path().c_str(), O_RDONLY);
    ASSERT_EQ(fstatfs(fd, &by_fd), 0);
    close(fd);
    EXPECT_EQ(by_path.f_type, by_fd.f_type);
    EXPECT_GT(by_path.f_bsize, 0);
    EXPECT_GT(by_path.f_blocks, 0u);
    EXPECT_LE(by_path.f_bavail, by_path.f_blocks);
    EXPECT_EQ(by_path.f_namelen, 255);
    EXPECT_ERRNO(ENOENT, statfs((dir / "missing").c_str(), &by_path));
    EXPECT_ERRNO(EBADF, fstatfs(999, &by_path));

    // A pipe's filesystem is pipefs.
    int fds[2];
    ASSERT_EQ(pipe(fds), 0);
    ASSERT_EQ(fstatfs(fds[0], &by_fd), 0);
    EXPECT_EQ(by_fd.f_type, 0x50495045) << "PIPEFS_MAGIC";
    close(fds[0]);
    close(fds[1]);
}

INSTANTIATE_TEST_SUITE_P(Filesystems, FsAttr, testing::ValuesIn(filesystem_roots), root_name);

} // namespace
