// Round-robin scheduler. s_lock guards the run queue, the timer list, every thread's
// scheduler-owned fields and s_current. A switch happens with s_lock held; the thread that
// resumes releases it (its own SpinlockGuard, or thread_start for a new thread).
#include <arch/Arch.h>
#include <lib/Spinlock.h>
#include <lib/Verify.h>
#include <proc/Scheduler.h>

namespace sk {

// Implemented by the process layer: the address space and FP state of user threads.
__attribute__((weak)) void switch_user_context(Thread*, Thread*) { }
// Implemented by the process layer: the CPU-time interval timers of the running thread's
// process (IntervalTimers.h), from every tick.
__attribute__((weak)) void account_cpu_timers(Thread&) { }

namespace scheduler {

static Spinlock s_lock;
static Thread* s_current;
static Thread* s_idle;
static Thread* s_dead; // freed after the switch away from it
static IntrusiveList<Thread, &Thread::m_run_node> s_run_queue;
static IntrusiveList<Thread, &Thread::m_timer_node> s_timers; // sorted by deadline
static IntrusiveList<KernelTimer, &KernelTimer::node> s_kernel_timers; // sorted by deadline
static u32 s_runnable;
static bool s_need_resched;

void initialize()
{
    s_current = Thread::create_boot_thread();
}

static void idle_loop(void*)
{
    for (;;) {
        yield();
        arch::wait_for_interrupt();
    }
}

void start_idle_thread()
{
    auto idle = Thread::try_create_kernel("idle", idle_loop, nullptr);
    VERIFY(!idle.is_error());
    s_idle = idle.value();
}

Thread* current() { return s_current; }

static void finish_switch()
{
    if (Thread* dead = s_dead) {
        s_dead = nullptr;
        delete dead;
    }
}

// Called with s_lock held and the current thread's state already set.
static void switch_to_next()
{
    Thread* previous = s_current;
    Thread* next = s_run_queue.take_first();
    if (next)
        --s_runnable;
    else if (previous->m_state == Thread::State::Running || previous->m_state == Thread::State::Runnable)
        next = previous;
    else
        next = s_idle;
    if (next == previous) {
        previous->m_state = Thread::State::Running;
        return;
    }
    next->m_state = Thread::State::Running;
    u64 now = arch::monotonic_ns();
    previous->m_cpu_ns += now - previous->m_switched_in_ns;
    next->m_switched_in_ns = now;
    s_current = next;
    switch_user_context(previous, next);
    switch_context(&previous->m_context, &next->m_context);
    finish_switch();
}

void enqueue(Thread* thread)
{
    SpinlockGuard guard(s_lock);
    thread->m_state = Thread::State::Runnable;
    s_run_queue.append(*thread);
    ++s_runnable;
}

void yield()
{
    SpinlockGuard guard(s_lock);
    Thread* thread = s_current;
    if (thread != s_idle && thread->m_state == Thread::State::Running) {
        thread->m_state = Thread::State::Runnable;
        s_run_queue.append(*thread);
        ++s_runnable;
    }
    switch_to_next();
}

static void insert_timer(Thread* thread)
{
    for (auto& other : s_timers) {
        if (other.m_deadline_ns > thread->m_deadline_ns) {
            // insert before `other`
            auto& node = thread->m_timer_node;
            auto& at = other.m_timer_node;
            node.next = &at;
            node.prev = at.prev;
            at.prev->next = &node;
            at.prev = &node;
            return;
        }
    }
    s_timers.append(*thread);
}

bool block_current(u64 deadline_ns)
{
    SpinlockGuard guard(s_lock);
    Thread* thread = s_current;
    VERIFY(thread != s_idle);
    if (thread->m_wake_pending) {
        thread->m_wake_pending = false;
        return true;
    }
    thread->m_state = Thread::State::Blocked;
    thread->m_deadline_ns = deadline_ns;
    if (deadline_ns)
        insert_timer(thread);
    switch_to_next();
    bool timed_out = deadline_ns && thread->m_deadline_ns == 0 && !thread->m_wake_pending;
    thread->m_wake_pending = false;
    thread->m_deadline_ns = 0;
    return !timed_out;
}

void prepare_to_block()
{
    SpinlockGuard guard(s_lock);
    s_current->m_wake_pending = false;
}

static void make_runnable_locked(Thread* thread, bool by_timer)
{
    if (thread->m_state == Thread::State::Blocked) {
        if (thread->m_timer_node.is_linked())
            thread->m_timer_node.unlink();
        if (by_timer)
            thread->m_deadline_ns = 0; // marks a timeout
        else
            thread->m_wake_pending = true;
        // A thread that slept goes to the front: it usually has little to do (a reply to
        // read, a lock to take) and the waker often blocks next. The tick still sends the
        // running thread to the back, so nothing starves.
        thread->m_state = Thread::State::Runnable;
        s_run_queue.prepend(*thread);
        ++s_runnable;
    } else if (thread->m_state != Thread::State::Dead && !by_timer) {
        thread->m_wake_pending = true;
    }
}

void wake(Thread* thread)
{
    SpinlockGuard guard(s_lock);
    make_runnable_locked(thread, false);
}

void interrupt(Thread* thread)
{
    SpinlockGuard guard(s_lock);
    thread->m_interrupted = true;
    make_runnable_locked(thread, false);
}

void exit_current()
{
    SpinlockGuard guard(s_lock);
    Thread* thread = s_current;
    VERIFY(thread != s_idle);
    thread->m_state = Thread::State::Dead;
    if (thread->m_timer_node.is_linked())
        thread->m_timer_node.unlink();
    VERIFY(!s_dead);
    s_dead = thread;
    switch_to_next();
    VERIFY_NOT_REACHED();
}

void arm_timer(KernelTimer& timer, u64 deadline_ns)
{
    SpinlockGuard guard(s_lock);
    if (timer.node.is_linked())
        timer.node.unlink();
    timer.deadline_ns = deadline_ns;
    for (auto& other : s_kernel_timers) {
        if (other.deadline_ns > deadline_ns) {
            auto& at = other.node;
            timer.node.next = &at;
            timer.node.prev = at.prev;
            at.prev->next = &timer.node;
            at.prev = &timer.node;
            return;
        }
    }
    s_kernel_timers.append(timer);
}

void cancel_timer(KernelTimer& timer)
{
    SpinlockGuard guard(s_lock);
    if (timer.node.is_linked())
        timer.node.unlink();
}

void timer_tick(u64 now_ns)
{
    IntrusiveList<KernelTimer, &KernelTimer::node> expired;
    {
        SpinlockGuard guard(s_lock);
        while (Thread* first = s_timers.first()) {
            if (first->m_deadline_ns > now_ns)
                break;
            make_runnable_locked(first, true);
        }
        while (KernelTimer* timer = s_kernel_timers.first()) {
            if (timer->deadline_ns > now_ns)
                break;
            s_kernel_timers.remove(*timer);
            expired.append(*timer);
        }
        if (s_runnable > 0 || s_current == s_idle)
            s_need_resched = true;
    }
    while (KernelTimer* timer = expired.take_first())
        timer->callback(*timer);
    if (Thread* running = s_current; running->is_user())
        account_cpu_timers(*running);
}

void preempt_if_needed()
{
    if (!s_need_resched)
        return;
    s_need_resched = false;
    yield();
}

u64 next_deadline_ns()
{
    SpinlockGuard guard(s_lock);
    Thread* first = s_timers.first();
    KernelTimer* timer = s_kernel_timers.first();
    u64 deadline = first ? first->m_deadline_ns : 0;
    if (timer && (!deadline || timer->deadline_ns < deadline))
        deadline = timer->deadline_ns;
    return deadline;
}

u32 runnable_count() { return s_runnable; }
bool idle_running() { return s_current == s_idle; }

u64 idle_ns()
{
    SpinlockGuard guard(s_lock);
    if (!s_idle)
        return 0;
    u64 ns = s_idle->m_cpu_ns;
    if (s_current == s_idle)
        ns += arch::monotonic_ns() - s_idle->m_switched_in_ns;
    return ns;
}

} // namespace scheduler

void scheduler_finish_switch_for_new_thread()
{
    scheduler::finish_switch();
    // The switch happened under s_lock, taken by the thread we switched away from.
    scheduler::s_lock.unlock(1);
}

} // namespace sk
