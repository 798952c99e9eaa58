// efault_process_test — every pointer-taking process, signal and time syscall answers EFAULT
// for a pointer to unmapped memory and for a kernel address, and the caller carries on.
// Raw syscall(2) throughout, so glibc never touches the pointers itself. Linux's behaviour
// (the same binary runs under qemu-riscv64 and in linux-ref).
#include "proc_test_support.h"

#include <linux/futex.h>
#include <linux/sched.h>
#include <sys/prctl.h>
#include <sys/time.h>
#include <sys/times.h>

using namespace fstest;
using namespace proctest;

namespace {

class ProcessEfault : public testing::TestWithParam<void*> {
protected:
    void* bad = GetParam();
};

// A child that has exited (a zombie to reap).
pid_t exited_child()
{
    pid_t pid = fork();
    if (pid == 0)
        _exit(0);
    siginfo_t info {};
    waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT);
    return pid;
}

TEST_P(ProcessEfault, WaitOutputs)
{
    // The child is reaped, then the copy-out fails: it is gone afterwards.
    pid_t pid = exited_child();
    EXPECT_ERRNO(EFAULT, syscall(SYS_wait4, pid, bad, 0, nullptr));
    EXPECT_ERRNO(ECHILD, syscall(SYS_wait4, pid, nullptr, WNOHANG, nullptr));
    pid = exited_child();
    EXPECT_ERRNO(EFAULT, syscall(SYS_wait4, pid, nullptr, 0, bad));
    EXPECT_ERRNO(ECHILD, syscall(SYS_wait4, pid, nullptr, WNOHANG, nullptr));
    pid = exited_child();
    EXPECT_ERRNO(EFAULT, syscall(SYS_waitid, P_PID, pid, bad, WEXITED, nullptr));
    EXPECT_ERRNO(ECHILD, syscall(SYS_wait4, pid, nullptr, WNOHANG, nullptr));
    pid = exited_child();
    siginfo_t info {};
    EXPECT_ERRNO(EFAULT, syscall(SYS_waitid, P_PID, pid, &info, WEXITED, bad));
    EXPECT_ERRNO(ECHILD, syscall(SYS_wait4, pid, nullptr, WNOHANG, nullptr));
}

TEST_P(ProcessEfault, ExecveArguments)
{
    const char* good_argv[] = { "sh", nullptr };
    const char* bad_element[] = { "sh", static_cast<const char*>(bad), nullptr };
    EXPECT_ERRNO(EFAULT, syscall(SYS_execve, bad, good_argv, nullptr));
    EXPECT_ERRNO(EFAULT, syscall(SYS_execve, "/bin/sh", bad, nullptr));
    EXPECT_ERRNO(EFAULT, syscall(SYS_execve, "/bin/sh", bad_element, nullptr));
    EXPECT_ERRNO(EFAULT, syscall(SYS_execve, "/bin/sh", good_argv, bad));
    EXPECT_ERRNO(EFAULT, syscall(SYS_execve, "/bin/sh", good_argv, bad_element));
    EXPECT_EQ(getpid(), getpid()) << "still here";
}

TEST_P(ProcessEfault, IdentityAndCredentials)
{
    uid_t id;
    EXPECT_ERRNO(EFAULT, syscall(SYS_getresuid, bad, &id, &id));
    EXPECT_ERRNO(EFAULT, syscall(SYS_getresuid, &id, bad, &id));
    EXPECT_ERRNO(EFAULT, syscall(SYS_getresuid, &id, &id, bad));
    EXPECT_ERRNO(EFAULT, syscall(SYS_getresgid, bad, &id, &id));
    EXPECT_ERRNO(EFAULT, syscall(SYS_getresgid, &id, bad, &id));
    EXPECT_ERRNO(EFAULT, syscall(SYS_getresgid, &id, &id, bad));
    void* pointer = bad;
    int status = run_in_child([pointer] {
        gid_t groups[2] = { 1, 2 };
        if (setgroups(2, groups) != 0)
            return 10;
        FS_CHILD_EXPECT_ERRNO(syscall(SYS_getgroups, 2, pointer), EFAULT);
        FS_CHILD_EXPECT_ERRNO(syscall(SYS_setgroups, 1, pointer), EFAULT);
        return getgroups(0, nullptr) == 2 ? 0 : 11;
    });
    EXPECT_TRUE(exited_with(status, 0)) << status;
    EXPECT_ERRNO(EFAULT, syscall(SYS_uname, bad));
    EXPECT_ERRNO(EFAULT, syscall(SYS_sysinfo, bad));
    EXPECT_ERRNO(EFAULT, syscall(SYS_getrandom, bad, 16, 0));
    EXPECT_ERRNO(EFAULT, syscall(SYS_prctl, PR_SET_NAME, bad, 0, 0, 0));
    EXPECT_ERRNO(EFAULT, syscall(SYS_prctl, PR_GET_NAME, bad, 0, 0, 0));
    EXPECT_ERRNO(EFAULT, syscall(SYS_getcwd, bad, 4096));
    EXPECT_ERRNO(EFAULT, syscall(SYS_sched_getaffinity, 0, 8, bad));
}

TEST_P(ProcessEfault, Limits)
{
    EXPECT_ERRNO(EFAULT, syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, bad, nullptr));
    EXPECT_ERRNO(EFAULT, syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, nullptr, bad));
    EXPECT_ERRNO(EFAULT, syscall(SYS_getrlimit, RLIMIT_NOFILE, bad));
    EXPECT_ERRNO(EFAULT, syscall(SYS_setrlimit, RLIMIT_NOFILE, bad));
    EXPECT_ERRNO(EFAULT, syscall(SYS_getrusage, RUSAGE_SELF, bad));
    EXPECT_ERRNO(EFAULT, syscall(SYS_getrusage, RUSAGE_CHILDREN, bad));
    EXPECT_ERRNO(EFAULT, syscall(SYS_times, bad));
    struct rlimit limit {};
    EXPECT_EQ(getrlimit(RLIMIT_NOFILE, &limit), 0);
    EXPECT_GT(limit.rlim_cur, 0u) << "nothing changed";
}

TEST_P(ProcessEfault, Clocks)
{
    EXPECT_ERRNO(EFAULT, syscall(SYS_clock_gettime, CLOCK_MONOTONIC, bad));
    EXPECT_ERRNO(EFAULT, syscall(SYS_clock_gettime, CLOCK_REALTIME, bad));
    EXPECT_ERRNO(EFAULT, syscall(SYS_gettimeofday, bad, nullptr));
    EXPECT_ERRNO(EFAULT, syscall(SYS_gettimeofday, nullptr, bad));
    if (!under_qemu_user()) {
        // Not comparable under qemu-user, which ignores a bad clock_getres pointer and reads
        // nanosleep's request unchecked; linux-ref says EFAULT.
        EXPECT_ERRNO(EFAULT, syscall(SYS_clock_getres, CLOCK_MONOTONIC, bad));
        EXPECT_ERRNO(EFAULT, syscall(SYS_nanosleep, bad, nullptr));
    }
    EXPECT_ERRNO(EFAULT, syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, bad, nullptr));
    EXPECT_ERRNO(EFAULT, syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, TIMER_ABSTIME, bad, nullptr));
    EXPECT_ERRNO(EFAULT, syscall(SYS_getitimer, ITIMER_REAL, bad));
    EXPECT_ERRNO(EFAULT, syscall(SYS_setitimer, ITIMER_REAL, bad, nullptr));
    struct itimerval off {};
    EXPECT_ERRNO(EFAULT, syscall(SYS_setitimer, ITIMER_REAL, &off, bad));
}

TEST_P(ProcessEfault, InterruptedSleepWithBadRemainder)
{
    // The time left is written only when a signal interrupts the sleep; then it is EFAULT.
    SKIP_UNDER_QEMU_USER("qemu-user ignores a bad remainder pointer and says EINTR (linux-ref agrees with this test)");
    ScopedAction action(SIGUSR1, count_signal);
    Child poker = poke_later(SIGUSR1, 50);
    timespec request { 5, 0 };
    EXPECT_ERRNO(EFAULT, syscall(SYS_nanosleep, &request, bad));
    Child again = poke_later(SIGUSR1, 50);
    EXPECT_ERRNO(EFAULT, syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, &request, bad));
}

TEST_P(ProcessEfault, SignalActionsAndMasks)
{
    EXPECT_ERRNO(EFAULT, syscall(SYS_rt_sigaction, SIGUSR1, bad, nullptr, 8));
    EXPECT_ERRNO(EFAULT, syscall(SYS_rt_sigaction, SIGUSR1, nullptr, bad, 8));
    EXPECT_ERRNO(EFAULT, syscall(SYS_rt_sigprocmask, SIG_BLOCK, bad, nullptr, 8));
    EXPECT_ERRNO(EFAULT, syscall(SYS_rt_sigprocmask, SIG_BLOCK, nullptr, bad, 8));
    EXPECT_ERRNO(EFAULT, syscall(SYS_rt_sigpending, bad, 8));
    EXPECT_ERRNO(EFAULT, syscall(SYS_rt_sigsuspend, bad, 8));
    EXPECT_ERRNO(EFAULT, syscall(SYS_sigaltstack, bad, nullptr));
    EXPECT_ERRNO(EFAULT, syscall(SYS_sigaltstack, nullptr, bad));
    struct sigaction now {};
    sigaction(SIGUSR1, nullptr, &now);
    EXPECT_EQ(now.sa_handler, SIG_DFL) << "nothing changed";
    EXPECT_FALSE(is_blocked(SIGUSR1));
}

TEST_P(ProcessEfault, SignalQueuesAndWaits)
{
    ScopedMask mask;
    mask.block(SIGUSR1);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    timespec zero { 0, 0 };
    EXPECT_ERRNO(EFAULT, syscall(SYS_rt_sigtimedwait, bad, nullptr, &zero, 8));
    EXPECT_ERRNO(EFAULT, syscall(SYS_rt_sigtimedwait, &set, nullptr, bad, 8));
    syscall(SYS_tgkill, getpid(), gettid(), SIGUSR1);
    EXPECT_ERRNO(EFAULT, syscall(SYS_rt_sigtimedwait, &set, bad, &zero, 8));
    EXPECT_ERRNO(EFAULT, syscall(SYS_rt_sigqueueinfo, getpid(), SIGUSR1, bad));
    EXPECT_ERRNO(EFAULT, syscall(SYS_rt_tgsigqueueinfo, getpid(), gettid(), SIGUSR1, bad));
    siginfo_t info {};
    syscall(SYS_rt_sigtimedwait, &set, &info, &zero, 8); // drain
}

TEST_P(ProcessEfault, FutexAndThreadPointers)
{
    uint32_t word = 0;
    EXPECT_ERRNO(EFAULT, syscall(SYS_futex, bad, FUTEX_WAIT_PRIVATE, 0, nullptr, nullptr, 0));
    EXPECT_ERRNO(EFAULT, syscall(SYS_futex, bad, FUTEX_WAIT, 0, nullptr, nullptr, 0));
    EXPECT_ERRNO(EFAULT, syscall(SYS_futex, &word, FUTEX_WAIT_PRIVATE, 0, bad, nullptr, 0));
    EXPECT_ERRNO(EFAULT, syscall(SYS_futex, bad, FUTEX_WAKE, 1, nullptr, nullptr, 0));
    if (!under_qemu_user()) {
        // qemu-user 7.2 implements neither get_robust_list nor clone3 (ENOSYS).
        struct robust_list_head* head;
        size_t length;
        EXPECT_ERRNO(EFAULT, syscall(SYS_get_robust_list, 0, bad, &length));
        EXPECT_ERRNO(EFAULT, syscall(SYS_get_robust_list, 0, &head, bad));
        EXPECT_ERRNO(EFAULT, syscall(SYS_clone3, bad, sizeof(clone_args)));
    }
}

// FUTEX_WAKE on a private futex looks only at the address: unmapped user memory is fine,
// a kernel address is not.
TEST(ProcessEfaultEdges, PrivateFutexWakeChecksOnlyTheRange)
{
    EXPECT_EQ(syscall(SYS_futex, bad_user_pointer, FUTEX_WAKE_PRIVATE, 1, nullptr, nullptr, 0), 0);
    EXPECT_ERRNO(EFAULT, syscall(SYS_futex, kernel_pointer, FUTEX_WAKE_PRIVATE, 1, nullptr, nullptr, 0));
}

// set_tid_address and set_robust_list only remember the pointer; it is used at exit.
TEST(ProcessEfaultEdges, RememberedPointersAreNotCheckedUpFront)
{
    SKIP_UNDER_QEMU_USER("qemu-user does not implement set_robust_list");
    Child child([] {
        if (syscall(SYS_set_robust_list, bad_user_pointer, 24) != 0)
            return 1;
        if (syscall(SYS_set_tid_address, bad_user_pointer) != gettid())
            return 2;
        return 0; // and exiting with both bad pointers is harmless
    });
    EXPECT_TRUE(exited_with(child.wait(), 0));
}

std::string pointer_name(const testing::TestParamInfo<void*>& info)
{
    return info.param == bad_user_pointer ? "unmapped" : "kernel";
}

INSTANTIATE_TEST_SUITE_P(Pointers, ProcessEfault, testing::Values(bad_user_pointer, kernel_pointer), pointer_name);

} // namespace
