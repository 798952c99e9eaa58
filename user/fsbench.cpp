// fsbench — sequential file throughput in the guest: for each directory given (default /tmp
// and /), write a 16 MiB file in 64 KiB write() calls, fsync it, read it back twice in
// 64 KiB read() calls, overwrite it in place, and remove it. One line per phase, in MiB/s.
//
//   init=/usr/bin/fsbench -- /tmp /
//   fsbench [-s MiB] [-b KiB] [directory...]
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <string>
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

} // namespace

int main(int argc, char** argv)
{
    size_t total = 16 << 20, chunk = 64 << 10;
    int opt;
    while ((opt = getopt(argc, argv, "s:b:")) != -1) {
        if (opt == 's')
            total = size_t(atol(optarg)) << 20;
        else if (opt == 'b')
            chunk = size_t(atol(optarg)) << 10;
        else
            return 2;
    }
    if (total == 0 || chunk == 0)
        return 2;
    std::vector<const char*> directories(argv + optind, argv + argc);
    if (directories.empty())
        directories = { "/tmp", "/" };
    bool ok = true;
    for (const char* directory : directories)
        ok = run(directory, total, chunk) && ok;
    sync();
    return ok ? 0 : 1;
}
