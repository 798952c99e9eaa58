// The process table and per-process state. g_process_table_lock guards the table, parent/child
// links and zombie state, and the two indexes that make id lookups O(1) (pid_max entries
// each, 2 × 256 KiB of BSS): s_by_pid holds a process from the moment it enters the table
// until ~Process takes it out (a zombie keeps its entry until it is reaped and freed);
// s_by_tid holds a user thread from Thread::try_create_user until it leaves its process.
#include <arch/Arch.h>
#include <arch/riscv64/Csr.h>
#include <proc/Pid.h>
#include <proc/Process.h>
#include <proc/Scheduler.h>
#include <string.h>

namespace sk {

Spinlock g_process_table_lock;
static IntrusiveList<Process, &Process::m_table_node> s_table;
static constexpr u32 max_processes = 4096;
static u32 s_process_count;
static Process* s_by_pid[pid_max];
static Thread* s_by_tid[pid_max];

static bool valid_id(int id) { return id > 0 && id < pid_max; }

Process::Process(int pid) : m_pid(pid)
{
    // Linux's INIT_RLIMITS (init's, which every process inherits unless it changes them).
    static constexpr u64 infinity = ~0ul;
    for (auto& limit : m_limits)
        limit = { infinity, infinity };
    m_limits[3] = { 8ul << 20, infinity };   // RLIMIT_STACK
    m_limits[4] = { 0, infinity };           // RLIMIT_CORE: no core files unless asked for
    m_limits[6] = { 4096, 4096 };            // RLIMIT_NPROC (FIXME: Linux: max_threads / 2)
    m_limits[7] = { 1024, 4096 };            // RLIMIT_NOFILE
    m_limits[8] = { 8ul << 20, 8ul << 20 };  // RLIMIT_MEMLOCK
    m_limits[11] = { 4096, 4096 };           // RLIMIT_SIGPENDING (FIXME: Linux: max_threads / 2)
    m_limits[12] = { 819200, 819200 };       // RLIMIT_MSGQUEUE
    m_limits[13] = { 0, 0 };                 // RLIMIT_NICE
    m_limits[14] = { 0, 0 };                 // RLIMIT_RTPRIO
    start_ns = arch::monotonic_ns();
}

Process::~Process()
{
    SpinlockGuard guard(g_process_table_lock);
    if (m_table_node.is_linked()) {
        s_table.remove(*this);
        --s_process_count;
        VERIFY(s_by_pid[m_pid] == this);
        s_by_pid[m_pid] = nullptr;
    }
    remove_id_use_locked(IdUse::Group, m_pgid);
    remove_id_use_locked(IdUse::Session, m_sid);
    release_pid_locked(m_pid);
    if (handle)
        handle->detach_locked();
}

Result<RefPtr<Process>> Process::try_create(int parent_pid_hint)
{
    (void)parent_pid_hint;
    int pid;
    {
        SpinlockGuard guard(g_process_table_lock);
        if (s_process_count >= max_processes)
            return Error { EAGAIN };
        pid = TRY(allocate_pid_locked());
    }
    auto* process = new (std::nothrow) Process(pid);
    if (!process) {
        SpinlockGuard guard(g_process_table_lock);
        release_pid_locked(pid);
        return Error { ENOMEM };
    }
    RefPtr<Process> result(process);
    {
        SpinlockGuard guard(g_process_table_lock);
        s_table.append(*process);
        ++s_process_count;
        VERIFY(!s_by_pid[pid]);
        s_by_pid[pid] = process;
    }
    return result;
}

u64 Process::cpu_ns()
{
    SpinlockGuard guard(g_process_table_lock);
    return cpu_ns_locked();
}

u64 Process::cpu_ns_locked()
{
    u64 total = user_ns;
    Thread* current = scheduler::current();
    for (auto& thread : threads) {
        total += thread.m_cpu_ns;
        if (&thread == current)
            total += arch::monotonic_ns() - thread.m_switched_in_ns;
    }
    return total;
}

Result<RefPtr<Process>> Process::try_create_init()
{
    auto process = TRY(try_create(0));
    {
        SpinlockGuard guard(g_process_table_lock);
        process->set_pgid_locked(process->m_pid);
        process->set_sid_locked(process->m_pid);
    }
    process->m_fds = TRY(FdTable::try_create());
    process->m_address_space = TRY(AddressSpace::try_create());
    process->m_signal_actions = TRY(try_make_ref<SignalActions>());
    process->set_name("init");
    return process;
}

Process& Process::current()
{
    Thread* thread = scheduler::current();
    VERIFY(thread && thread->process());
    return *thread->process();
}

Process* Process::current_or_null()
{
    Thread* thread = scheduler::current();
    return thread ? thread->process() : nullptr;
}

RefPtr<Process> Process::from_pid(int pid)
{
    SpinlockGuard guard(g_process_table_lock);
    Process* process = find_process_locked(pid);
    if (process && process->try_ref())
        return RefPtr<Process>::adopt(process);
    return nullptr;
}

void Process::set_pgid_locked(int pgid)
{
    remove_id_use_locked(IdUse::Group, m_pgid);
    add_id_use_locked(IdUse::Group, pgid);
    m_pgid = pgid;
}

void Process::set_sid_locked(int sid)
{
    remove_id_use_locked(IdUse::Session, m_sid);
    add_id_use_locked(IdUse::Session, sid);
    m_sid = sid;
}

u32 Process::count()
{
    SpinlockGuard guard(g_process_table_lock);
    return s_process_count;
}

IntrusiveList<Process, &Process::m_table_node>& process_table() { return s_table; }

Process* find_process_locked(int pid) { return valid_id(pid) ? s_by_pid[pid] : nullptr; }

Thread* find_thread_locked(int tid)
{
    if (!valid_id(tid))
        return nullptr;
    // Registered at creation, a thread counts once it is in its process's thread list.
    Thread* thread = s_by_tid[tid];
    return thread && thread->m_process_node.is_linked() ? thread : nullptr;
}

void register_thread_locked(Thread& thread)
{
    int tid = static_cast<int>(thread.tid());
    VERIFY(valid_id(tid) && !s_by_tid[tid]);
    s_by_tid[tid] = &thread;
}

void unregister_thread_locked(Thread& thread)
{
    int tid = static_cast<int>(thread.tid());
    VERIFY(valid_id(tid) && s_by_tid[tid] == &thread);
    s_by_tid[tid] = nullptr;
}

bool thread_registered(const Thread& thread)
{
    int tid = static_cast<int>(thread.tid());
    return valid_id(tid) && s_by_tid[tid] == &thread;
}

int Process::ppid()
{
    SpinlockGuard guard(g_process_table_lock);
    return parent ? parent->m_pid : 0;
}

Credentials Process::credentials()
{
    SpinlockGuard guard(m_lock);
    return m_credentials;
}

void Process::set_credentials(const Credentials& credentials)
{
    SpinlockGuard guard(m_lock);
    m_credentials = credentials;
}

RefPtr<Custody> Process::cwd()
{
    SpinlockGuard guard(m_lock);
    return m_cwd;
}

void Process::set_cwd(RefPtr<Custody> cwd)
{
    RefPtr<Custody> previous;
    SpinlockGuard guard(m_lock);
    previous = std::move(m_cwd);
    m_cwd = std::move(cwd);
}

RefPtr<Custody> Process::root()
{
    SpinlockGuard guard(m_lock);
    return m_root;
}

void Process::set_root(RefPtr<Custody> root)
{
    RefPtr<Custody> previous;
    SpinlockGuard guard(m_lock);
    previous = std::move(m_root);
    m_root = std::move(root);
}

u32 Process::exchange_umask(u32 mask)
{
    SpinlockGuard guard(m_lock);
    u32 previous = m_umask;
    m_umask = mask & 0777;
    return previous;
}

void Process::set_name(const char* name)
{
    size_t n = min(strlen(name), sizeof(m_name) - 1);
    memcpy(m_name, name, n);
    m_name[n] = '\0';
}

// The address space the hart's satp points at (FIXME: per hart once SMP runs). Tracked
// here rather than read from the previous thread's process, which may be gone: an exiting
// thread drops its process before its last switch.
static AddressSpace* s_active_space;

void activate_address_space(AddressSpace* space)
{
    s_active_space = space;
    if (space)
        space->activate();
    else
        AddressSpace::activate_kernel_only();
}

// Called by the scheduler on every switch: the user address space and the user FP state.
void switch_user_context(Thread* previous, Thread* next)
{
    if (previous->is_user()) {
        save_fp_state(&previous->m_fp);
        // rseq: a critical section the thread was in may not just resume (Rseq.h).
        previous->rseq.resume_pending = previous->rseq.area != 0;
    }
    if (next->is_user()) {
        restore_fp_state(&next->m_fp);
        AddressSpace* space = next->process()->m_address_space.ptr();
        if (space != s_active_space)
            activate_address_space(space);
    }
}

} // namespace sk
