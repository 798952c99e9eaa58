// clone, exit and exec's de_thread.
//
// A process lives from clone to the reap of its zombie: it holds one reference on itself
// (dropped by the reaper, or at once when its parent ignores SIGCHLD) and each of its threads
// holds one more (dropped as the thread exits). The last thread to exit releases what a
// zombie does not need (files, cwd, address space), hands the children to their reaper (the
// nearest child subreaper above, else init), turns the process into a zombie and notifies
// the parent — all of which happens under g_process_table_lock, which guards parent/child
// links, thread lists, pids and zombie state.
//
// exit_group marks the process exiting and queues SIGKILL for the other threads; each of them
// ends on its way back to user mode. exec does the same with exec_thread set, so that the
// others end alone and the process goes on in the exec'ing thread.
#include <arch/Arch.h>
#include <drivers/Tty.h>
#include <lib/UserCopy.h>
#include <proc/Futex.h>
#include <proc/IntervalTimers.h>
#include <proc/JobControl.h>
#include <proc/Lifecycle.h>
#include <proc/Pid.h>
#include <proc/RobustList.h>
#include <proc/Rseq.h>
#include <proc/Scheduler.h>
#include <proc/SignalDelivery.h>
#include <proc/SignalNumbers.h>
#include <proc/WaitQueue.h>

namespace sk {

static Process* s_init;
Process* init_process() { return s_init; }
void set_init_process(Process* process) { s_init = process; }

static constexpr int RLIMIT_NPROC = 6;

static Result<Thread*> create_thread(Process& process, const CloneRequest& request, u32 tid)
{
    Thread* current = scheduler::current();
    TrapFrame frame = current->trap_frame();
    frame.a(0) = 0;
    if (request.stack)
        frame.sp() = request.stack;
    if (request.flags & CloneFlag_SETTLS)
        frame.tp() = request.tls;
    Thread* thread = TRY(Thread::try_create_user(process, frame, tid));
    save_fp_state(&thread->m_fp);
    thread->signal_mask = current->signal_mask;
    thread->set_name(current->name());
    if (request.flags & CloneFlag_CHILD_CLEARTID)
        thread->clear_child_tid = request.child_tid;
    // A new process keeps the alternate stack (fork); a thread sharing the memory does not.
    if (!(request.flags & CloneFlag_VM) || (request.flags & CloneFlag_VFORK)) {
        thread->altstack_base = current->altstack_base;
        thread->altstack_size = current->altstack_size;
        thread->altstack_flags = current->altstack_flags;
    }
    rseq_inherit(*thread, *current, request.flags & CloneFlag_VM);
    return thread;
}

// RLIMIT_NPROC: tasks (threads, and zombies until reaped) of the caller's real user. Root
// (real or effective) is exempt, as with Linux's CAP_SYS_RESOURCE/CAP_SYS_ADMIN.
static bool over_process_limit_locked(Process& parent, const Credentials& credentials)
{
    if (credentials.uid == 0 || credentials.is_superuser())
        return false;
    u64 limit = parent.limit(RLIMIT_NPROC).current;
    u64 count = 0;
    for (auto& process : process_table()) {
        // A process counts until it is reaped: a zombie, or one whose last thread is on its
        // way out, as one task.
        if (process.m_credentials.uid == credentials.uid)
            count += max<size_t>(process.thread_count, 1);
    }
    return count >= limit;
}

// A fatal signal on its way to the caller: the clone must not leave a child behind it (a
// kill of the whole group would miss it).
static bool caller_dying_locked(Process& process)
{
    return process.exiting || process.pending.has(SIGKILL) || scheduler::current()->pending.has(SIGKILL);
}

static Result<int> clone_thread(Process& process, const CloneRequest& request)
{
    u64 flags = request.flags;
    int tid;
    {
        SpinlockGuard guard(g_process_table_lock);
        if (over_process_limit_locked(process, process.m_credentials))
            return Error { EAGAIN };
        tid = TRY(allocate_pid_locked());
    }
    auto created = create_thread(process, request, static_cast<u32>(tid));
    if (created.is_error()) {
        SpinlockGuard guard(g_process_table_lock);
        release_pid_locked(tid);
        return created.error();
    }
    Thread* thread = created.value();
    if (flags & CloneFlag_PARENT_SETTID)
        (void)copy_to_user(request.parent_tid, &tid, sizeof(tid));
    if (flags & CloneFlag_CHILD_SETTID)
        (void)copy_to_user(request.child_tid, &tid, sizeof(tid)); // the same address space
    {
        SpinlockGuard guard(g_process_table_lock);
        bool over_limit = over_process_limit_locked(process, process.m_credentials);
        if (over_limit || caller_dying_locked(process) || process.exec_thread) {
            unregister_thread_locked(*thread);
            release_pid_locked(tid);
            guard.unlock();
            delete thread;
            return Error { over_limit ? EAGAIN : ERESTARTNOINTR };
        }
        process.threads.append(*thread);
        ++process.thread_count;
    }
    process.ref(); // each thread keeps its process alive
    scheduler::enqueue(thread);
    return tid;
}

Result<int> clone(const CloneRequest& request)
{
    u64 flags = request.flags;
    Process& parent = Process::current();
    if ((flags & CloneFlag_THREAD) && !(flags & CloneFlag_SIGHAND))
        return Error { EINVAL };
    if ((flags & CloneFlag_SIGHAND) && !(flags & CloneFlag_VM))
        return Error { EINVAL };
    if (request.exit_signal < 0 || request.exit_signal > 64)
        return Error { EINVAL };
    if (flags & CloneFlag_THREAD)
        return clone_thread(parent, request);

    Credentials credentials = parent.credentials();
    {
        SpinlockGuard guard(g_process_table_lock);
        if (over_process_limit_locked(parent, credentials))
            return Error { EAGAIN };
    }
    auto child = TRY(Process::try_create(parent.pid()));
    child->set_credentials(credentials);
    child->set_cwd(parent.cwd());
    child->set_root(parent.root());
    child->exchange_umask(parent.umask());
    {
        SpinlockGuard guard(g_process_table_lock);
        child->set_pgid_locked(parent.pgid());
        child->set_sid_locked(parent.sid());
    }
    child->set_name(scheduler::current()->name());
    child->set_executable(parent.executable());
    if (auto line = KString::try_create(parent.command_line()); !line.is_error())
        child->set_command_line(line.release_value());
    child->argument_area = parent.argument_area;
    child->dumpable = parent.dumpable;
    child->no_new_privs = parent.no_new_privs;
    for (int i = 0; i < Process::rlimit_count; ++i)
        child->limit(i) = parent.limit(i);
    child->exit_signal = request.exit_signal;
    child->set_fd_table(flags & CloneFlag_FILES ? parent.fd_table() : TRY(parent.fds().try_clone()));
    child->set_address_space(flags & CloneFlag_VM ? parent.address_space_ref() : TRY(parent.address_space().try_clone()));
    if (flags & CloneFlag_SIGHAND) {
        child->set_signal_actions(parent.signal_actions_ref());
    } else {
        auto actions = TRY(try_make_ref<SignalActions>());
        SpinlockGuard guard(parent.signal_actions().lock);
        for (int i = 0; i < 64; ++i)
            actions->actions[i] = parent.signal_actions().actions[i];
        child->set_signal_actions(actions);
    }

    int pid = child->pid();
    Thread* thread = TRY(create_thread(*child, request, static_cast<u32>(pid)));
    if (flags & CloneFlag_PARENT_SETTID)
        (void)copy_to_user(request.parent_tid, &pid, sizeof(pid));
    {
        SpinlockGuard guard(g_process_table_lock);
        // Checked again where the child is counted: forks racing past the first check must
        // not overshoot the limit together.
        bool over_limit = over_process_limit_locked(parent, credentials);
        if (over_limit || caller_dying_locked(parent)) {
            unregister_thread_locked(*thread);
            guard.unlock();
            delete thread;
            // The child goes with its RefPtr.
            return Error { over_limit ? EAGAIN : ERESTARTNOINTR };
        }
        child->parent = (flags & CloneFlag_PARENT) && parent.parent ? parent.parent : &parent;
        child->parent->children.append(*child);
        if (request.pidfd_handle)
            request.pidfd_handle->attach_locked(*child);
        child->threads.append(*thread);
        child->thread_count = 1;
    }
    // Two references outlive this function: the child's own (dropped when it is reaped)
    // and its thread's (dropped when the thread exits).
    // (The RefPtr `child` keeps a third one until we return: a vfork child that exits and is
    // reaped at once, its parent ignoring SIGCHLD, must outlive our wait on it.)
    child->ref();
    child->ref();
    if (flags & CloneFlag_CHILD_SETTID) {
        // Written in the child's address space: done by the child itself on first return.
        thread->set_tid_on_start = request.child_tid;
    }
    scheduler::enqueue(thread);
    if (flags & CloneFlag_VFORK) {
        SpinlockGuard guard(child->lock());
        (void)child->vfork_wait.wait_until(guard, [&] { return child->vfork_done; }, {}, true);
    }
    return pid;
}

void notify_parent_locked(Process& child)
{
    Process* parent = child.parent;
    if (!parent)
        return;
    ++parent->child_generation;
    parent->child_wait.wake_all();
}

// The reaper of an orphan: the nearest ancestor of the exiting process that is a child
// subreaper and is not exiting itself, else init (Linux's find_new_reaper).
static Process* find_reaper_locked(Process& exiting)
{
    for (Process* ancestor = exiting.parent; ancestor && ancestor != s_init; ancestor = ancestor->parent) {
        if (ancestor->child_subreaper && !ancestor->exiting && !ancestor->is_zombie)
            return ancestor;
    }
    return s_init;
}

// Orphans go to their reaper. An adopted zombie is announced like a fresh exit; a child that
// asked for a parent-death signal gets it. FIXME: an adopted zombie is not released at once
// when the reaper ignores SIGCHLD; it waits to be reaped.
static void reparent_children_locked(Process& process)
{
    Process* reaper = find_reaper_locked(process);
    while (Process* child = process.children.take_first()) {
        if (!reaper || reaper == &process) {
            child->parent = nullptr;
            continue;
        }
        child->parent = reaper;
        reaper->children.append(*child);
        notify_parent_locked(*child);
        if (child->is_zombie && child->exit_signal) {
            SignalInfo info = child_signal_info(*child);
            info.signal = child->exit_signal;
            (void)send_signal_locked(*reaper, nullptr, info);
        }
        if (!child->is_zombie && child->pdeath_signal) {
            SignalInfo info;
            info.signal = child->pdeath_signal;
            info.code = SI_USER;
            info.pid = process.pid();
            info.uid = process.m_credentials.uid;
            (void)send_signal_locked(*child, nullptr, info);
        }
    }
}

// Releases what a zombie no longer needs. Runs in the exiting thread, which still uses the
// kernel half of the address space only.
static void release_process_resources(Process& process)
{
    process.fds().close_all();
    process.set_cwd(nullptr);
    process.set_root(nullptr);
    process.set_executable(nullptr);
}

// The last thread is gone: the process becomes a zombie its parent is told about. Returns
// true when nobody will reap it (the parent ignores SIGCHLD, or there is no parent).
static bool become_zombie_locked(Process& process)
{
    process.pending.discard(~0ull);
    hang_up_orphaned_groups_locked(process);
    reparent_children_locked(process);
    process.is_zombie = true;
    {
        SpinlockGuard vguard(process.lock());
        process.vfork_done = true;
    }
    process.vfork_wait.wake_all();
    if (process.handle)
        process.handle->notify_locked(); // pidfds: exited
    Process* parent = process.parent;
    if (!parent)
        return false;
    auto& action = parent->signal_actions().actions[SIGCHLD - 1];
    bool ignored = action.handler == 1;
    bool auto_reap = ignored || (action.flags & SA_NOCLDWAIT);
    if (process.exit_signal && !(ignored && process.exit_signal == SIGCHLD)) {
        SignalInfo info = child_signal_info(process);
        info.signal = process.exit_signal;
        (void)send_signal_locked(*parent, nullptr, info);
    }
    notify_parent_locked(process);
    if (auto_reap) {
        parent->children.remove(process);
        process.parent = nullptr;
    }
    if (auto_reap && process.handle)
        process.handle->notify_locked(); // pidfds: reaped
    return auto_reap;
}

[[noreturn]] static void finish_thread(Thread* thread, Process& process, int status_word)
{
    // In user context still: the robust futex list and the clear_child_tid word live in the
    // address space (Linux's mm_release).
    exit_robust_list(*thread);
    if (thread->clear_child_tid) {
        int zero = 0;
        if (!copy_to_user(thread->clear_child_tid, &zero, sizeof(zero)).is_error())
            (void)futex_wake(thread->clear_child_tid, 1, FUTEX_BITSET_MATCH_ANY, true);
    }
    bool last;
    {
        SpinlockGuard guard(g_process_table_lock);
        process.threads.remove(*thread);
        unregister_thread_locked(*thread);
        last = --process.thread_count == 0;
        process.user_ns += thread->m_cpu_ns + (arch::monotonic_ns() - thread->m_switched_in_ns);
        thread->m_cpu_ns = 0;
        thread->m_switched_in_ns = arch::monotonic_ns();
        thread->pending.discard(~0ull);
        if (static_cast<int>(thread->tid()) != process.pid())
            release_pid_locked(static_cast<int>(thread->tid()));
        if (last && !process.exiting) {
            process.exiting = true;
            process.exit_status = status_word;
        }
        process.thread_exit_wait.wake_all();
        if (!last)
            complete_stop_if_all_parked_locked(process);
    }
    if (last) {
        cancel_interval_timers(process);
        if (process.pid() == process.sid())
            tty_session_leader_exited(process.sid());
        release_process_resources(process);
        activate_address_space(nullptr);
        process.set_address_space(nullptr);
        bool unreaped;
        {
            SpinlockGuard guard(g_process_table_lock);
            unreaped = become_zombie_locked(process);
        }
        if (unreaped)
            process.unref(); // the reference the process held on itself: nobody reaps it
    }
    process.unref(); // the thread's reference
    scheduler::exit_current();
}

void exit_thread(int status_word)
{
    Thread* thread = scheduler::current();
    finish_thread(thread, *thread->process(), status_word);
}

static void kill_other_threads_locked(Process& process, Thread* except)
{
    SignalInfo kill;
    kill.signal = SIGKILL;
    kill.code = SI_KERNEL;
    for (auto& other : process.threads) {
        if (&other != except) {
            other.pending.add(kill);
            scheduler::interrupt(&other);
        }
    }
    process.stop_wait.wake_all();
}

void exit_process(int status_word)
{
    Thread* thread = scheduler::current();
    Process& process = *thread->process();
    {
        SpinlockGuard guard(g_process_table_lock);
        // A thread killed by an exec in another thread leaves alone (Linux's group_exec_task).
        if (process.exec_thread && process.exec_thread != thread) {
            guard.unlock();
            finish_thread(thread, process, status_word);
        }
        if (!process.exiting) {
            process.exiting = true;
            process.exit_status = status_word;
        }
        kill_other_threads_locked(process, thread);
    }
    finish_thread(thread, process, process.exit_status);
}

Result<void> become_only_thread()
{
    Thread* thread = scheduler::current();
    Process& process = *thread->process();
    SpinlockGuard guard(g_process_table_lock);
    if (process.exiting || process.exec_thread)
        return Error { ERESTARTNOINTR };
    if (process.thread_count > 1) {
        process.exec_thread = thread;
        kill_other_threads_locked(process, thread);
        (void)process.thread_exit_wait.wait_until(guard, [&] { return process.thread_count == 1; }, {}, true);
        process.exec_thread = nullptr;
    }
    if (static_cast<int>(thread->tid()) != process.pid()) {
        unregister_thread_locked(*thread);
        release_pid_locked(static_cast<int>(thread->tid()));
        thread->set_tid(static_cast<u32>(process.pid()));
        register_thread_locked(*thread);
    }
    return {};
}

} // namespace sk
