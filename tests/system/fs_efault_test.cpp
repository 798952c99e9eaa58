// fs_efault_test — every pointer-taking file syscall answers EFAULT for a pointer to unmapped
// memory and for a kernel address, and the kernel keeps running. Raw syscall(2) throughout,
// so glibc never touches the pointers itself. Linux's behaviour (the same binary runs under
// qemu-riscv64).
#include "fs_test_support.h"

#include <linux/stat.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/statfs.h>
#include <sys/uio.h>

using namespace fstest;

namespace {

class FsEfault : public testing::TestWithParam<void*> {
protected:
    void SetUp() override
    {
        bad = GetParam();
        path = dir / "file";
        write_file(path, "0123456789");
        fd = open(path.c_str(), O_RDWR);
        ASSERT_GE(fd, 0);
        dirfd = open(dir.path().c_str(), O_RDONLY | O_DIRECTORY);
        ASSERT_GE(dirfd, 0);
    }
    void TearDown() override
    {
        close(fd);
        close(dirfd);
    }

    ScratchDir dir { "/tmp", "fs_efault" };
    void* bad = nullptr;
    std::string path;
    int fd = -1, dirfd = -1;
};

TEST_P(FsEfault, PathArguments)
{
    EXPECT_ERRNO(EFAULT, syscall(SYS_openat, AT_FDCWD, bad, O_RDONLY));
    EXPECT_ERRNO(EFAULT, syscall(SYS_openat, AT_FDCWD, bad, O_CREAT | O_WRONLY, 0644));
    EXPECT_ERRNO(EFAULT, syscall(SYS_mkdirat, dirfd, bad, 0755));
    EXPECT_ERRNO(EFAULT, syscall(SYS_mknodat, dirfd, bad, S_IFIFO | 0644, 0));
    EXPECT_ERRNO(EFAULT, syscall(SYS_unlinkat, dirfd, bad, 0));
    EXPECT_ERRNO(EFAULT, syscall(SYS_unlinkat, dirfd, bad, AT_REMOVEDIR));
    EXPECT_ERRNO(EFAULT, syscall(SYS_renameat2, dirfd, bad, dirfd, "x", 0));
    EXPECT_ERRNO(EFAULT, syscall(SYS_renameat2, dirfd, "file", dirfd, bad, 0));
    EXPECT_ERRNO(EFAULT, syscall(SYS_linkat, dirfd, bad, dirfd, "x", 0));
    EXPECT_ERRNO(EFAULT, syscall(SYS_linkat, dirfd, "file", dirfd, bad, 0));
    EXPECT_ERRNO(EFAULT, syscall(SYS_symlinkat, bad, dirfd, "x"));
    EXPECT_ERRNO(EFAULT, syscall(SYS_symlinkat, "target", dirfd, bad));
    char buffer[64];
    EXPECT_ERRNO(EFAULT, syscall(SYS_readlinkat, dirfd, bad, buffer, sizeof buffer));
    EXPECT_ERRNO(EFAULT, syscall(SYS_faccessat, dirfd, bad, R_OK));
    EXPECT_ERRNO(EFAULT, syscall(SYS_fchmodat, dirfd, bad, 0644));
    EXPECT_ERRNO(EFAULT, syscall(SYS_fchownat, dirfd, bad, 0, 0, 0));
    EXPECT_ERRNO(EFAULT, syscall(SYS_utimensat, dirfd, bad, nullptr, 0));
    struct stat st;
    EXPECT_ERRNO(EFAULT, syscall(SYS_newfstatat, dirfd, bad, &st, 0));
    struct statx sx;
    EXPECT_ERRNO(EFAULT, syscall(SYS_statx, dirfd, bad, 0, STATX_BASIC_STATS, &sx));
    EXPECT_ERRNO(EFAULT, syscall(SYS_truncate, bad, 0));
    EXPECT_ERRNO(EFAULT, syscall(SYS_chdir, bad));
    struct statfs sf;
    EXPECT_ERRNO(EFAULT, syscall(SYS_statfs, bad, &sf));
    EXPECT_ERRNO(EFAULT, syscall(SYS_mount, "none", bad, "tmpfs", 0, nullptr));
    EXPECT_ERRNO(EFAULT, syscall(SYS_umount2, bad, 0));
    // Nothing was created along the way.
    EXPECT_EQ(access((dir / "x").c_str(), F_OK), -1);
}

TEST_P(FsEfault, DataBuffers)
{
    EXPECT_ERRNO(EFAULT, syscall(SYS_read, fd, bad, 4));
    EXPECT_ERRNO(EFAULT, syscall(SYS_write, fd, bad, 4));
    EXPECT_ERRNO(EFAULT, syscall(SYS_pread64, fd, bad, 4, 0));
    EXPECT_ERRNO(EFAULT, syscall(SYS_pwrite64, fd, bad, 4, 0));
    EXPECT_EQ(lseek(fd, 0, SEEK_CUR), 0) << "a failed read does not move the offset";
    EXPECT_EQ(read_file(path), "0123456789") << "a failed write changes nothing";

    // The iovec array itself, and an iovec pointing at bad memory.
    EXPECT_ERRNO(EFAULT, syscall(SYS_readv, fd, bad, 1));
    EXPECT_ERRNO(EFAULT, syscall(SYS_writev, fd, bad, 1));
    iovec vector = { bad, 4 };
    EXPECT_ERRNO(EFAULT, syscall(SYS_readv, fd, &vector, 1));
    EXPECT_ERRNO(EFAULT, syscall(SYS_writev, fd, &vector, 1));
    EXPECT_ERRNO(EFAULT, syscall(SYS_preadv, fd, &vector, 1, 0, 0));
    EXPECT_ERRNO(EFAULT, syscall(SYS_pwritev, fd, &vector, 1, 0, 0));

    EXPECT_ERRNO(EFAULT, syscall(SYS_getdents64, dirfd, bad, 4096));
    ASSERT_EQ(symlink("file", (dir / "link").c_str()), 0);
    EXPECT_ERRNO(EFAULT, syscall(SYS_readlinkat, dirfd, "link", bad, 64));
    EXPECT_ERRNO(EFAULT, syscall(SYS_getcwd, bad, 4096));
}

TEST_P(FsEfault, StructArguments)
{
    EXPECT_ERRNO(EFAULT, syscall(SYS_fstat, fd, bad));
    EXPECT_ERRNO(EFAULT, syscall(SYS_newfstatat, dirfd, "file", bad, 0));
    EXPECT_ERRNO(EFAULT, syscall(SYS_statx, dirfd, "file", 0, STATX_BASIC_STATS, bad));
    EXPECT_ERRNO(EFAULT, syscall(SYS_fstatfs, fd, bad));
    EXPECT_ERRNO(EFAULT, syscall(SYS_statfs, path.c_str(), bad));
    EXPECT_ERRNO(EFAULT, syscall(SYS_utimensat, dirfd, "file", bad, 0));
    EXPECT_ERRNO(EFAULT, syscall(SYS_pipe2, bad, 0));
    EXPECT_ERRNO(EFAULT, syscall(SYS_fcntl, fd, F_GETLK, bad));
    EXPECT_ERRNO(EFAULT, syscall(SYS_fcntl, fd, F_SETLK, bad));
    EXPECT_ERRNO(EFAULT, syscall(SYS_ioctl, fd, FIONREAD, bad));
    EXPECT_ERRNO(EFAULT, syscall(SYS_ioctl, fd, FIONBIO, bad));

    int out = open((dir / "out").c_str(), O_CREAT | O_WRONLY, 0644);
    ASSERT_GE(out, 0);
    EXPECT_ERRNO(EFAULT, syscall(SYS_sendfile, out, fd, bad, 4));
    close(out);

    EXPECT_ERRNO(EFAULT, syscall(SYS_ppoll, bad, 1, nullptr, nullptr, 8));
    pollfd entry = { fd, POLLIN, 0 };
    EXPECT_ERRNO(EFAULT, syscall(SYS_ppoll, &entry, 1, bad, nullptr, 8));
    EXPECT_ERRNO(EFAULT, syscall(SYS_ppoll, &entry, 1, nullptr, bad, 8));
    EXPECT_ERRNO(EFAULT, syscall(SYS_pselect6, fd + 1, bad, nullptr, nullptr, nullptr, nullptr));
    struct timespec zero = { 0, 0 };
    EXPECT_ERRNO(EFAULT, syscall(SYS_pselect6, 1, nullptr, nullptr, nullptr, bad, nullptr));
    EXPECT_ERRNO(EFAULT, syscall(SYS_pselect6, 1, nullptr, nullptr, nullptr, &zero, bad));

    // No descriptor leaked out of the failed pipe2 (qemu-user creates the pipe on the host
    // before it copies the numbers out, and leaks both when that copy faults).
    if (!under_qemu_user()) {
        int probe = dup(0);
        EXPECT_EQ(probe, dirfd + 1);
        close(probe);
    }
}

INSTANTIATE_TEST_SUITE_P(Pointers, FsEfault, testing::Values(bad_user_pointer, kernel_pointer),
    [](const testing::TestParamInfo<void*>& info) {
        return info.index == 0 ? std::string("Unmapped") : std::string("Kernel");
    });

} // namespace
