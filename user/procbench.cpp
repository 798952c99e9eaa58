// procbench — process and memory costs for issue 4's closing measurement, runnable on
// Sockeye (`init=/usr/bin/procbench`) and on Linux (../shared/tools/linux-ref/run.sh
// build/user/procbench) for a side-by-side table.
//
// Metrics, one line each, best of --rounds rounds (default 3), each round --time seconds:
//   getppid            a trivial syscall round trip
//   fork+exit+wait     a child that exits at once
//   fork+exec+wait     a child that execs this program again, which exits at once
//   page fault         first touch of a fresh anonymous page
//   cow fault          first write to a page shared copy-on-write with a child
//
// usage: procbench [--time SECONDS] [--rounds N]
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

namespace {

double g_seconds = 0.5;

double now()
{
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

// Runs op in batches until g_seconds pass; returns microseconds per operation.
template<typename Op>
double measure(long batch, Op op)
{
    long done = 0;
    double start = now(), elapsed;
    do {
        for (long i = 0; i < batch; ++i)
            op();
        done += batch;
        elapsed = now() - start;
    } while (elapsed < g_seconds);
    return elapsed * 1e6 / done;
}

void wait_child(pid_t pid)
{
    int status;
    if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "procbench: child failed\n");
        exit(1);
    }
}

double getppid_cost()
{
    return measure(10000, [] { syscall(SYS_getppid); });
}

double fork_exit_cost()
{
    return measure(10, [] {
        pid_t pid = fork();
        if (pid == 0)
            _exit(0);
        wait_child(pid);
    });
}

double fork_exec_cost()
{
    return measure(5, [] {
        pid_t pid = fork();
        if (pid == 0) {
            execl("/proc/self/exe", "procbench", "--child", nullptr);
            _exit(127);
        }
        wait_child(pid);
    });
}

constexpr size_t pages = 256;

double page_fault_cost()
{
    long page = sysconf(_SC_PAGESIZE);
    return measure(1, [page] {
        auto* memory = static_cast<char*>(mmap(nullptr, pages * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
        for (size_t i = 0; i < pages; ++i)
            memory[i * page] = 1;
        munmap(memory, pages * page);
    }) / pages;
}

// The child touches every shared page once (a COW copy each) and exits; the cost of the
// fork itself is measured separately and subtracted.
double cow_fault_cost(double fork_exit)
{
    long page = sysconf(_SC_PAGESIZE);
    auto* memory = static_cast<char*>(mmap(nullptr, pages * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
    memset(memory, 1, pages * page);
    double per_round = measure(2, [memory, page] {
        pid_t pid = fork();
        if (pid == 0) {
            for (size_t i = 0; i < pages; ++i)
                memory[i * page] = 2;
            _exit(0);
        }
        wait_child(pid);
    });
    munmap(memory, pages * page);
    return (per_round - fork_exit) / pages;
}

} // namespace

int main(int argc, char** argv)
{
    if (argc == 2 && !strcmp(argv[1], "--child"))
        return 0;
    int rounds = 3;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--time"))
            g_seconds = atof(argv[i + 1]);
        else if (!strcmp(argv[i], "--rounds"))
            rounds = atoi(argv[i + 1]);
    }
    double best[5] = { 1e30, 1e30, 1e30, 1e30, 1e30 };
    for (int round = 0; round < rounds; ++round) {
        double fork_exit = fork_exit_cost();
        double results[5] = { getppid_cost(), fork_exit, fork_exec_cost(), page_fault_cost(), cow_fault_cost(fork_exit) };
        for (int i = 0; i < 5; ++i)
            best[i] = results[i] < best[i] ? results[i] : best[i];
    }
    printf("getppid          %10.2f us\n", best[0]);
    printf("fork+exit+wait   %10.2f us\n", best[1]);
    printf("fork+exec+wait   %10.2f us\n", best[2]);
    printf("page fault       %10.2f us\n", best[3]);
    printf("cow fault        %10.2f us\n", best[4]);
    return 0;
}
