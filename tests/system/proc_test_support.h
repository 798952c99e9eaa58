// Shared helpers of the process, signal and thread guest tests (process*_test.cpp,
// signal*_test.cpp, exec_test.cpp, thread_test.cpp, efault_process_test.cpp) and, through
// unix_test_support.h, of the AF_UNIX tests: children that are always reaped, timing, signal
// actions, and the few places where qemu-riscv64 user mode is not Linux.
//
// On Sockeye a test binary runs as init (pid 1) when booted with init=/tests/<name>; under
// qemu-riscv64 and in linux-ref it is an ordinary process. Tests are written to hold in both.
#pragma once

#include "fs_test_support.h"

#include <atomic>
#include <csignal>
#include <ctime>
#include <sys/resource.h>

namespace proctest {

using fstest::under_qemu_user;

#define SKIP_UNDER_QEMU_USER(reason)                                                                                   \
    do {                                                                                                               \
        if (::proctest::under_qemu_user())                                                                             \
            GTEST_SKIP() << "not comparable under qemu-user: " << reason;                                              \
    } while (0)

inline double now_seconds(clockid_t clock = CLOCK_MONOTONIC)
{
    timespec ts;
    clock_gettime(clock, &ts);
    return double(ts.tv_sec) + double(ts.tv_nsec) / 1e9;
}

inline void sleep_ms(long ms)
{
    timespec ts { ms / 1000, (ms % 1000) * 1000000 };
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) { }
}

// A forked child running body (its return value is the exit code). The destructor kills and
// reaps it if the test did not, so no test leaves a zombie or a stray process behind.
class Child {
public:
    template<typename Body> explicit Child(Body body)
    {
        fflush(nullptr);
        m_pid = fork();
        if (m_pid == 0)
            _exit(body());
        if (m_pid < 0)
            ADD_FAILURE() << "fork: " << strerror(errno);
    }
    ~Child()
    {
        if (m_pid > 0 && !m_reaped) {
            kill(m_pid, SIGKILL);
            int status;
            waitpid(m_pid, &status, 0);
        }
    }
    Child(const Child&) = delete;
    Child& operator=(const Child&) = delete;

    pid_t pid() const { return m_pid; }
    // waitpid(pid, options); marks the child reaped when it returns an exit/kill status.
    int wait(int options = 0)
    {
        int status = 0;
        pid_t result = waitpid(m_pid, &status, options);
        if (result == m_pid && (WIFEXITED(status) || WIFSIGNALED(status)))
            m_reaped = true;
        if (result != m_pid)
            return result == 0 ? -2 : -1;
        return status;
    }
    void mark_reaped() { m_reaped = true; }

private:
    pid_t m_pid { -1 };
    bool m_reaped { false };
};

// Polls until pred() holds or timeout_ms passes.
template<typename Pred> bool eventually(Pred pred, long timeout_ms = 5000)
{
    double end = now_seconds() + double(timeout_ms) / 1000;
    while (!pred()) {
        if (now_seconds() > end)
            return false;
        sleep_ms(2);
    }
    return true;
}

// The state letter of /proc/<pid>/stat ('R', 'S', 'T', 'Z', ...), '?' if unreadable.
inline char process_state(pid_t pid)
{
    std::string stat = fstest::read_file("/proc/" + std::to_string(pid) + "/stat");
    size_t paren = stat.rfind(')');
    if (paren == std::string::npos || paren + 2 >= stat.size())
        return '?';
    return stat[paren + 2];
}

inline bool signaled_with(int status, int signal) { return WIFSIGNALED(status) && WTERMSIG(status) == signal; }

// Installs a handler (sa_flags as given) and restores the previous action on destruction.
class ScopedAction {
public:
    ScopedAction(int signal, void (*handler)(int), int flags = 0, const sigset_t* mask = nullptr) : m_signal(signal)
    {
        struct sigaction action {};
        action.sa_handler = handler;
        install(action, flags, mask);
    }
    ScopedAction(int signal, void (*handler)(int, siginfo_t*, void*), int flags = 0, const sigset_t* mask = nullptr)
        : m_signal(signal)
    {
        struct sigaction action {};
        action.sa_sigaction = handler;
        install(action, flags | SA_SIGINFO, mask);
    }
    ~ScopedAction() { sigaction(m_signal, &m_previous, nullptr); }
    ScopedAction(const ScopedAction&) = delete;
    ScopedAction& operator=(const ScopedAction&) = delete;

private:
    void install(struct sigaction& action, int flags, const sigset_t* mask)
    {
        action.sa_flags = flags;
        if (mask)
            action.sa_mask = *mask;
        else
            sigemptyset(&action.sa_mask);
        if (sigaction(m_signal, &action, &m_previous) != 0)
            ADD_FAILURE() << "sigaction: " << strerror(errno);
    }

    int m_signal;
    struct sigaction m_previous {};
};

// Restores the calling thread's signal mask on destruction.
class ScopedMask {
public:
    ScopedMask() { pthread_sigmask(SIG_SETMASK, nullptr, &m_saved); }
    ~ScopedMask() { pthread_sigmask(SIG_SETMASK, &m_saved, nullptr); }
    void block(int signal)
    {
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, signal);
        pthread_sigmask(SIG_BLOCK, &set, nullptr);
    }

private:
    sigset_t m_saved;
};

inline bool is_blocked(int signal)
{
    sigset_t set;
    pthread_sigmask(SIG_SETMASK, nullptr, &set);
    return sigismember(&set, signal) == 1;
}

// Back to the default action and unblocked (a child about to test a default action).
inline void reset_signal(int signal)
{
    ::signal(signal, SIG_DFL);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, signal);
    sigprocmask(SIG_UNBLOCK, &set, nullptr);
}

// What the recording handlers saw last.
inline std::atomic<int> g_count;
inline std::atomic<int> g_last_signal;
inline siginfo_t g_info;
inline void count_signal(int signal)
{
    ++g_count;
    g_last_signal = signal;
}
inline void record_info(int signal, siginfo_t* info, void*)
{
    ++g_count;
    g_last_signal = signal;
    g_info = *info;
}

// A helper process that sends `signal` to the caller once it sleeps (its state is 'S', so
// that a busy host does not make the signal come before the call it should interrupt) and
// `delay_ms` have passed, then runs then() in the helper.
template<typename Then> Child poke_later_then(int signal, long delay_ms, Then then)
{
    pid_t target = getpid();
    return Child([=] {
        sleep_ms(delay_ms);
        eventually([&] { return process_state(target) == 'S'; }, 2000);
        kill(target, signal);
        then();
        return 0;
    });
}

// poke_later_then that writes one byte to `fd` (if >= 0) another `delay_ms` after the signal.
inline Child poke_later(int signal, long delay_ms, int fd = -1)
{
    return poke_later_then(signal, delay_ms, [=] {
        if (fd >= 0) {
            sleep_ms(delay_ms);
            (void)write(fd, "k", 1);
        }
    });
}

} // namespace proctest
