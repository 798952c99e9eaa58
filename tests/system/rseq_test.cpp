// rseq(2): a thread registers a struct rseq; the kernel keeps its cpu fields current and
// sends a critical section that was interrupted — by a signal or by a switch to another task —
// to its abort handler. The sections here are written in assembly the way librseq writes
// them: a struct rseq_cs naming [start, post-commit) and the abort handler, which is preceded
// by the registered signature.
//
// glibc registers every thread's area itself from 2.39 on riscv (Debian 12's 2.36 does not):
// the tests use glibc's area when there is one and register their own otherwise.
// qemu-riscv64 7.2 does not implement rseq, so these run on Sockeye and on linux-ref.
#include "proc_test_support.h"

#include <sys/rseq.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <thread>
#include <ucontext.h>

using namespace proctest;

namespace {

constexpr uint32_t registered_length = 32; // the original struct rseq, as glibc registers it
constexpr uint32_t signature = 0xf1401073;  // glibc's signature on riscv (csrr mhartid: traps in U-mode)

long rseq_call(void* area, uint32_t length, int flags, uint32_t sig)
{
    return syscall(__NR_rseq, area, length, flags, sig);
}

alignas(32) thread_local struct rseq t_own_area;
thread_local bool t_own_registered;

// The calling thread's registered area: glibc's if it registered one, else one registered
// here on first use. nullptr (errno set) when the kernel refuses.
struct rseq* registered_area()
{
    if (__rseq_size > 0)
        return reinterpret_cast<struct rseq*>(static_cast<char*>(__builtin_thread_pointer()) + __rseq_offset);
    if (!t_own_registered) {
        t_own_area.cpu_id = RSEQ_CPU_ID_UNINITIALIZED;
        if (rseq_call(&t_own_area, registered_length, 0, signature) != 0)
            return nullptr;
        t_own_registered = true;
    }
    return &t_own_area;
}

#define REGISTERED_AREA_OR_SKIP(area)                                                                                      struct rseq* area = registered_area();                                                                                 if (!area) {                                                                                                               if (errno == ENOSYS && under_qemu_user())                                                                                  GTEST_SKIP() << "qemu-user 7.2 has no rseq";                                                                       FAIL() << "rseq registration: " << strerror(errno);                                                                }

// The outcome of one pass through a critical section.
enum Outcome : long { Committed = 1, Aborted = 2, FaultSkipped = 3 };

// A critical section as librseq writes one: its struct rseq_cs in a data section, a store of
// its address into rseq_cs, the body (which must set %[outcome]), a jump over the signature
// word, and the abort handler right after it (outcome Aborted).
#define CRITICAL_SECTION(name, body, signature)                                                                        \
    ".option push\n"                                                                                                  \
    ".option norvc\n"                                                                                                 \
    ".pushsection .data.rseq_" name ", \"aw\"\n"                                                                      \
    ".balign 32\n"                                                                                                    \
    "90: .long 0, 0\n"                                                                                                \
    ".quad 91f, 92f - 91f, 94f\n"                                                                                     \
    ".popsection\n"                                                                                                   \
    "la t0, 90b\n"                                                                                                    \
    "sd t0, 8(%[area])\n"                                                                                             \
    "91:\n" body "92: j 95f\n"                                                                                        \
    ".long " signature "\n"                                                                                           \
    "94: li %[outcome], 2\n"                                                                                          \
    "95:\n"                                                                                                           \
    ".option pop\n"

// A body whose first instruction faults. The SIGSEGV handler must find the abort handler's
// address in its saved pc (Linux fixes the section up before it builds the frame); the
// handler only skips the load if it does not, so a missing fixup cannot loop forever.
#define FAULTING_BODY "li %[outcome], 3\nld t1, 0(zero)\nli %[outcome], 1\n"

long fault_inside_section(struct rseq* area)
{
    long outcome;
    asm volatile(CRITICAL_SECTION("fault", FAULTING_BODY, "0xf1401073")
                 : [outcome] "=&r"(outcome)
                 : [area] "r"(area)
                 : "t0", "t1", "memory");
    return outcome;
}

// As above but the word before the abort handler is not the signature: the kernel must
// refuse to jump there (SIGSEGV) rather than run it.
long fault_inside_section_with_a_bad_signature(struct rseq* area)
{
    long outcome;
    asm volatile(CRITICAL_SECTION("badsig", FAULTING_BODY, "0x12345678")
                 : [outcome] "=&r"(outcome)
                 : [area] "r"(area)
                 : "t0", "t1", "memory");
    return outcome;
}

// A section that spins `iterations` times and commits, unless a switch to another task
// sends it to the abort handler first.
long spin_inside_section(struct rseq* area, long iterations)
{
    long outcome;
    asm volatile(CRITICAL_SECTION("spin", "mv t1, %[iterations]\n93: addi t1, t1, -1\nbnez t1, 93b\nli %[outcome], 1\n",
                     "0xf1401073")
                 : [outcome] "=&r"(outcome)
                 : [area] "r"(area), [iterations] "r"(iterations)
                 : "t0", "t1", "memory");
    return outcome;
}

std::atomic<bool> g_pc_was_abort_handler;
std::atomic<int> g_faults;

void on_fault(int, siginfo_t*, void* context)
{
    auto* ucontext = static_cast<ucontext_t*>(context);
    unsigned long& pc = ucontext->uc_mcontext.__gregs[REG_PC];
    ++g_faults;
    uint32_t word_before;
    memcpy(&word_before, reinterpret_cast<void*>(pc - 4), sizeof(word_before));
    g_pc_was_abort_handler = word_before == signature;
    if (!g_pc_was_abort_handler)
        pc += 4; // not fixed up: step over the faulting load
}

} // namespace

TEST(Rseq, EachThreadHasItsOwnAreaAndTheCpuFieldsAreCurrent)
{
    REGISTERED_AREA_OR_SKIP(main_area);
    EXPECT_EQ(static_cast<int>(main_area->cpu_id), sched_getcpu());
    EXPECT_EQ(main_area->cpu_id_start, main_area->cpu_id);
    struct rseq* thread_seen = nullptr;
    int thread_cpu = -1, thread_reported = -2;
    std::thread other([&] {
        thread_seen = registered_area();
        if (thread_seen) {
            thread_cpu = static_cast<int>(thread_seen->cpu_id);
            thread_reported = sched_getcpu();
        }
    });
    other.join();
    ASSERT_NE(thread_seen, nullptr);
    EXPECT_NE(thread_seen, main_area);
    EXPECT_EQ(thread_cpu, thread_reported);
}

TEST(Rseq, RegistrationRules)
{
    REGISTERED_AREA_OR_SKIP(area);
    errno = 0;
    EXPECT_EQ(rseq_call(area, registered_length, 0, signature), -1);
    EXPECT_EQ(errno, EBUSY) << "already registered";
    errno = 0;
    EXPECT_EQ(rseq_call(area, registered_length, 0, signature + 1), -1);
    EXPECT_EQ(errno, EPERM) << "another signature";
    alignas(32) static struct rseq other {};
    errno = 0;
    EXPECT_EQ(rseq_call(&other, registered_length, 0, signature), -1);
    EXPECT_EQ(errno, EINVAL) << "another area while one is registered";
    errno = 0;
    EXPECT_EQ(rseq_call(area, registered_length, RSEQ_FLAG_UNREGISTER, signature + 1), -1);
    EXPECT_EQ(errno, EPERM);
    errno = 0;
    EXPECT_EQ(rseq_call(area, registered_length + 32, RSEQ_FLAG_UNREGISTER, signature), -1);
    EXPECT_EQ(errno, EINVAL) << "unregistering with another length";
    errno = 0;
    EXPECT_EQ(rseq_call(area, registered_length, 2, signature), -1);
    EXPECT_EQ(errno, EINVAL) << "unknown flags";

    // A child owns a copy of the registration (fork keeps it): it can drop glibc's and
    // register its own without disturbing this process.
    Child child([area] {
        struct rseq* inherited = area;
        if (rseq_call(inherited, registered_length, 0, signature) != -1 || errno != EBUSY)
            return 10;
        if (rseq_call(inherited, registered_length, RSEQ_FLAG_UNREGISTER, signature) != 0)
            return 11;
        if (static_cast<int32_t>(inherited->cpu_id) != RSEQ_CPU_ID_UNINITIALIZED)
            return 12;
        alignas(32) static char bytes[64];
        if (rseq_call(bytes + 8, registered_length, 0, signature) != -1 || errno != EINVAL)
            return 13; // misaligned
        if (rseq_call(bytes, 16, 0, signature) != -1 || errno != EINVAL)
            return 14; // too short
        if (rseq_call(reinterpret_cast<void*>(-64L), registered_length, 0, signature) != -1 || errno != EFAULT)
            return 15; // kernel address
        auto* own = reinterpret_cast<struct rseq*>(bytes);
        own->cpu_id = RSEQ_CPU_ID_UNINITIALIZED;
        if (rseq_call(own, registered_length, 0, signature) != 0)
            return 16;
        if (static_cast<int>(own->cpu_id) != sched_getcpu())
            return 17; // written before the call returned
        return 0;
    });
    int status = child.wait();
    ASSERT_TRUE(WIFEXITED(status)) << status;
    EXPECT_EQ(WEXITSTATUS(status), 0) << "the child's step that failed (10..17)";
}

TEST(Rseq, ASignalInsideTheSectionResumesAtTheAbortHandler)
{
    REGISTERED_AREA_OR_SKIP(area);
    ScopedAction action(SIGSEGV, on_fault, SA_SIGINFO);
    g_faults = 0;
    g_pc_was_abort_handler = false;
    long outcome = fault_inside_section(area);
    EXPECT_EQ(g_faults.load(), 1);
    EXPECT_TRUE(g_pc_was_abort_handler.load()) << "the frame saved the abort handler's address";
    EXPECT_EQ(outcome, Aborted);
    EXPECT_EQ(area->rseq_cs, 0u) << "the kernel clears rseq_cs once it has acted";
}

TEST(Rseq, AnAbortHandlerWithoutTheSignatureIsSigsegv)
{
    REGISTERED_AREA_OR_SKIP(area);
    Child child([area] {
        ScopedAction action(SIGSEGV, on_fault, SA_SIGINFO);
        fault_inside_section_with_a_bad_signature(area);
        return 0; // the handler ran: the kernel accepted the section
    });
    EXPECT_TRUE(signaled_with(child.wait(), SIGSEGV));
}

TEST(Rseq, PreemptionInsideTheSectionResumesAtTheAbortHandler)
{
    REGISTERED_AREA_OR_SKIP(area);
    // A busy sibling on the same CPU makes sure the CPU is taken away while the section spins.
    cpu_set_t saved, first;
    ASSERT_EQ(sched_getaffinity(0, sizeof(saved), &saved), 0);
    CPU_ZERO(&first);
    CPU_SET(0, &first);
    ASSERT_EQ(sched_setaffinity(0, sizeof(first), &first), 0);
    Child busy([] {
        double end = now_seconds() + 20;
        while (now_seconds() < end) { }
        return 0;
    });
    long outcome = Committed;
    for (int attempt = 0; attempt < 20 && outcome != Aborted; ++attempt)
        outcome = spin_inside_section(area, 200'000'000);
    EXPECT_EQ(outcome, Aborted) << "never switched out inside the section";
    sched_setaffinity(0, sizeof(saved), &saved);
    // Outside any section, switches change nothing: a short section commits.
    EXPECT_EQ(spin_inside_section(area, 1), Committed);
}
