// WaitArguments: timeouts and temporary signal masks of the waiting syscalls (see the header).
#include <arch/Arch.h>
#include <lib/UserCopy.h>
#include <proc/Scheduler.h>
#include <proc/SignalNumbers.h>
#include <syscalls/WaitArguments.h>

namespace sk {

namespace {

struct KernelTimespec {
    i64 seconds;
    i64 nanoseconds;
};

// now + span, or infinite when that lies beyond any uptime.
Timeout timeout_after(u64 span_ns)
{
    Timeout timeout;
    timeout.infinite = __builtin_add_overflow(arch::monotonic_ns(), span_ns, &timeout.deadline_ns);
    return timeout;
}

} // namespace

Result<Timeout> read_timeout(uptr user)
{
    if (!user)
        return Timeout {};
    KernelTimespec value;
    TRY(copy_from_user(&value, user, sizeof value));
    if (value.seconds < 0 || value.nanoseconds < 0 || value.nanoseconds >= 1000000000)
        return Error { EINVAL };
    if (value.seconds == 0 && value.nanoseconds == 0)
        return Timeout { false, 0, true };
    u64 span;
    if (__builtin_mul_overflow(static_cast<u64>(value.seconds), 1000000000ull, &span)
        || __builtin_add_overflow(span, static_cast<u64>(value.nanoseconds), &span))
        return Timeout {};
    return timeout_after(span);
}

Timeout timeout_from_milliseconds(int milliseconds)
{
    if (milliseconds < 0)
        return Timeout {};
    if (milliseconds == 0)
        return Timeout { false, 0, true };
    return timeout_after(static_cast<u64>(milliseconds) * 1000000ull);
}

void write_remaining(uptr user, const Timeout& timeout)
{
    if (!user || timeout.infinite)
        return;
    u64 now = arch::monotonic_ns();
    u64 left = timeout.zero || now >= timeout.deadline_ns ? 0 : timeout.deadline_ns - now;
    KernelTimespec value { static_cast<i64>(left / 1000000000ull), static_cast<i64>(left % 1000000000ull) };
    (void)copy_to_user(user, &value, sizeof value);
}

Result<void> TemporarySignalMask::install(uptr user_mask, size_t size)
{
    if (!user_mask)
        return {};
    if (size != sizeof(u64))
        return Error { EINVAL };
    u64 mask;
    TRY(copy_from_user(&mask, user_mask, sizeof mask));
    Thread& thread = *scheduler::current();
    thread.saved_signal_mask = thread.signal_mask;
    thread.has_saved_signal_mask = true;
    thread.signal_mask = mask & ~(signal_bit(SIGKILL) | signal_bit(SIGSTOP));
    m_installed = true;
    return {};
}

void TemporarySignalMask::finish(bool interrupted)
{
    if (!m_installed || interrupted)
        return;
    Thread& thread = *scheduler::current();
    if (thread.has_saved_signal_mask) {
        thread.signal_mask = thread.saved_signal_mask;
        thread.has_saved_signal_mask = false;
    }
}

} // namespace sk
