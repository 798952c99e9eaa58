// Scheduler: preemptive round robin over one run queue, with a timer list for sleepers that
// have deadlines. One hart runs now; the state is behind one spinlock so the design extends
// to SMP (FIXME: per-hart current thread and run queues).
//
// Sleeping protocol (see WaitQueue): a thread registers itself on a wait queue, releases its
// lock and calls block_current(); a wake() that arrives in between sets m_wake_pending, so
// block_current() returns at once instead of missing it.
#pragma once

#include <lib/Types.h>
#include <proc/Thread.h>

namespace sk::scheduler {

// The boot context becomes the first thread; the idle thread needs the heap.
void initialize();
void start_idle_thread();
Thread* current();
void enqueue(Thread* thread);
void yield();
// Sleeps until woken or deadline_ns (0 = none) passes. Returns false on timeout.
bool block_current(u64 deadline_ns);
void wake(Thread* thread);
// Wakes a blocked thread for a signal (its wait returns ERESTARTSYS).
void interrupt(Thread* thread);
[[noreturn]] void exit_current();

// From the timer interrupt.
void timer_tick(u64 now_ns);
// At trap exit: switch if the time slice ran out.
void preempt_if_needed();
u64 next_deadline_ns();

// One-shot kernel timers (setitimer, ...). The callback runs from the timer interrupt with
// no scheduler lock held; it must not sleep. A timer must be cancelled before its storage dies.
struct KernelTimer {
    u64 deadline_ns { 0 };
    void (*callback)(KernelTimer&) { nullptr };
    void* context { nullptr };
    IntrusiveListNode node;
};
void arm_timer(KernelTimer& timer, u64 deadline_ns);
void cancel_timer(KernelTimer& timer);
u32 runnable_count();
// Whether the idle thread is the one running (from an interrupt: whether it interrupted it).
bool idle_running();
// Time the hart spent in the idle thread (for /proc/uptime and /proc/stat).
u64 idle_ns();

} // namespace sk::scheduler
