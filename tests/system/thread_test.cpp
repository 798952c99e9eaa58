// thread_test — threads through glibc and raw syscalls: create and join (futex wake-ups from
// CLONE_CHILD_CLEARTID), thread ids, TLS, contended mutexes and condition variables, many
// threads at once, thread-directed and process-directed signals, per-thread masks and names,
// exit/exit_group/exec/fatal signals in a threaded process, futex operations (private and
// shared between processes), robust mutexes whose owner dies, clone3, and cancellation.
// Each expectation is Linux's: the same binary runs under qemu-riscv64 and in linux-ref.
#include "proc_test_support.h"

#include <atomic>
#include <condition_variable>
#include <linux/futex.h>
#include <linux/sched.h>
#include <mutex>
#include <pthread.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <thread>
#include <vector>

using namespace fstest;
using namespace proctest;

namespace {

long futex(void* address, int op, uint32_t value, const timespec* timeout = nullptr, uint32_t* other = nullptr,
    uint32_t value3 = 0)
{
    return syscall(SYS_futex, address, op, value, timeout, other, value3);
}

TEST(Thread, CreateAndJoinReturnResults)
{
    int result = 0;
    std::thread worker([&] { result = 42; });
    worker.join();
    EXPECT_EQ(result, 42);

    pthread_t thread;
    ASSERT_EQ(pthread_create(&thread, nullptr, [](void* argument) -> void* { return static_cast<char*>(argument) + 1; },
                  reinterpret_cast<void*>(0x1000)),
        0);
    void* returned = nullptr;
    ASSERT_EQ(pthread_join(thread, &returned), 0);
    EXPECT_EQ(returned, reinterpret_cast<void*>(0x1001));
}

TEST(Thread, IdsOfThreadsAndTheProcess)
{
    EXPECT_EQ(gettid(), getpid()) << "the main thread's tid is the pid";
    pid_t tid = 0, pid = 0, ppid = 0;
    std::thread worker([&] {
        tid = gettid();
        pid = getpid();
        ppid = getppid();
    });
    worker.join();
    EXPECT_NE(tid, getpid());
    EXPECT_GT(tid, 0);
    EXPECT_EQ(pid, getpid());
    EXPECT_EQ(ppid, getppid());
    EXPECT_EQ(syscall(SYS_set_tid_address, nullptr), gettid()) << "set_tid_address returns the caller's tid";
}

thread_local int t_counter = 5;
thread_local std::vector<int> t_vector { 1, 2, 3 };

TEST(Thread, ThreadLocalStorageIsPerThread)
{
    t_counter = 100;
    t_vector = { 1, 2, 3, 4 };
    std::vector<int*> addresses(8);
    std::vector<int> seen(8);
    std::vector<std::thread> workers;
    for (int i = 0; i < 8; ++i) {
        workers.emplace_back([&, i] {
            seen[i] = t_counter + int(t_vector.size());
            t_counter = i;
            addresses[i] = &t_counter;
        });
    }
    for (auto& w : workers)
        w.join();
    for (int i = 0; i < 8; ++i) {
        EXPECT_EQ(seen[i], 5 + 3) << "each thread starts from the initial values";
        EXPECT_NE(addresses[i], &t_counter);
        for (int j = 0; j < i; ++j)
            EXPECT_NE(addresses[i], addresses[j]);
    }
    EXPECT_EQ(t_counter, 100);
    EXPECT_EQ(t_vector.size(), 4u);
}

TEST(Thread, MutexUnderContentionCountsExactly)
{
    std::mutex mutex;
    long counter = 0;
    constexpr int threads = 8, rounds = 5000;
    std::vector<std::thread> workers;
    for (int i = 0; i < threads; ++i) {
        workers.emplace_back([&] {
            for (int r = 0; r < rounds; ++r) {
                std::lock_guard<std::mutex> guard(mutex);
                long value = counter;
                if (r % 64 == 0)
                    sched_yield(); // holding the lock: the others must wait on the futex
                counter = value + 1;
            }
        });
    }
    for (auto& w : workers)
        w.join();
    EXPECT_EQ(counter, long(threads) * rounds);
}

TEST(Thread, ConditionVariablePingPong)
{
    std::mutex mutex;
    std::condition_variable changed;
    int turn = 0;
    constexpr int rounds = 1000;
    auto player = [&](int me) {
        for (int i = 0; i < rounds; ++i) {
            std::unique_lock<std::mutex> lock(mutex);
            changed.wait(lock, [&] { return turn % 2 == me; });
            ++turn;
            changed.notify_all();
        }
    };
    std::thread a(player, 0), b(player, 1);
    a.join();
    b.join();
    EXPECT_EQ(turn, 2 * rounds);
}

TEST(Thread, ManyThreadsAtOnceAndInSequence)
{
    constexpr int count = 100;
    std::atomic<int> arrived { 0 };
    std::atomic<bool> go { false };
    std::vector<std::thread> workers;
    for (int i = 0; i < count; ++i) {
        workers.emplace_back([&] {
            ++arrived;
            while (!go)
                sched_yield();
        });
    }
    EXPECT_TRUE(eventually([&] { return arrived == count; }));
    go = true;
    for (auto& w : workers)
        w.join();
    for (int i = 0; i < 300; ++i) {
        std::thread t([] { });
        t.join();
    }
    std::atomic<int> finished { 0 };
    for (int i = 0; i < 20; ++i)
        std::thread([&] { ++finished; }).detach();
    EXPECT_TRUE(eventually([&] { return finished == 20; }));
}

TEST(Thread, ChildCleartidWakesTheJoiner)
{
    constexpr size_t stack_size = 64 * 1024;
    std::vector<char> stack(stack_size);
    static pid_t parent_tid, child_tid;
    static std::atomic<int> ran;
    parent_tid = child_tid = 0;
    ran = 0;
    int flags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM | CLONE_PARENT_SETTID
        | CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID;
    // The child shares our TLS pointer: it touches nothing but these atomics.
    int tid = clone(
        [](void*) -> int {
            sleep_ms(20);
            ran = __atomic_load_n(&child_tid, __ATOMIC_SEQ_CST);
            return 0; // glibc's clone then calls exit (this thread only)
        },
        stack.data() + stack_size, flags, nullptr, &parent_tid, nullptr, &child_tid);
    ASSERT_GT(tid, 0) << strerror(errno);
    EXPECT_EQ(parent_tid, tid);
    for (;;) {
        pid_t value = __atomic_load_n(&child_tid, __ATOMIC_SEQ_CST);
        if (value == 0)
            break;
        futex(&child_tid, FUTEX_WAIT, uint32_t(value));
    }
    EXPECT_EQ(ran, tid) << "CLONE_CHILD_SETTID wrote the tid before the thread ran";
    EXPECT_EQ(child_tid, 0) << "cleared (and woken) at exit";
}

// ---------------------------------------------------------------------------------------
// Signals and threads

std::atomic<pid_t> g_handled_by;
std::atomic<int> g_handled;
void note_thread(int)
{
    g_handled_by = gettid();
    ++g_handled;
}

TEST(ThreadSignal, PthreadKillTargetsThatThread)
{
    ScopedAction action(SIGUSR1, note_thread);
    std::atomic<pid_t> worker_tid { 0 };
    std::atomic<bool> stop { false };
    g_handled = 0;
    std::thread worker([&] {
        worker_tid = gettid();
        while (!stop)
            sleep_ms(1);
    });
    ASSERT_TRUE(eventually([&] { return worker_tid != 0; }));
    ASSERT_EQ(pthread_kill(worker.native_handle(), SIGUSR1), 0);
    EXPECT_TRUE(eventually([] { return g_handled == 1; }));
    EXPECT_EQ(g_handled_by, worker_tid);
    stop = true;
    worker.join();
}

TEST(ThreadSignal, ProcessSignalGoesToAThreadThatDoesNotBlockIt)
{
    ScopedAction action(SIGUSR1, note_thread);
    ScopedMask mask;
    mask.block(SIGUSR1);
    std::atomic<pid_t> worker_tid { 0 };
    g_handled = 0;
    std::thread worker([&] {
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, SIGUSR1);
        pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
        worker_tid = gettid();
        while (g_handled == 0)
            sleep_ms(1);
    });
    ASSERT_TRUE(eventually([&] { return worker_tid != 0; }));
    ASSERT_EQ(kill(getpid(), SIGUSR1), 0);
    worker.join();
    EXPECT_EQ(g_handled_by, worker_tid);
    EXPECT_TRUE(is_blocked(SIGUSR1)) << "the main thread's mask is its own";
}

TEST(ThreadSignal, MasksArePerThread)
{
    ScopedMask mask;
    mask.block(SIGUSR2);
    bool worker_inherited = false, worker_sees_usr1 = true;
    std::thread worker([&] {
        worker_inherited = is_blocked(SIGUSR2);
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, SIGUSR1);
        pthread_sigmask(SIG_BLOCK, &set, nullptr);
        worker_sees_usr1 = !is_blocked(SIGUSR1);
    });
    worker.join();
    EXPECT_TRUE(worker_inherited) << "a new thread starts with its creator's mask";
    EXPECT_FALSE(worker_sees_usr1);
    EXPECT_FALSE(is_blocked(SIGUSR1)) << "the worker's change stayed in the worker";
}

TEST(ThreadSignal, ThreadDirectedPendingSignalIsOnlyThatThreads)
{
    ScopedAction action(SIGUSR1, note_thread);
    g_handled = 0;
    std::atomic<int> step { 0 };
    bool worker_saw_pending = false;
    std::thread worker([&] {
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, SIGUSR1);
        pthread_sigmask(SIG_BLOCK, &set, nullptr);
        step = 1;
        while (step != 2)
            sleep_ms(1);
        sigset_t pending;
        sigpending(&pending);
        worker_saw_pending = sigismember(&pending, SIGUSR1);
        pthread_sigmask(SIG_UNBLOCK, &set, nullptr); // handled here, by the worker
    });
    ASSERT_TRUE(eventually([&] { return step == 1; }));
    ASSERT_EQ(pthread_kill(worker.native_handle(), SIGUSR1), 0);
    sigset_t pending;
    sigpending(&pending);
    EXPECT_FALSE(sigismember(&pending, SIGUSR1)) << "not pending for the main thread";
    sleep_ms(10);
    EXPECT_EQ(g_handled, 0);
    step = 2;
    worker.join();
    EXPECT_TRUE(worker_saw_pending);
    EXPECT_EQ(g_handled, 1);
}

TEST(ThreadSignal, CancellationInterruptsABlockedRead)
{
    int fds[2];
    ASSERT_EQ(pipe(fds), 0);
    pthread_t thread;
    ASSERT_EQ(pthread_create(
                  &thread, nullptr,
                  [](void* argument) -> void* {
                      char c;
                      (void)read(*static_cast<int*>(argument), &c, 1);
                      return nullptr;
                  },
                  &fds[0]),
        0);
    sleep_ms(20);
    ASSERT_EQ(pthread_cancel(thread), 0);
    void* result = nullptr;
    ASSERT_EQ(pthread_join(thread, &result), 0);
    EXPECT_EQ(result, PTHREAD_CANCELED);
    close(fds[0]);
    close(fds[1]);
}

TEST(ThreadSignal, NamesArePerThread)
{
    char before[16] = {};
    prctl(PR_GET_NAME, before);
    char inside[16] = {};
    std::thread worker([&] {
        prctl(PR_SET_NAME, "worker-thread");
        prctl(PR_GET_NAME, inside);
    });
    worker.join();
    EXPECT_STREQ(inside, "worker-thread");
    char after[16] = {};
    prctl(PR_GET_NAME, after);
    EXPECT_STREQ(after, before) << "the main thread keeps its name";
}

// ---------------------------------------------------------------------------------------
// Process-wide events in a threaded process

TEST(ThreadProcess, ExitGroupFromAThreadEndsEveryThread)
{
    Child child([] {
        int fds[2];
        pipe(fds);
        std::thread([] {
            sleep_ms(20);
            _exit(5);
        }).detach();
        char c;
        (void)read(fds[0], &c, 1); // blocked until the whole process ends
        return 1;
    });
    EXPECT_TRUE(exited_with(child.wait(), 5));
}

TEST(ThreadProcess, MainThreadExitLeavesTheOthersRunning)
{
    Child child([] {
        std::thread([] {
            sleep_ms(50);
            exit(7);
        }).detach();
        syscall(SYS_exit, 0); // this thread only (pthread_exit would unwind through gtest)
        return 1;
    });
    EXPECT_TRUE(exited_with(child.wait(), 7)) << "the process ends with its last thread's exit";
}

TEST(ThreadProcess, FatalSignalInOneThreadKillsAll)
{
    Child child([] {
        std::thread([] {
            sleep_ms(20);
            *reinterpret_cast<volatile int*>(8) = 1;
        }).detach();
        for (;;)
            pause();
        return 1;
    });
    EXPECT_TRUE(signaled_with(child.wait(), SIGSEGV));
}

TEST(ThreadProcess, ExecFromAThreadReplacesTheWholeProcess)
{
    Child child([] {
        for (int i = 0; i < 3; ++i) {
            std::thread([] {
                for (;;)
                    sleep_ms(5);
            }).detach();
        }
        std::thread([] { execl("/bin/sh", "sh", "-c", "exit 9", static_cast<char*>(nullptr)); }).detach();
        for (;;)
            sleep_ms(5);
        return 1;
    });
    EXPECT_TRUE(exited_with(child.wait(), 9));
}

TEST(ThreadProcess, ExecAfterTheMainThreadExitedKeepsThePid)
{
    int report[2];
    ASSERT_EQ(pipe(report), 0);
    Child child([&] {
        std::thread([&] {
            sleep_ms(30); // the main thread is gone by now
            std::string pid = std::to_string(getpid());
            dup2(report[1], 1);
            execl("/bin/sh", "sh", "-c", "echo $$; exit 9", static_cast<char*>(nullptr));
        }).detach();
        syscall(SYS_exit, 0);
        return 1;
    });
    close(report[1]);
    char buffer[32] = {};
    EXPECT_GT(read(report[0], buffer, sizeof buffer - 1), 0);
    close(report[0]);
    EXPECT_EQ(atoi(buffer), child.pid()) << "the program exec'd by the last thread has the process's pid";
    EXPECT_TRUE(exited_with(child.wait(), 9));
}

TEST(ThreadProcess, ExitGroupWhileThreadsComeAndGo)
{
    for (int round = 0; round < 5; ++round) {
        Child child([] {
            for (int i = 0; i < 8; ++i) {
                std::thread([] {
                    for (;;) {
                        std::thread t([] { sched_yield(); });
                        t.join();
                    }
                }).detach();
            }
            int fds[2];
            pipe(fds);
            std::thread([fds] {
                char c;
                (void)read(fds[0], &c, 1); // blocked in the kernel when the process ends
            }).detach();
            sleep_ms(30);
            exit(3);
            return 0;
        });
        EXPECT_TRUE(exited_with(child.wait(), 3)) << "round " << round;
    }
}

TEST(ThreadProcess, ExecWhileAnotherThreadIsBlockedInTheKernel)
{
    Child child([] {
        int fds[2];
        pipe(fds);
        std::thread([fds] {
            char c;
            (void)read(fds[0], &c, 1);
        }).detach();
        std::thread([] {
            for (;;) {
                uint32_t word = 0;
                syscall(SYS_futex, &word, FUTEX_WAIT_PRIVATE, 0, nullptr, nullptr, 0);
            }
        }).detach();
        sleep_ms(20);
        execl("/bin/sh", "sh", "-c", "exit 11", static_cast<char*>(nullptr));
        return 1;
    });
    EXPECT_TRUE(exited_with(child.wait(), 11));
}

TEST(ThreadProcess, AStopHoldsEveryThreadOnceReported)
{
    auto* counters = static_cast<std::atomic<uint64_t>*>(
        mmap(nullptr, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0));
    ASSERT_NE(counters, MAP_FAILED);
    for (int i = 0; i < 4; ++i)
        new (&counters[i]) std::atomic<uint64_t>(0);
    Child child([counters] {
        for (int i = 1; i < 4; ++i) {
            std::thread([counters, i] {
                for (;;)
                    ++counters[i];
            }).detach();
        }
        for (;;)
            ++counters[0];
        return 0;
    });
    ASSERT_TRUE(eventually([&] { return counters[1] > 0 && counters[2] > 0 && counters[3] > 0; }));
    ASSERT_EQ(kill(child.pid(), SIGSTOP), 0);
    int status = 0;
    ASSERT_EQ(waitpid(child.pid(), &status, WUNTRACED), child.pid());
    EXPECT_TRUE(WIFSTOPPED(status));
    uint64_t before[4];
    for (int i = 0; i < 4; ++i)
        before[i] = counters[i];
    sleep_ms(50);
    for (int i = 0; i < 4; ++i)
        EXPECT_EQ(counters[i], before[i]) << "thread " << i << " still ran after the stop was reported";
    ASSERT_EQ(kill(child.pid(), SIGCONT), 0);
    EXPECT_TRUE(eventually([&] { return counters[1] > before[1] && counters[3] > before[3]; }));
    kill(child.pid(), SIGKILL);
    EXPECT_TRUE(signaled_with(child.wait(), SIGKILL));
    munmap(counters, 4096);
}

TEST(ThreadProcess, ForkFromAThreadCopiesOnlyThatThread)
{
    Child child([] {
        std::atomic<bool> stop { false };
        std::thread spinner([&] {
            while (!stop)
                sleep_ms(1);
        });
        int status = -1;
        pid_t parent = getpid();
        std::thread forker([&] {
            pid_t pid = fork();
            if (pid == 0) {
                // One thread here: the forking one, now the main thread of a new process.
                _exit(getppid() == parent && gettid() == getpid() ? 3 : 4);
            }
            waitpid(pid, &status, 0);
        });
        forker.join();
        stop = true;
        spinner.join();
        return exited_with(status, 3) ? 0 : 1;
    });
    EXPECT_TRUE(exited_with(child.wait(), 0));
}

// ---------------------------------------------------------------------------------------
// futex

TEST(Futex, WaitChecksTheValueAndTimesOut)
{
    uint32_t word = 1;
    EXPECT_ERRNO(EAGAIN, futex(&word, FUTEX_WAIT_PRIVATE, 2));
    timespec timeout { 0, 20000000 };
    double start = now_seconds();
    EXPECT_ERRNO(ETIMEDOUT, futex(&word, FUTEX_WAIT_PRIVATE, 1, &timeout));
    EXPECT_GE(now_seconds() - start, 0.019);
    timespec absolute;
    clock_gettime(CLOCK_MONOTONIC, &absolute);
    absolute.tv_nsec += 20000000;
    if (absolute.tv_nsec >= 1000000000) {
        absolute.tv_sec += 1;
        absolute.tv_nsec -= 1000000000;
    }
    EXPECT_ERRNO(ETIMEDOUT, futex(&word, FUTEX_WAIT_BITSET_PRIVATE, 1, &absolute, nullptr, FUTEX_BITSET_MATCH_ANY));
    timespec bad { 0, 1000000000 };
    EXPECT_ERRNO(EINVAL, futex(&word, FUTEX_WAIT_PRIVATE, 1, &bad));
    EXPECT_ERRNO(EINVAL, futex(reinterpret_cast<char*>(&word) + 1, FUTEX_WAIT_PRIVATE, 1));
    EXPECT_ERRNO(EINVAL, futex(&word, FUTEX_WAIT_BITSET_PRIVATE, 1, nullptr, nullptr, 0));
    EXPECT_ERRNO(ENOSYS, futex(&word, 99, 0));
    EXPECT_EQ(futex(&word, FUTEX_WAKE_PRIVATE, 10), 0) << "nobody waits";
}

TEST(Futex, WakeWakesAtMostTheCount)
{
    static uint32_t word;
    word = 0;
    std::atomic<int> woken { 0 };
    std::vector<std::thread> waiters;
    for (int i = 0; i < 3; ++i) {
        waiters.emplace_back([&] {
            while (__atomic_load_n(&word, __ATOMIC_SEQ_CST) == 0)
                futex(&word, FUTEX_WAIT_PRIVATE, 0);
            ++woken;
        });
    }
    sleep_ms(50);
    __atomic_store_n(&word, 1, __ATOMIC_SEQ_CST);
    long first = futex(&word, FUTEX_WAKE_PRIVATE, 2);
    EXPECT_LE(first, 2);
    EXPECT_TRUE(eventually([&] { return woken >= int(first); }));
    long rest = 0;
    EXPECT_TRUE(eventually([&] {
        rest += futex(&word, FUTEX_WAKE_PRIVATE, 10);
        return woken == 3;
    }));
    for (auto& w : waiters)
        w.join();
    EXPECT_EQ(first + rest, 3) << "each waiter is woken exactly once";
}

TEST(Futex, BitsetSelectsWaiters)
{
    static uint32_t word;
    word = 0;
    std::atomic<int> which { 0 };
    std::thread a([&] {
        futex(&word, FUTEX_WAIT_BITSET_PRIVATE, 0, nullptr, nullptr, 0x1);
        which |= 1;
    });
    std::thread b([&] {
        futex(&word, FUTEX_WAIT_BITSET_PRIVATE, 0, nullptr, nullptr, 0x2);
        which |= 2;
    });
    sleep_ms(50);
    EXPECT_EQ(futex(&word, FUTEX_WAKE_BITSET_PRIVATE, 10, nullptr, nullptr, 0x2), 1);
    EXPECT_TRUE(eventually([&] { return which == 2; }));
    EXPECT_EQ(futex(&word, FUTEX_WAKE_BITSET_PRIVATE, 10, nullptr, nullptr, 0x1), 1);
    a.join();
    b.join();
    EXPECT_EQ(which, 3);
}

TEST(Futex, WakeOpChangesTheSecondWordAndWakesByItsOldValue)
{
    auto wake_op = [](uint32_t* first, int count, uint32_t* second, int count2, uint32_t op) {
        return futex(first, FUTEX_WAKE_OP_PRIVATE, uint32_t(count),
            reinterpret_cast<const timespec*>(uintptr_t(count2)), second, op);
    };
    static uint32_t first, second;
    first = 0;
    second = 5;
    EXPECT_EQ(wake_op(&first, 1, &second, 1, FUTEX_OP(FUTEX_OP_ADD, 3, FUTEX_OP_CMP_EQ, 5)), 0);
    EXPECT_EQ(second, 8u) << "second += 3";
    EXPECT_EQ(wake_op(&first, 1, &second, 1, FUTEX_OP(FUTEX_OP_OR | FUTEX_OP_OPARG_SHIFT, 4, FUTEX_OP_CMP_GT, 100)), 0);
    EXPECT_EQ(second, 24u) << "second |= 1 << 4";
    std::atomic<int> woken { 0 };
    std::thread waiter([&] {
        while (__atomic_load_n(&second, __ATOMIC_SEQ_CST) == 24)
            futex(&second, FUTEX_WAIT_PRIVATE, 24);
        ++woken;
    });
    sleep_ms(50);
    // The comparison fails: the word changes but nobody on it is woken.
    EXPECT_EQ(wake_op(&first, 1, &second, 1, FUTEX_OP(FUTEX_OP_XOR, 0, FUTEX_OP_CMP_NE, 24)), 0);
    sleep_ms(20);
    EXPECT_EQ(woken, 0);
    EXPECT_EQ(wake_op(&first, 1, &second, 1, FUTEX_OP(FUTEX_OP_SET, 7, FUTEX_OP_CMP_LE, 24)), 1);
    waiter.join();
    EXPECT_EQ(second, 7u);
    EXPECT_ERRNO(ENOSYS, wake_op(&first, 1, &second, 1, FUTEX_OP(7, 0, 0, 0)));
}

TEST(Futex, SharedFutexWorksAcrossProcesses)
{
    auto* word = static_cast<uint32_t*>(mmap(nullptr, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0));
    ASSERT_NE(word, MAP_FAILED);
    *word = 0;
    Child waker([&] {
        sleep_ms(50);
        __atomic_store_n(word, 1, __ATOMIC_SEQ_CST);
        return futex(word, FUTEX_WAKE, 1) == 1 ? 0 : 1;
    });
    double start = now_seconds();
    while (__atomic_load_n(word, __ATOMIC_SEQ_CST) == 0)
        futex(word, FUTEX_WAIT, 0);
    EXPECT_LT(now_seconds() - start, 5);
    EXPECT_TRUE(exited_with(waker.wait(), 0)) << "the wake found the waiter of the other process";
    munmap(word, 4096);
}

// ---------------------------------------------------------------------------------------
// Robust mutexes

TEST(Robust, ThreadDyingWithARobustMutexHandsItOverAsOwnerDead)
{
    pthread_mutexattr_t attributes;
    pthread_mutexattr_init(&attributes);
    pthread_mutexattr_setrobust(&attributes, PTHREAD_MUTEX_ROBUST);
    pthread_mutex_t mutex;
    pthread_mutex_init(&mutex, &attributes);
    std::thread owner([&] { pthread_mutex_lock(&mutex); }); // and exit holding it
    owner.join();
    EXPECT_EQ(pthread_mutex_lock(&mutex), EOWNERDEAD);
    EXPECT_EQ(pthread_mutex_consistent(&mutex), 0);
    EXPECT_EQ(pthread_mutex_unlock(&mutex), 0);
    EXPECT_EQ(pthread_mutex_lock(&mutex), 0);
    EXPECT_EQ(pthread_mutex_unlock(&mutex), 0);
    pthread_mutex_destroy(&mutex);
}

TEST(Robust, ProcessDyingWithASharedRobustMutexWakesTheWaiter)
{
    SKIP_UNDER_QEMU_USER("qemu-user does not implement set_robust_list (glibc then handles only its own threads)");
    auto* mutex = static_cast<pthread_mutex_t*>(
        mmap(nullptr, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0));
    ASSERT_NE(mutex, MAP_FAILED);
    pthread_mutexattr_t attributes;
    pthread_mutexattr_init(&attributes);
    pthread_mutexattr_setrobust(&attributes, PTHREAD_MUTEX_ROBUST);
    pthread_mutexattr_setpshared(&attributes, PTHREAD_PROCESS_SHARED);
    pthread_mutex_init(mutex, &attributes);
    int ready[2];
    ASSERT_EQ(pipe(ready), 0);
    Child owner([&] {
        pthread_mutex_lock(mutex);
        (void)write(ready[1], "l", 1);
        sleep_ms(50);
        return 0; // exits holding the mutex while the parent waits for it
    });
    char c;
    ASSERT_EQ(read(ready[0], &c, 1), 1);
    EXPECT_EQ(pthread_mutex_lock(mutex), EOWNERDEAD);
    pthread_mutex_consistent(mutex);
    pthread_mutex_unlock(mutex);
    EXPECT_TRUE(exited_with(owner.wait(), 0));
    close(ready[0]);
    close(ready[1]);
    munmap(mutex, 4096);
}

// ---------------------------------------------------------------------------------------
// clone3

long clone3(clone_args* args, size_t size) { return syscall(SYS_clone3, args, size); }

TEST(Clone3, ForkLikeChildAndArgumentChecks)
{
    SKIP_UNDER_QEMU_USER("qemu-user 7.2 answers clone3 with ENOSYS");
    clone_args args {};
    args.exit_signal = SIGCHLD;
    fflush(nullptr);
    long pid = clone3(&args, sizeof args);
    if (pid == 0)
        _exit(6);
    ASSERT_GT(pid, 0) << strerror(errno);
    int status = 0;
    ASSERT_EQ(waitpid(pid_t(pid), &status, 0), pid);
    EXPECT_TRUE(exited_with(status, 6));

    pid_t parent_tid = 0;
    args = {};
    args.flags = CLONE_PARENT_SETTID;
    args.parent_tid = reinterpret_cast<uintptr_t>(&parent_tid);
    args.exit_signal = SIGCHLD;
    pid = clone3(&args, sizeof args);
    if (pid == 0)
        _exit(0);
    ASSERT_GT(pid, 0);
    EXPECT_EQ(parent_tid, pid);
    waitpid(pid_t(pid), &status, 0);

    args = {};
    args.exit_signal = SIGCHLD;
    EXPECT_ERRNO(EINVAL, clone3(&args, 32));
    args.exit_signal = 65;
    EXPECT_ERRNO(EINVAL, clone3(&args, sizeof args));
    args = {};
    args.flags = CLONE_THREAD;
    EXPECT_ERRNO(EINVAL, clone3(&args, sizeof args));
    args = {};
    args.flags = 1ull << 40;
    EXPECT_ERRNO(EINVAL, clone3(&args, sizeof args));
    struct {
        clone_args args;
        uint64_t extra;
    } larger {};
    larger.args.exit_signal = SIGCHLD;
    larger.extra = 1;
    EXPECT_ERRNO(E2BIG, clone3(&larger.args, sizeof larger));
}

} // namespace
