// fsbench — file throughput and metadata rates in the guest. For each directory given
// (default /tmp and /): write a 16 MiB file in 64 KiB write() calls, fsync it, read it back
// twice in 64 KiB read() calls, overwrite it in place, and remove it (one line per phase, in
// MiB/s); then, in a fresh subdirectory, create N empty files, stat each, list them with
// getdents64, rename each, and unlink each (one line per phase, in operations/s; a large
// directory shows whether name lookup scales).
//
//   init=/usr/bin/fsbench -- /tmp /
//   fsbench [-s MiB] [-b KiB] [-n files, 0 to skip] [directory...]
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <string>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <vector>

namespace {

double now_seconds()
{
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return double(ts.tv_sec) + double(ts.tv_nsec) / 1e9;
}

void report(const char* directory, const char* phase, size_t bytes, double seconds)
{
    double mib = double(bytes) / (1024.0 * 1024.0);
    printf("fsbench %-6s %-10s %6.1f MiB in %8.4f s = %7.1f MiB/s\n", directory, phase, mib, seconds,
        seconds > 0 ? mib / seconds : 0.0);
}

// Moves total bytes through fd in chunk-sized calls; false (with errno reported) on failure.
bool transfer(int fd, bool writing, std::vector<char>& buffer, size_t total)
{
    size_t done = 0;
    while (done < total) {
        size_t chunk = std::min(buffer.size(), total - done);
        ssize_t n = writing ? write(fd, buffer.data(), chunk) : read(fd, buffer.data(), chunk);
        if (n <= 0) {
            fprintf(stderr, "fsbench: %s: %s\n", writing ? "write" : "read", n < 0 ? strerror(errno) : "short");
            return false;
        }
        done += size_t(n);
    }
    return true;
}

bool run(const char* directory, size_t total, size_t chunk)
{
    std::string path = std::string(directory) + "/fsbench." + std::to_string(getpid());
    std::vector<char> buffer(chunk, 'x');
    int fd = open(path.c_str(), O_CREAT | O_TRUNC | O_RDWR, 0600);
    if (fd < 0) {
        fprintf(stderr, "fsbench: %s: %s\n", path.c_str(), strerror(errno));
        return false;
    }
    bool ok = true;
    double start = now_seconds();
    ok = ok && transfer(fd, true, buffer, total);
    report(directory, "write", total, now_seconds() - start);
    start = now_seconds();
    ok = ok && fsync(fd) == 0;
    report(directory, "fsync", total, now_seconds() - start);
    for (const char* phase : { "read", "reread" }) {
        ok = ok && lseek(fd, 0, SEEK_SET) == 0;
        start = now_seconds();
        ok = ok && transfer(fd, false, buffer, total);
        report(directory, phase, total, now_seconds() - start);
    }
    ok = ok && lseek(fd, 0, SEEK_SET) == 0;
    start = now_seconds();
    ok = ok && transfer(fd, true, buffer, total);
    report(directory, "overwrite", total, now_seconds() - start);
    close(fd);
    unlink(path.c_str());
    return ok;
}

void report_rate(const char* directory, const char* phase, size_t operations, double seconds)
{
    printf("fsbench %-6s %-10s %6zu ops in %8.4f s = %9.0f ops/s\n", directory, phase, operations, seconds,
        seconds > 0 ? double(operations) / seconds : 0.0);
}

// Counts the entries of path with raw getdents64 calls ("." and ".." included).
long count_entries(const char* path)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY);
    if (fd < 0)
        return -1;
    alignas(8) char buffer[4096];
    long count = 0;
    for (;;) {
        long n = syscall(SYS_getdents64, fd, buffer, sizeof(buffer));
        if (n <= 0) {
            count = n < 0 ? -1 : count;
            break;
        }
        for (long at = 0; at < n;) {
            unsigned short reclen;
            memcpy(&reclen, buffer + at + 16, sizeof(reclen));
            at += reclen;
            ++count;
        }
    }
    close(fd);
    return count;
}

// Metadata rates in a directory of `files` entries: every operation looks a name up in it.
bool run_metadata(const char* directory, size_t files)
{
    std::string base = std::string(directory) + "/fsbench-meta." + std::to_string(getpid());
    if (mkdir(base.c_str(), 0700) != 0) {
        fprintf(stderr, "fsbench: %s: %s\n", base.c_str(), strerror(errno));
        return false;
    }
    auto name = [&](const char* prefix, size_t i) { return base + "/" + prefix + std::to_string(i); };
    bool ok = true;
    auto fail = [&](const char* what, const std::string& path) {
        fprintf(stderr, "fsbench: %s %s: %s\n", what, path.c_str(), strerror(errno));
        ok = false;
    };
    double start = now_seconds();
    for (size_t i = 0; i < files && ok; ++i) {
        std::string path = name("file", i);
        int fd = open(path.c_str(), O_CREAT | O_EXCL | O_WRONLY, 0600);
        if (fd < 0)
            fail("create", path);
        else
            close(fd);
    }
    report_rate(directory, "create", files, now_seconds() - start);
    start = now_seconds();
    for (size_t i = 0; i < files && ok; ++i) {
        struct stat st;
        std::string path = name("file", i);
        if (stat(path.c_str(), &st) != 0)
            fail("stat", path);
    }
    report_rate(directory, "stat", files, now_seconds() - start);
    start = now_seconds();
    long listed = ok ? count_entries(base.c_str()) : 0;
    report_rate(directory, "getdents", files, now_seconds() - start);
    if (ok && listed != long(files) + 2) {
        fprintf(stderr, "fsbench: getdents %s: %ld entries, expected %zu\n", base.c_str(), listed, files + 2);
        ok = false;
    }
    start = now_seconds();
    for (size_t i = 0; i < files && ok; ++i) {
        if (rename(name("file", i).c_str(), name("renamed", i).c_str()) != 0)
            fail("rename", name("file", i));
    }
    report_rate(directory, "rename", files, now_seconds() - start);
    start = now_seconds();
    for (size_t i = 0; i < files; ++i) {
        // Cleans up whatever exists, even after a failure above.
        if (unlink(name("renamed", i).c_str()) != 0 && unlink(name("file", i).c_str()) != 0 && ok)
            fail("unlink", name("renamed", i));
    }
    report_rate(directory, "unlink", files, now_seconds() - start);
    if (rmdir(base.c_str()) != 0)
        fail("rmdir", base);
    return ok;
}

} // namespace

int main(int argc, char** argv)
{
    size_t total = 16 << 20, chunk = 64 << 10, files = 2000;
    int opt;
    while ((opt = getopt(argc, argv, "s:b:n:")) != -1) {
        if (opt == 's')
            total = size_t(atol(optarg)) << 20;
        else if (opt == 'b')
            chunk = size_t(atol(optarg)) << 10;
        else if (opt == 'n')
            files = size_t(atol(optarg));
        else
            return 2;
    }
    if (total == 0 || chunk == 0)
        return 2;
    std::vector<const char*> directories(argv + optind, argv + argc);
    if (directories.empty())
        directories = { "/tmp", "/" };
    bool ok = true;
    for (const char* directory : directories) {
        ok = run(directory, total, chunk) && ok;
        if (files)
            ok = run_metadata(directory, files) && ok;
    }
    sync();
    return ok ? 0 : 1;
}
