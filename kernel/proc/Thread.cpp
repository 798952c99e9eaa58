// Thread creation and the first steps of a new thread.
#include <arch/Arch.h>
#include <lib/UserCopy.h>
#include <lib/Verify.h>
#include <mm/FrameAllocator.h>
#include <proc/Scheduler.h>
#include <proc/Pid.h>
#include <proc/Process.h>
#include <proc/Thread.h>
#include <string.h>
#include <atomic>

extern "C" void thread_trampoline();

namespace sk {

void scheduler_finish_switch_for_new_thread();

// Kernel threads' ids: above pid_max, out of the way of the user pid pool (Pid.h).
u32 allocate_tid()
{
    static std::atomic<u32> s_next { pid_max + 1 };
    return s_next.fetch_add(1, std::memory_order_relaxed);
}

void Thread::set_name(const char* name)
{
    size_t n = min(strlen(name), sizeof(m_name) - 1);
    memcpy(m_name, name, n);
    m_name[n] = '\0';
}

Result<void> Thread::allocate_stack()
{
    uptr physical = TRY(frames::allocate_contiguous(kernel_stack_size / arch::page_size));
    m_kernel_stack = reinterpret_cast<uptr>(arch::phys_to_virt(physical));
    return {};
}

Thread::~Thread()
{
    // A user thread leaves the tid index when it leaves its process (or, never having joined
    // one, before it is deleted): the index must not dangle.
    VERIFY(!is_user() || !thread_registered(*this));
    if (m_kernel_stack)
        frames::free_contiguous(arch::virt_to_phys(reinterpret_cast<void*>(m_kernel_stack)), kernel_stack_size / arch::page_size);
}

// A thread with its kernel stack and tid; its first switch enters thread_trampoline.
Result<Thread*> Thread::try_allocate()
{
    auto* thread = new (std::nothrow) Thread;
    if (!thread)
        return Error { ENOMEM };
    if (auto result = thread->allocate_stack(); result.is_error()) {
        delete thread;
        return result.error();
    }
    thread->m_tid = allocate_tid();
    thread->m_context.ra = reinterpret_cast<u64>(thread_trampoline);
    thread->m_context.sp = thread->kernel_stack_top();
    thread->m_context.s[0] = reinterpret_cast<u64>(thread);
    return thread;
}

Result<Thread*> Thread::try_create_kernel(const char* name, Entry entry, void* argument)
{
    Thread* thread = TRY(try_allocate());
    thread->set_name(name);
    thread->m_entry = entry;
    thread->m_argument = argument;
    return thread;
}

Result<Thread*> Thread::try_create_user(Process& process, const TrapFrame& initial, u32 tid)
{
    Thread* thread = TRY(try_allocate());
    thread->m_tid = tid;
    thread->m_process = &process;
    thread->m_trap_frame = reinterpret_cast<TrapFrame*>(thread->kernel_stack_top() - sizeof(TrapFrame));
    *thread->m_trap_frame = initial;
    thread->m_context.sp = reinterpret_cast<u64>(thread->m_trap_frame);
    SpinlockGuard guard(g_process_table_lock);
    register_thread_locked(*thread);
    return thread;
}

Thread* Thread::create_boot_thread()
{
    static Thread s_boot;
    s_boot.m_tid = 0;
    s_boot.set_name("kmain");
    s_boot.m_state = State::Running;
    return &s_boot;
}

void thread_start(Thread* thread)
{
    scheduler_finish_switch_for_new_thread();
    if (thread->m_entry) {
        thread->m_entry(thread->m_argument); // a kernel thread's body, or a user thread's prelude
        if (!thread->m_trap_frame)
            scheduler::exit_current();
    }
    if (thread->m_trap_frame) {
        if (thread->set_tid_on_start) {
            u32 tid = thread->tid();
            (void)copy_to_user(thread->set_tid_on_start, &tid, sizeof(tid));
        }
        arch::disable_interrupts();
        return_from_trap(thread->m_trap_frame);
    }
    VERIFY_NOT_REACHED();
}

} // namespace sk

extern "C" void thread_entry_point(sk::Thread* thread) { sk::thread_start(thread); }
