// fs_io_test — open/read/write and friends on ext2 (/var) and tmpfs (/tmp): openat flags,
// positional and vector I/O, lseek, getdents64, dup semantics, fcntl, ioctl, sendfile,
// truncate, fsync, RLIMIT_NOFILE, close-on-exec across execve. Linux's behaviour throughout
// (the same binary runs under qemu-riscv64).
#include "fs_test_support.h"

#include <algorithm>
#include <linux/close_range.h>
#include <map>
#include <set>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/sendfile.h>
#include <sys/uio.h>
#include <vector>

using namespace fstest;

namespace {

std::string g_self; // argv[0], for the close-on-exec test

class FsIo : public testing::TestWithParam<const char*> {
protected:
    ScratchDir dir { GetParam(), "fs_io" };
};

TEST_P(FsIo, CreateWriteReadAndStatSize)
{
    std::string path = dir / "file";
    int fd = open(path.c_str(), O_CREAT | O_EXCL | O_RDWR, 0644);
    ASSERT_GE(fd, 0) << strerror(errno);
    EXPECT_EQ(write(fd, "hello, world", 12), 12);
    struct stat st;
    ASSERT_EQ(fstat(fd, &st), 0);
    EXPECT_TRUE(S_ISREG(st.st_mode));
    EXPECT_EQ(st.st_size, 12);
    EXPECT_EQ(lseek(fd, 0, SEEK_SET), 0);
    char buffer[32] = {};
    EXPECT_EQ(read(fd, buffer, sizeof buffer), 12);
    EXPECT_STREQ(buffer, "hello, world");
    EXPECT_EQ(read(fd, buffer, sizeof buffer), 0);
    EXPECT_EQ(close(fd), 0);
    EXPECT_ERRNO(EBADF, close(fd));
}

TEST_P(FsIo, OpenFlagErrors)
{
    std::string path = dir / "file";
    write_file(path, "x");
    EXPECT_ERRNO(EEXIST, open(path.c_str(), O_CREAT | O_EXCL | O_WRONLY, 0644));
    EXPECT_ERRNO(ENOENT, open((dir / "missing").c_str(), O_RDONLY));
    EXPECT_ERRNO(ENOTDIR, open(path.c_str(), O_RDONLY | O_DIRECTORY));
    EXPECT_ERRNO(ENOTDIR, open((path + "/x").c_str(), O_RDONLY));
    EXPECT_ERRNO(EISDIR, open(dir.path().c_str(), O_WRONLY));
    EXPECT_ERRNO(EISDIR, open(dir.path().c_str(), O_RDWR));
    EXPECT_ERRNO(ENOENT, open("", O_RDONLY));
    ASSERT_EQ(symlink("file", (dir / "link").c_str()), 0);
    EXPECT_ERRNO(ELOOP, open((dir / "link").c_str(), O_RDONLY | O_NOFOLLOW));
    EXPECT_ERRNO(EEXIST, open((dir / "link").c_str(), O_CREAT | O_EXCL | O_RDONLY, 0644));
    int fd = open((dir / "link").c_str(), O_RDONLY);
    EXPECT_GE(fd, 0);
    close(fd);
    // O_CREAT through a dangling symlink creates its target.
    ASSERT_EQ(symlink("target", (dir / "dangling").c_str()), 0);
    fd = open((dir / "dangling").c_str(), O_CREAT | O_WRONLY, 0644);
    EXPECT_GE(fd, 0) << strerror(errno);
    close(fd);
    EXPECT_EQ(access((dir / "target").c_str(), F_OK), 0);
}

TEST_P(FsIo, NameTooLong)
{
    std::string component(256, 'a');
    EXPECT_ERRNO(ENAMETOOLONG, open((dir / component).c_str(), O_CREAT | O_WRONLY, 0644));
    std::string long_path(5000, '/');
    EXPECT_ERRNO(ENAMETOOLONG, open(long_path.c_str(), O_RDONLY));
}

TEST_P(FsIo, OTruncAndOAppend)
{
    std::string path = dir / "file";
    write_file(path, "0123456789");
    int fd = open(path.c_str(), O_WRONLY | O_TRUNC);
    ASSERT_GE(fd, 0);
    struct stat st;
    ASSERT_EQ(fstat(fd, &st), 0);
    EXPECT_EQ(st.st_size, 0);
    EXPECT_EQ(write(fd, "abc", 3), 3);
    close(fd);

    fd = open(path.c_str(), O_WRONLY | O_APPEND);
    ASSERT_GE(fd, 0);
    EXPECT_EQ(lseek(fd, 0, SEEK_SET), 0);
    EXPECT_EQ(write(fd, "def", 3), 3);
    EXPECT_EQ(lseek(fd, 0, SEEK_CUR), 6);
    EXPECT_NE(fcntl(fd, F_GETFL) & O_APPEND, 0);
    // pwrite on an O_APPEND file: Linux appends regardless of the offset given, and the
    // file offset stays.
    EXPECT_EQ(pwrite(fd, "xy", 2, 0), 2);
    EXPECT_EQ(lseek(fd, 0, SEEK_CUR), 6);
    close(fd);
    EXPECT_EQ(read_file(path), "abcdefxy");

    // F_SETFL can switch O_APPEND on.
    fd = open(path.c_str(), O_WRONLY);
    ASSERT_EQ(fcntl(fd, F_SETFL, O_APPEND), 0);
    EXPECT_EQ(write(fd, "g", 1), 1);
    close(fd);
    EXPECT_EQ(read_file(path), "abcdefxyg");
}

// O_APPEND writers through separate open files (as shells appending to one log do): every
// record lands whole at the end; none overwrites another.
TEST_P(FsIo, OAppendWritersNeverOverwriteEachOther)
{
    std::string path = dir / "append-race";
    constexpr int writers = 3, records = 150, record_size = 64;
    std::vector<pid_t> children;
    for (int writer = 0; writer < writers; ++writer) {
        pid_t pid = fork();
        if (pid == 0) {
            int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
            std::string record(record_size - 1, static_cast<char>('a' + writer));
            record += '\n';
            for (int i = 0; i < records; ++i) {
                if (write(fd, record.data(), record.size()) != record_size)
                    _exit(1);
                if (i % 16 == 0)
                    sched_yield();
            }
            _exit(0);
        }
        children.push_back(pid);
    }
    for (pid_t pid : children) {
        int status = 0;
        ASSERT_EQ(waitpid(pid, &status, 0), pid);
        EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    std::string contents = read_file(path);
    ASSERT_EQ(contents.size(), size_t(writers * records * record_size));
    int counts[writers] = {};
    for (size_t at = 0; at < contents.size(); at += record_size) {
        char owner = contents[at];
        ASSERT_TRUE(owner >= 'a' && owner < 'a' + writers) << "record at " << at;
        EXPECT_EQ(contents.substr(at, record_size - 1), std::string(record_size - 1, owner)) << "at " << at;
        ++counts[owner - 'a'];
    }
    for (int writer = 0; writer < writers; ++writer)
        EXPECT_EQ(counts[writer], records);
}

TEST_P(FsIo, AccessModeIsEnforced)
{
    std::string path = dir / "file";
    write_file(path, "data");
    int fd = open(path.c_str(), O_RDONLY);
    ASSERT_GE(fd, 0);
    EXPECT_ERRNO(EBADF, write(fd, "x", 1));
    EXPECT_ERRNO(EINVAL, ftruncate(fd, 0));
    close(fd);
    fd = open(path.c_str(), O_WRONLY);
    ASSERT_GE(fd, 0);
    char c;
    EXPECT_ERRNO(EBADF, read(fd, &c, 1));
    close(fd);
    fd = open(dir.path().c_str(), O_RDONLY | O_DIRECTORY);
    ASSERT_GE(fd, 0);
    EXPECT_ERRNO(EISDIR, read(fd, &c, 1));
    close(fd);
}

TEST_P(FsIo, OPathDescriptorsOnlyName)
{
    std::string path = dir / "file";
    write_file(path, "data");
    int fd = open(path.c_str(), O_PATH);
    ASSERT_GE(fd, 0) << strerror(errno);
    char c;
    EXPECT_ERRNO(EBADF, read(fd, &c, 1));
    EXPECT_ERRNO(EBADF, write(fd, &c, 1));
    EXPECT_ERRNO(EBADF, lseek(fd, 0, SEEK_SET));
    struct stat st;
    EXPECT_EQ(fstat(fd, &st), 0);
    EXPECT_EQ(st.st_size, 4);
    EXPECT_ERRNO(EBADF, fchmod(fd, 0600));
    close(fd);
}

TEST_P(FsIo, PreadPwriteLeaveTheOffset)
{
    std::string path = dir / "file";
    write_file(path, "0123456789");
    int fd = open(path.c_str(), O_RDWR);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(lseek(fd, 2, SEEK_SET), 2);
    char buffer[4] = {};
    EXPECT_EQ(pread(fd, buffer, 3, 5), 3);
    EXPECT_EQ(std::string(buffer, 3), "567");
    EXPECT_EQ(pwrite(fd, "xy", 2, 8), 2);
    EXPECT_EQ(lseek(fd, 0, SEEK_CUR), 2);
    EXPECT_EQ(pread(fd, buffer, 4, 10), 0);
    EXPECT_ERRNO(EINVAL, pread(fd, buffer, 1, -1));
    EXPECT_ERRNO(EINVAL, pwrite(fd, buffer, 1, -1));
    close(fd);
    EXPECT_EQ(read_file(path), "01234567xy");
}

TEST_P(FsIo, ReadvWritevScatterGather)
{
    std::string path = dir / "file";
    int fd = open(path.c_str(), O_CREAT | O_RDWR, 0644);
    ASSERT_GE(fd, 0);
    char a[] = "abc", b[] = "", c[] = "defgh";
    iovec out[3] = { { a, 3 }, { b, 0 }, { c, 5 } };
    EXPECT_EQ(writev(fd, out, 3), 8);
    EXPECT_EQ(writev(fd, out, 0), 0);
    char x[2], y[4], z[8] = {};
    iovec in[3] = { { x, 2 }, { y, 4 }, { z, 8 } };
    EXPECT_EQ(preadv(fd, in, 3, 0), 8);
    EXPECT_EQ(std::string(x, 2), "ab");
    EXPECT_EQ(std::string(y, 4), "cdef");
    EXPECT_EQ(std::string(z, 2), "gh");
    EXPECT_EQ(lseek(fd, 1, SEEK_SET), 1);
    EXPECT_EQ(readv(fd, in, 1), 2);
    EXPECT_EQ(std::string(x, 2), "bc");
    EXPECT_EQ(pwritev(fd, out, 1, 8), 3);
    EXPECT_EQ(lseek(fd, 0, SEEK_CUR), 3);

    std::vector<iovec> many(1025, iovec { x, 1 });
    EXPECT_ERRNO(EINVAL, syscall(SYS_readv, fd, many.data(), 1025));
    EXPECT_ERRNO(EINVAL, syscall(SYS_writev, fd, many.data(), -1));
    iovec negative = { x, size_t(-1) };
    EXPECT_ERRNO(EINVAL, syscall(SYS_writev, fd, &negative, 1));
    close(fd);
    EXPECT_EQ(read_file(path), "abcdefghabc");
}

TEST_P(FsIo, LseekWhenceAndHoles)
{
    std::string path = dir / "file";
    write_file(path, "0123456789");
    int fd = open(path.c_str(), O_RDWR);
    ASSERT_GE(fd, 0);
    EXPECT_EQ(lseek(fd, -3, SEEK_END), 7);
    EXPECT_EQ(lseek(fd, 1, SEEK_CUR), 8);
    EXPECT_ERRNO(EINVAL, lseek(fd, -100, SEEK_CUR));
    EXPECT_EQ(lseek(fd, 0, SEEK_CUR), 8);
    EXPECT_ERRNO(EINVAL, lseek(fd, 0, 99));
    // Writing past the end leaves a hole that reads as zeros.
    EXPECT_EQ(lseek(fd, 8192, SEEK_SET), 8192);
    EXPECT_EQ(write(fd, "end", 3), 3);
    struct stat st;
    ASSERT_EQ(fstat(fd, &st), 0);
    EXPECT_EQ(st.st_size, 8195);
    char buffer[100];
    EXPECT_EQ(pread(fd, buffer, sizeof buffer, 4000), ssize_t(sizeof buffer));
    EXPECT_TRUE(std::all_of(buffer, buffer + sizeof buffer, [](char c) { return c == 0; }));
    EXPECT_EQ(lseek(fd, 0, SEEK_DATA), 0);
    EXPECT_ERRNO(ENXIO, lseek(fd, 9000, SEEK_DATA));
    close(fd);
}

struct Dirent64 {
    uint64_t d_ino;
    int64_t d_off;
    unsigned short d_reclen;
    unsigned char d_type;
    char d_name[1];
};

std::set<std::string> list_with_getdents(int fd, std::map<std::string, int>* types = nullptr)
{
    std::set<std::string> names;
    alignas(8) char buffer[512]; // small: several calls are needed
    for (;;) {
        long n = syscall(SYS_getdents64, fd, buffer, sizeof buffer);
        if (n <= 0)
            break;
        for (long offset = 0; offset < n;) {
            auto* entry = reinterpret_cast<Dirent64*>(buffer + offset);
            names.insert(entry->d_name);
            if (types)
                (*types)[entry->d_name] = entry->d_type;
            offset += entry->d_reclen;
        }
    }
    return names;
}

TEST_P(FsIo, Getdents64ListsEveryEntryOnce)
{
    std::set<std::string> expected = { ".", "..", "dir" };
    for (int i = 0; i < 40; ++i) {
        std::string name = "file-with-a-longish-name-" + std::to_string(i);
        write_file(dir / name, "");
        expected.insert(name);
    }
    ASSERT_EQ(mkdir((dir / "dir").c_str(), 0755), 0);
    ASSERT_EQ(symlink("x", (dir / "sym").c_str()), 0);
    expected.insert("sym");
    int fd = open(dir.path().c_str(), O_RDONLY | O_DIRECTORY);
    ASSERT_GE(fd, 0);
    std::map<std::string, int> types;
    EXPECT_EQ(list_with_getdents(fd, &types), expected);
    EXPECT_EQ(types["dir"], DT_DIR);
    EXPECT_EQ(types["sym"], DT_LNK);
    EXPECT_EQ(types["file-with-a-longish-name-0"], DT_REG);
    // At the end: 0. After rewinding: everything again.
    alignas(8) char buffer[512];
    EXPECT_EQ(syscall(SYS_getdents64, fd, buffer, sizeof buffer), 0);
    EXPECT_EQ(lseek(fd, 0, SEEK_SET), 0);
    EXPECT_EQ(list_with_getdents(fd).size(), expected.size());
    // A buffer too small for one entry: EINVAL.
    EXPECT_EQ(lseek(fd, 0, SEEK_SET), 0);
    EXPECT_ERRNO(EINVAL, syscall(SYS_getdents64, fd, buffer, 8));
    close(fd);
    // getdents on a regular file: ENOTDIR.
    fd = open((dir / "file-with-a-longish-name-1").c_str(), O_RDONLY);
    EXPECT_ERRNO(ENOTDIR, syscall(SYS_getdents64, fd, buffer, sizeof buffer));
    close(fd);
    EXPECT_ERRNO(EBADF, syscall(SYS_getdents64, 999, buffer, sizeof buffer));
}

TEST_P(FsIo, DupSharesOffsetAndFlagsButNotCloexec)
{
    std::string path = dir / "file";
    write_file(path, "0123456789");
    int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    ASSERT_GE(fd, 0);
    EXPECT_EQ(fcntl(fd, F_GETFD), FD_CLOEXEC);
    int copy = dup(fd);
    ASSERT_GE(copy, 0);
    EXPECT_EQ(fcntl(copy, F_GETFD), 0);
    char c;
    EXPECT_EQ(read(fd, &c, 1), 1);
    EXPECT_EQ(lseek(copy, 0, SEEK_CUR), 1);
    EXPECT_EQ(read(copy, &c, 1), 1);
    EXPECT_EQ(c, '1');
    EXPECT_EQ(lseek(fd, 0, SEEK_CUR), 2);
    ASSERT_EQ(fcntl(fd, F_SETFL, O_NONBLOCK), 0);
    EXPECT_NE(fcntl(copy, F_GETFL) & O_NONBLOCK, 0);

    // dup3 onto a chosen number, with O_CLOEXEC; the same number is EINVAL.
    EXPECT_EQ(dup3(fd, 100, O_CLOEXEC), 100);
    EXPECT_EQ(fcntl(100, F_GETFD), FD_CLOEXEC);
    EXPECT_ERRNO(EINVAL, dup3(fd, fd, 0));
    EXPECT_ERRNO(EINVAL, dup3(fd, 101, O_NONBLOCK));
    EXPECT_ERRNO(EBADF, dup3(999, 101, 0));
    EXPECT_ERRNO(EBADF, dup(999));
    // dup2 onto an open descriptor closes it first.
    int other = open(path.c_str(), O_RDONLY);
    EXPECT_EQ(dup2(fd, other), other);
    EXPECT_EQ(lseek(other, 0, SEEK_CUR), 2);
    EXPECT_EQ(dup2(fd, fd), fd);
    // F_DUPFD takes the lowest free number at or above its argument.
    EXPECT_EQ(fcntl(fd, F_DUPFD, 200), 200);
    EXPECT_EQ(fcntl(fd, F_DUPFD, 200), 201);
    EXPECT_EQ(fcntl(fd, F_DUPFD_CLOEXEC, 200), 202);
    EXPECT_EQ(fcntl(202, F_GETFD), FD_CLOEXEC);
    EXPECT_ERRNO(EINVAL, fcntl(fd, F_DUPFD, -1));
    EXPECT_EQ(fcntl(201, F_SETFD, FD_CLOEXEC), 0);
    EXPECT_EQ(fcntl(201, F_GETFD), FD_CLOEXEC);
    for (int n : { fd, copy, 100, other, 200, 201, 202 })
        EXPECT_EQ(close(n), 0);
}

TEST_P(FsIo, FcntlStatusFlagsAndLocks)
{
    std::string path = dir / "file";
    write_file(path, "data");
    int fd = open(path.c_str(), O_RDWR);
    ASSERT_GE(fd, 0);
    int flags = fcntl(fd, F_GETFL);
    EXPECT_EQ(flags & O_ACCMODE, O_RDWR);
    // F_SETFL ignores the access mode and the creation flags.
    ASSERT_EQ(fcntl(fd, F_SETFL, O_RDONLY | O_NONBLOCK | O_CREAT), 0);
    EXPECT_EQ(fcntl(fd, F_GETFL) & (O_ACCMODE | O_NONBLOCK | O_CREAT), O_RDWR | O_NONBLOCK);
    EXPECT_ERRNO(EINVAL, fcntl(fd, 12345));
    EXPECT_ERRNO(EBADF, fcntl(999, F_GETFL));

    struct flock lock { };
    lock.l_type = F_WRLCK;
    lock.l_whence = SEEK_SET;
    EXPECT_EQ(fcntl(fd, F_SETLK, &lock), 0);
    lock.l_type = F_RDLCK;
    EXPECT_EQ(fcntl(fd, F_GETLK, &lock), 0);
    EXPECT_EQ(lock.l_type, F_UNLCK) << "a process's own locks never conflict";
    lock.l_type = F_UNLCK;
    EXPECT_EQ(fcntl(fd, F_SETLK, &lock), 0);
    lock.l_type = 77;
    EXPECT_ERRNO(EINVAL, fcntl(fd, F_SETLK, &lock));
    close(fd);
    fd = open(path.c_str(), O_RDONLY);
    lock.l_type = F_WRLCK;
    EXPECT_ERRNO(EBADF, fcntl(fd, F_SETLK, &lock));
    close(fd);
}

TEST_P(FsIo, IoctlGenericRequests)
{
    std::string path = dir / "file";
    write_file(path, "0123456789");
    int fd = open(path.c_str(), O_RDONLY);
    ASSERT_GE(fd, 0);
    int available = -1;
    EXPECT_EQ(ioctl(fd, FIONREAD, &available), 0);
    EXPECT_EQ(available, 10);
    ASSERT_EQ(lseek(fd, 4, SEEK_SET), 4);
    EXPECT_EQ(ioctl(fd, FIONREAD, &available), 0);
    EXPECT_EQ(available, 6);
    int on = 1;
    EXPECT_EQ(ioctl(fd, FIONBIO, &on), 0);
    EXPECT_NE(fcntl(fd, F_GETFL) & O_NONBLOCK, 0);
    on = 0;
    EXPECT_EQ(ioctl(fd, FIONBIO, &on), 0);
    EXPECT_EQ(fcntl(fd, F_GETFL) & O_NONBLOCK, 0);
    EXPECT_EQ(ioctl(fd, FIOCLEX), 0);
    EXPECT_EQ(fcntl(fd, F_GETFD), FD_CLOEXEC);
    EXPECT_EQ(ioctl(fd, FIONCLEX), 0);
    EXPECT_EQ(fcntl(fd, F_GETFD), 0);
    EXPECT_ERRNO(ENOTTY, ioctl(fd, TCGETS, &available));
    EXPECT_ERRNO(EBADF, ioctl(999, FIONREAD, &available));
    close(fd);
}

TEST_P(FsIo, SendfileCopiesBetweenFiles)
{
    std::string source = dir / "source";
    std::string contents;
    for (int i = 0; i < 5000; ++i)
        contents += char('a' + i % 26);
    write_file(source, contents);
    int in = open(source.c_str(), O_RDONLY);
    int out = open((dir / "copy").c_str(), O_CREAT | O_WRONLY, 0644);
    ASSERT_GE(in, 0);
    ASSERT_GE(out, 0);
    EXPECT_EQ(sendfile(out, in, nullptr, 1000), 1000);
    EXPECT_EQ(lseek(in, 0, SEEK_CUR), 1000);
    off_t offset = 4000;
    EXPECT_EQ(sendfile(out, in, &offset, 5000), 1000);
    EXPECT_EQ(offset, 5000);
    EXPECT_EQ(lseek(in, 0, SEEK_CUR), 1000) << "with an offset pointer the file offset stays";
    EXPECT_EQ(sendfile(out, in, nullptr, 100000), 4000);
    EXPECT_EQ(sendfile(out, in, nullptr, 10), 0);
    close(in);
    close(out);
    EXPECT_EQ(read_file(dir / "copy"), contents.substr(0, 1000) + contents.substr(4000) + contents.substr(1000));

    in = open(source.c_str(), O_RDONLY);
    out = open((dir / "copy").c_str(), O_RDONLY);
    EXPECT_ERRNO(EBADF, sendfile(out, in, nullptr, 10));
    close(out);
    out = open((dir / "copy").c_str(), O_WRONLY | O_APPEND);
    EXPECT_ERRNO(EINVAL, sendfile(out, in, nullptr, 10));
    close(out);
    close(in);
}

TEST_P(FsIo, TruncateAndFtruncate)
{
    std::string path = dir / "file";
    write_file(path, "0123456789");
    EXPECT_EQ(truncate(path.c_str(), 4), 0);
    EXPECT_EQ(read_file(path), "0123");
    int fd = open(path.c_str(), O_RDWR);
    ASSERT_GE(fd, 0);
    EXPECT_EQ(ftruncate(fd, 6), 0);
    EXPECT_EQ(read_file(path), std::string("0123\0\0", 6));
    EXPECT_ERRNO(EINVAL, ftruncate(fd, -1));
    EXPECT_ERRNO(EINVAL, truncate(path.c_str(), -1));
    EXPECT_ERRNO(EISDIR, truncate(dir.path().c_str(), 0));
    EXPECT_ERRNO(ENOENT, truncate((dir / "missing").c_str(), 0));
    EXPECT_EQ(fsync(fd), 0);
    EXPECT_EQ(fdatasync(fd), 0);
    EXPECT_EQ(syncfs(fd), 0);
    sync();
    close(fd);
    EXPECT_ERRNO(EBADF, fsync(fd));
}

INSTANTIATE_TEST_SUITE_P(Filesystems, FsIo, testing::ValuesIn(filesystem_roots), root_name);

TEST(FsLimits, RlimitNofileGivesEmfile)
{
    int status = run_in_child([] {
        rlimit limit { 16, 16 };
        if (setrlimit(RLIMIT_NOFILE, &limit) != 0)
            return 10;
        int last = -1;
        for (;;) {
            int fd = open("/", O_RDONLY);
            if (fd < 0)
                break;
            last = fd;
        }
        if (errno != EMFILE || last != 15)
            return 11;
        if (dup(0) != -1 || errno != EMFILE)
            return 12;
        if (fcntl(0, F_DUPFD, 3) != -1 || errno != EMFILE)
            return 13;
        if (fcntl(0, F_DUPFD, 16) != -1 || errno != EINVAL)
            return 14;
        if (dup3(0, 16, 0) != -1 || errno != EBADF)
            return 15;
        int fds[2];
        close(15);
        if (pipe(fds) != -1 || errno != EMFILE)
            return 16;
        if (close(14) != 0 || pipe(fds) != 0)
            return 17;
        return 0;
    });
    EXPECT_TRUE(exited_with(status, 0)) << "child status " << status;
}

TEST(FsLimits, CloseRange)
{
    int status = run_in_child([] {
        for (int fd = 10; fd < 20; ++fd) {
            if (dup2(0, fd) != fd)
                return 10;
        }
        if (syscall(SYS_close_range, 12, 14, CLOSE_RANGE_CLOEXEC) != 0)
            return 11;
        if (fcntl(12, F_GETFD) != FD_CLOEXEC || fcntl(14, F_GETFD) != FD_CLOEXEC || fcntl(15, F_GETFD) != 0)
            return 12;
        if (syscall(SYS_close_range, 11, ~0u, 0) != 0)
            return 13;
        if (fcntl(10, F_GETFD) != 0 || fcntl(11, F_GETFD) != -1 || fcntl(19, F_GETFD) != -1)
            return 14;
        if (syscall(SYS_close_range, 5, 4, 0) != -1 || errno != EINVAL)
            return 15;
        if (syscall(SYS_close_range, 0, 1, 0x8000) != -1 || errno != EINVAL)
            return 16;
        return 0;
    });
    EXPECT_TRUE(exited_with(status, 0)) << "child status " << status;
}

TEST(FsLimits, SendfileIntoAPipe)
{
    ScratchDir dir("/tmp", "fs_io_sendfile");
    write_file(dir / "source", "through the pipe");
    int in = open((dir / "source").c_str(), O_RDONLY);
    int fds[2];
    ASSERT_EQ(pipe(fds), 0);
    EXPECT_EQ(sendfile(fds[1], in, nullptr, 100), 16);
    char buffer[32] = {};
    EXPECT_EQ(read(fds[0], buffer, sizeof buffer), 16);
    EXPECT_STREQ(buffer, "through the pipe");
    // A pipe is no input for sendfile.
    EXPECT_ERRNO(EINVAL, sendfile(fds[1], fds[0], nullptr, 10));
    close(in);
    close(fds[0]);
    close(fds[1]);
}

TEST(FsLimits, CloexecDescriptorsCloseOnExec)
{
    int keep = open("/", O_RDONLY);
    int drop = open("/", O_RDONLY | O_CLOEXEC);
    int drop_later = open("/", O_RDONLY);
    ASSERT_GE(keep, 0);
    ASSERT_GE(drop, 0);
    ASSERT_EQ(fcntl(drop_later, F_SETFD, FD_CLOEXEC), 0);
    int status = run_in_child([&] {
        std::string argument
            = "--check-fds=" + std::to_string(keep) + "," + std::to_string(drop) + "," + std::to_string(drop_later);
        execl(g_self.c_str(), g_self.c_str(), argument.c_str(), nullptr);
        return errno == ENOEXEC ? 98 : 99;
    });
    if (exited_with(status, 98)) {
        // Not comparable under qemu-user: the host cannot exec a riscv64 binary without
        // binfmt_misc. Sockeye (and Linux riscv64) run it.
        GTEST_SKIP() << "execve of a riscv64 program: ENOEXEC on this host (no binfmt_misc)";
    }
    EXPECT_TRUE(exited_with(status, 0)) << "child status " << status;
    close(keep);
    close(drop);
    close(drop_later);
}

// The exec'd half of CloexecDescriptorsCloseOnExec: the first fd must be open, the others not.
int check_fds(const char* list)
{
    int keep, drop, drop_later;
    if (sscanf(list, "%d,%d,%d", &keep, &drop, &drop_later) != 3)
        return 2;
    if (fcntl(keep, F_GETFD) != 0)
        return 3;
    if (fcntl(drop, F_GETFD) != -1 || errno != EBADF)
        return 4;
    if (fcntl(drop_later, F_GETFD) != -1 || errno != EBADF)
        return 5;
    return 0;
}

} // namespace

int main(int argc, char** argv)
{
    if (argc == 2 && strncmp(argv[1], "--check-fds=", 12) == 0)
        return check_fds(argv[1] + 12);
    g_self = argv[0];
    testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}
