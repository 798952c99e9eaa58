// process_test — the process layer through its syscalls: fork and wait with every kind of
// exit status (WIFSIGNALED, WCOREDUMP), WNOHANG/WUNTRACED/WCONTINUED and waitid, zombies and
// reparenting to init, copy-on-write, vfork, process groups and sessions, and a fork bomb
// held by RLIMIT_NPROC. execve is in exec_test, credentials, limits and the identity and time
// syscalls in process_identity_test. Each expectation is Linux's: the same binary runs under
// qemu-riscv64 and in linux-ref.
#include "proc_test_support.h"

#include <atomic>
#include <climits>
#include <sched.h>
#include <sys/prctl.h>
#include <memory>
#include <thread>
#include <vector>

using namespace fstest;
using namespace proctest;

namespace {

// ---------------------------------------------------------------------------------------
// Exit statuses and wait4

TEST(Wait, ExitCodesComeBackInTheStatus)
{
    for (int code : { 0, 1, 42, 255 }) {
        Child child([=] { return code; });
        int status = child.wait();
        ASSERT_TRUE(WIFEXITED(status)) << status;
        EXPECT_FALSE(WIFSIGNALED(status));
        EXPECT_EQ(WEXITSTATUS(status), code);
    }
    Child child([] { return int(syscall(SYS_exit_group, 0x1234)); });
    int status = child.wait();
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0x34) << "only the low 8 bits survive";
}

TEST(Wait, KilledBySignalReportsTheSignal)
{
    for (int signal : { SIGTERM, SIGKILL, SIGUSR1, SIGHUP, SIGALRM }) {
        Child child([=] {
            reset_signal(signal);
            kill(getpid(), signal);
            for (;;)
                pause();
            return 0;
        });
        int status = child.wait();
        EXPECT_TRUE(signaled_with(status, signal)) << "signal " << signal << " status " << status;
        EXPECT_FALSE(WIFEXITED(status));
        EXPECT_FALSE(WCOREDUMP(status)) << "signal " << signal << " does not dump core";
    }
}

TEST(Wait, CoreSignalWithoutCoreLimitWritesNoCore)
{
    for (int signal : { SIGQUIT, SIGABRT, SIGSEGV }) {
        Child child([=] {
            struct rlimit none { 0, 0 };
            setrlimit(RLIMIT_CORE, &none);
            reset_signal(signal);
            kill(getpid(), signal);
            return 0;
        });
        int status = child.wait();
        EXPECT_TRUE(signaled_with(status, signal)) << status;
        EXPECT_FALSE(WCOREDUMP(status)) << "RLIMIT_CORE 0: no core, no core flag";
    }
}

TEST(Wait, CoreSignalWithCoreLimitSetsTheCoreFlag)
{
    SKIP_UNDER_QEMU_USER("qemu writes its own and the host's core files of the emulator");
    ScratchDir dir("/tmp", "core");
    Child child([&] {
        if (chdir(dir.path().c_str()) != 0)
            return 1;
        struct rlimit unlimited { RLIM_INFINITY, RLIM_INFINITY };
        setrlimit(RLIMIT_CORE, &unlimited);
        reset_signal(SIGQUIT);
        kill(getpid(), SIGQUIT);
        return 2;
    });
    int status = child.wait();
    EXPECT_TRUE(signaled_with(status, SIGQUIT)) << status;
    EXPECT_TRUE(WCOREDUMP(status));
}

TEST(Wait, WnohangReturnsZeroWhileTheChildRuns)
{
    int gate[2];
    ASSERT_EQ(pipe(gate), 0);
    Child child([&] {
        close(gate[1]);
        char c;
        return read(gate[0], &c, 1) == 0 ? 5 : 6;
    });
    close(gate[0]);
    int status = 0;
    EXPECT_EQ(waitpid(child.pid(), &status, WNOHANG), 0);
    close(gate[1]);
    status = child.wait();
    EXPECT_TRUE(exited_with(status, 5)) << status;
}

TEST(Wait, NoChildrenIsEchild)
{
    Child child([] {
        int status;
        errno = 0;
        if (waitpid(-1, &status, 0) != -1 || errno != ECHILD)
            return 1;
        if (waitpid(-1, &status, WNOHANG) != -1 || errno != ECHILD)
            return 2;
        if (waitpid(getppid(), &status, 0) != -1 || errno != ECHILD)
            return 3;
        return 0;
    });
    EXPECT_TRUE(exited_with(child.wait(), 0));
}

TEST(Wait, BadArgumentsAreErrors)
{
    int status;
    EXPECT_ERRNO(EINVAL, waitpid(-1, &status, 0x1000));
    EXPECT_ERRNO(ESRCH, waitpid(INT_MIN, &status, WNOHANG));
}

TEST(Wait, SelectsByPidAndByProcessGroup)
{
    int gate[2];
    ASSERT_EQ(pipe(gate), 0);
    auto body = [&](int code) {
        return [&, code] {
            close(gate[1]);
            char c;
            (void)read(gate[0], &c, 1);
            return code;
        };
    };
    Child own_group(body(1));
    Child same_group(body(2));
    ASSERT_EQ(setpgid(own_group.pid(), own_group.pid()), 0) << strerror(errno);
    close(gate[0]);
    close(gate[1]);
    int status = 0;
    EXPECT_EQ(waitpid(-own_group.pid(), &status, 0), own_group.pid());
    EXPECT_TRUE(exited_with(status, 1));
    own_group.mark_reaped();
    EXPECT_EQ(waitpid(0, &status, 0), same_group.pid()) << "0 = any child in the caller's group";
    EXPECT_TRUE(exited_with(status, 2));
    same_group.mark_reaped();
}

TEST(Wait, ExitedChildIsAZombieUntilReaped)
{
    Child child([] { return 3; });
    siginfo_t info {};
    ASSERT_TRUE(eventually([&] {
        info = {};
        return waitid(P_PID, id_t(child.pid()), &info, WEXITED | WNOHANG | WNOWAIT) == 0 && info.si_pid == child.pid();
    }));
    EXPECT_EQ(kill(child.pid(), 0), 0) << "a zombie keeps its pid";
    EXPECT_EQ(process_state(child.pid()), 'Z');
    EXPECT_TRUE(exited_with(child.wait(), 3));
    EXPECT_ERRNO(ESRCH, kill(child.pid(), 0));
}

TEST(Wait, StopAndContinueAreReportedOnceEach)
{
    Child child([] {
        for (;;)
            pause();
        return 0;
    });
    ASSERT_EQ(kill(child.pid(), SIGSTOP), 0);
    int status = 0;
    ASSERT_EQ(waitpid(child.pid(), &status, WUNTRACED), child.pid());
    EXPECT_TRUE(WIFSTOPPED(status));
    EXPECT_EQ(WSTOPSIG(status), SIGSTOP);
    EXPECT_EQ(waitpid(child.pid(), &status, WUNTRACED | WNOHANG), 0) << "a stop is reported once";
    EXPECT_EQ(process_state(child.pid()), 'T');

    ASSERT_EQ(kill(child.pid(), SIGCONT), 0);
    ASSERT_EQ(waitpid(child.pid(), &status, WCONTINUED), child.pid());
    EXPECT_TRUE(WIFCONTINUED(status));
    EXPECT_EQ(waitpid(child.pid(), &status, WCONTINUED | WNOHANG), 0);

    ASSERT_EQ(kill(child.pid(), SIGKILL), 0);
    EXPECT_TRUE(signaled_with(child.wait(), SIGKILL));
}

TEST(Wait, StopIsInvisibleWithoutWuntracedAndSigkillEndsAStoppedChild)
{
    Child child([] {
        for (;;)
            pause();
        return 0;
    });
    ASSERT_EQ(kill(child.pid(), SIGSTOP), 0);
    ASSERT_TRUE(eventually([&] { return process_state(child.pid()) == 'T'; }));
    int status = 0;
    EXPECT_EQ(waitpid(child.pid(), &status, WNOHANG), 0);
    EXPECT_EQ(waitpid(child.pid(), &status, WNOHANG | WUNTRACED), child.pid());
    EXPECT_TRUE(WIFSTOPPED(status));
    ASSERT_EQ(kill(child.pid(), SIGTERM), 0);
    EXPECT_EQ(waitpid(child.pid(), &status, WNOHANG), 0) << "SIGTERM stays pending while stopped";
    ASSERT_EQ(kill(child.pid(), SIGKILL), 0);
    EXPECT_TRUE(signaled_with(child.wait(), SIGKILL));
}

TEST(Wait, StoppedReaderResumesItsReadAfterSigcont)
{
    // The reader gets a group of its own whose parent is in another group of the same
    // session, so the group is not orphaned and SIGTSTP stops it. The parent is a helper,
    // not this test: on Sockeye the test is init, and a parent that is init does not keep a
    // group from being orphaned.
    int status = run_in_child([] {
        int data[2];
        if (pipe(data) != 0)
            return 10;
        Child reader([&] {
            close(data[1]);
            char c = 0;
            ssize_t n = read(data[0], &c, 1); // interrupted by the stop, restarted after SIGCONT
            return n == 1 ? c : 99;
        });
        if (setpgid(reader.pid(), reader.pid()) != 0)
            return 11;
        close(data[0]);
        sleep_ms(20);
        kill(reader.pid(), SIGTSTP);
        int stopped = reader.wait(WUNTRACED);
        if (!WIFSTOPPED(stopped) || WSTOPSIG(stopped) != SIGTSTP)
            return 12;
        kill(reader.pid(), SIGCONT);
        sleep_ms(20);
        if (write(data[1], "\x07", 1) != 1)
            return 13;
        close(data[1]);
        return exited_with(reader.wait(), 7) ? 0 : 14;
    });
    EXPECT_TRUE(exited_with(status, 0)) << status;
}

TEST(Wait, TerminalStopSignalsAreDiscardedInAnOrphanedGroup)
{
    int data[2];
    ASSERT_EQ(pipe(data), 0);
    Child child([&] {
        setsid(); // alone in its group, its parent in another session: an orphaned group
        close(data[1]);
        char c = 0;
        return read(data[0], &c, 1) == 1 ? c : 99;
    });
    close(data[0]);
    ASSERT_TRUE(eventually([&] { return getsid(child.pid()) == child.pid(); }));
    for (int signal : { SIGTSTP, SIGTTIN, SIGTTOU })
        ASSERT_EQ(kill(child.pid(), signal), 0);
    sleep_ms(50);
    int status = 0;
    EXPECT_EQ(waitpid(child.pid(), &status, WUNTRACED | WNOHANG), 0) << "not stopped";
    ASSERT_EQ(kill(child.pid(), SIGSTOP), 0);
    ASSERT_EQ(waitpid(child.pid(), &status, WUNTRACED), child.pid());
    EXPECT_TRUE(WIFSTOPPED(status) && WSTOPSIG(status) == SIGSTOP) << "SIGSTOP always stops";
    ASSERT_EQ(kill(child.pid(), SIGCONT), 0);
    ASSERT_EQ(write(data[1], "\x08", 1), 1);
    close(data[1]);
    EXPECT_TRUE(exited_with(child.wait(), 8));
}

TEST(Wait, ManyChildrenAreEachReapedOnce)
{
    // Run in a helper so that no other child of the test is around.
    int status = run_in_child([] {
        constexpr int count = 64;
        std::vector<pid_t> pids;
        for (int i = 0; i < count; ++i) {
            pid_t pid = fork();
            if (pid == 0)
                _exit(i);
            if (pid < 0)
                return 1;
            pids.push_back(pid);
        }
        std::vector<int> seen(count, 0);
        for (int i = 0; i < count; ++i) {
            int st = 0;
            pid_t pid = wait(&st);
            if (pid <= 0 || !WIFEXITED(st))
                return 2;
            int index = WEXITSTATUS(st);
            if (index >= count || pids[size_t(index)] != pid || seen[size_t(index)]++)
                return 3;
        }
        errno = 0;
        return wait(nullptr) == -1 && errno == ECHILD ? 0 : 4;
    });
    EXPECT_TRUE(exited_with(status, 0)) << status;
}

TEST(Wait, ThreadsWaitingTogetherShareTheChildren)
{
    int status = run_in_child([] {
        constexpr int count = 24;
        std::atomic<int> reaped { 0 }, duplicates { 0 };
        std::vector<std::atomic<int>> seen(count);
        int gate[2];
        if (pipe(gate) != 0)
            return 1;
        for (int i = 0; i < count; ++i) {
            pid_t pid = fork();
            if (pid == 0) {
                char c;
                close(gate[1]);
                (void)read(gate[0], &c, 1);
                _exit(i);
            }
        }
        close(gate[0]);
        auto waiter = [&] {
            for (;;) {
                int st = 0;
                pid_t pid = wait(&st);
                if (pid < 0)
                    return; // ECHILD: all gone
                if (seen[size_t(WEXITSTATUS(st))]++)
                    ++duplicates;
                ++reaped;
            }
        };
        std::thread a(waiter), b(waiter);
        sleep_ms(20);
        close(gate[1]); // all children exit together
        a.join();
        b.join();
        return reaped == count && duplicates == 0 ? 0 : 2;
    });
    EXPECT_TRUE(exited_with(status, 0)) << status;
}

// ---------------------------------------------------------------------------------------
// waitid

TEST(Waitid, ReportsAnExitInTheSiginfo)
{
    Child child([] { return 7; });
    siginfo_t info {};
    ASSERT_EQ(waitid(P_PID, id_t(child.pid()), &info, WEXITED), 0) << strerror(errno);
    child.mark_reaped();
    EXPECT_EQ(info.si_signo, SIGCHLD);
    EXPECT_EQ(info.si_code, CLD_EXITED);
    EXPECT_EQ(info.si_pid, child.pid());
    EXPECT_EQ(info.si_uid, getuid());
    EXPECT_EQ(info.si_status, 7);
}

TEST(Waitid, ReportsKillsAndDumps)
{
    Child killed([] {
        reset_signal(SIGTERM);
        kill(getpid(), SIGTERM);
        return 0;
    });
    siginfo_t info {};
    ASSERT_EQ(waitid(P_PID, id_t(killed.pid()), &info, WEXITED), 0);
    killed.mark_reaped();
    EXPECT_EQ(info.si_code, CLD_KILLED);
    EXPECT_EQ(info.si_status, SIGTERM);

    Child aborted([] {
        struct rlimit none { 0, 0 };
        setrlimit(RLIMIT_CORE, &none);
        reset_signal(SIGABRT);
        kill(getpid(), SIGABRT);
        return 0;
    });
    ASSERT_EQ(waitid(P_PID, id_t(aborted.pid()), &info, WEXITED), 0);
    aborted.mark_reaped();
    EXPECT_EQ(info.si_code, CLD_KILLED) << "no core written: killed, not dumped";
    EXPECT_EQ(info.si_status, SIGABRT);
}

TEST(Waitid, WnowaitLeavesTheChildWaitable)
{
    Child child([] { return 9; });
    siginfo_t info {};
    ASSERT_EQ(waitid(P_PID, id_t(child.pid()), &info, WEXITED | WNOWAIT), 0);
    EXPECT_EQ(info.si_status, 9);
    info = {};
    ASSERT_EQ(waitid(P_ALL, 0, &info, WEXITED | WNOWAIT), 0);
    EXPECT_EQ(info.si_pid, child.pid());
    EXPECT_TRUE(exited_with(child.wait(), 9));
}

TEST(Waitid, WnohangWithNothingReadyClearsTheSiginfo)
{
    int gate[2];
    ASSERT_EQ(pipe(gate), 0);
    Child child([&] {
        char c;
        close(gate[1]);
        return int(read(gate[0], &c, 1));
    });
    close(gate[0]);
    siginfo_t info;
    memset(&info, 0xa5, sizeof info);
    ASSERT_EQ(waitid(P_PID, id_t(child.pid()), &info, WEXITED | WNOHANG), 0);
    EXPECT_EQ(info.si_pid, 0);
    EXPECT_EQ(info.si_signo, 0);
    close(gate[1]);
    EXPECT_TRUE(exited_with(child.wait(), 0));
}

TEST(Waitid, StoppedAndContinued)
{
    Child child([] {
        for (;;)
            pause();
        return 0;
    });
    ASSERT_EQ(kill(child.pid(), SIGSTOP), 0);
    siginfo_t info {};
    ASSERT_EQ(waitid(P_PID, id_t(child.pid()), &info, WSTOPPED), 0);
    EXPECT_EQ(info.si_code, CLD_STOPPED);
    EXPECT_EQ(info.si_status, SIGSTOP);
    EXPECT_EQ(info.si_pid, child.pid());
    ASSERT_EQ(kill(child.pid(), SIGCONT), 0);
    info = {};
    ASSERT_EQ(waitid(P_PID, id_t(child.pid()), &info, WCONTINUED), 0);
    EXPECT_EQ(info.si_code, CLD_CONTINUED);
    EXPECT_EQ(info.si_status, SIGCONT);
}

TEST(Waitid, ByProcessGroupAndBadArguments)
{
    Child child([] { return 4; });
    setpgid(child.pid(), child.pid());
    siginfo_t info {};
    EXPECT_ERRNO(EINVAL, waitid(P_PGID, id_t(child.pid()), &info, WNOHANG));
    EXPECT_ERRNO(EINVAL, waitid(idtype_t(42), 0, &info, WEXITED));
    EXPECT_ERRNO(EBADF, waitid(P_PIDFD, 9999, &info, WEXITED | WNOHANG)); // not an open fd
    int not_a_pidfd = open("/dev/null", O_RDONLY);
    EXPECT_ERRNO(EBADF, waitid(P_PIDFD, id_t(not_a_pidfd), &info, WEXITED | WNOHANG)); // nor a pidfd
    close(not_a_pidfd);
    ASSERT_EQ(waitid(P_PGID, id_t(child.pid()), &info, WEXITED), 0) << strerror(errno);
    child.mark_reaped();
    EXPECT_EQ(info.si_pid, child.pid());
    EXPECT_EQ(info.si_status, 4);
    EXPECT_ERRNO(ECHILD, waitid(P_PID, id_t(child.pid()), &info, WEXITED | WNOHANG));
}

// ---------------------------------------------------------------------------------------
// Orphans, fork, vfork

TEST(Orphan, GrandchildIsAdoptedByInit)
{
    int report[2];
    ASSERT_EQ(pipe(report), 0);
    Child middle([&] {
        pid_t grandchild = fork();
        if (grandchild == 0) {
            pid_t first = getppid();
            eventually([&] { return getppid() != first; });
            pid_t ids[2] = { getpid(), getppid() };
            _exit(write(report[1], ids, sizeof ids) == ssize_t(sizeof ids) ? 0 : 1);
        }
        return grandchild > 0 ? 0 : 1;
    });
    EXPECT_TRUE(exited_with(middle.wait(), 0));
    close(report[1]);
    pid_t ids[2] = { 0, 0 };
    EXPECT_EQ(read(report[0], ids, sizeof ids), ssize_t(sizeof ids));
    close(report[0]);
    EXPECT_EQ(ids[1], 1) << "orphans go to init";
    if (getpid() == 1 && ids[0] > 0) {
        // On Sockeye this test is init: the orphan is now our child to reap.
        int status;
        EXPECT_EQ(waitpid(ids[0], &status, 0), ids[0]);
    }
}

TEST(Orphan, ChildSubreaperAdoptsAndReapsOrphans)
{
    SKIP_UNDER_QEMU_USER("qemu-user 7.2 does not pass PR_SET_CHILD_SUBREAPER on (linux-ref agrees with this test)");
    int status = run_in_child([] {
        if (prctl(PR_SET_CHILD_SUBREAPER, 1) != 0)
            return 10;
        int value = 0;
        if (prctl(PR_GET_CHILD_SUBREAPER, &value) != 0 || value != 1)
            return 11;
        int report[2];
        if (pipe(report) != 0)
            return 12;
        pid_t me = getpid();
        pid_t middle = fork();
        if (middle == 0) {
            pid_t grandchildren[2];
            for (int i = 0; i < 2; ++i) {
                grandchildren[i] = fork();
                if (grandchildren[i] == 0) {
                    if (i == 0)
                        _exit(21); // a zombie when its parent leaves
                    pid_t first = getppid();
                    eventually([&] { return getppid() != first; });
                    pid_t parent = getppid();
                    (void)write(report[1], &parent, sizeof parent);
                    _exit(22);
                }
            }
            // Wait until the first one is a zombie, then leave both.
            siginfo_t info {};
            waitid(P_PID, id_t(grandchildren[0]), &info, WEXITED | WNOWAIT);
            (void)write(report[1], grandchildren, sizeof grandchildren);
            _exit(0);
        }
        pid_t grandchildren[2] = {};
        if (read(report[0], grandchildren, sizeof grandchildren) != ssize_t(sizeof grandchildren))
            return 13;
        pid_t adopted_by = 0;
        if (read(report[0], &adopted_by, sizeof adopted_by) != ssize_t(sizeof adopted_by) || adopted_by != me)
            return 14; // the orphan's new parent is the subreaper
        int st = 0;
        if (waitpid(middle, &st, 0) != middle || !exited_with(st, 0))
            return 15;
        if (waitpid(grandchildren[0], &st, 0) != grandchildren[0] || !exited_with(st, 21))
            return 16; // the zombie orphan is ours to reap
        if (waitpid(grandchildren[1], &st, 0) != grandchildren[1] || !exited_with(st, 22))
            return 17;
        errno = 0;
        return waitpid(-1, &st, WNOHANG) == -1 && errno == ECHILD ? 0 : 18;
    });
    EXPECT_TRUE(exited_with(status, 0)) << status;
}

TEST(Orphan, ParentDeathSignalArrivesWhenTheParentExits)
{
    int report[2];
    ASSERT_EQ(pipe(report), 0);
    Child parent([&] {
        pid_t child = fork();
        if (child == 0) {
            static int fd;
            fd = report[1];
            signal(SIGUSR1, [](int signal) {
                (void)write(fd, &signal, sizeof signal);
                _exit(0);
            });
            pid_t original = getppid();
            if (prctl(PR_SET_PDEATHSIG, SIGUSR1) != 0)
                _exit(1);
            int value = 0;
            prctl(PR_GET_PDEATHSIG, &value);
            if (value != SIGUSR1 || getppid() != original)
                _exit(2); // (or the parent was already gone)
            for (;;)
                pause();
        }
        sleep_ms(50);
        return 0; // leaves: the child is told
    });
    EXPECT_TRUE(exited_with(parent.wait(), 0));
    int got = 0;
    EXPECT_EQ(read(report[0], &got, sizeof got), ssize_t(sizeof got));
    EXPECT_EQ(got, SIGUSR1);
    close(report[0]);
    close(report[1]);
    if (getpid() == 1) {
        int status;
        while (waitpid(-1, &status, WNOHANG) > 0) { }
        sleep_ms(20);
        while (waitpid(-1, &status, WNOHANG) > 0) { } // the orphan adopted by us (init)
    }
}

int g_global = 1;

TEST(Fork, MemoryIsCopiedNotShared)
{
    static int in_data = 2;
    int on_stack = 3;
    std::unique_ptr<int> on_heap(new int(4));
    std::vector<char> big(1 << 20, 'p');
    int gate[2];
    ASSERT_EQ(pipe(gate), 0);
    Child child([&] {
        close(gate[1]);
        char c;
        (void)read(gate[0], &c, 1);
        // The parent's writes after fork are invisible here.
        if (g_global != 1 || in_data != 2 || on_stack != 3 || *on_heap != 4 || big[12345] != 'p')
            return 1;
        g_global = 10;
        in_data = 20;
        on_stack = 30;
        *on_heap = 40;
        memset(big.data(), 'c', big.size());
        return g_global == 10 && big[777777] == 'c' ? 0 : 2;
    });
    close(gate[0]);
    g_global = 100;
    big[12345] = 'P';
    close(gate[1]);
    EXPECT_TRUE(exited_with(child.wait(), 0));
    EXPECT_EQ(g_global, 100);
    EXPECT_EQ(in_data, 2);
    EXPECT_EQ(on_stack, 3);
    EXPECT_EQ(*on_heap, 4);
    EXPECT_EQ(big[777777], 'p');
    g_global = 1;
}

volatile int g_vfork_shared;

TEST(Vfork, ChildBorrowsTheParentUntilItExits)
{
    SKIP_UNDER_QEMU_USER("qemu-user implements vfork as fork");
    g_vfork_shared = 0;
    pid_t pid = vfork();
    if (pid == 0) {
        g_vfork_shared = 1;
        struct timespec pause_time { 0, 30000000 };
        nanosleep(&pause_time, nullptr);
        g_vfork_shared = 2;
        _exit(12);
    }
    ASSERT_GT(pid, 0);
    EXPECT_EQ(g_vfork_shared, 2) << "the address space is shared and the parent waited for the child's exit";
    int status = 0;
    EXPECT_EQ(waitpid(pid, &status, 0), pid);
    EXPECT_TRUE(exited_with(status, 12));
}

TEST(Vfork, ChildCanExec)
{
    pid_t pid = vfork();
    if (pid == 0) {
        execl("/bin/sh", "sh", "-c", "exit 4", static_cast<char*>(nullptr));
        _exit(127);
    }
    ASSERT_GT(pid, 0);
    int status = 0;
    EXPECT_EQ(waitpid(pid, &status, 0), pid);
    EXPECT_TRUE(exited_with(status, 4)) << status;
}

// ---------------------------------------------------------------------------------------
// Process groups and sessions

TEST(ProcessGroup, ParentMovesAChildBetweenGroupsOfItsSession)
{
    // In a session of its own, so that the groups are real ones (linux-ref runs the test in
    // the kernel's session 0, group 0).
    int status = run_in_child([] {
        if (setsid() < 0)
            return 1;
        int gate[2];
        if (pipe(gate) != 0)
            return 2;
        Child child([&] {
            close(gate[1]);
            char c;
            (void)read(gate[0], &c, 1);
            return 0;
        });
        close(gate[0]);
        if (getpgid(child.pid()) != getpgrp())
            return 3; // a child starts in its parent's group
        if (setpgid(child.pid(), child.pid()) != 0 || getpgid(child.pid()) != child.pid())
            return 4;
        if (setpgid(child.pid(), getpgrp()) != 0 || getpgid(child.pid()) != getpgrp())
            return 5; // back into our group (same session)
        FS_CHILD_EXPECT_ERRNO(setpgid(child.pid(), 30000), EPERM); // no such group in the session
        FS_CHILD_EXPECT_ERRNO(setpgid(child.pid(), -1), EINVAL);
        FS_CHILD_EXPECT_ERRNO(setpgid(999999, 0), ESRCH);
        FS_CHILD_EXPECT_ERRNO(getpgid(999999), ESRCH);
        FS_CHILD_EXPECT_ERRNO(getsid(999999), ESRCH);
        close(gate[1]);
        return exited_with(child.wait(), 0) ? 0 : 6;
    });
    EXPECT_TRUE(exited_with(status, 0)) << status;
}

TEST(ProcessGroup, OnlyOwnChildrenAndNotAfterExec)
{
    int input[2], exec_done[2];
    ASSERT_EQ(pipe(input), 0);
    ASSERT_EQ(pipe2(exec_done, O_CLOEXEC), 0);
    Child shell([&] {
        dup2(input[0], 0);
        close(input[1]);
        execl("/bin/sh", "sh", "-c", "read x", static_cast<char*>(nullptr));
        return 100;
    });
    close(input[0]);
    close(exec_done[1]);
    char c;
    EXPECT_EQ(read(exec_done[0], &c, 1), 0) << "EOF: the child has exec'd";
    close(exec_done[0]);
    EXPECT_ERRNO(EACCES, setpgid(shell.pid(), shell.pid()));

    Child sibling([&] {
        errno = 0;
        if (setpgid(shell.pid(), shell.pid()) != -1 || errno != ESRCH)
            return 1; // not our child
        return 0;
    });
    EXPECT_TRUE(exited_with(sibling.wait(), 0));
    close(input[1]);
    EXPECT_TRUE(WIFEXITED(shell.wait()));
}

TEST(Session, SetsidMakesANewSessionAndGroup)
{
    Child child([] {
        pid_t sid = setsid();
        if (sid != getpid())
            return 1;
        if (getsid(0) != getpid() || getpgrp() != getpid())
            return 2;
        errno = 0;
        if (setsid() != -1 || errno != EPERM)
            return 3; // already a group leader
        if (setpgid(0, 0) != -1 || errno != EPERM)
            return 4; // a session leader cannot change its group
        return 0;
    });
    EXPECT_TRUE(exited_with(child.wait(), 0));

    Child leader([] {
        if (setpgid(0, 0) != 0)
            return 1;
        errno = 0;
        return setsid() == -1 && errno == EPERM ? 0 : 2;
    });
    EXPECT_TRUE(exited_with(leader.wait(), 0)) << "a group leader cannot start a session";
}

TEST(Session, ChildInAnotherSessionCannotBeMoved)
{
    int gate[2], ready[2];
    ASSERT_EQ(pipe(gate), 0);
    ASSERT_EQ(pipe(ready), 0);
    Child child([&] {
        setsid();
        close(gate[1]);
        (void)write(ready[1], "r", 1);
        char c;
        (void)read(gate[0], &c, 1);
        return 0;
    });
    close(gate[0]);
    char c;
    ASSERT_EQ(read(ready[0], &c, 1), 1);
    EXPECT_EQ(getsid(child.pid()), child.pid());
    EXPECT_NE(getsid(0), child.pid());
    EXPECT_ERRNO(EPERM, setpgid(child.pid(), getpgrp()));
    close(gate[1]);
    close(ready[0]);
    close(ready[1]);
    EXPECT_TRUE(exited_with(child.wait(), 0));
}

// ---------------------------------------------------------------------------------------
// init

// Run as init (pid 1): the signals its children send it and it leaves at the default action
// are dropped, SIGKILL included (Linux's SIGNAL_UNKILLABLE); a signal it handles arrives.
int init_ignores_default_signals()
{
    static std::atomic<int> handled;
    handled = 0;
    signal(SIGUSR2, [](int) { ++handled; });
    for (int s : { SIGTERM, SIGUSR1, SIGINT, SIGHUP })
        reset_signal(s);
    Child sender([] {
        for (int s : { SIGTERM, SIGUSR1, SIGINT, SIGHUP, SIGSTOP, SIGKILL, SIGUSR2 }) {
            if (kill(1, s) != 0)
                return 1;
        }
        return 0;
    });
    if (!exited_with(sender.wait(), 0))
        return 2;
    return eventually([] { return handled == 1; }) ? 0 : 3;
}

TEST(Init, IgnoresSignalsItLeavesAtTheDefaultAction)
{
    if (getpid() == 1) {
        // Sockeye runs this test as init.
        EXPECT_EQ(init_ignores_default_signals(), 0);
        return;
    }
    // Elsewhere: the init of a new pid namespace has the same rule.
    fflush(nullptr);
    long pid = syscall(SYS_clone, CLONE_NEWPID | SIGCHLD, nullptr, nullptr, nullptr, nullptr);
    if (pid < 0)
        GTEST_SKIP() << "not init, and no pid namespace here: " << strerror(errno);
    if (pid == 0)
        _exit(getpid() == 1 ? init_ignores_default_signals() : 10);
    int status = 0;
    ASSERT_EQ(waitpid(pid_t(pid), &status, 0), pid);
    EXPECT_TRUE(exited_with(status, 0)) << status;
}

// ---------------------------------------------------------------------------------------
// A fork bomb under RLIMIT_NPROC

TEST(ForkBomb, RlimitNprocStopsItWithEagainAndTheSystemStaysUsable)
{
    SKIP_UNDER_QEMU_USER("qemu's own threads count against RLIMIT_NPROC and it aborts when it cannot make them");
    int report[2];
    ASSERT_EQ(pipe(report), 0);
    constexpr int limit = 24;
    Child bomb([&] {
        close(report[0]);
        setpgid(0, 0);
        struct rlimit nproc { limit, limit };
        if (setrlimit(RLIMIT_NPROC, &nproc) != 0 || !become_nobody())
            return 10;
        // Every process forks until the limit refuses, reports 'P' for each child it made and
        // 'E' (or 'X' for another error) when fork fails, then waits to be killed.
        bool leader = true;
        for (;;) {
            pid_t pid = fork();
            if (pid == 0) {
                leader = false;
                continue;
            }
            if (pid > 0) {
                (void)write(report[1], "P", 1); // before this process can report its own failure
                continue;
            }
            {
                (void)write(report[1], errno == EAGAIN ? "E" : "X", 1);
                break;
            }
        }
        if (!leader) {
            for (;;)
                pause();
        }
        return 0;
    });
    close(report[1]);
    // The bomb is done when every process (the leader and each 'P') has reported a failure.
    int started = 0, failed = 0, other = 0;
    char c;
    while ((failed + other < started + 1) && read(report[0], &c, 1) == 1) {
        started += c == 'P';
        failed += c == 'E';
        other += c == 'X';
    }
    EXPECT_EQ(other, 0) << "fork failed with something else than EAGAIN";
    EXPECT_GT(failed, 0);
    EXPECT_LT(started, limit) << "the limit counts every process of the user";
    EXPECT_TRUE(exited_with(bomb.wait(), 0));
    kill(-bomb.pid(), SIGKILL);
    close(report[0]);
    if (getpid() == 1) {
        // On Sockeye this test is init: the bomb's orphans are ours to reap.
        int status;
        for (int i = 0; i < 10 * limit && waitpid(-1, &status, 0) > 0; ++i) { }
    } else {
        eventually([&] { return kill(-bomb.pid(), 0) != 0; });
    }
    Child after([] { return 5; });
    EXPECT_TRUE(exited_with(after.wait(), 5)) << "fork works again";
}

} // namespace
