// The process table and per-process state. s_table_lock guards the table, parent/child
// links and zombie state.
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
    }
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
    process->m_pgid = process->m_pid;
    process->m_sid = process->m_pid;
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
    for (auto& process : s_table) {
        if (process.m_pid == pid && process.try_ref())
            return RefPtr<Process>::adopt(&process);
    }
    return nullptr;
}

u32 Process::count()
{
    SpinlockGuard guard(g_process_table_lock);
    return s_process_count;
}

IntrusiveList<Process, &Process::m_table_node>& process_table() { return s_table; }

Thread* find_thread_locked(int tid)
{
    for (auto& process : s_table) {
        for (auto& thread : process.threads) {
            if (static_cast<int>(thread.tid()) == tid)
                return &thread;
        }
    }
    return nullptr;
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
