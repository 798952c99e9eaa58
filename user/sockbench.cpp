// sockbench — AF_UNIX benchmarks for `make bench` (issue 6's closing measurement), runnable on
// Sockeye and, for comparison, on Linux (../shared/tools/linux-ref/run.sh build/user/sockbench).
//
// Metrics, one line each: stream bandwidth with 64 KiB and with 4 KiB writes (a writer and a
// reader process on a socketpair), 1-byte ping-pong round trip (two processes; and again with
// both sides waiting in epoll_wait before each read, as an event loop does), connect+accept
// per second over a filesystem path (one process), SCM_RIGHTS passes per second (one fd sent
// and received, one process), and as references pipe bandwidth (64 KiB writes) and in-guest
// memcpy bandwidth. Every metric runs for a fixed time (--time seconds, default 0.5).
//
// Each round runs the whole set twice: alone, then with --idle connected socket pairs (default
// 1000) held open by another process, to show that per-operation cost does not grow with the
// number of sockets in the system. The best of --rounds rounds (default 3) is reported.
//
// usage: sockbench [--time SECONDS] [--rounds N] [--idle PAIRS] [--only METRIC]
#include <cerrno>
#include <csignal>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <string>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace {

double g_seconds = 0.5;

double now()
{
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

[[noreturn]] void die(const char* what)
{
    fprintf(stderr, "sockbench: %s: %s\n", what, strerror(errno));
    exit(1);
}

bool write_all(int fd, const char* data, size_t length)
{
    while (length) {
        ssize_t n = write(fd, data, length);
        if (n <= 0)
            return false;
        data += n;
        length -= n;
    }
    return true;
}

// Bytes per second from a writer (this process) to a reader child through ends[1] → ends[0],
// writing chunk bytes at a time for g_seconds; the clock stops when the reader saw EOF.
double bandwidth(int ends[2], size_t chunk)
{
    pid_t reader = fork();
    if (reader < 0)
        die("fork");
    if (reader == 0) {
        close(ends[1]);
        std::vector<char> buffer(256 * 1024);
        while (read(ends[0], buffer.data(), buffer.size()) > 0) { }
        _exit(0);
    }
    close(ends[0]);
    std::vector<char> data(chunk, 'x');
    size_t total = 0;
    double start = now();
    double stop = start + g_seconds;
    do {
        for (int i = 0; i < 16; ++i) {
            if (!write_all(ends[1], data.data(), chunk))
                die("write");
            total += chunk;
        }
    } while (now() < stop);
    close(ends[1]);
    waitpid(reader, nullptr, 0);
    return total / (now() - start);
}

double stream_bandwidth(size_t chunk)
{
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
        die("socketpair");
    return bandwidth(sv, chunk);
}

double pipe_bandwidth()
{
    int p[2];
    if (pipe(p) != 0)
        die("pipe");
    return bandwidth(p, 64 * 1024);
}

// An epoll instance watching fd for EPOLLIN.
int watch_readable(int fd)
{
    int epoll = epoll_create1(0);
    epoll_event event {};
    event.events = EPOLLIN;
    if (epoll < 0 || epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &event) != 0)
        die("epoll");
    return epoll;
}

// Reads one byte from fd; with an epoll instance (epoll >= 0), first blocks in epoll_wait
// until fd is readable, as an event loop does.
bool read_byte(int epoll, int fd, char* byte)
{
    epoll_event event;
    if (epoll >= 0 && epoll_wait(epoll, &event, 1, -1) != 1)
        return false;
    return read(fd, byte, 1) == 1;
}

// Seconds per 1-byte round trip between two processes; through_epoll: each side waits in
// epoll_wait before every read.
double ping_pong(bool through_epoll)
{
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
        die("socketpair");
    pid_t echo = fork();
    if (echo < 0)
        die("fork");
    if (echo == 0) {
        close(sv[0]);
        int epoll = through_epoll ? watch_readable(sv[1]) : -1;
        char byte;
        while (read_byte(epoll, sv[1], &byte) && write(sv[1], &byte, 1) == 1) { }
        _exit(0);
    }
    close(sv[1]);
    int epoll = through_epoll ? watch_readable(sv[0]) : -1;
    long trips = 0;
    char byte = 'p';
    double start = now();
    double stop = start + g_seconds;
    do {
        for (int i = 0; i < 16; ++i) {
            if (write(sv[0], &byte, 1) != 1 || !read_byte(epoll, sv[0], &byte))
                die("ping-pong");
        }
        trips += 16;
    } while (now() < stop);
    double elapsed = now() - start;
    close(sv[0]);
    if (epoll >= 0)
        close(epoll);
    waitpid(echo, nullptr, 0);
    return elapsed / trips;
}

// connect + accept (and both closes) per second over a path.
double connect_accept()
{
    std::string path = "/tmp/sockbench-" + std::to_string(getpid()) + ".sock";
    sockaddr_un address {};
    address.sun_family = AF_UNIX;
    strncpy(address.sun_path, path.c_str(), sizeof(address.sun_path) - 1);
    socklen_t length = offsetof(sockaddr_un, sun_path) + path.size() + 1;
    unlink(path.c_str());
    int listener = socket(AF_UNIX, SOCK_STREAM, 0);
    if (listener < 0 || bind(listener, reinterpret_cast<sockaddr*>(&address), length) != 0 || listen(listener, 64) != 0)
        die("listen");
    long count = 0;
    double start = now();
    double stop = start + g_seconds;
    do {
        for (int i = 0; i < 8; ++i) {
            int client = socket(AF_UNIX, SOCK_STREAM, 0);
            if (client < 0 || connect(client, reinterpret_cast<sockaddr*>(&address), length) != 0)
                die("connect");
            int server = accept(listener, nullptr, nullptr);
            if (server < 0)
                die("accept");
            close(client);
            close(server);
        }
        count += 8;
    } while (now() < stop);
    double elapsed = now() - start;
    close(listener);
    unlink(path.c_str());
    return count / elapsed;
}

// SCM_RIGHTS: one descriptor sent with one byte and received (then closed), per second.
double rights_passes()
{
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
        die("socketpair");
    int passed = open("/dev/null", O_RDONLY);
    if (passed < 0)
        die("open /dev/null");
    long count = 0;
    double start = now();
    double stop = start + g_seconds;
    do {
        for (int i = 0; i < 8; ++i) {
            alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] {};
            char byte = 'r';
            iovec iov { &byte, 1 };
            msghdr message {};
            message.msg_iov = &iov;
            message.msg_iovlen = 1;
            message.msg_control = control;
            message.msg_controllen = sizeof(control);
            cmsghdr* header = CMSG_FIRSTHDR(&message);
            header->cmsg_level = SOL_SOCKET;
            header->cmsg_type = SCM_RIGHTS;
            header->cmsg_len = CMSG_LEN(sizeof(int));
            memcpy(CMSG_DATA(header), &passed, sizeof(int));
            if (sendmsg(sv[0], &message, 0) != 1)
                die("sendmsg");
            message.msg_controllen = sizeof(control);
            if (recvmsg(sv[1], &message, 0) != 1)
                die("recvmsg");
            int received;
            memcpy(&received, CMSG_DATA(CMSG_FIRSTHDR(&message)), sizeof(int));
            close(received);
        }
        count += 8;
    } while (now() < stop);
    double elapsed = now() - start;
    close(passed);
    close(sv[0]);
    close(sv[1]);
    return count / elapsed;
}

// Bytes per second of memcpy between two 256 KiB buffers (what a socket copy moves at once).
// Both live in one mapping, 65 pages apart: buffers exactly 64 pages apart (what malloc gives
// two neighbouring 256 KiB chunks) collide in QEMU's direct-mapped software TLB and measure
// its thrashing instead of the copy.
double memcpy_bandwidth()
{
    constexpr size_t size = 256 * 1024;
    constexpr size_t page = 4096;
    char* base = static_cast<char*>(
        mmap(nullptr, 2 * size + page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
    if (base == MAP_FAILED)
        die("mmap");
    char* from = base;
    char* to = base + size + page;
    memset(from, 'm', size);
    memset(to, 0, size);
    size_t total = 0;
    double start = now();
    double stop = start + g_seconds;
    do {
        for (int i = 0; i < 16; ++i) {
            memcpy(to, from, size);
            asm volatile("" ::"r"(to) : "memory");
            total += size;
        }
    } while (now() < stop);
    double rate = total / (now() - start);
    munmap(base, 2 * size + page);
    return rate;
}

struct Metric {
    const char* name;
    const char* unit;
    double scale; // multiplies the measured value into the unit
    double (*measure)();
};

const Metric metrics[] = {
    { "stream bandwidth, 64 KiB writes", "MB/s", 1e-6, [] { return stream_bandwidth(64 * 1024); } },
    { "stream bandwidth, 4 KiB writes", "MB/s", 1e-6, [] { return stream_bandwidth(4 * 1024); } },
    { "1-byte ping-pong round trip", "us", 1e6, [] { return ping_pong(false); } },
    { "1-byte ping-pong, epoll_wait", "us", 1e6, [] { return ping_pong(true); } },
    { "connect+accept over a path", "/s", 1, connect_accept },
    { "SCM_RIGHTS passes", "/s", 1, rights_passes },
    { "pipe bandwidth, 64 KiB writes", "MB/s", 1e-6, pipe_bandwidth },
    { "memcpy bandwidth (in guest)", "MB/s", 1e-6, memcpy_bandwidth },
};
constexpr size_t metric_count = sizeof(metrics) / sizeof(metrics[0]);

// A process beside the benchmark that holds pairs connected socket pairs open until it is
// killed.
class IdlePairs {
public:
    explicit IdlePairs(int pairs)
    {
        int ready[2];
        if (pipe(ready) != 0)
            die("pipe");
        m_holder = fork();
        if (m_holder < 0)
            die("fork");
        if (m_holder == 0) {
            close(ready[0]);
            rlimit limit;
            getrlimit(RLIMIT_NOFILE, &limit);
            rlim_t wanted = 2 * pairs + 64;
            if (limit.rlim_cur < wanted) {
                limit.rlim_cur = wanted;
                if (limit.rlim_max < wanted)
                    limit.rlim_max = wanted;
                if (setrlimit(RLIMIT_NOFILE, &limit) != 0)
                    die("setrlimit RLIMIT_NOFILE");
            }
            for (int i = 0; i < pairs; ++i) {
                int sv[2];
                if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
                    die("socketpair (idle pairs)");
            }
            char byte = 'r';
            if (write(ready[1], &byte, 1) != 1)
                _exit(1);
            for (;;)
                pause();
        }
        close(ready[1]);
        char byte;
        if (read(ready[0], &byte, 1) != 1) {
            fprintf(stderr, "sockbench: the idle-pair holder failed\n");
            exit(1);
        }
        close(ready[0]);
    }
    ~IdlePairs()
    {
        kill(m_holder, SIGKILL);
        waitpid(m_holder, nullptr, 0);
    }

private:
    pid_t m_holder { -1 };
};

} // namespace

int main(int argc, char** argv)
{
    int idle = 1000;
    int rounds = 3;
    const char* only = nullptr;
    for (int i = 1; i < argc; ++i) {
        if (strcmp(argv[i], "--time") == 0 && i + 1 < argc)
            g_seconds = atof(argv[++i]);
        else if (strcmp(argv[i], "--idle") == 0 && i + 1 < argc)
            idle = atoi(argv[++i]);
        else if (strcmp(argv[i], "--rounds") == 0 && i + 1 < argc)
            rounds = atoi(argv[++i]);
        else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc)
            only = argv[++i];
        else {
            fprintf(
                stderr, "usage: sockbench [--time SECONDS] [--rounds N] [--idle PAIRS] [--only METRIC-SUBSTRING]\n");
            return 2;
        }
    }
    // Best of the rounds (the highest rate, the shortest round trip): the host's other load
    // only ever makes a run slower.
    double alone[metric_count] {}, crowded[metric_count] {};
    auto selected = [&](const Metric& metric) { return !only || strstr(metric.name, only); };
    auto better = [](const Metric& metric, double a, double b) {
        if (a == 0)
            return b;
        return strcmp(metric.unit, "us") == 0 ? (a < b ? a : b) : (a > b ? a : b);
    };
    auto measure_all = [&](double* best) {
        for (size_t i = 0; i < metric_count; ++i) {
            if (selected(metrics[i]))
                best[i] = better(metrics[i], best[i], metrics[i].measure() * metrics[i].scale);
        }
    };
    for (int round = 0; round < rounds; ++round) {
        measure_all(alone);
        if (idle > 0) {
            IdlePairs pairs(idle);
            measure_all(crowded);
        }
    }
    printf("sockbench: best of %d rounds of %.1f s per metric; second column with %d idle connected pairs alive\n",
        rounds, g_seconds, idle);
    for (size_t i = 0; i < metric_count; ++i) {
        if (!selected(metrics[i]))
            continue;
        printf("%-34s %10.1f %-5s", metrics[i].name, alone[i], metrics[i].unit);
        if (idle > 0)
            printf(" %10.1f %-5s (%+.0f%%)", crowded[i], metrics[i].unit,
                alone[i] ? 100.0 * (crowded[i] - alone[i]) / alone[i] : 0.0);
        printf("\n");
    }
    return 0;
}
