// Shared helpers of the file-syscall guest tests (fs_*_test.cpp, pipe_test.cpp): a scratch
// directory per test on each filesystem under test, pipes that close themselves, running
// code in a forked child (as another user), and pointers that must give EFAULT.
//
// The filesystems: "/var" lies on the root filesystem (ext2 on Sockeye) and "/tmp" is tmpfs
// on Sockeye. Under qemu-riscv64 both are whatever the host has; the tests assert only what
// Linux does on any filesystem.
#pragma once

#include <gtest/gtest.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <functional>
#include <grp.h>
#include <string>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

namespace fstest {

// The roots of the two filesystems each file test runs on.
inline const char* const filesystem_roots[] = { "/var", "/tmp" };

// Set by the harness when the test runs under qemu-riscv64 user mode (the Linux reference),
// which translates a few arguments imperfectly (see DESIGN.md).
inline bool under_qemu_user()
{
    const char* reference = getenv("SOCKEYE_REFERENCE");
    return reference && strcmp(reference, "qemu-user") == 0;
}

// Unmapped user memory and a kernel address: both must give EFAULT, never a crash.
inline void* const bad_user_pointer = reinterpret_cast<void*>(uintptr_t(8));
inline void* const kernel_pointer = reinterpret_cast<void*>(uintptr_t(0xffffffc000001000ull));

inline void remove_tree(const std::string& path)
{
    struct stat st;
    if (lstat(path.c_str(), &st) != 0)
        return;
    if (S_ISDIR(st.st_mode)) {
        chmod(path.c_str(), 0700);
        if (DIR* dir = opendir(path.c_str())) {
            while (dirent* entry = readdir(dir)) {
                if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0)
                    continue;
                remove_tree(path + "/" + entry->d_name);
            }
            closedir(dir);
        }
        rmdir(path.c_str());
    } else {
        unlink(path.c_str());
    }
}

// A fresh directory <root>/<stem>.<pid>.<n> (mode 0777, so other users may work in it),
// removed with everything in it when the object dies.
class ScratchDir {
public:
    ScratchDir(const char* root, const char* stem)
    {
        static int counter;
        m_path = std::string(root) + "/" + stem + "." + std::to_string(getpid()) + "." + std::to_string(counter++);
        remove_tree(m_path);
        if (mkdir(m_path.c_str(), 0777) != 0)
            ADD_FAILURE() << "mkdir " << m_path << ": " << strerror(errno);
        chmod(m_path.c_str(), 0777);
    }
    ~ScratchDir() { remove_tree(m_path); }
    ScratchDir(const ScratchDir&) = delete;
    ScratchDir& operator=(const ScratchDir&) = delete;

    const std::string& path() const { return m_path; }
    std::string operator/(const std::string& name) const { return m_path + "/" + name; }

private:
    std::string m_path;
};

// Both ends of a pipe2() pipe, closed on destruction; an end the test closes early goes
// through close_read()/close_write() (which set it to -1), never ::close().
struct Pipe {
    int read = -1, write = -1;
    explicit Pipe(int flags = 0)
    {
        int fds[2];
        if (pipe2(fds, flags) != 0)
            ADD_FAILURE() << "pipe2: " << strerror(errno);
        read = fds[0];
        write = fds[1];
    }
    ~Pipe()
    {
        close_read();
        close_write();
    }
    void close_read()
    {
        if (read >= 0)
            close(read);
        read = -1;
    }
    void close_write()
    {
        if (write >= 0)
            close(write);
        write = -1;
    }
};

// Writes `contents` to a new file (mode 0644 before the umask).
inline void write_file(const std::string& path, const std::string& contents, mode_t mode = 0644)
{
    int fd = open(path.c_str(), O_CREAT | O_TRUNC | O_WRONLY, mode);
    ASSERT_GE(fd, 0) << path << ": " << strerror(errno);
    ASSERT_EQ(write(fd, contents.data(), contents.size()), ssize_t(contents.size()));
    ASSERT_EQ(close(fd), 0);
}

inline std::string read_file(const std::string& path)
{
    int fd = open(path.c_str(), O_RDONLY);
    if (fd < 0)
        return "<" + std::string(strerror(errno)) + ">";
    std::string out;
    char buffer[4096];
    ssize_t n;
    while ((n = read(fd, buffer, sizeof buffer)) > 0)
        out.append(buffer, size_t(n));
    close(fd);
    return out;
}

// Runs body in a forked child; returns the child's wait status. The body reports failure by
// returning non-zero (gtest assertions do not cross the fork).
inline int run_in_child(const std::function<int()>& body)
{
    fflush(nullptr);
    pid_t child = fork();
    if (child < 0)
        return -1;
    if (child == 0)
        _exit(body());
    int status = 0;
    if (waitpid(child, &status, 0) != child)
        return -1;
    return status;
}

inline bool exited_with(int status, int code) { return WIFEXITED(status) && WEXITSTATUS(status) == code; }

// Drops every privilege: uid, gid and supplementary groups become 65534 (nobody/nogroup).
inline bool become_nobody()
{
    gid_t none[1] = { 65534 };
    return setgroups(1, none) == 0 && setresgid(65534, 65534, 65534) == 0 && setresuid(65534, 65534, 65534) == 0;
}

// In a child: `expression` must fail with `expected_errno` (exit code 0), else exit with a
// code telling what happened (1: succeeded, 2: other errno).
#define FS_CHILD_EXPECT_ERRNO(expression, expected_errno)                                                              \
    do {                                                                                                               \
        errno = 0;                                                                                                     \
        long fs_result_ = static_cast<long>(expression);                                                               \
        if (fs_result_ != -1)                                                                                          \
            return 1;                                                                                                  \
        if (errno != (expected_errno)) {                                                                               \
            fprintf(stderr, "%s: errno %d (%s)\n", #expression, errno, strerror(errno));                               \
            return 2;                                                                                                  \
        }                                                                                                              \
    } while (0)

// Asserts that `expression` returns -1 with errno `expected`.
#define EXPECT_ERRNO(expected, expression)                                                                             \
    do {                                                                                                               \
        errno = 0;                                                                                                     \
        long fs_result_ = static_cast<long>(expression);                                                               \
        EXPECT_EQ(fs_result_, -1L) << #expression;                                                                     \
        EXPECT_EQ(errno, (expected)) << #expression << ": got " << strerror(errno) << ", want " << strerror(expected); \
    } while (0)

// Parameter names for the per-filesystem tests: "var", "tmp".
inline std::string root_name(const testing::TestParamInfo<const char*>& info) { return std::string(info.param + 1); }

} // namespace fstest
