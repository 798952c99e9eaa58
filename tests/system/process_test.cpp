// process_test — the process layer through its syscalls: fork/exec/wait and every kind of
// exit status, WNOHANG/WUNTRACED/WCONTINUED and waitid, zombies and reparenting to init,
// copy-on-write, vfork, execve (#! scripts, corrupt ELF, E2BIG, EACCES, close-on-exec),
// process groups and sessions, Linux's set*id rules, umask, cwd, resource limits, and the
// small identity/time syscalls (uname, sysinfo, getrandom, clocks, prctl, getrusage,
// itimers, sched_yield), ending with a fork bomb held by RLIMIT_NPROC. Each expectation is
// Linux's: the same binary runs under qemu-riscv64 and in linux-ref.
#include "proc_test_support.h"

#include <climits>
#include <sys/auxv.h>
#include <sys/fsuid.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/sysinfo.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <vector>

using namespace fstest;
using namespace proctest;

extern char** environ;

namespace {

std::string g_self; // argv[0], for the tests that exec this program again

void reset_signal(int signal)
{
    ::signal(signal, SIG_DFL);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, signal);
    sigprocmask(SIG_UNBLOCK, &set, nullptr);
}

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
// execve

int exec_in_child(const std::string& path, std::vector<std::string> args, std::vector<std::string> env = {})
{
    Child child([&] {
        std::vector<char*> argv, envp;
        for (auto& a : args)
            argv.push_back(a.data());
        argv.push_back(nullptr);
        for (auto& e : env)
            envp.push_back(e.data());
        envp.push_back(nullptr);
        execve(path.c_str(), argv.data(), envp.data());
        return 200 + errno;
    });
    return child.wait();
}

TEST(Exec, ShellScriptRunsWithItsInterpreter)
{
    ScratchDir dir("/tmp", "exec");
    std::string script = dir / "script";
    write_file(script, "#!/bin/sh\n[ \"$1\" = hello ] || exit 8\n[ \"$0\" = " + script + " ] || exit 9\nexit 7\n");
    ASSERT_EQ(chmod(script.c_str(), 0755), 0);
    EXPECT_TRUE(exited_with(exec_in_child(script, { "name", "hello" }), 7));

    std::string with_option = dir / "with-option";
    write_file(with_option, "#!/bin/sh -e\nfalse\nexit 7\n");
    ASSERT_EQ(chmod(with_option.c_str(), 0755), 0);
    EXPECT_TRUE(exited_with(exec_in_child(with_option, { "x" }), 1)) << "the optional argument -e reaches sh";

    std::string missing = dir / "missing-interpreter";
    write_file(missing, "#!/nonexistent/interpreter\n");
    ASSERT_EQ(chmod(missing.c_str(), 0755), 0);
    EXPECT_TRUE(exited_with(exec_in_child(missing, { "x" }), 200 + ENOENT));

    std::string loop = dir / "loop";
    write_file(loop, "#!" + loop + "\n");
    ASSERT_EQ(chmod(loop.c_str(), 0755), 0);
    EXPECT_TRUE(exited_with(exec_in_child(loop, { "x" }), 200 + ELOOP));
}

TEST(Exec, CorruptElfFailsWithEnoexecAndTheCallerCarriesOn)
{
    ScratchDir dir("/tmp", "exec");
    std::string garbage = dir / "garbage";
    std::string bytes = "\x7f" "ELF";
    for (int i = 0; i < 200; ++i)
        bytes += char(i * 37 + 11);
    write_file(garbage, bytes);
    std::string empty = dir / "empty";
    write_file(empty, "");
    std::string text = dir / "text";
    write_file(text, "echo this is not a program\n");
    for (auto* path : { &garbage, &empty, &text })
        ASSERT_EQ(chmod(path->c_str(), 0755), 0);

    int keep = open("/dev/null", O_RDONLY);
    ASSERT_GE(keep, 0);
    g_global = 77;
    char* argv[] = { const_cast<char*>("x"), nullptr };
    for (auto* path : { &garbage, &empty, &text }) {
        errno = 0;
        EXPECT_EQ(execve(path->c_str(), argv, environ), -1) << *path;
        EXPECT_EQ(errno, ENOEXEC) << *path << ": " << strerror(errno);
    }
    // Still this program, with its memory and descriptors.
    EXPECT_EQ(g_global, 77);
    EXPECT_EQ(fcntl(keep, F_GETFD), 0);
    close(keep);
    g_global = 1;
    EXPECT_TRUE(exited_with(exec_in_child("/bin/sh", { "sh", "-c", "exit 3" }), 3));
}

TEST(Exec, ArgumentSizeLimitsAreE2big)
{
    char* argv[] = { const_cast<char*>("sh"), const_cast<char*>("-c"), const_cast<char*>("exit 0"), nullptr, nullptr };
    std::string too_long(200 * 1024, 'x'); // one string beyond MAX_ARG_STRLEN (128 KiB)
    argv[3] = too_long.data();
    EXPECT_ERRNO(E2BIG, execve("/bin/sh", argv, environ));
    char* envp[] = { too_long.data(), nullptr };
    argv[3] = nullptr;
    EXPECT_ERRNO(E2BIG, execve("/bin/sh", argv, envp));

    std::string fits(100 * 1024, 'y');
    EXPECT_TRUE(exited_with(exec_in_child("/bin/sh", { "sh", "-c", "[ ${#1} -eq 102400 ] && exit 6; exit 7", "sh", fits }), 6));
}

TEST(Exec, TotalArgumentsAreLimitedByAQuarterOfTheStackLimit)
{
    SKIP_UNDER_QEMU_USER("qemu-user ignores setrlimit(RLIMIT_STACK)");
    Child child([] {
        struct rlimit stack { 1 << 20, 1 << 20 };
        if (setrlimit(RLIMIT_STACK, &stack) != 0)
            return 1;
        std::string piece(100 * 1024, 'z');
        char* argv[] = { const_cast<char*>("sh"), const_cast<char*>("-c"), const_cast<char*>("exit 0"), piece.data(),
            piece.data(), piece.data(), nullptr };
        execve("/bin/sh", argv, environ); // 300 KiB of strings > 256 KiB
        return errno == E2BIG ? 0 : 2;
    });
    EXPECT_TRUE(exited_with(child.wait(), 0));
}

TEST(Exec, PermissionProblemsAreEacces)
{
    ScratchDir dir("/tmp", "exec");
    std::string plain = dir / "not-executable";
    write_file(plain, "#!/bin/sh\nexit 0\n");
    ASSERT_EQ(chmod(plain.c_str(), 0644), 0);
    EXPECT_TRUE(exited_with(exec_in_child(plain, { "x" }), 200 + EACCES)) << "even root needs an x bit";
    EXPECT_TRUE(exited_with(exec_in_child(dir.path(), { "x" }), 200 + EACCES)) << "a directory";
    EXPECT_TRUE(exited_with(exec_in_child(dir / "missing", { "x" }), 200 + ENOENT));
    EXPECT_TRUE(exited_with(exec_in_child(plain + "/x", { "x" }), 200 + ENOTDIR));

    std::string owner_only = dir / "owner-only";
    write_file(owner_only, "#!/bin/sh\nexit 0\n");
    ASSERT_EQ(chmod(owner_only.c_str(), 0700), 0);
    std::string closed_dir = dir / "closed";
    ASSERT_EQ(mkdir(closed_dir.c_str(), 0700), 0);
    write_file(closed_dir + "/program", "#!/bin/sh\nexit 0\n");
    ASSERT_EQ(chmod((closed_dir + "/program").c_str(), 0755), 0);
    int status = run_in_child([&] {
        if (!become_nobody())
            return 10;
        char* argv[] = { const_cast<char*>("x"), nullptr };
        FS_CHILD_EXPECT_ERRNO(execve(owner_only.c_str(), argv, environ), EACCES);
        FS_CHILD_EXPECT_ERRNO(execve((closed_dir + "/program").c_str(), argv, environ), EACCES);
        return 0;
    });
    EXPECT_TRUE(exited_with(status, 0)) << status;
}

TEST(Exec, CloseOnExecDescriptorsAreClosed)
{
    int keep = open("/dev/null", O_WRONLY);
    int drop = open("/dev/null", O_WRONLY | O_CLOEXEC);
    ASSERT_GE(keep, 0);
    ASSERT_GE(drop, 0);
    Child child([&] {
        if (dup2(keep, 5) != 5 || dup3(drop, 6, O_CLOEXEC) != 6 || dup2(keep, 7) != 7 || fcntl(7, F_SETFD, FD_CLOEXEC) != 0)
            return 1;
        execl("/bin/sh", "sh", "-c", ": >&5 || exit 3; (: >&6) 2>/dev/null && exit 4; (: >&7) 2>/dev/null && exit 5; exit 0",
            static_cast<char*>(nullptr));
        return 2;
    });
    EXPECT_TRUE(exited_with(child.wait(), 0));
    close(keep);
    close(drop);
}

TEST(Exec, ArgumentsAndEnvironmentReachTheProgram)
{
    EXPECT_TRUE(exited_with(exec_in_child("/bin/sh",
                                { "sh", "-c", "[ \"$0\" = zero ] && [ \"$1\" = one ] && [ \"$SOCKEYE_VAR\" = value ] && exit 0; exit 1",
                                    "zero", "one" },
                                { "SOCKEYE_VAR=value" }),
        0));
}

void record_signal(int) { }

// The exec'd half of SignalStateAcrossExec: prints what it finds, exits 0 when it is Linux's.
int check_signal_state_after_exec(const char* expected_pid)
{
    struct sigaction action {};
    sigaction(SIGUSR1, nullptr, &action);
    if (action.sa_handler != SIG_DFL)
        return 3; // handlers are reset
    sigaction(SIGUSR2, nullptr, &action);
    if (action.sa_handler != SIG_IGN)
        return 4; // ignored stays ignored
    if (!is_blocked(SIGINT))
        return 5; // the mask is kept
    sigset_t pending;
    sigpending(&pending);
    if (!sigismember(&pending, SIGINT))
        return 6; // and so are pending signals
    stack_t stack {};
    sigaltstack(nullptr, &stack);
    if (!(stack.ss_flags & SS_DISABLE))
        return 7; // the alternate stack is not
    if (atoi(expected_pid) != getpid())
        return 8;
    char name[16] = {};
    prctl(PR_GET_NAME, name);
    if (strcmp(name, "process_test") != 0 && strcmp(name, "prog") != 0)
        return 9;
    if (getauxval(AT_PAGESZ) != 4096 || !getauxval(AT_RANDOM) || !getauxval(AT_EXECFN))
        return 10;
    return 0;
}

TEST(Exec, SignalStateAcrossExec)
{
    SKIP_UNDER_QEMU_USER("the host cannot exec a riscv64 program without binfmt_misc");
    Child child([] {
        signal(SIGUSR1, record_signal);
        signal(SIGUSR2, SIG_IGN);
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, SIGINT);
        sigprocmask(SIG_BLOCK, &set, nullptr);
        raise(SIGINT);
        static char stack_memory[65536];
        stack_t stack { stack_memory, 0, sizeof stack_memory };
        sigaltstack(&stack, nullptr);
        std::string pid = std::to_string(getpid());
        execl(g_self.c_str(), g_self.c_str(), "--check-signal-state", pid.c_str(), static_cast<char*>(nullptr));
        return 100;
    });
    EXPECT_TRUE(exited_with(child.wait(), 0));
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
// Credentials

TEST(Credentials, RootSetsAnyIdsThenUnprivilegedRulesApply)
{
    int status = run_in_child([] {
        if (setresuid(1000, 2000, 3000) != 0)
            return 1;
        uid_t r, e, s;
        getresuid(&r, &e, &s);
        if (r != 1000 || e != 2000 || s != 3000 || geteuid() != 2000 || getuid() != 1000)
            return 2;
        if (setresuid(uid_t(-1), 3000, uid_t(-1)) != 0)
            return 3; // to the saved id
        FS_CHILD_EXPECT_ERRNO(setresuid(uid_t(-1), 4000, uid_t(-1)), EPERM);
        FS_CHILD_EXPECT_ERRNO(setresuid(4000, uid_t(-1), uid_t(-1)), EPERM);
        if (setuid(1000) != 0)
            return 4; // unprivileged setuid changes only the effective id
        getresuid(&r, &e, &s);
        if (r != 1000 || e != 1000 || s != 3000)
            return 5;
        if (setuid(3000) != 0)
            return 6;
        FS_CHILD_EXPECT_ERRNO(setuid(5), EPERM);
        FS_CHILD_EXPECT_ERRNO(seteuid(0), EPERM);
        return 0;
    });
    EXPECT_TRUE(exited_with(status, 0)) << status;
}

TEST(Credentials, SetuidAsRootDropsEveryId)
{
    int status = run_in_child([] {
        if (setuid(65534) != 0)
            return 1;
        uid_t r, e, s;
        getresuid(&r, &e, &s);
        if (r != 65534 || e != 65534 || s != 65534)
            return 2;
        FS_CHILD_EXPECT_ERRNO(setuid(0), EPERM);
        FS_CHILD_EXPECT_ERRNO(seteuid(0), EPERM);
        FS_CHILD_EXPECT_ERRNO(setresuid(0, 0, 0), EPERM);
        return 0;
    });
    EXPECT_TRUE(exited_with(status, 0)) << status;
}

TEST(Credentials, SavedRootIdAllowsRegainingRoot)
{
    int status = run_in_child([] {
        if (setresuid(65534, 65534, 0) != 0)
            return 1;
        if (geteuid() != 65534)
            return 2;
        if (seteuid(0) != 0)
            return 3;
        uid_t r, e, s;
        getresuid(&r, &e, &s);
        if (r != 65534 || e != 0 || s != 0)
            return 4;
        if (setreuid(1000, 2000) != 0)
            return 5; // as root; setting the real id also sets saved = effective
        getresuid(&r, &e, &s);
        if (r != 1000 || e != 2000 || s != 2000)
            return 6;
        return 0;
    });
    EXPECT_TRUE(exited_with(status, 0)) << status;
}

TEST(Credentials, GroupIdsFollowTheSameRules)
{
    int status = run_in_child([] {
        if (setresgid(100, 200, 300) != 0)
            return 1;
        gid_t r, e, s;
        getresgid(&r, &e, &s);
        if (r != 100 || e != 200 || s != 300)
            return 2;
        if (setresuid(65534, 65534, 65534) != 0)
            return 3;
        if (setresgid(300, 100, uid_t(-1)) != 0)
            return 4; // any of the current three
        FS_CHILD_EXPECT_ERRNO(setresgid(uid_t(-1), 400, uid_t(-1)), EPERM);
        FS_CHILD_EXPECT_ERRNO(setgid(400), EPERM);
        if (setgid(300) != 0)
            return 5; // unprivileged setgid: the effective id may become the real or saved one
        getresgid(&r, &e, &s);
        if (r != 300 || e != 300 || s != 300)
            return 6;
        return 0;
    });
    EXPECT_TRUE(exited_with(status, 0)) << status;
}

TEST(Credentials, SupplementaryGroupsNeedRoot)
{
    int status = run_in_child([] {
        gid_t groups[3] = { 10, 20, 30 };
        if (setgroups(3, groups) != 0)
            return 1;
        if (getgroups(0, nullptr) != 3)
            return 2;
        gid_t out[8] = {};
        if (getgroups(8, out) != 3 || out[0] != 10 || out[1] != 20 || out[2] != 30)
            return 3;
        FS_CHILD_EXPECT_ERRNO(getgroups(1, out), EINVAL);
        FS_CHILD_EXPECT_ERRNO(syscall(SYS_setgroups, 65537, groups), EINVAL);
        FS_CHILD_EXPECT_ERRNO(syscall(SYS_getgroups, -1, out), EINVAL);
        if (setgroups(0, nullptr) != 0 || getgroups(0, nullptr) != 0)
            return 4;
        if (setresuid(65534, 65534, 65534) != 0)
            return 5;
        FS_CHILD_EXPECT_ERRNO(setgroups(3, groups), EPERM);
        return 0;
    });
    EXPECT_TRUE(exited_with(status, 0)) << status;
}

TEST(Credentials, FsuidFollowsTheEffectiveId)
{
    int status = run_in_child([] {
        if (setfsuid(1234) != 0)
            return 1; // returns the previous fsuid
        if (setfsuid(uid_t(-1)) != 1234)
            return 2; // an invalid id only queries
        if (seteuid(4321) != 0)
            return 3;
        if (setfsuid(uid_t(-1)) != 4321)
            return 4; // changing euid resets fsuid
        return 0;
    });
    EXPECT_TRUE(exited_with(status, 0)) << status;
}

// ---------------------------------------------------------------------------------------
// umask, cwd, limits

TEST(Umask, ReturnsThePreviousMaskAndFiltersNewModes)
{
    ScratchDir dir("/tmp", "umask");
    int status = run_in_child([&] {
        umask(027);
        if (umask(022) != 027)
            return 1;
        umask(07777);
        if (umask(027) != 0777)
            return 2; // only the permission bits are kept
        int fd = open((dir / "file").c_str(), O_CREAT | O_WRONLY, 0666);
        if (fd < 0)
            return 3;
        close(fd);
        mkdir((dir / "sub").c_str(), 0777);
        struct stat file_st, dir_st;
        if (stat((dir / "file").c_str(), &file_st) != 0 || stat((dir / "sub").c_str(), &dir_st) != 0)
            return 4;
        if ((file_st.st_mode & 07777) != 0640 || (dir_st.st_mode & 07777) != 0750)
            return 5;
        Child inherited([] { return umask(0) == 027 ? 0 : 1; });
        return exited_with(inherited.wait(), 0) ? 0 : 6;
    });
    EXPECT_TRUE(exited_with(status, 0)) << status;
}

TEST(Cwd, ChdirAndGetcwdAgreeAndChildrenInherit)
{
    ScratchDir dir("/tmp", "cwd");
    char before[PATH_MAX];
    ASSERT_NE(getcwd(before, sizeof before), nullptr);
    ASSERT_EQ(mkdir((dir / "sub").c_str(), 0755), 0);
    write_file(dir / "file", "x");
    char resolved[PATH_MAX];
    ASSERT_NE(realpath(dir.path().c_str(), resolved), nullptr);
    std::string real = resolved;
    int status = run_in_child([&] {
        if (chdir(dir.path().c_str()) != 0)
            return 1;
        char buffer[PATH_MAX];
        if (!getcwd(buffer, sizeof buffer) || real != buffer)
            return 2;
        if (chdir("sub") != 0 || !getcwd(buffer, sizeof buffer) || real + "/sub" != buffer)
            return 3;
        if (chdir("..") != 0 || access("file", F_OK) != 0)
            return 4;
        int fd = open("sub", O_RDONLY | O_DIRECTORY);
        if (fd < 0 || fchdir(fd) != 0 || !getcwd(buffer, sizeof buffer) || real + "/sub" != buffer)
            return 5;
        close(fd);
        FS_CHILD_EXPECT_ERRNO(syscall(SYS_getcwd, buffer, 1), ERANGE);
        FS_CHILD_EXPECT_ERRNO(syscall(SYS_getcwd, buffer, 0), ERANGE);
        FS_CHILD_EXPECT_ERRNO(chdir((dir / "file").c_str()), ENOTDIR);
        FS_CHILD_EXPECT_ERRNO(chdir((dir / "missing").c_str()), ENOENT);
        int file = open((dir / "file").c_str(), O_RDONLY);
        FS_CHILD_EXPECT_ERRNO(fchdir(file), ENOTDIR);
        close(file);
        FS_CHILD_EXPECT_ERRNO(fchdir(-1), EBADF);
        Child inherited([&] {
            char inner[PATH_MAX];
            return getcwd(inner, sizeof inner) && real + "/sub" == inner ? 0 : 1;
        });
        return exited_with(inherited.wait(), 0) ? 0 : 6;
    });
    EXPECT_TRUE(exited_with(status, 0)) << status;
    char after[PATH_MAX];
    ASSERT_NE(getcwd(after, sizeof after), nullptr);
    EXPECT_STREQ(after, before) << "the parent's cwd did not move";
}

TEST(Cwd, SearchPermissionIsNeeded)
{
    ScratchDir dir("/tmp", "cwd");
    ASSERT_EQ(mkdir((dir / "closed").c_str(), 0700), 0);
    int status = run_in_child([&] {
        if (!become_nobody())
            return 10;
        FS_CHILD_EXPECT_ERRNO(chdir((dir / "closed").c_str()), EACCES);
        return 0;
    });
    EXPECT_TRUE(exited_with(status, 0)) << status;
}

TEST(Rlimit, NofileLimitGivesEmfile)
{
    int status = run_in_child([] {
        struct rlimit limit { 16, 16 };
        if (setrlimit(RLIMIT_NOFILE, &limit) != 0)
            return 1;
        int last = -1;
        for (;;) {
            int fd = open("/dev/null", O_RDONLY);
            if (fd < 0)
                break;
            last = fd;
        }
        if (errno != EMFILE || last != 15)
            return 2;
        FS_CHILD_EXPECT_ERRNO(dup(0), EMFILE);
        int fds[2];
        FS_CHILD_EXPECT_ERRNO(pipe(fds), EMFILE);
        FS_CHILD_EXPECT_ERRNO(fcntl(0, F_DUPFD, 16), EINVAL);
        FS_CHILD_EXPECT_ERRNO(dup2(0, 16), EBADF);
        close(15);
        if (dup(0) != 15)
            return 3;
        struct rlimit lower { 4, 4 };
        if (setrlimit(RLIMIT_NOFILE, &lower) != 0 || fcntl(15, F_GETFD) != 0)
            return 4; // lowering below open fds is allowed; they stay open
        FS_CHILD_EXPECT_ERRNO(dup(0), EMFILE);
        return 0;
    });
    EXPECT_TRUE(exited_with(status, 0)) << status;
}

TEST(Rlimit, SoftAboveHardIsEinvalAndRaisingHardNeedsRoot)
{
    int status = run_in_child([] {
        struct rlimit bad { 200, 100 };
        FS_CHILD_EXPECT_ERRNO(setrlimit(RLIMIT_NOFILE, &bad), EINVAL);
        struct rlimit root_raise { 2048, 4096 };
        if (setrlimit(RLIMIT_NOFILE, &root_raise) != 0)
            return 1;
        if (!become_nobody())
            return 2;
        struct rlimit lower { 64, 64 };
        if (setrlimit(RLIMIT_NOFILE, &lower) != 0)
            return 3;
        struct rlimit raise { 64, 128 };
        FS_CHILD_EXPECT_ERRNO(setrlimit(RLIMIT_NOFILE, &raise), EPERM);
        struct rlimit got {};
        getrlimit(RLIMIT_NOFILE, &got);
        return got.rlim_cur == 64 && got.rlim_max == 64 ? 0 : 4;
    });
    EXPECT_TRUE(exited_with(status, 0)) << status;
}

TEST(Rlimit, Prlimit64ReadsAndWritesAnotherProcess)
{
    int gate[2];
    ASSERT_EQ(pipe(gate), 0);
    Child child([&] {
        close(gate[1]);
        char c;
        (void)read(gate[0], &c, 1);
        struct rlimit limit {};
        getrlimit(RLIMIT_NOFILE, &limit);
        return limit.rlim_cur == 33 && limit.rlim_max == 44 ? 0 : 1;
    });
    close(gate[0]);
    struct rlimit fresh { 33, 44 }, old {}, now {};
    ASSERT_EQ(prlimit(child.pid(), RLIMIT_NOFILE, &fresh, &old), 0) << strerror(errno);
    EXPECT_GT(old.rlim_cur, 0u);
    ASSERT_EQ(prlimit(child.pid(), RLIMIT_NOFILE, nullptr, &now), 0);
    EXPECT_EQ(now.rlim_cur, 33u);
    EXPECT_EQ(now.rlim_max, 44u);
    EXPECT_ERRNO(ESRCH, prlimit(999999, RLIMIT_NOFILE, nullptr, &now));
    EXPECT_ERRNO(EINVAL, syscall(SYS_prlimit64, 0, 999, nullptr, &now));
    close(gate[1]);
    EXPECT_TRUE(exited_with(child.wait(), 0));
}

// ---------------------------------------------------------------------------------------
// Identity, randomness, time

TEST(Misc, UnameSaysLinuxOnRiscv64)
{
    struct utsname name {};
    ASSERT_EQ(uname(&name), 0);
    EXPECT_STREQ(name.sysname, "Linux");
    EXPECT_STREQ(name.machine, "riscv64");
    EXPECT_GT(strlen(name.release), 0u);
    EXPECT_GT(strlen(name.nodename), 0u);
}

TEST(Misc, SysinfoDescribesTheMachine)
{
    struct sysinfo info {};
    ASSERT_EQ(sysinfo(&info), 0);
    EXPECT_GE(info.mem_unit, 1u);
    EXPECT_GT(info.totalram, 0u);
    EXPECT_GT(info.freeram, 0u);
    EXPECT_LE(info.freeram, info.totalram);
    EXPECT_GE(info.procs, 1);
    EXPECT_GE(info.uptime, 0);
}

TEST(Misc, GetrandomFillsTheBuffer)
{
    unsigned char a[64] = {}, b[64] = {};
    EXPECT_EQ(getrandom(a, sizeof a, 0), ssize_t(sizeof a));
    EXPECT_EQ(getrandom(b, sizeof b, GRND_NONBLOCK), ssize_t(sizeof b));
    EXPECT_NE(memcmp(a, b, sizeof a), 0);
    EXPECT_EQ(getrandom(a, 0, 0), 0);
    EXPECT_ERRNO(EINVAL, getrandom(a, sizeof a, 0x100));
    std::vector<unsigned char> large(100000);
    EXPECT_EQ(getrandom(large.data(), large.size(), 0), ssize_t(large.size()));
}

TEST(Misc, PrctlNamesTheProcess)
{
    Child child([] {
        if (prctl(PR_SET_NAME, "renamed") != 0)
            return 1;
        char name[16] = {};
        if (prctl(PR_GET_NAME, name) != 0 || strcmp(name, "renamed") != 0)
            return 2;
        prctl(PR_SET_NAME, "a-name-longer-than-fifteen-bytes");
        prctl(PR_GET_NAME, name);
        if (strcmp(name, "a-name-longer-t") != 0)
            return 3; // truncated to 15 bytes
        errno = 0;
        if (prctl(0x7fff0000, 0, 0, 0, 0) != -1 || errno != EINVAL)
            return 4;
        return 0;
    });
    EXPECT_TRUE(exited_with(child.wait(), 0));
}

TEST(Misc, SchedYieldSucceeds)
{
    for (int i = 0; i < 10; ++i)
        EXPECT_EQ(sched_yield(), 0);
}

TEST(Time, ClocksAdvanceAndAgree)
{
    double m1 = now_seconds(CLOCK_MONOTONIC);
    double r1 = now_seconds(CLOCK_REALTIME);
    struct timeval tv {};
    ASSERT_EQ(gettimeofday(&tv, nullptr), 0);
    EXPECT_NEAR(double(tv.tv_sec) + double(tv.tv_usec) / 1e6, r1, 1.0);
    EXPECT_GT(r1, 1.6e9) << "the real-time clock has a plausible date";
    sleep_ms(20);
    EXPECT_GT(now_seconds(CLOCK_MONOTONIC), m1 + 0.015);
    EXPECT_GE(now_seconds(CLOCK_BOOTTIME), now_seconds(CLOCK_MONOTONIC) - 0.01);

    timespec res {};
    EXPECT_EQ(clock_getres(CLOCK_MONOTONIC, &res), 0);
    EXPECT_EQ(res.tv_sec, 0);
    EXPECT_GT(res.tv_nsec, 0);
    EXPECT_LE(res.tv_nsec, 1000000);
    timespec ts;
    EXPECT_ERRNO(EINVAL, syscall(SYS_clock_gettime, 100, &ts));
    EXPECT_ERRNO(EINVAL, syscall(SYS_clock_getres, 100, &res));

    double c1 = now_seconds(CLOCK_PROCESS_CPUTIME_ID);
    double until = now_seconds() + 0.05;
    volatile unsigned spin = 0;
    while (now_seconds() < until)
        spin = spin + 1;
    EXPECT_GT(now_seconds(CLOCK_PROCESS_CPUTIME_ID), c1);
    EXPECT_GT(now_seconds(CLOCK_THREAD_CPUTIME_ID), 0);
}

TEST(Time, NanosleepSleepsAtLeastTheDuration)
{
    double start = now_seconds();
    timespec request { 0, 50000000 }, remaining { 9, 9 };
    EXPECT_EQ(nanosleep(&request, &remaining), 0);
    EXPECT_GE(now_seconds() - start, 0.049);
    timespec bad { 0, 1000000000 };
    EXPECT_ERRNO(EINVAL, nanosleep(&bad, nullptr));
    timespec negative { -1, 0 };
    EXPECT_ERRNO(EINVAL, nanosleep(&negative, nullptr));
    timespec zero { 0, 0 };
    EXPECT_EQ(nanosleep(&zero, nullptr), 0);
}

TEST(Time, ClockNanosleepRelativeAbsoluteAndErrors)
{
    double start = now_seconds();
    timespec request { 0, 30000000 };
    EXPECT_EQ(clock_nanosleep(CLOCK_MONOTONIC, 0, &request, nullptr), 0);
    EXPECT_GE(now_seconds() - start, 0.029);

    timespec deadline;
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    deadline.tv_nsec += 30000000;
    if (deadline.tv_nsec >= 1000000000) {
        deadline.tv_sec += 1;
        deadline.tv_nsec -= 1000000000;
    }
    EXPECT_EQ(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &deadline, nullptr), 0);
    timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    EXPECT_TRUE(now.tv_sec > deadline.tv_sec || (now.tv_sec == deadline.tv_sec && now.tv_nsec >= deadline.tv_nsec));

    timespec past { 1, 0 };
    EXPECT_EQ(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &past, nullptr), 0);
    timespec realtime;
    clock_gettime(CLOCK_REALTIME, &realtime);
    realtime.tv_sec -= 1;
    EXPECT_EQ(clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &realtime, nullptr), 0);
    // clock_nanosleep returns the error number instead of setting errno.
    EXPECT_EQ(clock_nanosleep(CLOCK_THREAD_CPUTIME_ID, 0, &request, nullptr), EINVAL);
    EXPECT_EQ(clock_nanosleep(clockid_t(100), 0, &request, nullptr), EINVAL);
    timespec bad { 0, -1 };
    EXPECT_EQ(clock_nanosleep(CLOCK_MONOTONIC, 0, &bad, nullptr), EINVAL);
}

TEST(Time, GetrusageCountsOwnAndChildrenCpuTime)
{
    auto cpu = [](int who) {
        struct rusage usage {};
        getrusage(who, &usage);
        return double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
    };
    double self_before = cpu(RUSAGE_SELF), children_before = cpu(RUSAGE_CHILDREN);
    double until = now_seconds() + 0.05;
    volatile unsigned spin = 0;
    while (now_seconds() < until)
        spin = spin + 1;
    EXPECT_GT(cpu(RUSAGE_SELF), self_before);
    EXPECT_GT(cpu(RUSAGE_THREAD), 0);
    Child busy([] {
        double end = now_seconds() + 0.1;
        volatile unsigned n = 0;
        while (now_seconds() < end)
            n = n + 1;
        return 0;
    });
    EXPECT_TRUE(exited_with(busy.wait(), 0));
    EXPECT_GE(cpu(RUSAGE_CHILDREN) - children_before, 0.03) << "a reaped child's CPU time counts";
    struct rusage usage {};
    EXPECT_ERRNO(EINVAL, getrusage(5, &usage));
    getrusage(RUSAGE_SELF, &usage);
    EXPECT_GT(usage.ru_maxrss, 0);
}

int g_alarms;
void count_alarm(int) { ++g_alarms; }

TEST(Time, AlarmAndItimerDeliverSigalrm)
{
    ScopedAction action(SIGALRM, count_alarm);
    g_alarms = 0;
    alarm(0);
    EXPECT_EQ(alarm(10), 0u);
    unsigned left = alarm(5);
    EXPECT_GE(left, 9u);
    EXPECT_LE(left, 10u);
    EXPECT_GE(alarm(0), 4u) << "alarm(0) cancels and returns what was left";

    Child child([] { return alarm(0) == 0 ? 0 : 1; });
    EXPECT_TRUE(exited_with(child.wait(), 0)) << "a child does not inherit the timer";

    struct itimerval timer {};
    timer.it_value.tv_usec = 20000;
    timer.it_interval.tv_usec = 20000;
    ASSERT_EQ(setitimer(ITIMER_REAL, &timer, nullptr), 0);
    struct itimerval current {};
    ASSERT_EQ(getitimer(ITIMER_REAL, &current), 0);
    EXPECT_EQ(current.it_interval.tv_usec, 20000);
    EXPECT_LE(current.it_value.tv_usec, 20000);
    EXPECT_TRUE(eventually([] { return g_alarms >= 3; }));
    struct itimerval off {};
    ASSERT_EQ(setitimer(ITIMER_REAL, &off, &current), 0);
    EXPECT_EQ(current.it_interval.tv_usec, 20000) << "the old value comes back";
    int seen = g_alarms;
    sleep_ms(60);
    EXPECT_EQ(g_alarms, seen) << "a disarmed timer stays quiet";
    EXPECT_ERRNO(EINVAL, setitimer(__itimer_which(99), &off, nullptr));
    struct itimerval bad {};
    bad.it_value.tv_usec = 1000000;
    EXPECT_ERRNO(EINVAL, setitimer(ITIMER_REAL, &bad, nullptr));
}

TEST(Time, UnhandledSigalrmTerminates)
{
    Child child([] {
        reset_signal(SIGALRM);
        struct itimerval timer {};
        timer.it_value.tv_usec = 10000;
        setitimer(ITIMER_REAL, &timer, nullptr);
        for (;;)
            pause();
        return 0;
    });
    EXPECT_TRUE(signaled_with(child.wait(), SIGALRM));
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

int main(int argc, char** argv)
{
    if (argc == 3 && strcmp(argv[1], "--check-signal-state") == 0)
        return check_signal_state_after_exec(argv[2]);
    g_self = argv[0];
    testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}
