// memory_test — address spaces through the syscalls: mmap/munmap/mprotect/madvise/brk,
// MAP_FIXED splitting, copy-on-write after fork, anonymous shared memory, private file
// mappings and the faults user space gets. Each expectation is Linux's (it also runs under
// qemu-riscv64 on the host).
#include <gtest/gtest.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace {

const size_t page = 4096;

// Set by the harness under qemu-riscv64 user mode, which emulates brk and places mappings
// itself (see DESIGN.md).
bool under_qemu_user()
{
    const char* reference = getenv("SOCKEYE_REFERENCE");
    return reference && strcmp(reference, "qemu-user") == 0;
}

#define SKIP_UNDER_QEMU_USER(reason)                                                                                   \
    do {                                                                                                               \
        if (under_qemu_user())                                                                                         \
            GTEST_SKIP() << "not comparable under qemu-user: " << reason;                                              \
    } while (0)

// Runs fn in a forked child; returns the signal that killed it, 0 if it exited normally
// with status 0, or -1 for any other exit.
template<typename Fn> int signal_in_child(Fn fn)
{
    pid_t pid = fork();
    if (pid == 0) {
        fn();
        _exit(0);
    }
    int status = 0;
    if (waitpid(pid, &status, 0) != pid)
        return -1;
    if (WIFSIGNALED(status))
        return WTERMSIG(status);
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

// Runs fn in a forked child and returns its exit status (fn's return value).
template<typename Fn> int status_of_child(Fn fn)
{
    pid_t pid = fork();
    if (pid == 0)
        _exit(fn());
    int status = 0;
    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
        return -1;
    return WEXITSTATUS(status);
}

char* map_anonymous(size_t length, int protection = PROT_READ | PROT_WRITE, int flags = MAP_PRIVATE)
{
    void* p = mmap(nullptr, length, protection, flags | MAP_ANONYMOUS, -1, 0);
    return p == MAP_FAILED ? nullptr : static_cast<char*>(p);
}

long raw_brk(unsigned long address) { return syscall(SYS_brk, address); }

TEST(Memory, AnonymousMemoryStartsZeroed)
{
    char* p = map_anonymous(16 * page);
    ASSERT_NE(p, nullptr) << strerror(errno);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % page, 0u);
    for (size_t i = 0; i < 16 * page; i += 512)
        ASSERT_EQ(p[i], 0) << "at " << i;
    memset(p, 0x5a, 16 * page);
    EXPECT_EQ(p[16 * page - 1], 0x5a);
    EXPECT_EQ(munmap(p, 16 * page), 0);
}

TEST(Memory, UnmappedMemoryFaults)
{
    char* p = map_anonymous(3 * page);
    ASSERT_NE(p, nullptr);
    p[0] = p[2 * page] = 1;
    ASSERT_EQ(munmap(p + page, page), 0);
    EXPECT_EQ(p[0] + p[2 * page], 2) << "the neighbours of the hole stay";
    EXPECT_EQ(signal_in_child([&] { *(volatile char*)(p + page) = 1; }), SIGSEGV);
    EXPECT_EQ(munmap(p + page, page), 0) << "unmapping a hole is not an error";
    EXPECT_EQ(munmap(p, 3 * page), 0);
    EXPECT_EQ(signal_in_child([&] { (void)*(volatile char*)p; }), SIGSEGV);
}

TEST(Memory, MprotectReadOnlyThenWritableAgain)
{
    char* p = map_anonymous(4 * page);
    ASSERT_NE(p, nullptr);
    memset(p, 7, 4 * page);
    ASSERT_EQ(mprotect(p + page, 2 * page, PROT_READ), 0) << strerror(errno);
    EXPECT_EQ(p[page], 7) << "still readable";
    EXPECT_EQ(signal_in_child([&] { p[2 * page] = 1; }), SIGSEGV);
    EXPECT_EQ(signal_in_child([&] { p[3 * page] = 1; }), 0) << "outside the range";
    ASSERT_EQ(mprotect(p + page, 2 * page, PROT_NONE), 0);
    EXPECT_EQ(signal_in_child([&] { (void)*(volatile char*)(p + page); }), SIGSEGV);
    ASSERT_EQ(mprotect(p, 4 * page, PROT_READ | PROT_WRITE), 0);
    EXPECT_EQ(p[2 * page], 7) << "PROT_NONE keeps the contents";
    p[2 * page] = 8;
    EXPECT_EQ(p[2 * page], 8);
    munmap(p, 4 * page);
}

TEST(Memory, MprotectOverAHoleIsEnomem)
{
    char* p = map_anonymous(3 * page);
    ASSERT_NE(p, nullptr);
    ASSERT_EQ(munmap(p + page, page), 0);
    errno = 0;
    EXPECT_EQ(mprotect(p, 3 * page, PROT_READ), -1);
    EXPECT_EQ(errno, ENOMEM);
    errno = 0;
    EXPECT_EQ(mprotect(p + 1, page, PROT_READ), -1);
    EXPECT_EQ(errno, EINVAL);
    munmap(p, 3 * page);
}

TEST(Memory, MapFixedReplacesPartOfAMapping)
{
    char* p = map_anonymous(4 * page);
    ASSERT_NE(p, nullptr);
    memset(p, 1, 4 * page);
    void* q = mmap(p + page, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    ASSERT_EQ(q, p + page);
    EXPECT_EQ(p[page], 0);
    EXPECT_EQ(p[0], 1);
    EXPECT_EQ(p[2 * page], 1);
    munmap(p, 4 * page);
}

TEST(Memory, MapFixedNoReplaceRefusesOccupiedRange)
{
    SKIP_UNDER_QEMU_USER("qemu does not pass MAP_FIXED_NOREPLACE through and maps elsewhere");
    char* p = map_anonymous(2 * page);
    ASSERT_NE(p, nullptr);
    p[page] = 1;
    errno = 0;
    EXPECT_EQ(mmap(p + page, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0), MAP_FAILED);
    EXPECT_EQ(errno, EEXIST);
    EXPECT_EQ(p[page], 1);
    ASSERT_EQ(munmap(p + page, page), 0);
    void* q = mmap(p + page, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    EXPECT_EQ(q, p + page) << "a free range is taken exactly";
    munmap(p, 2 * page);
}

TEST(Memory, MmapHintIsUsedWhenFree)
{
    char* p = map_anonymous(3 * page);
    ASSERT_NE(p, nullptr);
    ASSERT_EQ(munmap(p, 3 * page), 0);
    void* q = mmap(p + page, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    EXPECT_EQ(q, p + page);
    munmap(q, page);
}

TEST(Memory, BadArgumentsAreErrors)
{
    errno = 0;
    EXPECT_EQ(mmap(nullptr, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), MAP_FAILED);
    EXPECT_EQ(errno, EINVAL);
    errno = 0;
    EXPECT_EQ(mmap(nullptr, page, PROT_READ, MAP_ANONYMOUS, -1, 0), MAP_FAILED);
    EXPECT_EQ(errno, EINVAL);
    errno = 0;
    EXPECT_EQ(mmap(nullptr, page, PROT_READ, MAP_PRIVATE, 12345, 0), MAP_FAILED);
    EXPECT_EQ(errno, EBADF);
    errno = 0;
    EXPECT_EQ(munmap(reinterpret_cast<void*>(0x10001), page), -1);
    EXPECT_EQ(errno, EINVAL);
    errno = 0;
    EXPECT_EQ(mmap(nullptr, ~size_t(0) - page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), MAP_FAILED);
    EXPECT_EQ(errno, ENOMEM);
}

TEST(Memory, ForkIsCopyOnWriteBothWays)
{
    char* p = map_anonymous(2 * page);
    ASSERT_NE(p, nullptr);
    strcpy(p, "before");
    strcpy(p + page, "second");
    int to_child[2], to_parent[2];
    ASSERT_EQ(pipe(to_child), 0);
    ASSERT_EQ(pipe(to_parent), 0);
    pid_t pid = fork();
    if (pid == 0) {
        char byte;
        if (read(to_child[0], &byte, 1) != 1)
            _exit(10);
        if (strcmp(p, "before") != 0) // the parent's write must not show
            _exit(11);
        strcpy(p + page, "child");
        if (write(to_parent[1], "x", 1) != 1)
            _exit(12);
        _exit(0);
    }
    ASSERT_GT(pid, 0);
    strcpy(p, "parent");
    ASSERT_EQ(write(to_child[1], "x", 1), 1);
    char byte;
    ASSERT_EQ(read(to_parent[0], &byte, 1), 1);
    EXPECT_STREQ(p + page, "second") << "the child's write must not show";
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
    EXPECT_STREQ(p, "parent");
    for (int fd : { to_child[0], to_child[1], to_parent[0], to_parent[1] })
        close(fd);
    munmap(p, 2 * page);
}

TEST(Memory, SharedAnonymousMemoryIsSharedAfterFork)
{
    char* p = map_anonymous(3 * page, PROT_READ | PROT_WRITE, MAP_SHARED);
    ASSERT_NE(p, nullptr);
    p[0] = 'a'; // populated before the fork; pages 1 and 2 are not
    int status = status_of_child([&] {
        if (p[0] != 'a')
            return 1;
        p[0] = 'b';
        p[page] = 'c';
        p[2 * page + 5] = 'd';
        return 0;
    });
    EXPECT_EQ(status, 0);
    EXPECT_EQ(p[0], 'b');
    EXPECT_EQ(p[page], 'c');
    EXPECT_EQ(p[2 * page + 5], 'd');
    munmap(p, 3 * page);
}

TEST(Memory, MadviseDontneedDropsPrivatePages)
{
    char* p = map_anonymous(2 * page);
    ASSERT_NE(p, nullptr);
    memset(p, 9, 2 * page);
    ASSERT_EQ(madvise(p, page, MADV_DONTNEED), 0) << strerror(errno);
    EXPECT_EQ(p[0], 0);
    EXPECT_EQ(p[page], 9);
    munmap(p, 2 * page);

    char* shared = map_anonymous(page, PROT_READ | PROT_WRITE, MAP_SHARED);
    ASSERT_NE(shared, nullptr);
    shared[0] = 4;
    ASSERT_EQ(madvise(shared, page, MADV_DONTNEED), 0);
    EXPECT_EQ(shared[0], 4) << "shared memory keeps its contents";
    munmap(shared, page);
}

TEST(Memory, BrkGrowsAndShrinks)
{
    SKIP_UNDER_QEMU_USER("qemu emulates brk itself and keeps the pages of a shrunk heap mapped");
    long start = raw_brk(0);
    ASSERT_GT(start, 0);
    long grown = raw_brk(start + 16 * page);
    ASSERT_EQ(grown, start + long(16 * page));
    char* heap = reinterpret_cast<char*>(start);
    heap[0] = 1;
    heap[16 * page - 1] = 2;
    EXPECT_EQ(raw_brk(start + page), start + long(page));
    EXPECT_EQ(signal_in_child([&] { *(volatile char*)(heap + 8 * page) = 1; }), SIGSEGV);
    EXPECT_EQ(raw_brk(start), start);
    EXPECT_EQ(raw_brk(0), start);
}

TEST(Memory, PrivateFileMappingReadsTheFileAndKeepsWritesPrivate)
{
    std::string path = "/tmp/memory_test." + std::to_string(getpid());
    int fd = open(path.c_str(), O_CREAT | O_RDWR | O_TRUNC, 0600);
    ASSERT_GE(fd, 0) << strerror(errno);
    const size_t size = 2 * page + 100;
    std::string contents(size, '\0');
    for (size_t i = 0; i < size; ++i)
        contents[i] = char('A' + i % 26);
    ASSERT_EQ(write(fd, contents.data(), size), ssize_t(size));

    char* p = static_cast<char*>(mmap(nullptr, 3 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0));
    ASSERT_NE(p, MAP_FAILED) << strerror(errno);
    EXPECT_EQ(memcmp(p, contents.data(), size), 0);
    EXPECT_EQ(p[size], 0) << "the rest of the last page reads as zero";
    p[1] = '!';
    char byte = 0;
    ASSERT_EQ(pread(fd, &byte, 1, 1), 1);
    EXPECT_EQ(byte, contents[1]) << "private writes do not reach the file";

    char* q = static_cast<char*>(mmap(nullptr, page, PROT_READ, MAP_PRIVATE, fd, page));
    ASSERT_NE(q, MAP_FAILED);
    EXPECT_EQ(q[0], contents[page]);
    errno = 0;
    EXPECT_EQ(mmap(nullptr, page, PROT_READ, MAP_PRIVATE, fd, 1), MAP_FAILED);
    EXPECT_EQ(errno, EINVAL);

    int write_only = open(path.c_str(), O_WRONLY);
    ASSERT_GE(write_only, 0);
    errno = 0;
    EXPECT_EQ(mmap(nullptr, page, PROT_READ, MAP_PRIVATE, write_only, 0), MAP_FAILED);
    EXPECT_EQ(errno, EACCES);
    close(write_only);

    munmap(p, 3 * page);
    munmap(q, page);
    close(fd);
    unlink(path.c_str());
}

TEST(Memory, MremapShrinksGrowsAndMoves)
{
    SKIP_UNDER_QEMU_USER("qemu emulates mremap in its own address-space layer");
    // Four pages and a read-only fifth that blocks growth in place beyond four.
    char* p = map_anonymous(5 * page);
    ASSERT_NE(p, nullptr);
    ASSERT_EQ(mprotect(p + 4 * page, page, PROT_READ), 0);
    p[0] = 'a';
    p[page] = 'b';
    ASSERT_EQ(mremap(p, 4 * page, 2 * page, 0), p) << strerror(errno);
    EXPECT_EQ(signal_in_child([&] { (void)*(volatile char*)(p + 3 * page); }), SIGSEGV);
    ASSERT_EQ(mremap(p, 2 * page, 4 * page, 0), p) << "the pages after it are free";
    EXPECT_EQ(p[3 * page], 0);

    // Blocked: ENOMEM in place; MREMAP_MAYMOVE moves the contents.
    errno = 0;
    EXPECT_EQ(mremap(p, 4 * page, 8 * page, 0), MAP_FAILED);
    EXPECT_EQ(errno, ENOMEM);
    char* q = static_cast<char*>(mremap(p, 4 * page, 8 * page, MREMAP_MAYMOVE));
    ASSERT_NE(q, MAP_FAILED) << strerror(errno);
    EXPECT_EQ(q[0], 'a');
    EXPECT_EQ(q[page], 'b');
    EXPECT_EQ(q[7 * page], 0);
    q[7 * page] = 'z';

    char* gone = map_anonymous(page);
    ASSERT_NE(gone, nullptr);
    ASSERT_EQ(munmap(gone, page), 0);
    errno = 0;
    EXPECT_EQ(mremap(gone, page, 2 * page, MREMAP_MAYMOVE), MAP_FAILED) << "nothing mapped there";
    EXPECT_EQ(errno, EFAULT);
    errno = 0;
    EXPECT_EQ(mremap(q, page, page, MREMAP_FIXED, p), MAP_FAILED) << "MREMAP_FIXED needs MREMAP_MAYMOVE";
    EXPECT_EQ(errno, EINVAL);

    // MREMAP_FIXED replaces what is at the target (here a PROT_NONE reservation).
    char* area = map_anonymous(8 * page, PROT_NONE);
    ASSERT_NE(area, nullptr);
    char* r = static_cast<char*>(mremap(q, 8 * page, 8 * page, MREMAP_MAYMOVE | MREMAP_FIXED, area));
    ASSERT_EQ(r, area) << strerror(errno);
    EXPECT_EQ(r[0], 'a');
    EXPECT_EQ(r[7 * page], 'z');
    EXPECT_EQ(signal_in_child([&] { (void)*(volatile char*)q; }), SIGSEGV);
    munmap(r, 8 * page);
    munmap(p + 4 * page, page);
}

TEST(Memory, ThreadsFaultTheSameMappingConcurrently)
{
    const size_t pages_per_thread = 128, threads = 4;
    char* p = map_anonymous(threads * pages_per_thread * page);
    ASSERT_NE(p, nullptr);
    std::vector<std::thread> workers;
    for (size_t t = 0; t < threads; ++t) {
        workers.emplace_back([=] {
            // Interleaved pages, so the threads fault on neighbouring entries.
            for (size_t i = 0; i < pages_per_thread; ++i)
                p[(i * threads + t) * page + t] = char(t + 1);
        });
    }
    for (auto& worker : workers)
        worker.join();
    size_t wrong = 0;
    for (size_t i = 0; i < pages_per_thread; ++i) {
        for (size_t t = 0; t < threads; ++t)
            wrong += p[(i * threads + t) * page + t] != char(t + 1);
    }
    EXPECT_EQ(wrong, 0u);
    // A fork from a threaded process sees the same memory.
    EXPECT_EQ(status_of_child([&] { return int(p[(5 * threads + 2) * page + 2]); }), 3);
    munmap(p, threads * pages_per_thread * page);
}

TEST(Memory, LargeSparseMappingSurvivesFork)
{
    const size_t size = size_t(1) << 30;
    char* p = map_anonymous(size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_NORESERVE);
    ASSERT_NE(p, nullptr) << strerror(errno);
    p[0] = 1;
    p[size - 1] = 2;
    EXPECT_EQ(status_of_child([&] { return p[0] + p[size - 1] + p[size / 2]; }), 3);
    EXPECT_EQ(munmap(p, size), 0);
}

} // namespace
