// mmap_fault_inside_file_io_test — regression test: read() or write() whose user buffer is a
// not-yet-touched private file mapping. The filesystem copies to or from that buffer while it
// holds its own lock; the page fault then reads the mapped file through the same filesystem.
// On Sockeye this deadlocked while ext2 (one lock per filesystem) and tmpfs (one per inode)
// kept their lock across the user copy. Linux handles both.
//
// Its own binary: a deadlock hangs the VM, and the other tests should still report.
#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <sys/mman.h>
#include <unistd.h>

namespace {

const size_t page = 4096;

std::string make_file(const std::string& path, size_t size, char fill)
{
    int fd = open(path.c_str(), O_CREAT | O_TRUNC | O_RDWR, 0600);
    if (fd < 0)
        return "open " + path + ": " + strerror(errno);
    std::string data(size, fill);
    bool ok = write(fd, data.data(), size) == ssize_t(size);
    close(fd);
    return ok ? "" : "write " + path + " failed";
}

// Reads `source` into an untouched private mapping of `mapped`, then writes from another
// untouched page of that mapping into `target`.
void check_directory(const std::string& directory)
{
    std::string mapped = directory + "/mmap_fault_mapped." + std::to_string(getpid());
    std::string source = directory + "/mmap_fault_source." + std::to_string(getpid());
    std::string target = directory + "/mmap_fault_target." + std::to_string(getpid());
    ASSERT_EQ(make_file(mapped, 4 * page, 'm'), "");
    ASSERT_EQ(make_file(source, 100, 's'), "");

    int mapped_fd = open(mapped.c_str(), O_RDONLY);
    int source_fd = open(source.c_str(), O_RDONLY);
    int target_fd = open(target.c_str(), O_CREAT | O_TRUNC | O_WRONLY, 0600);
    ASSERT_GE(mapped_fd, 0);
    ASSERT_GE(source_fd, 0);
    ASSERT_GE(target_fd, 0);
    char* p = static_cast<char*>(mmap(nullptr, 4 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE, mapped_fd, 0));
    ASSERT_NE(p, MAP_FAILED) << strerror(errno);

    EXPECT_EQ(read(source_fd, p + page, 100), 100);
    EXPECT_EQ(p[page], 's');
    EXPECT_EQ(p[page + 100], 'm');
    EXPECT_EQ(write(target_fd, p + 2 * page, 10), 10);

    // The same file on both sides.
    EXPECT_EQ(pread(mapped_fd, p + 3 * page, 10, 0), 10);
    EXPECT_EQ(p[3 * page], 'm');

    munmap(p, 4 * page);
    close(mapped_fd);
    close(source_fd);
    close(target_fd);
    unlink(mapped.c_str());
    unlink(source.c_str());
    unlink(target.c_str());
}

TEST(MmapFaultInsideFileIo, Tmpfs) { check_directory("/tmp"); }

TEST(MmapFaultInsideFileIo, RootFilesystem)
{
    // The root filesystem (ext2 on Sockeye); the program's own directory is writable there.
    check_directory(".");
}

} // namespace
