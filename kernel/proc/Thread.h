// Thread: a schedulable context — a kernel stack, saved registers and, for user threads, the
// trap frame at the top of the stack and the user FP state. Kernel threads have no process.
//
// Lifecycle: created Runnable; Running while on the hart; Blocked inside WaitQueue waits;
// Dead after exit. A dead thread's stack is freed by the scheduler after switching away from
// it (a thread cannot free the stack it runs on). User threads belong to a Process, which
// keeps them in its thread list and is kept alive by them.
#pragma once

#include <arch/riscv64/TrapFrame.h>
#include <lib/IntrusiveList.h>
#include <lib/RefPtr.h>
#include <lib/Result.h>
#include <lib/Types.h>
#include <proc/PendingSignals.h>

namespace sk {

class Process;

class Thread {
public:
    enum class State { Runnable, Running, Blocked, Dead };
    static constexpr size_t kernel_stack_size = 16 * 1024;

    using Entry = void (*)(void* argument);
    static Result<Thread*> try_create_kernel(const char* name, Entry entry, void* argument);
    // A user thread with id `tid` (from the pid pool) that starts by returning to user mode
    // with the given registers. It enters the tid index at once (find_thread_locked finds it
    // once it is in its process's thread list); a caller that deletes it instead must
    // unregister_thread_locked it first.
    static Result<Thread*> try_create_user(Process& process, const TrapFrame& initial, u32 tid);
    // Wraps the boot context (becomes the idle thread).
    static Thread* create_boot_thread();
    ~Thread();

    // For a user thread: kernel code to run on its own stack before it first enters user
    // mode (init's exec).
    void set_prelude(Entry entry, void* argument)
    {
        m_entry = entry;
        m_argument = argument;
    }
    u32 tid() const { return m_tid; }
    // exec from another thread than the main one: the caller takes over the pid as its tid
    // (and moves its tid index entry, table lock held).
    void set_tid(u32 tid) { m_tid = tid; }
    State state() const { return m_state; }
    const char* name() const { return m_name; }
    void set_name(const char* name);
    Process* process() const { return m_process; }
    TrapFrame& trap_frame() { return *m_trap_frame; }
    bool is_user() const { return m_process != nullptr; }
    uptr kernel_stack_top() const { return m_kernel_stack + kernel_stack_size; }

    // Signals directed at this thread and its mask (per-thread in Linux).
    u64 signal_mask { 0 };
    u64 pending_signals { 0 }; // the set of `pending`
    PendingSignals pending { pending_signals };
    u64 saved_signal_mask { 0 }; // rt_sigsuspend's mask to restore
    bool has_saved_signal_mask { false };
    // rt_sigtimedwait unblocks its set while it sleeps; the mask it replaced still counts as
    // blocked when a signal is sent (Linux's real_blocked), so the signal is not discarded.
    u64 real_blocked { 0 };
    // set_tid_address / CLONE_CHILD_CLEARTID, and CLONE_CHILD_SETTID for a new process (written
    // by the child itself, in its own address space, before it first returns to user mode)
    uptr clear_child_tid { 0 };
    uptr set_tid_on_start { 0 };
    // The group stop (Process::stop_generation) this thread has parked for (JobControl).
    u64 parked_stop { 0 };
    // set_robust_list: the head of the robust futex list glibc keeps (Linux's robust_list_head),
    // walked at exit so that waiters of a mutex this thread held learn it died.
    uptr robust_list { 0 };
    size_t robust_list_length { 0 };
    // rseq(2): the registered struct rseq (0 for none), its length and abort signature; the
    // kernel refreshes it and checks for an interrupted critical section when resume_pending
    // (set when the thread is switched out).
    struct RseqRegistration {
        uptr area { 0 };
        u32 length { 0 };
        u32 signature { 0 };
        bool resume_pending { false };
    } rseq;
    // a0 at syscall entry, for restarting an interrupted syscall (ERESTARTSYS); in_syscall says
    // that the trap being left is a syscall (so a0 holds its result).
    u64 syscall_original_a0 { 0 };
    bool in_syscall { false };
    // What restart_syscall(2) continues after ERESTART_RESTARTBLOCK (Linux's restart_block).
    struct RestartBlock {
        Result<long> (*resume)(const RestartBlock&) { nullptr };
        u64 deadline_ns { 0 }; // nanosleep, futex: the monotonic deadline
        uptr remaining { 0 }; // nanosleep: where the time left goes on EINTR
        uptr address { 0 };   // futex: the word, the value expected and the bitset
        u32 value { 0 }, bitset { 0 };
        bool shared { false };
    } restart_block;
    // Alternate signal stack
    uptr altstack_base { 0 };
    size_t altstack_size { 0 };
    u32 altstack_flags { 2 }; // SS_DISABLE

    // Scheduler-owned fields (guarded by the scheduler lock).
    SwitchContext m_context {};
    FpState m_fp {};
    State m_state { State::Runnable };
    bool m_wake_pending { false };
    bool m_interrupted { false }; // woken for a signal
    u64 m_deadline_ns { 0 };
    IntrusiveListNode m_run_node;
    IntrusiveListNode m_timer_node;
    IntrusiveListNode m_process_node; // in the process's thread list
    u64 m_cpu_ns { 0 };
    u64 m_switched_in_ns { 0 };

private:
    Thread() = default;
    static Result<Thread*> try_allocate();
    Result<void> allocate_stack();

    u32 m_tid { 0 };
    char m_name[16] {};
    uptr m_kernel_stack { 0 };
    TrapFrame* m_trap_frame { nullptr };
    Process* m_process { nullptr };
    Entry m_entry { nullptr };
    void* m_argument { nullptr };

    friend void thread_start(Thread*);
};

u32 allocate_tid();

} // namespace sk
