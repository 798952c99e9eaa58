// signal_test — signals end to end: handlers and rt_sigreturn (every integer and FP register
// and fcsr survive; edits to the ucontext apply), siginfo fields, masks (sigprocmask,
// sa_mask, SA_NODEFER), SA_RESETHAND, SIGCHLD, SIGPIPE, EINTR versus SA_RESTART exactly where
// Linux restarts, sigsuspend, the alternate stack, faults (SIGSEGV, SIGILL, SIGBUS, SIGTRAP)
// caught and fatal, kill/tgkill permissions, pending and queued signals, sigtimedwait, job
// control, and GoogleTest death tests. Each expectation is Linux's: the same binary runs
// under qemu-riscv64 and in linux-ref.
#include "proc_test_support.h"

#include <atomic>
#include <poll.h>
#include <setjmp.h>
#include <sys/mman.h>
#include <sys/select.h>
#include <sys/time.h>
#include <ucontext.h>
#include <vector>

using namespace fstest;
using namespace proctest;

// signal_register_roundtrip(in, out): loads x1, x5..x31 from in[reg], f0..f31 from
// in[32 + reg] and fcsr from in[64], runs ecall (the caller makes it kill(getpid(), SIGUSR1)
// through in[10], in[11] and in[17]), then stores the same registers to out. A handler runs
// in between; after rt_sigreturn nothing but a0 (the syscall's result) may differ.
extern "C" void signal_register_roundtrip(const uint64_t* in, uint64_t* out);
asm(R"(
    .text
    .globl signal_register_roundtrip
    .type signal_register_roundtrip, @function
signal_register_roundtrip:
    addi sp, sp, -240
    sd ra, 0(sp)
    sd s0, 8(sp)
    sd s1, 16(sp)
    .irp r, 2,3,4,5,6,7,8,9,10,11
    sd s\r, (8 + \r * 8)(sp)
    .endr
    .irp r, 0,1,2,3,4,5,6,7,8,9,10,11
    fsd fs\r, (104 + \r * 8)(sp)
    .endr
    sd a1, 200(sp)
    mv t6, a0
    ld t0, 512(t6)
    csrw fcsr, t0
    .irp r, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    fld f\r, (256 + \r * 8)(t6)
    .endr
    ld x1, 8(t6)
    .irp r, 5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30
    ld x\r, (\r * 8)(t6)
    .endr
    ld x31, 248(t6)
    ecall
    sd t6, 208(sp)
    ld t6, 200(sp)
    .irp r, 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30
    sd x\r, (\r * 8)(t6)
    .endr
    ld t5, 208(sp)
    sd t5, 248(t6)
    .irp r, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    fsd f\r, (256 + \r * 8)(t6)
    .endr
    csrr t5, fcsr
    sd t5, 512(t6)
    ld ra, 0(sp)
    ld s0, 8(sp)
    ld s1, 16(sp)
    .irp r, 2,3,4,5,6,7,8,9,10,11
    ld s\r, (8 + \r * 8)(sp)
    .endr
    .irp r, 0,1,2,3,4,5,6,7,8,9,10,11
    fld fs\r, (104 + \r * 8)(sp)
    .endr
    addi sp, sp, 240
    ret
    .size signal_register_roundtrip, . - signal_register_roundtrip
)");

namespace {

std::atomic<int> g_count;
std::atomic<int> g_last_signal;
siginfo_t g_info;
void count_signal(int signal)
{
    ++g_count;
    g_last_signal = signal;
}
void record_info(int signal, siginfo_t* info, void*)
{
    ++g_count;
    g_last_signal = signal;
    g_info = *info;
}

void reset_signal(int signal)
{
    ::signal(signal, SIG_DFL);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, signal);
    sigprocmask(SIG_UNBLOCK, &set, nullptr);
}

// ---------------------------------------------------------------------------------------
// Handlers and sigreturn

TEST(Handler, RunsOnRaiseAndReturns)
{
    ScopedAction action(SIGUSR1, count_signal);
    g_count = 0;
    ASSERT_EQ(raise(SIGUSR1), 0);
    EXPECT_EQ(g_count, 1) << "a self-directed signal is handled before raise returns";
    EXPECT_EQ(g_last_signal, SIGUSR1);
    ASSERT_EQ(kill(getpid(), SIGUSR1), 0);
    EXPECT_EQ(g_count, 2);
}

void clobbering_handler(int)
{
    ++g_count;
    // Every caller-saved FP register and the rounding mode/flags change here; rt_sigreturn
    // must bring back the interrupted values.
    asm volatile(".irp r, 0,1,2,3,4,5,6,7,10,11,12,13,14,15,16,17,28,29,30,31\n"
                 "fmv.d.x f\\r, %0\n"
                 ".endr\n"
                 "csrwi fcsr, 0x1f\n" ::"r"(0xdeadbeefdeadbeefull)
                 : "f0", "f1", "f2", "f3", "f4", "f5", "f6", "f7", "f10", "f11", "f12", "f13", "f14", "f15", "f16", "f17",
                 "f28", "f29", "f30", "f31");
    asm volatile("li t0, -1\nli t1, -1\nli t2, -1\nli t3, -1\nli t4, -1\nli t5, -1\nli t6, -1\n"
                 "li a1, -1\nli a2, -1\nli a3, -1\nli a4, -1\nli a5, -1\nli a6, -1\nli a7, -1\n" ::
                     : "t0", "t1", "t2", "t3", "t4", "t5", "t6", "a1", "a2", "a3", "a4", "a5", "a6", "a7");
}

TEST(Handler, SigreturnRestoresEveryRegister)
{
    ScopedAction action(SIGUSR1, clobbering_handler);
    g_count = 0;
    uint64_t in[65] = {}, out[65] = {};
    for (int i = 0; i < 32; ++i) {
        in[i] = 0x1000000000000000ull * uint64_t(i % 15 + 1) + uint64_t(i) * 0x01010101ull + 0x5a;
        in[32 + i] = 0x4000000000000000ull + uint64_t(i) * 0x0123456789ull;
    }
    in[10] = uint64_t(getpid());
    in[11] = SIGUSR1;
    in[17] = SYS_kill;
    in[64] = (1 << 5) | 1; // frm = RTZ, fflags = NX
    signal_register_roundtrip(in, out);
    EXPECT_EQ(g_count, 1);
    EXPECT_EQ(out[10], 0u) << "a0 = kill's result";
    for (int i : { 1, 5, 6, 7, 8, 9, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31 })
        EXPECT_EQ(out[i], in[i]) << "x" << i;
    for (int i = 0; i < 32; ++i)
        EXPECT_EQ(out[32 + i], in[32 + i]) << "f" << i;
    EXPECT_EQ(out[64], in[64]) << "fcsr";
}

std::atomic<uint64_t> g_context_mask;
std::atomic<uint64_t> g_context_pc;
void skip_illegal_instruction(int, siginfo_t* info, void* context)
{
    auto* uc = static_cast<ucontext_t*>(context);
    g_info = *info;
    g_context_pc = uc->uc_mcontext.__gregs[REG_PC];
    memcpy((void*)&g_context_mask, &uc->uc_sigmask, sizeof(uint64_t));
    uc->uc_mcontext.__gregs[REG_PC] += 4; // past the instruction
    uc->uc_mcontext.__gregs[REG_A0] = 42; // and a0 as the handler says
    uc->uc_mcontext.__fpregs.__d.__f[10] = 0x4045000000000000ull; // fa0 = 42.0
    ++g_count;
}

TEST(Handler, UcontextShowsTheInterruptedStateAndEditsApply)
{
    ScopedAction action(SIGILL, skip_illegal_instruction);
    ScopedMask mask;
    mask.block(SIGUSR2);
    g_count = 0;
    uint64_t a0 = 0, instruction = 0;
    double fa0 = 0;
    asm volatile("li a0, 7\n"
                 "fcvt.d.l fa0, a0\n"
                 "lla %1, 1f\n"
                 "1: .4byte 0xc0001073\n" // csrrw zero, cycle, zero: illegal (read-only CSR)
                 "mv %0, a0\n"
                 "fmv.d %2, fa0\n"
                 : "=r"(a0), "=&r"(instruction), "=f"(fa0)::"a0", "fa0", "memory");
    EXPECT_EQ(g_count, 1);
    EXPECT_EQ(a0, 42u) << "the handler's edit of a0 applies";
    EXPECT_EQ(fa0, 42.0) << "and of fa0";
    EXPECT_EQ(g_context_pc, instruction);
    EXPECT_EQ(g_info.si_signo, SIGILL);
    EXPECT_EQ(g_info.si_code, ILL_ILLOPC);
    EXPECT_EQ(reinterpret_cast<uint64_t>(g_info.si_addr), instruction);
    EXPECT_TRUE(g_context_mask & (1ull << (SIGUSR2 - 1))) << "uc_sigmask is the mask before delivery";
    EXPECT_FALSE(g_context_mask & (1ull << (SIGILL - 1)));
}

// ---------------------------------------------------------------------------------------
// siginfo

TEST(Siginfo, KillTgkillAndSigqueueFields)
{
    ScopedAction action(SIGUSR1, record_info);
    g_count = 0;
    ASSERT_EQ(kill(getpid(), SIGUSR1), 0);
    EXPECT_EQ(g_info.si_signo, SIGUSR1);
    EXPECT_EQ(g_info.si_code, SI_USER);
    EXPECT_EQ(g_info.si_pid, getpid());
    EXPECT_EQ(g_info.si_uid, getuid());
    ASSERT_EQ(syscall(SYS_tgkill, getpid(), gettid(), SIGUSR1), 0);
    EXPECT_EQ(g_info.si_code, SI_TKILL);
    EXPECT_EQ(g_info.si_pid, getpid());
    union sigval value;
    value.sival_int = 1234;
    ASSERT_EQ(sigqueue(getpid(), SIGUSR1, value), 0) << strerror(errno);
    EXPECT_EQ(g_info.si_code, SI_QUEUE);
    EXPECT_EQ(g_info.si_value.sival_int, 1234);
    EXPECT_EQ(g_info.si_pid, getpid());
    EXPECT_EQ(g_count, 3);
}

TEST(Siginfo, SigqueueinfoMayNotForgeKernelCodesForOthers)
{
    Child child([] {
        for (;;)
            pause();
        return 0;
    });
    siginfo_t info {};
    info.si_signo = SIGUSR1;
    info.si_code = SI_USER;
    EXPECT_ERRNO(EPERM, syscall(SYS_rt_sigqueueinfo, child.pid(), SIGUSR1, &info));
    info.si_code = SI_QUEUE;
    EXPECT_EQ(syscall(SYS_rt_sigqueueinfo, child.pid(), SIGUSR1, &info), 0) << strerror(errno);
    EXPECT_TRUE(signaled_with(child.wait(), SIGUSR1));
}

TEST(Siginfo, SigchldDescribesTheChild)
{
    ScopedAction action(SIGCHLD, record_info);
    ScopedMask mask;
    mask.block(SIGCHLD);
    g_count = 0;
    Child child([] { return 5; });
    ASSERT_TRUE(eventually([&] {
        sigset_t pending;
        sigpending(&pending);
        return sigismember(&pending, SIGCHLD) == 1;
    }));
    sigset_t open;
    sigemptyset(&open);
    sigaddset(&open, SIGCHLD);
    sigprocmask(SIG_UNBLOCK, &open, nullptr);
    EXPECT_EQ(g_count, 1);
    EXPECT_EQ(g_info.si_signo, SIGCHLD);
    EXPECT_EQ(g_info.si_code, CLD_EXITED);
    EXPECT_EQ(g_info.si_pid, child.pid());
    EXPECT_EQ(g_info.si_status, 5);
    EXPECT_EQ(g_info.si_uid, getuid());
    EXPECT_TRUE(exited_with(child.wait(), 5));
}

// ---------------------------------------------------------------------------------------
// Masks

TEST(Mask, BlockedSignalWaitsUntilUnblocked)
{
    ScopedAction action(SIGUSR1, count_signal);
    ScopedMask mask;
    g_count = 0;
    mask.block(SIGUSR1);
    ASSERT_EQ(raise(SIGUSR1), 0);
    ASSERT_EQ(raise(SIGUSR1), 0);
    EXPECT_EQ(g_count, 0);
    sigset_t pending;
    ASSERT_EQ(sigpending(&pending), 0);
    EXPECT_TRUE(sigismember(&pending, SIGUSR1));
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    ASSERT_EQ(sigprocmask(SIG_UNBLOCK, &set, nullptr), 0);
    EXPECT_EQ(g_count, 1) << "delivered before sigprocmask returns, once (standard signals do not queue)";
    ASSERT_EQ(sigpending(&pending), 0);
    EXPECT_FALSE(sigismember(&pending, SIGUSR1));
}

std::vector<int> g_order;
void nested_raiser(int signal)
{
    g_order.push_back(signal);
    if (signal == SIGUSR1 && g_order.size() == 1) {
        raise(SIGUSR2);
        raise(SIGUSR1);
        g_order.push_back(-1); // end of the outer handler
    }
}

TEST(Mask, SaMaskAndTheSignalItselfAreBlockedInTheHandler)
{
    SKIP_UNDER_QEMU_USER("qemu-user delivers a signal raised in a handler despite sa_mask (linux-ref agrees with this test)");
    sigset_t extra;
    sigemptyset(&extra);
    sigaddset(&extra, SIGUSR2);
    ScopedAction one(SIGUSR1, nested_raiser, 0, &extra);
    ScopedAction two(SIGUSR2, nested_raiser);
    g_order.clear();
    raise(SIGUSR1);
    // Both waited for the outer handler; then the lower number goes first.
    EXPECT_EQ(g_order, (std::vector<int> { SIGUSR1, -1, SIGUSR1, SIGUSR2 }));
    EXPECT_FALSE(is_blocked(SIGUSR1));
    EXPECT_FALSE(is_blocked(SIGUSR2));
}

TEST(Mask, SaNodeferLetsTheHandlerNest)
{
    ScopedAction one(SIGUSR1, nested_raiser, SA_NODEFER);
    ScopedAction two(SIGUSR2, nested_raiser, SA_NODEFER);
    g_order.clear();
    raise(SIGUSR1);
    EXPECT_EQ(g_order, (std::vector<int> { SIGUSR1, SIGUSR2, SIGUSR1, -1 }));
}

void block_everything_handler(int)
{
    sigset_t all;
    sigfillset(&all);
    sigprocmask(SIG_BLOCK, &all, nullptr);
    ++g_count;
}

TEST(Mask, SigreturnRestoresTheMaskTheHandlerChanged)
{
    ScopedAction action(SIGUSR1, block_everything_handler);
    g_count = 0;
    raise(SIGUSR1);
    EXPECT_EQ(g_count, 1);
    EXPECT_FALSE(is_blocked(SIGUSR2));
    EXPECT_FALSE(is_blocked(SIGTERM));
}

TEST(Mask, SigkillAndSigstopCannotBeBlockedOrCaught)
{
    ScopedMask mask;
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGKILL);
    sigaddset(&set, SIGSTOP);
    EXPECT_EQ(sigprocmask(SIG_BLOCK, &set, nullptr), 0) << "silently left out";
    EXPECT_FALSE(is_blocked(SIGKILL));
    EXPECT_FALSE(is_blocked(SIGSTOP));
    struct sigaction action {};
    action.sa_handler = count_signal;
    EXPECT_ERRNO(EINVAL, sigaction(SIGKILL, &action, nullptr));
    EXPECT_ERRNO(EINVAL, sigaction(SIGSTOP, &action, nullptr));
    action.sa_handler = SIG_IGN;
    EXPECT_ERRNO(EINVAL, sigaction(SIGKILL, &action, nullptr));
    EXPECT_ERRNO(EINVAL, sigprocmask(99, &set, nullptr));
    EXPECT_ERRNO(EINVAL, syscall(SYS_rt_sigprocmask, SIG_BLOCK, &set, nullptr, 4));
}

// ---------------------------------------------------------------------------------------
// Actions

TEST(Action, SaResethandRestoresTheDefaultOnDelivery)
{
    ScopedAction action(SIGUSR1, record_info, SA_RESETHAND);
    g_count = 0;
    raise(SIGUSR1);
    EXPECT_EQ(g_count, 1);
    struct sigaction now {};
    sigaction(SIGUSR1, nullptr, &now);
    EXPECT_EQ(now.sa_handler, SIG_DFL);
    Child child([] {
        struct sigaction once {};
        once.sa_handler = count_signal;
        once.sa_flags = SA_RESETHAND;
        sigaction(SIGUSR1, &once, nullptr);
        raise(SIGUSR1);
        raise(SIGUSR1); // the default action now: terminate
        return 0;
    });
    EXPECT_TRUE(signaled_with(child.wait(), SIGUSR1));
}

TEST(Action, OldActionAndArgumentErrors)
{
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGINT);
    ScopedAction action(SIGUSR2, count_signal, SA_RESTART, &mask);
    struct sigaction old {};
    ASSERT_EQ(sigaction(SIGUSR2, nullptr, &old), 0);
    EXPECT_EQ(old.sa_handler, count_signal);
    EXPECT_TRUE(old.sa_flags & SA_RESTART);
    EXPECT_TRUE(sigismember(&old.sa_mask, SIGINT));
    EXPECT_ERRNO(EINVAL, sigaction(0, nullptr, &old));
    EXPECT_ERRNO(EINVAL, syscall(SYS_rt_sigaction, 65, nullptr, &old, 8));
    EXPECT_ERRNO(EINVAL, syscall(SYS_rt_sigaction, SIGUSR2, nullptr, &old, 16));
}

TEST(Action, SettingSigIgnDiscardsAPendingSignal)
{
    ScopedAction action(SIGUSR1, count_signal);
    ScopedMask mask;
    mask.block(SIGUSR1);
    g_count = 0;
    raise(SIGUSR1);
    signal(SIGUSR1, SIG_IGN);
    sigset_t pending;
    sigpending(&pending);
    EXPECT_FALSE(sigismember(&pending, SIGUSR1)) << "discarded when the action becomes SIG_IGN";
    // A blocked signal is queued even while ignored (the action may change before it is
    // unblocked); unblocked while still ignored, it goes away.
    raise(SIGUSR1);
    sigpending(&pending);
    EXPECT_TRUE(sigismember(&pending, SIGUSR1));
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigprocmask(SIG_UNBLOCK, &set, nullptr);
    sigpending(&pending);
    EXPECT_FALSE(sigismember(&pending, SIGUSR1));
    raise(SIGUSR1); // ignored and unblocked: not even queued
    signal(SIGUSR1, count_signal);
    EXPECT_EQ(g_count, 0);
}

TEST(Action, DefaultIgnoredSignalsDoNotInterruptABlockingRead)
{
    int data[2];
    ASSERT_EQ(pipe(data), 0);
    Child child([&] {
        close(data[1]);
        reset_signal(SIGWINCH);
        reset_signal(SIGURG);
        char c = 0;
        ssize_t n = read(data[0], &c, 1);
        return n == 1 ? c : 99;
    });
    close(data[0]);
    sleep_ms(20);
    kill(child.pid(), SIGWINCH);
    kill(child.pid(), SIGURG);
    kill(child.pid(), SIGCHLD);
    sleep_ms(20);
    ASSERT_EQ(write(data[1], "\x05", 1), 1);
    close(data[1]);
    EXPECT_TRUE(exited_with(child.wait(), 5));
}

// ---------------------------------------------------------------------------------------
// SIGCHLD

TEST(Sigchld, IgnoringItReapsChildrenAutomatically)
{
    SKIP_UNDER_QEMU_USER("qemu-user does not pass SA_NOCLDWAIT to the host (linux-ref agrees with this test)");
    for (int flags : { 0, SA_NOCLDWAIT }) {
        Child child([flags] {
            struct sigaction action {};
            action.sa_handler = flags ? SIG_DFL : SIG_IGN;
            action.sa_flags = flags;
            sigaction(SIGCHLD, &action, nullptr);
            pid_t pid = fork();
            if (pid == 0)
                _exit(0);
            int status;
            errno = 0;
            // wait blocks until the child is gone, then finds nothing.
            return waitpid(pid, &status, 0) == -1 && errno == ECHILD ? 0 : 1;
        });
        EXPECT_TRUE(exited_with(child.wait(), 0)) << "flags " << flags;
    }
}

std::vector<int> g_child_codes;
void record_child_code(int, siginfo_t* info, void*) { g_child_codes.push_back(info->si_code); }

void stop_continue_kill(int flags)
{
    ScopedAction action(SIGCHLD, record_child_code, flags);
    g_child_codes.clear();
    Child child([] {
        for (;;)
            pause();
        return 0;
    });
    kill(child.pid(), SIGSTOP);
    int status;
    ASSERT_EQ(waitpid(child.pid(), &status, WUNTRACED), child.pid());
    kill(child.pid(), SIGCONT);
    ASSERT_EQ(waitpid(child.pid(), &status, WCONTINUED), child.pid());
    // CLD_CONTINUED comes from the child once it runs again; a SIGKILL before that would
    // replace it.
    if (!flags)
        EXPECT_TRUE(eventually([] { return g_child_codes.size() >= 2; }));
    else
        sleep_ms(30);
    kill(child.pid(), SIGKILL);
    child.wait();
    eventually([] { return !g_child_codes.empty() && g_child_codes.back() == CLD_KILLED; });
}

TEST(Sigchld, StopAndContinueNotifyTheParent)
{
    stop_continue_kill(0);
    EXPECT_EQ(g_child_codes, (std::vector<int> { CLD_STOPPED, CLD_CONTINUED, CLD_KILLED }));
}

TEST(Sigchld, SaNocldstopSuppressesStopAndContinueNotifications)
{
    SKIP_UNDER_QEMU_USER("qemu-user does not pass SA_NOCLDSTOP to the host (linux-ref agrees with this test)");
    stop_continue_kill(SA_NOCLDSTOP);
    EXPECT_EQ(g_child_codes, (std::vector<int> { CLD_KILLED }));
}

// ---------------------------------------------------------------------------------------
// SIGPIPE

TEST(Sigpipe, DefaultKillsIgnoredOrHandledGivesEpipe)
{
    Child killed([] {
        reset_signal(SIGPIPE);
        int fds[2];
        pipe(fds);
        close(fds[0]);
        (void)write(fds[1], "x", 1);
        return 0;
    });
    EXPECT_TRUE(signaled_with(killed.wait(), SIGPIPE));

    int fds[2];
    ASSERT_EQ(pipe(fds), 0);
    close(fds[0]);
    {
        ScopedAction ignore(SIGPIPE, SIG_IGN);
        EXPECT_ERRNO(EPIPE, write(fds[1], "x", 1));
    }
    ScopedAction handle(SIGPIPE, record_info);
    g_count = 0;
    EXPECT_ERRNO(EPIPE, write(fds[1], "x", 1));
    EXPECT_EQ(g_count, 1);
    EXPECT_EQ(g_info.si_signo, SIGPIPE);
    close(fds[1]);
}

// ---------------------------------------------------------------------------------------
// EINTR and SA_RESTART

// A helper process that sends `signal` to the test `delay_ms` later, then writes one byte to
// `fd` (if >= 0) another `delay_ms` later.
Child poke_later(int signal, long delay_ms, int fd = -1)
{
    pid_t target = getpid();
    return Child([=] {
        sleep_ms(delay_ms);
        kill(target, signal);
        if (fd >= 0) {
            sleep_ms(delay_ms);
            (void)write(fd, "k", 1);
        }
        return 0;
    });
}

TEST(Restart, PipeReadIsEintrWithoutSaRestartAndContinuesWithIt)
{
    int data[2];
    ASSERT_EQ(pipe(data), 0);
    {
        ScopedAction action(SIGUSR1, count_signal);
        g_count = 0;
        Child poker = poke_later(SIGUSR1, 50, data[1]);
        char c;
        EXPECT_ERRNO(EINTR, read(data[0], &c, 1));
        EXPECT_EQ(g_count, 1);
        EXPECT_TRUE(exited_with(poker.wait(), 0));
        EXPECT_EQ(read(data[0], &c, 1), 1);
    }
    {
        ScopedAction action(SIGUSR1, count_signal, SA_RESTART);
        g_count = 0;
        Child poker = poke_later(SIGUSR1, 50, data[1]);
        char c = 0;
        EXPECT_EQ(read(data[0], &c, 1), 1) << "restarted after the handler, then the byte came";
        EXPECT_EQ(c, 'k');
        EXPECT_EQ(g_count, 1);
        EXPECT_TRUE(exited_with(poker.wait(), 0));
    }
    close(data[0]);
    close(data[1]);
}

TEST(Restart, InterruptedPipeWriteReturnsWhatItWrote)
{
    int data[2];
    ASSERT_EQ(pipe(data), 0);
    for (int flags : { 0, SA_RESTART }) {
        ScopedAction action(SIGUSR1, count_signal, flags);
        std::vector<char> big(256 * 1024, 'w');
        {
            Child poker = poke_later(SIGUSR1, 50);
            // Fills the 64 KiB pipe, blocks, and is interrupted: what was written is the result,
            // with or without SA_RESTART.
            EXPECT_EQ(write(data[1], big.data(), big.size()), 65536) << "flags " << flags;
        }
        if (!flags) {
            Child poker = poke_later(SIGUSR1, 50);
            EXPECT_ERRNO(EINTR, write(data[1], big.data(), big.size())); // nothing written: EINTR
        }
        std::vector<char> sink(65536);
        EXPECT_EQ(read(data[0], sink.data(), sink.size()), 65536);
    }
    close(data[0]);
    close(data[1]);
}

TEST(Restart, WaitRestartsOnlyWithSaRestart)
{
    for (int flags : { 0, SA_RESTART }) {
        ScopedAction action(SIGUSR1, count_signal, flags);
        int gate[2];
        ASSERT_EQ(pipe(gate), 0);
        Child waiter([&] {
            close(gate[1]);
            char c;
            (void)read(gate[0], &c, 1);
            return 0;
        });
        close(gate[0]);
        Child poker = poke_later(SIGUSR1, 50, gate[1]);
        int status;
        if (flags) {
            EXPECT_EQ(waitpid(waiter.pid(), &status, 0), waiter.pid());
            waiter.mark_reaped();
        } else {
            EXPECT_ERRNO(EINTR, waitpid(waiter.pid(), &status, 0));
        }
        close(gate[1]);
        EXPECT_TRUE(exited_with(poker.wait(), 0));
    }
}

TEST(Restart, SleepsAndPollsAreEintrEvenWithSaRestart)
{
    ScopedAction action(SIGUSR1, count_signal, SA_RESTART);
    {
        Child poker = poke_later(SIGUSR1, 50);
        timespec request { 5, 0 }, remaining { 0, 0 };
        EXPECT_ERRNO(EINTR, nanosleep(&request, &remaining));
        EXPECT_GT(remaining.tv_sec, 3) << "the time left comes back";
        EXPECT_LE(remaining.tv_sec, 5);
    }
    {
        Child poker = poke_later(SIGUSR1, 50);
        timespec request { 5, 0 };
        EXPECT_EQ(clock_nanosleep(CLOCK_MONOTONIC, 0, &request, nullptr), EINTR);
    }
    int data[2];
    ASSERT_EQ(pipe(data), 0);
    {
        Child poker = poke_later(SIGUSR1, 50);
        pollfd fd { data[0], POLLIN, 0 };
        EXPECT_ERRNO(EINTR, poll(&fd, 1, 5000));
    }
    {
        Child poker = poke_later(SIGUSR1, 50);
        fd_set set;
        FD_ZERO(&set);
        FD_SET(data[0], &set);
        timeval timeout { 5, 0 };
        EXPECT_ERRNO(EINTR, select(data[0] + 1, &set, nullptr, nullptr, &timeout));
    }
    {
        Child poker = poke_later(SIGUSR1, 50);
        EXPECT_ERRNO(EINTR, pause());
    }
    close(data[0]);
    close(data[1]);
}

TEST(Restart, NanosleepResumesWithTheRemainingTimeAfterAStop)
{
    Child sleeper([] {
        double start = now_seconds();
        timespec request { 0, 400000000 }, remaining { 0, 0 };
        int result = nanosleep(&request, &remaining);
        double elapsed = now_seconds() - start;
        if (result != 0)
            return 1; // SIGSTOP/SIGCONT without a handler must not end the sleep early
        return elapsed >= 0.399 ? 0 : 2;
    });
    sleep_ms(50);
    kill(sleeper.pid(), SIGSTOP);
    int status;
    ASSERT_EQ(waitpid(sleeper.pid(), &status, WUNTRACED), sleeper.pid());
    sleep_ms(50);
    kill(sleeper.pid(), SIGCONT);
    EXPECT_TRUE(exited_with(sleeper.wait(), 0));
}

// ---------------------------------------------------------------------------------------
// sigsuspend

TEST(Sigsuspend, WaitsWithTheTemporaryMaskThenRestoresIt)
{
    ScopedAction action(SIGUSR1, count_signal);
    ScopedMask mask;
    mask.block(SIGUSR1);
    g_count = 0;
    Child poker = poke_later(SIGUSR1, 50);
    sigset_t during;
    sigemptyset(&during);
    EXPECT_ERRNO(EINTR, sigsuspend(&during));
    EXPECT_EQ(g_count, 1);
    EXPECT_TRUE(is_blocked(SIGUSR1)) << "the old mask is back";
    // A signal already pending and unblocked by the temporary mask ends it at once.
    raise(SIGUSR1);
    EXPECT_ERRNO(EINTR, sigsuspend(&during));
    EXPECT_EQ(g_count, 2);
}

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
    munmap(map, 8192);
}

// ---------------------------------------------------------------------------------------
// kill and tgkill

TEST(Kill, PermissionsBetweenUsers)
{
    Child target([] {
        for (;;)
            pause();
        return 0;
    });
    int status = run_in_child([&] {
        if (!become_nobody())
            return 10;
        FS_CHILD_EXPECT_ERRNO(kill(target.pid(), SIGUSR1), EPERM);
        FS_CHILD_EXPECT_ERRNO(kill(target.pid(), 0), EPERM);
        FS_CHILD_EXPECT_ERRNO(syscall(SYS_tgkill, target.pid(), target.pid(), SIGUSR1), EPERM);
        if (kill(target.pid(), SIGCONT) != 0)
            return 3; // SIGCONT is allowed within the session
        Child same_user([] {
            for (;;)
                pause();
            return 0;
        });
        if (kill(same_user.pid(), SIGTERM) != 0 || !signaled_with(same_user.wait(), SIGTERM))
            return 4;
        setsid();
        FS_CHILD_EXPECT_ERRNO(kill(target.pid(), SIGCONT), EPERM);
        return 0;
    });
    EXPECT_TRUE(exited_with(status, 0)) << status;
}

TEST(Kill, RealOrEffectiveIdMustMatchTheTargetsRealOrSavedId)
{
    int gate[2], ready[2];
    ASSERT_EQ(pipe(gate), 0);
    ASSERT_EQ(pipe(ready), 0);
    Child target([&] {
        if (setresuid(2000, 0, 3000) != 0)
            return 10;
        close(gate[1]);
        (void)write(ready[1], "r", 1);
        char c;
        (void)read(gate[0], &c, 1);
        return 0;
    });
    close(gate[0]);
    close(ready[1]);
    char c;
    ASSERT_EQ(read(ready[0], &c, 1), 1);
    close(ready[0]);
    auto try_as = [&](uid_t r, uid_t e, uid_t s) {
        return run_in_child([&, r, e, s] {
            if (setresuid(r, e, s) != 0)
                return 10;
            return kill(target.pid(), 0) == 0 ? 0 : errno == EPERM ? 1 : 2;
        });
    };
    EXPECT_TRUE(exited_with(try_as(5000, 2000, 5000), 0)) << "effective id = target's real id";
    EXPECT_TRUE(exited_with(try_as(2000, 5000, 5000), 0)) << "real id = target's real id";
    EXPECT_TRUE(exited_with(try_as(3000, 5000, 5000), 0)) << "real id = target's saved id";
    EXPECT_TRUE(exited_with(try_as(5000, 5000, 2000), 1)) << "the sender's saved id does not count";
    EXPECT_TRUE(exited_with(try_as(5000, 5000, 5000), 1)) << "the target's effective id (root) does not count";
    close(gate[1]);
    EXPECT_TRUE(exited_with(target.wait(), 0));
}

TEST(Kill, ErrorsForBadTargetsAndSignals)
{
    EXPECT_ERRNO(EINVAL, kill(getpid(), 65));
    EXPECT_ERRNO(EINVAL, kill(getpid(), -1));
    EXPECT_ERRNO(ESRCH, kill(999999, 0));
    EXPECT_ERRNO(ESRCH, kill(-999999, 0));
    EXPECT_EQ(kill(getpid(), 0), 0);
    EXPECT_EQ(kill(0, 0), 0);
    EXPECT_ERRNO(ESRCH, syscall(SYS_tgkill, getpid(), 999999, 0));
    EXPECT_ERRNO(ESRCH, syscall(SYS_tgkill, 999999, gettid(), 0));
    EXPECT_ERRNO(EINVAL, syscall(SYS_tgkill, getpid(), gettid(), 65));
    EXPECT_ERRNO(EINVAL, syscall(SYS_tgkill, 0, gettid(), 0));
    EXPECT_ERRNO(EINVAL, syscall(SYS_tkill, 0, 0));
    EXPECT_EQ(syscall(SYS_tkill, gettid(), 0), 0);
}

TEST(Kill, ProcessGroupTargets)
{
    int gate[2];
    ASSERT_EQ(pipe(gate), 0);
    auto member = [&] {
        close(gate[1]);
        char c;
        (void)read(gate[0], &c, 1);
        for (;;)
            pause();
        return 0;
    };
    Child leader(member);
    setpgid(leader.pid(), leader.pid());
    Child follower(member);
    setpgid(follower.pid(), leader.pid());
    EXPECT_EQ(getpgid(follower.pid()), leader.pid());
    EXPECT_EQ(kill(-leader.pid(), 0), 0);
    EXPECT_EQ(kill(-leader.pid(), SIGTERM), 0);
    EXPECT_TRUE(signaled_with(leader.wait(), SIGTERM));
    EXPECT_TRUE(signaled_with(follower.wait(), SIGTERM));
    close(gate[0]);
    close(gate[1]);
    Child self_group([] {
        setpgid(0, 0);
        reset_signal(SIGUSR2);
        kill(0, SIGUSR2); // the caller's own group, itself included
        return 0;
    });
    EXPECT_TRUE(signaled_with(self_group.wait(), SIGUSR2));
}

// ---------------------------------------------------------------------------------------
// Pending, queued and waited-for signals

std::vector<std::pair<int, int>> g_received;
void record_value(int signal, siginfo_t* info, void*) { g_received.push_back({ signal, info->si_value.sival_int }); }

// Queues SIGRTMIN+1 (1, 2, 3), SIGRTMIN (4, 5) and SIGUSR1 (6, 7) while everything is
// blocked, then unblocks everything at once.
std::vector<std::pair<int, int>> queue_and_release(const sigset_t* handler_mask)
{
    g_received.clear();
    ScopedAction rt0(SIGRTMIN, record_value, 0, handler_mask);
    ScopedAction rt1(SIGRTMIN + 1, record_value, 0, handler_mask);
    ScopedAction usr1(SIGUSR1, record_value, 0, handler_mask);
    ScopedMask mask;
    sigset_t all;
    sigfillset(&all);
    sigprocmask(SIG_BLOCK, &all, nullptr);
    for (int value : { 1, 2, 3 })
        EXPECT_EQ(sigqueue(getpid(), SIGRTMIN + 1, sigval { value }), 0);
    for (int value : { 4, 5 })
        EXPECT_EQ(sigqueue(getpid(), SIGRTMIN, sigval { value }), 0);
    for (int value : { 6, 7 })
        EXPECT_EQ(sigqueue(getpid(), SIGUSR1, sigval { value }), 0);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    return g_received;
}

TEST(Pending, RealtimeSignalsQueueInOrderWithTheirValues)
{
    SKIP_UNDER_QEMU_USER("qemu-user orders pending signals its own way (linux-ref agrees with this test)");
    // Handlers that block everything run one after the other: lowest number first, each
    // real-time instance in order, the standard signal once.
    sigset_t all;
    sigfillset(&all);
    std::vector<std::pair<int, int>> serial { { SIGUSR1, 6 }, { SIGRTMIN, 4 }, { SIGRTMIN, 5 }, { SIGRTMIN + 1, 1 },
        { SIGRTMIN + 1, 2 }, { SIGRTMIN + 1, 3 } };
    EXPECT_EQ(queue_and_release(&all), serial);
    // Handlers that block only their own signal nest: on the way out to user mode the kernel
    // stacks one frame per deliverable signal, lowest number first, so the highest runs first.
    std::vector<std::pair<int, int>> nested { { SIGRTMIN + 1, 1 }, { SIGRTMIN + 1, 2 }, { SIGRTMIN + 1, 3 }, { SIGRTMIN, 4 },
        { SIGRTMIN, 5 }, { SIGUSR1, 6 } };
    EXPECT_EQ(queue_and_release(nullptr), nested);
}

TEST(Pending, ThreadAndProcessDirectedSignalsBothShow)
{
    ScopedAction one(SIGUSR1, count_signal);
    ScopedAction two(SIGUSR2, count_signal);
    ScopedMask mask;
    mask.block(SIGUSR1);
    mask.block(SIGUSR2);
    g_count = 0;
    raise(SIGUSR1);               // thread-directed (tgkill)
    kill(getpid(), SIGUSR2);      // process-directed
    sigset_t pending;
    ASSERT_EQ(sigpending(&pending), 0);
    EXPECT_TRUE(sigismember(&pending, SIGUSR1));
    EXPECT_TRUE(sigismember(&pending, SIGUSR2));
    EXPECT_FALSE(sigismember(&pending, SIGTERM));
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    EXPECT_EQ(g_count, 2);
}

TEST(Pending, SigtimedwaitTakesASignalWithoutAHandler)
{
    ScopedMask mask;
    mask.block(SIGUSR1);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    syscall(SYS_tgkill, getpid(), gettid(), SIGUSR1);
    siginfo_t info {};
    timespec zero { 0, 0 };
    EXPECT_EQ(sigtimedwait(&set, &info, &zero), SIGUSR1);
    EXPECT_EQ(info.si_code, SI_USER) << "the kernel's SI_TKILL, folded by glibc's sigtimedwait";
    EXPECT_EQ(info.si_pid, getpid());
    EXPECT_ERRNO(EAGAIN, sigtimedwait(&set, &info, &zero));
    timespec short_wait { 0, 20000000 };
    double start = now_seconds();
    EXPECT_ERRNO(EAGAIN, sigtimedwait(&set, &info, &short_wait));
    EXPECT_GE(now_seconds() - start, 0.019);
    timespec bad { 0, 2000000000 };
    EXPECT_ERRNO(EINVAL, sigtimedwait(&set, &info, &bad));

    Child poker = poke_later(SIGUSR1, 30);
    EXPECT_EQ(sigwaitinfo(&set, &info), SIGUSR1);
    EXPECT_EQ(info.si_code, SI_USER);
    EXPECT_EQ(info.si_pid, poker.pid());

    ScopedAction other(SIGUSR2, count_signal);
    Child interrupter = poke_later(SIGUSR2, 30);
    EXPECT_ERRNO(EINTR, sigwaitinfo(&set, &info));
}

// ---------------------------------------------------------------------------------------
// Job control

void note_continue(int) { ++g_count; }

TEST(JobControl, SigcontHandlerRunsAfterTheProcessResumes)
{
    int report[2];
    ASSERT_EQ(pipe(report), 0);
    Child child([&] {
        signal(SIGCONT, note_continue);
        g_count = 0;
        while (g_count == 0)
            pause();
        (void)write(report[1], "c", 1);
        return 0;
    });
    sleep_ms(20);
    kill(child.pid(), SIGSTOP);
    int status;
    ASSERT_EQ(waitpid(child.pid(), &status, WUNTRACED), child.pid());
    kill(child.pid(), SIGCONT);
    char c;
    EXPECT_EQ(read(report[0], &c, 1), 1);
    EXPECT_TRUE(exited_with(child.wait(), 0));
    close(report[0]);
    close(report[1]);
}

TEST(JobControl, StopAndContinueSignalsDiscardEachOther)
{
    Child child([] {
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, SIGTSTP);
        sigaddset(&set, SIGCONT);
        sigprocmask(SIG_BLOCK, &set, nullptr);
        raise(SIGTSTP);
        raise(SIGCONT); // discards the pending SIGTSTP
        sigset_t pending;
        sigpending(&pending);
        if (sigismember(&pending, SIGTSTP) || !sigismember(&pending, SIGCONT))
            return 1;
        raise(SIGTSTP); // discards the pending SIGCONT
        sigpending(&pending);
        if (!sigismember(&pending, SIGTSTP) || sigismember(&pending, SIGCONT))
            return 2;
        signal(SIGTSTP, SIG_IGN); // and SIG_IGN drops it, so unblocking does not stop us
        sigprocmask(SIG_UNBLOCK, &set, nullptr);
        return 0;
    });
    EXPECT_TRUE(exited_with(child.wait(), 0));
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
