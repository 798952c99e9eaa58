// signal_wait_test — waiting and signals: rt_sigtimedwait and the rule that a blocked signal is
// never discarded when it is sent (Linux's sig_ignored()), which busybox init depends on (it
// blocks SIGCHLD, SIGUSR1/2, SIGTERM, ... at their default actions and sleeps in
// sigtimedwait(); without them `poweroff` never reaches it and it spins instead of sleeping);
// and nanosleep across a stop and continue (^Z, then fg: `sleep 100` must go on sleeping).
// Each expectation is Linux's (it also runs under qemu-riscv64 on the host).
#include "proc_test_support.h"

namespace {

using namespace proctest;

// Blocks the given signals for the test's lifetime and restores the mask after.
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
        while (take_pending() > 0) { }
        sigprocmask(SIG_SETMASK, &m_old, nullptr);
    }
    const sigset_t* set() const { return &m_set; }
    // sigtimedwait() on the set with a zero timeout: the signal it took, or -1 and errno (EAGAIN
    // when none was pending).
    int take_pending() const
    {
        timespec zero {};
        errno = 0;
        return sigtimedwait(&m_set, nullptr, &zero);
    }

private:
    sigset_t m_set, m_old;
};

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
    double start = now_seconds();
    timespec timeout { 0, 100 * 1000 * 1000 };
    errno = 0;
    EXPECT_EQ(sigtimedwait(blocked.set(), nullptr, &timeout), -1);
    EXPECT_EQ(errno, EAGAIN);
    EXPECT_GE(now_seconds() - start, 0.09);
}

TEST(Sigtimedwait, ZeroTimeoutPolls)
{
    Blocked blocked { SIGUSR2 };
    EXPECT_EQ(blocked.take_pending(), -1);
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
    Child poker = poke_later(SIGUSR2, 100);
    siginfo_t info {};
    timespec timeout { 10, 0 };
    EXPECT_EQ(sigtimedwait(blocked.set(), &info, &timeout), SIGUSR2);
    EXPECT_EQ(info.si_code, SI_USER);
    EXPECT_EQ(info.si_pid, poker.pid());
    EXPECT_EQ(info.si_uid, getuid());
    EXPECT_GE(poker.wait(), 0);
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
    ScopedAction ignore(SIGUSR1, SIG_IGN);
    ASSERT_EQ(raise(SIGUSR1), 0);
    sigset_t pending;
    sigpending(&pending);
    EXPECT_TRUE(sigismember(&pending, SIGUSR1));
    EXPECT_EQ(blocked.take_pending(), SIGUSR1);
}

TEST(Sigtimedwait, UnblockedIgnoredSignalIsDiscarded)
{
    ScopedAction ignore(SIGUSR1, SIG_IGN);
    ASSERT_EQ(raise(SIGUSR1), 0);
    Blocked blocked { SIGUSR1 };
    EXPECT_EQ(blocked.take_pending(), -1);
    EXPECT_EQ(errno, EAGAIN);
}

TEST(Sigtimedwait, SignalOutsideTheSetInterruptsWithEintr)
{
    ScopedAction handler(SIGUSR1, count_signal, SA_RESTART); // sigtimedwait is never restarted
    Blocked blocked { SIGUSR2 };
    g_count = 0;
    Child poker = poke_later(SIGUSR1, 100);
    timespec timeout { 10, 0 };
    errno = 0;
    EXPECT_EQ(sigtimedwait(blocked.set(), nullptr, &timeout), -1);
    EXPECT_EQ(errno, EINTR);
    EXPECT_EQ(g_count, 1);
    poker.wait();
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
        double start = now_seconds();
        timespec duration { 0, 400 * 1000 * 1000 };
        int r = nanosleep(&duration, nullptr);
        int report[2] = { r == 0 ? 0 : errno, static_cast<int>((now_seconds() - start) * 1000) };
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
    ScopedAction handler(SIGUSR1, count_signal, SA_RESTART); // nanosleep is never restarted after a handler
    g_count = 0;
    Child poker = poke_later(SIGUSR1, 100);
    timespec duration { 5, 0 }, left { -1, -1 };
    errno = 0;
    EXPECT_EQ(nanosleep(&duration, &left), -1);
    EXPECT_EQ(errno, EINTR);
    EXPECT_EQ(g_count, 1);
    EXPECT_GE(left.tv_sec, 3);
    EXPECT_LE(left.tv_sec, 4);
    poker.wait();
}

} // namespace
