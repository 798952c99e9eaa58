// Process: what threads of one program share — pid, parent, process group and session,
// credentials, the fd table, cwd/root and umask, the address space, signal actions, limits,
// and the children it must reap.
//
// Lifecycle: created by fork/clone (or as init at boot); becomes a zombie when its last
// thread exits (status kept, resources released, SIGCHLD to the parent); freed when the
// parent reaps it (or at once if the parent ignores SIGCHLD). Orphans are reparented to init.
//
// Locking: g_process_table_lock guards the process table, its pid and tid indexes,
// parent/child links, process group and session ids, and zombie state; m_lock guards the
// per-process mutable fields (credentials, cwd, signals).
#pragma once

#include <lib/IntrusiveList.h>
#include <lib/KString.h>
#include <lib/RefPtr.h>
#include <lib/Spinlock.h>
#include <mm/AddressSpace.h>
#include <proc/Credentials.h>
#include <proc/Scheduler.h>
#include <proc/FdTable.h>
#include <proc/PendingSignals.h>
#include <proc/ProcessHandle.h>
#include <proc/Thread.h>
#include <proc/WaitQueue.h>
#include <vfs/Custody.h>

namespace sk {

struct SignalAction {
    uptr handler { 0 }; // SIG_DFL = 0, SIG_IGN = 1
    u64 flags { 0 };
    uptr restorer { 0 };
    u64 mask { 0 };
};

struct SignalActions : public RefCounted<SignalActions> {
    Spinlock lock;
    SignalAction actions[64];
};

struct ResourceLimit {
    u64 current;
    u64 maximum;
};

class Process : public RefCounted<Process> {
public:
    static constexpr int rlimit_count = 16;

    // The first process (pid 1), with an empty address space, root credentials and the
    // console as fds 0-2 (installed by the caller).
    static Result<RefPtr<Process>> try_create_init();
    ~Process();

    // A new, empty process with a fresh pid (EAGAIN when the table is full).
    static Result<RefPtr<Process>> try_create(int parent_pid_hint);
    static Process& current();
    static Process* current_or_null();
    // The process with this pid (a zombie until it is freed), or null; O(1). A process whose
    // last reference is already gone is not returned.
    static RefPtr<Process> from_pid(int pid);
    static u32 count();
    // Calls fn(Process&) for every live process (under the table lock: fn must not sleep).
    template<typename Fn>
    static void for_each(Fn fn);

    int pid() const { return m_pid; }
    int ppid();
    int pgid() const { return m_pgid; }
    int sid() const { return m_sid; }
    // Table lock held: the pid pool counts the processes using each group and session id.
    void set_pgid_locked(int pgid);
    void set_sid_locked(int sid);

    Credentials credentials();
    void set_credentials(const Credentials& credentials);
    FdTable& fds() { return *m_fds; }
    RefPtr<FdTable> fd_table() { return m_fds; }
    AddressSpace& address_space() { return *m_address_space; }
    RefPtr<AddressSpace> address_space_ref() { return m_address_space; }
    void set_address_space(RefPtr<AddressSpace> space) { m_address_space = std::move(space); }
    RefPtr<Custody> cwd();
    void set_cwd(RefPtr<Custody> cwd);
    RefPtr<Custody> root();
    void set_root(RefPtr<Custody> root);
    void set_fd_table(RefPtr<FdTable> table) { m_fds = std::move(table); }
    void set_signal_actions(RefPtr<SignalActions> actions) { m_signal_actions = std::move(actions); }
    RefPtr<SignalActions> signal_actions_ref() { return m_signal_actions; }
    // vfork: the parent sleeps until the child execs or exits.
    WaitQueue vfork_wait;
    bool vfork_done { false };
    bool exiting { false };
    bool did_exec { false }; // setpgid on a child that has exec'd is EACCES
    // prctl state. child_subreaper: orphans below adopt this process rather than init (not
    // inherited); pdeath_signal: sent when the parent exits (cleared in a fork child);
    // dumpable (PR_SET_DUMPABLE) and no_new_privs are inherited.
    bool child_subreaper { false };
    int pdeath_signal { 0 };
    bool dumpable { true };
    bool no_new_privs { false };
    // exec from a multi-threaded process: the thread that execs while the others are ended
    // (they exit alone, not the process); thread_exit_wait wakes it as they go.
    Thread* exec_thread { nullptr };
    WaitQueue thread_exit_wait;
    int exit_signal { 17 }; // SIGCHLD by default
    u64 child_generation { 0 };
    // Interval timers (IntervalTimers.h). ITIMER_REAL: SIGALRM at expiry, re-armed with the
    // interval. ITIMER_VIRTUAL, ITIMER_PROF: an expiry point on the process's CPU clock (0 =
    // disarmed), guarded by the table lock.
    scheduler::KernelTimer real_timer;
    u64 real_timer_interval_ns { 0 };
    struct CpuTimer {
        u64 expiry_ns { 0 };
        u64 interval_ns { 0 };
    } cpu_timers[2];
    u32 umask() const { return m_umask; }
    u32 exchange_umask(u32 mask);
    SignalActions& signal_actions() { return *m_signal_actions; }
    ResourceLimit& limit(int resource) { return m_limits[resource]; }
    int fd_limit() const { return static_cast<int>(m_limits[7].current); } // RLIMIT_NOFILE

    const char* name() const { return m_name; }
    void set_name(const char* name);
    RefPtr<Custody> executable() { return m_executable; }
    void set_executable(RefPtr<Custody> custody) { m_executable = std::move(custody); }
    // argv as NUL-separated bytes, as exec received them.
    StringView command_line() const { return m_command_line.view(); }
    void set_command_line(KString line) { m_command_line = std::move(line); }
    // Where exec put the argv and envp strings on the user stack (Linux's mm->arg_start ...):
    // /proc/<pid>/cmdline reads the process's memory there, so a program that rewrites its
    // argv (busybox init shows as "init") is seen as it made itself. Zero before the first exec.
    struct ArgumentArea {
        uptr arg_start { 0 }, arg_end { 0 }, env_start { 0 }, env_end { 0 };
    };
    ArgumentArea argument_area;

    Spinlock& lock() { return m_lock; }

    // --- process-wide signal state (guarded by g_process_table_lock) ---
    u64 pending_signals { 0 }; // the set of `pending` (what /proc shows)
    PendingSignals pending { pending_signals };
    WaitQueue child_wait; // wait4 sleeps here; a child's state change wakes it
    WaitQueue stop_wait;  // threads of a stopped process park here (JobControl)
    // Exit / stop bookkeeping, guarded by the process table lock.
    bool is_zombie { false };
    int exit_status { 0 };      // wait status word (as wait4 returns it)
    int stop_report { 0 };      // pending WUNTRACED/WCONTINUED report (status word), 0 = none
    bool stopped { false };     // a group stop is in effect (SIGSTOP & co. until SIGCONT)
    // The stop in effect: its signal, its number (Thread::parked_stop says which stop a thread
    // parked for), and whether every thread has parked (only then is it reported).
    int stop_signal { 0 };
    u64 stop_generation { 0 };
    bool stop_complete { false };
    // CPU time: user_ns is what exited threads used; children_ns what reaped children (and
    // theirs) used, as getrusage(RUSAGE_CHILDREN) reports it.
    u64 user_ns { 0 }, children_ns { 0 };
    u64 start_ns { 0 };
    // Every thread's CPU time, exited ones included (RUSAGE_SELF, CLOCK_PROCESS_CPUTIME_ID).
    u64 cpu_ns();
    u64 cpu_ns_locked(); // g_process_table_lock held

    IntrusiveList<Thread, &Thread::m_process_node> threads;
    size_t thread_count { 0 };

    Process* parent { nullptr }; // guarded by the table lock; init adopts orphans
    RefPtr<ProcessHandle> handle; // for pidfds, made on first use (table lock)
    IntrusiveListNode m_sibling_node;
    IntrusiveList<Process, &Process::m_sibling_node> children;
    IntrusiveListNode m_table_node;

    Process(int pid);

    Spinlock m_lock;
    int m_pid;
    int m_pgid { 0 };
    int m_sid { 0 };
    Credentials m_credentials;
    RefPtr<FdTable> m_fds;
    RefPtr<AddressSpace> m_address_space;
    RefPtr<Custody> m_cwd;
    RefPtr<Custody> m_root;
    RefPtr<Custody> m_executable;
    KString m_command_line;
    u32 m_umask { 022 };
    RefPtr<SignalActions> m_signal_actions;
    ResourceLimit m_limits[rlimit_count];
    char m_name[16] {};
};

// Points satp at space (null: the kernel-only table) and remembers it as the active one.
void activate_address_space(AddressSpace* space);

extern Spinlock g_process_table_lock;
IntrusiveList<Process, &Process::m_table_node>& process_table();
// The process in the table with this pid, without taking a reference (table lock held; it
// may be a zombie, or one whose last reference is gone and that waits for the lock to leave).
Process* find_process_locked(int pid);
// The live thread with this tid, in any process (table lock held): one in its process's
// thread list. O(1) through a tid index that Thread::try_create_user fills and that is
// cleared when the thread leaves its process or is deleted without ever joining it.
Thread* find_thread_locked(int tid);
void register_thread_locked(Thread& thread);
void unregister_thread_locked(Thread& thread);
// Whether the tid index still points at this thread (for ~Thread's check).
bool thread_registered(const Thread& thread);

template<typename Fn>
void Process::for_each(Fn fn)
{
    SpinlockGuard guard(g_process_table_lock);
    for (auto& process : process_table())
        fn(process);
}

} // namespace sk
