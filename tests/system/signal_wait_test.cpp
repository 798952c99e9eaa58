// signal_wait_test — waiting and signals: rt_sigtimedwait and the rule that a blocked signal is
// never discarded when it is sent (Linux's sig_ignored()), which busybox init depends on (it
// blocks SIGCHLD, SIGUSR1/2, SIGTERM, ... at their default actions and sleeps in
// sigtimedwait(); without them `poweroff` never reaches it and it spins instead of sleeping);
// and nanosleep across a stop and continue (^Z, then fg: `sleep 100` must go on sleeping).
// Each expectation is Linux's (it also runs under qemu-riscv64 on the host).
#include <gtest/gtest.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <ctime>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

namespace {

// Blocks the given signals for the test's lifetime and restores the mask and actions after.
class Blocked {
public:
    explicit Blocked(std::initializer_list<int> signals)
    {
        sigemptyset(&m_set);
        for (int s : signals)
            sigaddset(&m_set, s);
        sigprocmask(SIG_BLOCK, &m_set, &m_old);
    }
    ~Blocked()
    {
        // Drain what the test left pending, so it does not leak into the next one.
        timespec zero {};
        while (sigtimedwait(&m_set, nullptr, &zero) > 0) { }
        sigprocmask(SIG_SETMASK, &m_old, nullptr);
    }
    const sigset_t* set() const { return &m_set; }

private:
    sigset_t m_set, m_old;
};

double seconds_since(const timespec& start)
{
    timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (now.tv_sec - start.tv_sec) + (now.tv_nsec - start.tv_nsec) / 1e9;
}

TEST(Sigtimedwait, TakesAPendingBlockedSignal)
{
    Blocked blocked { SIGUSR1 };
    ASSERT_EQ(kill(getpid(), SIGUSR1), 0);
    siginfo_t info {};
    timespec timeout { 1, 0 };
    EXPECT_EQ(sigtimedwait(blocked.set(), &info, &timeout), SIGUSR1);
    EXPECT_EQ(info.si_signo, SIGUSR1);
    EXPECT_EQ(info.si_code, SI_USER);
    EXPECT_EQ(info.si_pid, getpid());
    sigset_t pending;
    sigpending(&pending);
    EXPECT_FALSE(sigismember(&pending, SIGUSR1)) << "the signal was taken";
}

TEST(Sigtimedwait, TimesOutWithEagain)
{
    Blocked blocked { SIGUSR2 };
    timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    timespec timeout { 0, 100 * 1000 * 1000 };
    errno = 0;
    EXPECT_EQ(sigtimedwait(blocked.set(), nullptr, &timeout), -1);
    EXPECT_EQ(errno, EAGAIN);
    EXPECT_GE(seconds_since(start), 0.09);
}

TEST(Sigtimedwait, ZeroTimeoutPolls)
{
    Blocked blocked { SIGUSR2 };
    timespec zero {};
    errno = 0;
    EXPECT_EQ(sigtimedwait(blocked.set(), nullptr, &zero), -1);
    EXPECT_EQ(errno, EAGAIN);
}

TEST(Sigtimedwait, InvalidTimeoutIsEinval)
{
    Blocked blocked { SIGUSR2 };
    timespec bad { 0, 1000000000 };
    errno = 0;
    EXPECT_EQ(sigtimedwait(blocked.set(), nullptr, &bad), -1);
    EXPECT_EQ(errno, EINVAL);
}

TEST(Sigtimedwait, WakesWhenAnotherProcessSends)
{
    Blocked blocked { SIGUSR2 };
    pid_t parent = getpid();
    pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        usleep(100 * 1000);
        kill(parent, SIGUSR2);
        _exit(0);
    }
    siginfo_t info {};
    timespec timeout { 10, 0 };
    EXPECT_EQ(sigtimedwait(blocked.set(), &info, &timeout), SIGUSR2);
    EXPECT_EQ(info.si_code, SI_USER);
    EXPECT_EQ(info.si_pid, child);
    EXPECT_EQ(info.si_uid, getuid());
    int status = 0;
    EXPECT_EQ(waitpid(child, &status, 0), child);
}

// busybox init's pattern: SIGCHLD blocked at SIG_DFL (whose action is to ignore) still
// becomes pending, and sigtimedwait reports the child.
TEST(Sigtimedwait, BlockedSigchldAtDefaultActionIsKept)
{
    ASSERT_EQ(signal(SIGCHLD, SIG_DFL), SIG_DFL);
    Blocked blocked { SIGCHLD };
    pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0)
        _exit(3);
    siginfo_t info {};
    timespec timeout { 10, 0 };
    EXPECT_EQ(sigtimedwait(blocked.set(), &info, &timeout), SIGCHLD);
    EXPECT_EQ(info.si_code, CLD_EXITED);
    EXPECT_EQ(info.si_pid, child);
    EXPECT_EQ(info.si_status, 3);
    int status = 0;
    EXPECT_EQ(waitpid(child, &status, 0), child);
    EXPECT_EQ(WEXITSTATUS(status), 3);
}

TEST(Sigtimedwait, BlockedSignalIsPendingEvenWhenIgnored)
{
    Blocked blocked { SIGUSR1 };
    struct sigaction ignore {}, old {};
    ignore.sa_handler = SIG_IGN;
    ASSERT_EQ(sigaction(SIGUSR1, &ignore, &old), 0);
    ASSERT_EQ(raise(SIGUSR1), 0);
    sigset_t pending;
    sigpending(&pending);
    EXPECT_TRUE(sigismember(&pending, SIGUSR1));
    timespec zero {};
    EXPECT_EQ(sigtimedwait(blocked.set(), nullptr, &zero), SIGUSR1);
    sigaction(SIGUSR1, &old, nullptr);
}

TEST(Sigtimedwait, UnblockedIgnoredSignalIsDiscarded)
{
    struct sigaction ignore {}, old {};
    ignore.sa_handler = SIG_IGN;
    ASSERT_EQ(sigaction(SIGUSR1, &ignore, &old), 0);
    ASSERT_EQ(raise(SIGUSR1), 0);
    Blocked blocked { SIGUSR1 };
    timespec zero {};
    errno = 0;
    EXPECT_EQ(sigtimedwait(blocked.set(), nullptr, &zero), -1);
    EXPECT_EQ(errno, EAGAIN);
    sigaction(SIGUSR1, &old, nullptr);
}

volatile sig_atomic_t g_handled = 0;

TEST(Sigtimedwait, SignalOutsideTheSetInterruptsWithEintr)
{
    struct sigaction handler {}, old {};
    handler.sa_handler = [](int) { g_handled = 1; };
    handler.sa_flags = SA_RESTART; // sigtimedwait is never restarted
    ASSERT_EQ(sigaction(SIGUSR1, &handler, &old), 0);
    Blocked blocked { SIGUSR2 };
    g_handled = 0;
    pid_t parent = getpid();
    pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        usleep(100 * 1000);
        kill(parent, SIGUSR1);
        _exit(0);
    }
    timespec timeout { 10, 0 };
    errno = 0;
    EXPECT_EQ(sigtimedwait(blocked.set(), nullptr, &timeout), -1);
    EXPECT_EQ(errno, EINTR);
    EXPECT_EQ(g_handled, 1);
    int status = 0;
    waitpid(child, &status, 0);
    sigaction(SIGUSR1, &old, nullptr);
}

TEST(Sigtimedwait, BadSigsetSizeIsEinval)
{
    sigset_t set;
    sigemptyset(&set);
    errno = 0;
    EXPECT_EQ(syscall(SYS_rt_sigtimedwait, &set, nullptr, nullptr, 4), -1);
    EXPECT_EQ(errno, EINVAL);
}

// A child sleeps 400 ms; the parent stops and continues it in the middle. No handler runs,
// so Linux restarts the sleep (restart_syscall) and nanosleep returns 0 after the whole time.
TEST(Nanosleep, GoesOnAfterAStopAndContinue)
{
    int result[2];
    ASSERT_EQ(pipe(result), 0);
    pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        timespec start;
        clock_gettime(CLOCK_MONOTONIC, &start);
        timespec duration { 0, 400 * 1000 * 1000 };
        int r = nanosleep(&duration, nullptr);
        int report[2] = { r == 0 ? 0 : errno, static_cast<int>(seconds_since(start) * 1000) };
        (void)!write(result[1], report, sizeof(report));
        _exit(0);
    }
    close(result[1]);
    usleep(100 * 1000);
    ASSERT_EQ(kill(child, SIGSTOP), 0);
    int status = 0;
    ASSERT_EQ(waitpid(child, &status, WUNTRACED), child);
    EXPECT_TRUE(WIFSTOPPED(status));
    usleep(100 * 1000);
    ASSERT_EQ(kill(child, SIGCONT), 0);
    int report[2] = { -1, -1 };
    EXPECT_EQ(read(result[0], report, sizeof(report)), ssize_t(sizeof(report)));
    EXPECT_EQ(report[0], 0) << "nanosleep failed: " << strerror(report[0]);
    EXPECT_GE(report[1], 390) << "slept only " << report[1] << " ms";
    EXPECT_EQ(waitpid(child, &status, 0), child);
    close(result[0]);
}

TEST(Nanosleep, AHandlerInterruptsItWithEintrAndTheTimeLeft)
{
    struct sigaction handler {}, old {};
    handler.sa_handler = [](int) { g_handled = 1; };
    handler.sa_flags = SA_RESTART; // nanosleep is never restarted after a handler
    ASSERT_EQ(sigaction(SIGUSR1, &handler, &old), 0);
    g_handled = 0;
    pid_t parent = getpid();
    pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        usleep(100 * 1000);
        kill(parent, SIGUSR1);
        _exit(0);
    }
    timespec duration { 5, 0 }, left { -1, -1 };
    errno = 0;
    EXPECT_EQ(nanosleep(&duration, &left), -1);
    EXPECT_EQ(errno, EINTR);
    EXPECT_EQ(g_handled, 1);
    EXPECT_GE(left.tv_sec, 3);
    EXPECT_LE(left.tv_sec, 4);
    int status = 0;
    waitpid(child, &status, 0);
    sigaction(SIGUSR1, &old, nullptr);
}

} // namespace
