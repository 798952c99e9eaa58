// clone/exit/wait. The process table lock guards parent/child links, zombie state and the
// child_generation counter a waiting parent sleeps on.
#include <arch/Arch.h>
#include <drivers/Tty.h>
#include <lib/UserCopy.h>
#include <proc/Futex.h>
#include <proc/Lifecycle.h>
#include <proc/Scheduler.h>
#include <proc/SignalDelivery.h>
#include <proc/SignalNumbers.h>

namespace sk {

static Process* s_init;
Process* init_process() { return s_init; }
void set_init_process(Process* process) { s_init = process; }

// Linux clone flags
enum : u64 {
    CloneFlag_VM = 0x100, CloneFlag_FS = 0x200, CloneFlag_FILES = 0x400, CloneFlag_SIGHAND = 0x800, CloneFlag_PIDFD = 0x1000,
    CloneFlag_VFORK = 0x4000, CloneFlag_PARENT = 0x8000, CloneFlag_THREAD = 0x10000, CloneFlag_SYSVSEM = 0x40000,
    CloneFlag_SETTLS = 0x80000, CloneFlag_PARENT_SETTID = 0x100000, CloneFlag_CHILD_CLEARTID = 0x200000,
    CloneFlag_CHILD_SETTID = 0x1000000,
};

static Result<Thread*> create_thread(Process& process, const CloneRequest& request)
{
    Thread* current = scheduler::current();
    TrapFrame frame = current->trap_frame();
    frame.a(0) = 0;
    if (request.stack)
        frame.sp() = request.stack;
    if (request.flags & CloneFlag_SETTLS)
        frame.tp() = request.tls;
    Thread* thread = TRY(Thread::try_create_user(process, frame));
    save_fp_state(&thread->m_fp);
    thread->signal_mask = current->signal_mask;
    if (request.flags & CloneFlag_CHILD_CLEARTID)
        thread->clear_child_tid = request.child_tid;
    return thread;
}

Result<int> clone(const CloneRequest& request)
{
    u64 flags = request.flags;
    Process& parent = Process::current();
    if ((flags & CloneFlag_THREAD) && !(flags & CloneFlag_SIGHAND))
        return Error { EINVAL };
    if ((flags & CloneFlag_SIGHAND) && !(flags & CloneFlag_VM))
        return Error { EINVAL };

    if (flags & CloneFlag_THREAD) {
        Thread* thread = TRY(create_thread(parent, request));
        int tid = static_cast<int>(thread->tid());
        if (flags & CloneFlag_PARENT_SETTID)
            (void)copy_to_user(request.parent_tid, &tid, sizeof(tid));
        {
            SpinlockGuard guard(g_process_table_lock);
            parent.threads.append(*thread);
            ++parent.thread_count;
        }
        if (flags & CloneFlag_CHILD_SETTID)
            (void)copy_to_user(request.child_tid, &tid, sizeof(tid)); // same address space
        parent.ref(); // each thread keeps its process alive
        scheduler::enqueue(thread);
        return tid;
    }

    auto child = TRY(Process::try_create(parent.pid()));
    child->set_credentials(parent.credentials());
    child->set_cwd(parent.cwd());
    child->set_root(parent.root());
    child->exchange_umask(parent.umask());
    child->set_pgid(parent.pgid());
    child->set_sid(parent.sid());
    child->set_name(parent.name());
    child->set_executable(parent.executable());
    if (auto line = KString::try_create(parent.command_line()); !line.is_error())
        child->set_command_line(line.release_value());
    child->argument_area = parent.argument_area;
    for (int i = 0; i < Process::rlimit_count; ++i)
        child->limit(i) = parent.limit(i);
    child->exit_signal = static_cast<int>(flags & 0xff);
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

    Thread* thread = TRY(create_thread(*child, request));
    int pid = child->pid();
    if (flags & CloneFlag_PARENT_SETTID)
        (void)copy_to_user(request.parent_tid, &pid, sizeof(pid));
    {
        SpinlockGuard guard(g_process_table_lock);
        child->parent = (flags & CloneFlag_PARENT) && parent.parent ? parent.parent : &parent;
        child->parent->children.append(*child);
        child->threads.append(*thread);
        child->thread_count = 1;
    }
    // Two references outlive this function: the child's own (dropped when it is reaped)
    // and its thread's (dropped when the thread exits).
    child->ref();
    Process* raw = child.leak();
    if (flags & CloneFlag_CHILD_SETTID) {
        // Written in the child's address space: done by the child itself on first return.
        thread->set_tid_on_start = request.child_tid;
    }
    scheduler::enqueue(thread);
    if (flags & CloneFlag_VFORK) {
        SpinlockGuard guard(raw->lock());
        (void)raw->vfork_wait.wait_until(guard, [&] { return raw->vfork_done; }, {}, true);
    }
    return pid;
}

static void notify_parent(Process& child)
{
    // Called with the table lock held.
    Process* parent = child.parent;
    if (!parent)
        return;
    ++parent->child_generation;
    parent->child_wait.wake_all();
}

static void reparent_children(Process& process)
{
    // Called with the table lock held.
    while (Process* child = process.children.take_first()) {
        child->parent = s_init;
        if (s_init && s_init != &process) {
            s_init->children.append(*child);
            ++s_init->child_generation;
            s_init->child_wait.wake_all();
        } else {
            child->parent = nullptr;
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

[[noreturn]] static void finish_thread(Thread* thread, Process& process, int status_word)
{
    bool last;
    {
        SpinlockGuard guard(g_process_table_lock);
        process.threads.remove(*thread);
        last = --process.thread_count == 0;
        if (last && !process.is_zombie)
            process.exit_status = status_word;
    }
    if (thread->clear_child_tid) {
        int zero = 0;
        if (!copy_to_user(thread->clear_child_tid, &zero, sizeof(zero)).is_error())
            futex_wake(thread->clear_child_tid, 1);
    }
    if (last) {
        scheduler::cancel_timer(process.real_timer);
        if (process.pid() == process.sid())
            tty_session_leader_exited(process.sid());
        release_process_resources(process);
        activate_address_space(nullptr);
        process.set_address_space(nullptr);
        bool auto_reap = false;
        {
            SpinlockGuard guard(g_process_table_lock);
            process.is_zombie = true;
            reparent_children(process);
            Process* parent = process.parent;
            if (parent) {
                auto& action = parent->signal_actions().actions[SIGCHLD - 1];
                auto_reap = action.handler == 1 || (action.flags & 2 /* SA_NOCLDWAIT */);
                if (auto_reap) {
                    parent->children.remove(process);
                    process.parent = nullptr;
                }
                notify_parent_locked(process);
            }
            {
                SpinlockGuard vguard(process.lock());
                process.vfork_done = true;
            }
            process.vfork_wait.wake_all();
        }
        if (process.parent && process.exit_signal)
            send_signal(*process.parent, process.exit_signal, child_signal_info(process));
        if (auto_reap)
            process.unref(); // the reference the child held on itself
    }
    process.unref(); // the thread's reference
    scheduler::exit_current();
}

void notify_parent_locked(Process& child) { notify_parent(child); }

void exit_thread(int status_word)
{
    Thread* thread = scheduler::current();
    finish_thread(thread, *thread->process(), status_word);
}

void exit_process(int status_word)
{
    Thread* thread = scheduler::current();
    Process& process = *thread->process();
    {
        SpinlockGuard guard(g_process_table_lock);
        if (!process.exiting) {
            process.exiting = true;
            process.exit_status = status_word;
        }
        for (auto& other : process.threads) {
            if (&other != thread) {
                other.pending_signals |= signal_bit(SIGKILL);
                scheduler::interrupt(&other);
            }
        }
    }
    finish_thread(thread, process, process.exit_status);
}

static bool matches(Process& child, Process& parent, int id)
{
    if (id > 0)
        return child.pid() == id;
    if (id == -1)
        return true;
    if (id == 0)
        return child.pgid() == parent.pgid();
    return child.pgid() == -id;
}

Result<int> wait_for_child(int id, int options, int* status, u64* child_ns)
{
    constexpr int wait_no_hang = 1, wait_untraced = 2, wait_continued = 8;
    Process& parent = Process::current();
    SpinlockGuard guard(g_process_table_lock);
    for (;;) {
        bool any = false;
        for (auto& child : parent.children) {
            if (!matches(child, parent, id))
                continue;
            any = true;
            if (child.is_zombie) {
                int pid = child.pid();
                *status = child.exit_status;
                if (child_ns)
                    *child_ns = child.user_ns;
                parent.children.remove(child);
                child.parent = nullptr;
                guard.unlock();
                child.unref(); // the child's self reference: frees it
                guard.relock();
                return pid;
            }
            if (child.stop_report && (((options & wait_untraced) && (child.stop_report & 0xff) == 0x7f)
                    || ((options & wait_continued) && child.stop_report == 0xffff))) {
                *status = child.stop_report;
                child.stop_report = 0;
                return child.pid();
            }
        }
        if (!any)
            return Error { ECHILD };
        if (options & wait_no_hang)
            return 0;
        u64 generation = parent.child_generation;
        TRY(parent.child_wait.wait_until(guard, [&] { return parent.child_generation != generation; }));
    }
}

} // namespace sk
