// What the architecture and scheduler provide in the kernel, for the single-threaded host
// test process: interrupts do not exist, there is no user memory (EFAULT), a panic aborts
// the test, and nothing may actually sleep (a wait that would block is a test bug).
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <lib/Spinlock.h>
#include <lib/UserCopy.h>
#include <lib/Verify.h>
#include <proc/WaitQueue.h>

namespace sk {

uptr interrupts_save_disable() { return 0; }
void interrupts_restore(uptr) { }

Result<void> copy_from_user(void*, uptr, size_t) { return Error { EFAULT }; }
Result<void> copy_to_user(uptr, const void*, size_t) { return Error { EFAULT }; }
Result<void> clear_user(uptr, size_t) { return Error { EFAULT }; }
Result<size_t> copy_string_from_user(char*, uptr, size_t) { return Error { EFAULT }; }

void verify_failed(const char* expr, const char* file, int line)
{
    fprintf(stderr, "VERIFY(%s) failed at %s:%d\n", expr, file, line);
    abort();
}

void panic(const char* fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "panic: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    abort();
}

// A signal the kernel would raise in the caller (SIGPIPE from a pipe): counted, so a host
// test can assert it was raised.
int g_host_signals_raised;
void send_signal_to_current_thread(int) { ++g_host_signals_raised; }

// No thread ever sleeps here, so a wake-up only has callbacks (epoll's registrations) to run.
void WaitQueue::wake_all(u32 events)
{
    for (auto& entry : m_entries) {
        if (entry.callback)
            entry.callback(entry, events);
    }
}
void WaitQueue::wake_one() { wake_all(); }
void WaitQueue::repost_wakeup() { }
bool WaitQueue::has_waiters() { return !m_entries.is_empty(); }
void WaitQueue::add(WaitEntry& entry) { link_locked(entry); }
void WaitQueue::remove(WaitEntry& entry) { unlink_locked(entry); }
Result<void> WaitQueue::wait_once(SpinlockGuard&, Deadline, bool)
{
    panic("host tests are single-threaded: a wait here would block forever");
}

} // namespace sk
