// smoke_test — the first guest system test: the few things every later test relies on.
// Each expectation is Linux's (it also runs under qemu-riscv64 on the host).
#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace {

// A file name in /tmp that is unique to this process, removed when the test ends.
class TmpFile {
public:
    explicit TmpFile(const char* stem) : m_path("/tmp/" + std::string(stem) + "." + std::to_string(getpid())) { }
    ~TmpFile() { unlink(m_path.c_str()); }
    const char* path() const { return m_path.c_str(); }

private:
    std::string m_path;
};

TEST(Smoke, GetpidIsPositive)
{
    EXPECT_GT(getpid(), 0);
    EXPECT_GE(getppid(), 0);
}

TEST(Smoke, WriteThenReadFileInTmp)
{
    TmpFile file("smoke");
    const char message[] = "sockeye smoke test\n";

    int fd = open(file.path(), O_CREAT | O_EXCL | O_WRONLY, 0644);
    ASSERT_GE(fd, 0) << strerror(errno);
    EXPECT_EQ(write(fd, message, sizeof message - 1), ssize_t(sizeof message - 1));
    ASSERT_EQ(close(fd), 0);

    struct stat st {};
    ASSERT_EQ(stat(file.path(), &st), 0) << strerror(errno);
    EXPECT_TRUE(S_ISREG(st.st_mode));
    EXPECT_EQ(st.st_size, off_t(sizeof message - 1));

    fd = open(file.path(), O_RDONLY);
    ASSERT_GE(fd, 0) << strerror(errno);
    char buffer[64] = {};
    EXPECT_EQ(read(fd, buffer, sizeof buffer), ssize_t(sizeof message - 1));
    EXPECT_STREQ(buffer, message);
    EXPECT_EQ(read(fd, buffer, sizeof buffer), 0) << "read at end of file returns 0";
    EXPECT_EQ(close(fd), 0);
}

TEST(Smoke, OpenMissingFileFailsWithEnoent)
{
    errno = 0;
    EXPECT_EQ(open("/tmp/sockeye-smoke-does-not-exist", O_RDONLY), -1);
    EXPECT_EQ(errno, ENOENT);
}

TEST(Smoke, ForkAndWaitReturnsExitStatus)
{
    pid_t child = fork();
    ASSERT_GE(child, 0) << strerror(errno);
    if (child == 0)
        _exit(42);

    int status = 0;
    ASSERT_EQ(waitpid(child, &status, 0), child) << strerror(errno);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 42);
}

TEST(Smoke, ChildSeesItsOwnPidAndParent)
{
    int fds[2];
    ASSERT_EQ(pipe(fds), 0) << strerror(errno);
    pid_t parent = getpid();
    pid_t child = fork();
    ASSERT_GE(child, 0) << strerror(errno);
    if (child == 0) {
        close(fds[0]);
        pid_t ids[2] = { getpid(), getppid() };
        _exit(write(fds[1], ids, sizeof ids) == ssize_t(sizeof ids) ? 0 : 1);
    }
    close(fds[1]);
    pid_t ids[2] = {};
    EXPECT_EQ(read(fds[0], ids, sizeof ids), ssize_t(sizeof ids));
    close(fds[0]);
    EXPECT_EQ(ids[0], child);
    EXPECT_EQ(ids[1], parent);

    int status = 0;
    ASSERT_EQ(waitpid(child, &status, 0), child);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

} // namespace
