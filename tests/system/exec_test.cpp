// exec_test — execve: #! scripts (with an optional argument, a missing interpreter, a loop),
// a corrupt ELF (ENOEXEC with the caller intact), E2BIG for one string and for the total
// against RLIMIT_STACK, EACCES/ENOENT/ENOTDIR, close-on-exec, argv and envp, and what a
// signal state becomes across exec. Each expectation is Linux's: the same binary runs under
// qemu-riscv64 and in linux-ref.
#include "proc_test_support.h"

#include <sys/auxv.h>
#include <sys/prctl.h>
#include <vector>

using namespace fstest;
using namespace proctest;

extern char** environ;

namespace {

std::string g_self; // argv[0], for the tests that exec this program again
int g_global = 1;

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
    if (strcmp(name, "exec_test") != 0 && strcmp(name, "prog") != 0)
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

} // namespace

int main(int argc, char** argv)
{
    if (argc == 3 && strcmp(argv[1], "--check-signal-state") == 0)
        return check_signal_state_after_exec(argv[2]);
    g_self = argv[0];
    testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}
