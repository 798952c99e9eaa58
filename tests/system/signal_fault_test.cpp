// signal_fault_test — signals that end or rescue a program: the alternate signal stack (and a
// stack overflow caught there), SIGSEGV/SIGILL/SIGTRAP/SIGBUS from faults, caught (with the
// address, then siglongjmp out) and fatal (blocked or ignored faults kill too), and
// GoogleTest death tests. Each expectation is Linux's: the same binary runs under
// qemu-riscv64 and in linux-ref.
#include "proc_test_support.h"

#include <setjmp.h>
#include <sys/mman.h>

using namespace fstest;
using namespace proctest;

namespace {

// ---------------------------------------------------------------------------------------
// The alternate signal stack

char g_altstack[64 * 1024];
std::atomic<uintptr_t> g_handler_sp;
std::atomic<int> g_onstack_flags;
std::atomic<int> g_change_errno;
void where_am_i(int)
{
    int local;
    g_handler_sp = reinterpret_cast<uintptr_t>(&local);
    stack_t now {};
    sigaltstack(nullptr, &now);
    g_onstack_flags = now.ss_flags;
    stack_t other { g_altstack, 0, sizeof g_altstack };
    g_change_errno = sigaltstack(&other, nullptr) == 0 ? 0 : errno;
}

TEST(Altstack, HandlerWithSaOnstackRunsThere)
{
    stack_t stack { g_altstack, 0, sizeof g_altstack }, old {};
    ASSERT_EQ(sigaltstack(&stack, &old), 0);
    EXPECT_TRUE(old.ss_flags & SS_DISABLE);
    auto on_altstack = [] {
        uintptr_t base = reinterpret_cast<uintptr_t>(g_altstack);
        return g_handler_sp > base && g_handler_sp < base + sizeof g_altstack;
    };
    {
        ScopedAction action(SIGUSR1, where_am_i, SA_ONSTACK);
        raise(SIGUSR1);
        EXPECT_TRUE(on_altstack());
        EXPECT_EQ(g_onstack_flags, SS_ONSTACK);
        EXPECT_EQ(g_change_errno, EPERM) << "the stack in use cannot change";
    }
    {
        ScopedAction action(SIGUSR1, where_am_i);
        raise(SIGUSR1);
        EXPECT_FALSE(on_altstack()) << "without SA_ONSTACK the handler uses the normal stack";
        EXPECT_EQ(g_onstack_flags, 0);
    }
    stack_t now {};
    ASSERT_EQ(sigaltstack(nullptr, &now), 0);
    EXPECT_EQ(now.ss_sp, g_altstack);
    EXPECT_EQ(now.ss_size, sizeof g_altstack);
    stack_t small { g_altstack, 0, 1024 };
    EXPECT_ERRNO(ENOMEM, sigaltstack(&small, nullptr));
    stack_t bad_flags { g_altstack, 0x1234, sizeof g_altstack };
    EXPECT_ERRNO(EINVAL, sigaltstack(&bad_flags, nullptr));
    stack_t disable {};
    disable.ss_flags = SS_DISABLE;
    ASSERT_EQ(sigaltstack(&disable, nullptr), 0);
}

void exit_from_handler(int) { _exit(0); }

__attribute__((noinline)) int recurse_forever(int depth)
{
    volatile char frame[4096];
    frame[0] = char(depth);
    return recurse_forever(depth + 1) + frame[0];
}

TEST(Altstack, StackOverflowIsCaughtOnTheAlternateStack)
{
    Child child([] {
        static char stack_memory[64 * 1024];
        stack_t stack { stack_memory, 0, sizeof stack_memory };
        sigaltstack(&stack, nullptr);
        struct sigaction action {};
        action.sa_handler = exit_from_handler;
        action.sa_flags = SA_ONSTACK;
        sigaction(SIGSEGV, &action, nullptr);
        return recurse_forever(0) == 0 ? 1 : 2;
    });
    EXPECT_TRUE(exited_with(child.wait(), 0));
    Child without([] { return recurse_forever(0) == 0 ? 1 : 2; });
    EXPECT_TRUE(signaled_with(without.wait(), SIGSEGV));
}

// ---------------------------------------------------------------------------------------
// Faults

sigjmp_buf g_jump;
void jump_out(int signal, siginfo_t* info, void*)
{
    g_last_signal = signal;
    g_info = *info;
    siglongjmp(g_jump, 1);
}

TEST(Fault, SegvHandlerSeesTheAddressAndSiglongjmpsOut)
{
    ScopedAction action(SIGSEGV, jump_out);
    for (uintptr_t address : { uintptr_t(8), uintptr_t(0xffffffc000001000ull), uintptr_t(0x3000000000ull) }) {
        g_info = {};
        if (sigsetjmp(g_jump, 1) == 0) {
            (void)*reinterpret_cast<volatile int*>(address);
            ADD_FAILURE() << "no fault reading " << address;
        }
        EXPECT_EQ(g_info.si_signo, SIGSEGV);
        EXPECT_EQ(reinterpret_cast<uintptr_t>(g_info.si_addr), address);
        EXPECT_EQ(g_info.si_code, SEGV_MAPERR) << std::hex << address;
        EXPECT_FALSE(is_blocked(SIGSEGV)) << "siglongjmp restored the mask";
    }
    void* page = mmap(nullptr, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ASSERT_NE(page, MAP_FAILED);
    if (sigsetjmp(g_jump, 1) == 0) {
        *static_cast<volatile int*>(page) = 1;
        ADD_FAILURE() << "no fault writing a read-only page";
    }
    EXPECT_EQ(g_info.si_code, SEGV_ACCERR);
    EXPECT_EQ(g_info.si_addr, page);
    munmap(page, 4096);
}

TEST(Fault, SegvIsFatalWithoutAHandlerOrWhenBlocked)
{
    Child plain([] {
        reset_signal(SIGSEGV);
        *reinterpret_cast<volatile int*>(16) = 1;
        return 0;
    });
    EXPECT_TRUE(signaled_with(plain.wait(), SIGSEGV));
    Child blocked([] {
        signal(SIGSEGV, count_signal);
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, SIGSEGV);
        sigprocmask(SIG_BLOCK, &set, nullptr);
        *reinterpret_cast<volatile int*>(16) = 1;
        return 0;
    });
    EXPECT_TRUE(signaled_with(blocked.wait(), SIGSEGV)) << "a blocked fault signal kills";
    Child ignored([] {
        signal(SIGSEGV, SIG_IGN);
        *reinterpret_cast<volatile int*>(16) = 1;
        return 0;
    });
    EXPECT_TRUE(signaled_with(ignored.wait(), SIGSEGV)) << "an ignored fault signal kills";
}

TEST(Fault, IllegalInstructionAndBreakpoint)
{
    Child illegal([] {
        reset_signal(SIGILL);
        asm volatile(".4byte 0xc0001073");
        return 0;
    });
    EXPECT_TRUE(signaled_with(illegal.wait(), SIGILL));
    Child breakpoint([] {
        reset_signal(SIGTRAP);
        asm volatile("ebreak");
        return 0;
    });
    EXPECT_TRUE(signaled_with(breakpoint.wait(), SIGTRAP));
    ScopedAction action(SIGTRAP, jump_out);
    if (sigsetjmp(g_jump, 1) == 0) {
        asm volatile("ebreak");
        ADD_FAILURE() << "ebreak returned";
    }
    EXPECT_EQ(g_info.si_signo, SIGTRAP);
    EXPECT_EQ(g_info.si_code, TRAP_BRKPT);
}

TEST(Fault, SigreturnWithoutAFrameKillsWithSigsegv)
{
    SKIP_UNDER_QEMU_USER("qemu-user does not kill for a bad sigreturn frame (linux-ref agrees with this test)");
    Child child([] {
        signal(SIGSEGV, count_signal); // no way back: the kernel cannot find a frame
        asm volatile("li sp, 8\n"
                     "li a7, 139\n" // rt_sigreturn
                     "ecall\n" ::
                         : "memory");
        return 0;
    });
    EXPECT_TRUE(signaled_with(child.wait(), SIGSEGV));
}

TEST(Fault, SigbusBeyondTheEndOfAMappedFile)
{
    ScratchDir dir("/tmp", "sigbus");
    write_file(dir / "file", std::string(100, 'x'));
    int fd = open((dir / "file").c_str(), O_RDONLY);
    ASSERT_GE(fd, 0);
    void* map = mmap(nullptr, 8192, PROT_READ, MAP_PRIVATE, fd, 0);
    ASSERT_NE(map, MAP_FAILED);
    close(fd);
    ScopedAction action(SIGBUS, jump_out);
    volatile char* bytes = static_cast<volatile char*>(map);
    EXPECT_EQ(bytes[99], 'x');
    EXPECT_EQ(bytes[100], 0) << "the rest of the last page reads as zeroes";
    g_info = {};
    if (sigsetjmp(g_jump, 1) == 0) {
        (void)bytes[4096];
        ADD_FAILURE() << "no SIGBUS past the end of the file";
    }
    EXPECT_EQ(g_info.si_signo, SIGBUS);
    EXPECT_EQ(g_info.si_code, BUS_ADRERR);
    EXPECT_EQ(g_info.si_addr, static_cast<char*>(map) + 4096);
    int pipe_fds[2];
    ASSERT_EQ(pipe(pipe_fds), 0);
    errno = 0;
    EXPECT_EQ(write(pipe_fds[1], const_cast<char*>(bytes) + 4096, 1), -1) << "a syscall reading that page";
    EXPECT_EQ(errno, EFAULT);
    close(pipe_fds[0]);
    close(pipe_fds[1]);
    munmap(map, 8192);
}

// ---------------------------------------------------------------------------------------
// Death tests

TEST(DeathTest, ExpectDeathAndExpectExitWork)
{
    GTEST_FLAG_SET(death_test_style, "fast");
    EXPECT_DEATH(abort(), "");
    EXPECT_DEATH(
        {
            fprintf(stderr, "goodbye from the child\n");
            exit(1);
        },
        "goodbye");
    EXPECT_EXIT(_exit(3), testing::ExitedWithCode(3), "");
    EXPECT_EXIT(raise(SIGTERM), testing::KilledBySignal(SIGTERM), "");
    EXPECT_EXIT(*reinterpret_cast<volatile int*>(8) = 1, testing::KilledBySignal(SIGSEGV), "");
}

TEST(DeathTest, ThreadsafeStyleReexecutesTheProgram)
{
    SKIP_UNDER_QEMU_USER("the host cannot exec a riscv64 program without binfmt_misc");
    GTEST_FLAG_SET(death_test_style, "threadsafe");
    EXPECT_DEATH(abort(), "");
    EXPECT_EXIT(_exit(4), testing::ExitedWithCode(4), "");
    GTEST_FLAG_SET(death_test_style, "fast");
}

} // namespace
