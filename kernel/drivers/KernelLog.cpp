// KernelLog: the static ring kprintf fills, the line being assembled, and syslog(2)'s read
// positions. See KernelLog.h for the rules and the locking.
#include <arch/Arch.h>
#include <drivers/KernelLog.h>
#include <lib/LogRing.h>
#include <lib/Spinlock.h>
#include <new>
#include <proc/WaitQueue.h>

namespace sk::kernel_log {

// Linux's log_buf_len on Debian (CONFIG_LOG_BUF_SHIFT=17), and a descriptor for every 32
// bytes of it, as Linux sizes its record table.
static constexpr size_t text_capacity = 128 * 1024;
static constexpr size_t descriptor_count = text_capacity / 32;

static char s_text[text_capacity];
static LogRing::Descriptor s_descriptors[descriptor_count];
constinit static LogRing s_ring(s_text, text_capacity, s_descriptors, descriptor_count);
static Spinlock s_lock;
static WaitQueue s_readers;

// The line kprintf is writing (not a record until its newline).
static char s_line[LogRing::max_text_length];
static size_t s_line_length;
static u8 s_line_level;
static u64 s_line_timestamp_ns;
static bool s_line_open;

// syslog(2)'s positions: READ's next record and how much of it was already read; where
// READ_ALL starts.
static u64 s_read_sequence;
static size_t s_read_partial;
static u64 s_clear_sequence;

// Console log levels (Linux's console_loglevel, minimum_console_loglevel and the level
// CONSOLE_OFF saved; -1: none saved). Debian's CONFIG_CONSOLE_LOGLEVEL_DEFAULT is 7.
static constexpr int minimum_console_level = 1;
static int s_console_level = 7;
static int s_saved_console_level = -1;

// How long a blocked reader sleeps before it looks at the ring again by itself.
static constexpr u64 reader_recheck_ns = 250'000'000;

static u64 timestamp_ns()
{
    // Before the device tree is read there is no timebase: those messages are at time 0.
    return arch::timebase_hz() ? arch::monotonic_ns() : 0;
}

static void commit_line_locked()
{
    s_ring.append(s_line_level, s_line_timestamp_ns, s_line, s_line_length);
    s_line_length = 0;
    s_line_open = false;
}

void write(u8 level, const char* chars, size_t length)
{
    SpinlockGuard guard(s_lock);
    for (size_t i = 0; i < length; ++i) {
        if (!s_line_open) {
            s_line_open = true;
            s_line_level = level;
            s_line_timestamp_ns = timestamp_ns();
        }
        if (chars[i] == '\n') {
            commit_line_locked();
            continue;
        }
        if (s_line_length == sizeof(s_line)) {
            commit_line_locked();
            s_line_open = true;
            s_line_level = level;
            s_line_timestamp_ns = timestamp_ns();
        }
        s_line[s_line_length++] = chars[i];
    }
}

bool shows_on_console(u8 level) { return level < __atomic_load_n(&s_console_level, __ATOMIC_RELAXED); }

void wake_readers() { s_readers.wake_all(); }

size_t buffer_size() { return text_capacity; }

// READ's position, moved past records the ring has dropped.
static void catch_up_locked()
{
    if (s_read_sequence < s_ring.first_sequence()) {
        s_read_sequence = s_ring.first_sequence();
        s_read_partial = 0;
    }
}

// A buffer for one formatted record (Linux allocates one per call too).
struct RecordBuffer {
    char* chars { new (std::nothrow) char[LogRing::max_formatted_length] };
    ~RecordBuffer() { delete[] chars; }
};

Result<size_t> read_all(const IoBuffer& buffer, bool clear)
{
    RecordBuffer record;
    if (!record.chars)
        return Error { ENOMEM };
    size_t size = buffer.size();
    u64 sequence, end;
    {
        // The first record from which everything up to the newest fits.
        SpinlockGuard guard(s_lock);
        end = s_ring.next_sequence();
        sequence = s_clear_sequence > s_ring.first_sequence() ? s_clear_sequence : s_ring.first_sequence();
        size_t total = 0;
        for (u64 s = sequence; s < end; ++s)
            total += s_ring.formatted_length(s);
        while (total > size && sequence < end)
            total -= s_ring.formatted_length(sequence++);
    }
    size_t copied = 0;
    Result<void> copy_result;
    for (; sequence < end; ++sequence) {
        size_t length;
        {
            SpinlockGuard guard(s_lock);
            if (sequence < s_ring.first_sequence())
                sequence = s_ring.first_sequence(); // dropped meanwhile: go on with what is left
            if (sequence >= end)
                break;
            length = s_ring.format(sequence, record.chars, LogRing::max_formatted_length);
        }
        if (copied + length > size)
            break;
        copy_result = buffer.write(copied, record.chars, length);
        if (copy_result.is_error())
            break;
        copied += length;
    }
    if (clear) {
        SpinlockGuard guard(s_lock);
        s_clear_sequence = sequence;
    }
    if (copy_result.is_error())
        return copy_result.error(); // Linux: EFAULT even after some records were copied
    return copied;
}

Result<size_t> read(const IoBuffer& buffer)
{
    RecordBuffer record;
    if (!record.chars)
        return Error { ENOMEM };
    size_t size = buffer.size();
    size_t copied = 0;
    SpinlockGuard guard(s_lock);
    for (;;) {
        catch_up_locked();
        auto waited = s_readers.wait_until(
            guard, [] { return s_read_sequence < s_ring.next_sequence(); },
            Deadline { arch::monotonic_ns() + reader_recheck_ns });
        if (!waited.is_error())
            break;
        if (waited.error().code != ETIMEDOUT)
            return waited.error();
    }
    while (copied < size) {
        catch_up_locked();
        if (s_read_sequence >= s_ring.next_sequence())
            break;
        size_t length = s_ring.format(s_read_sequence, record.chars, LogRing::max_formatted_length);
        if (length <= s_read_partial) {
            ++s_read_sequence; // unformattable: skip it rather than hand out a torn record
            s_read_partial = 0;
            continue;
        }
        size_t skip = s_read_partial;
        size_t piece;
        if (length - skip <= size - copied) {
            // The rest of the record fits: move on to the next.
            piece = length - skip;
            ++s_read_sequence;
            s_read_partial = 0;
        } else if (copied == 0) {
            // Not even one record fits: hand out what does and remember where it stopped.
            piece = size;
            s_read_partial += piece;
        } else {
            break;
        }
        guard.unlock();
        auto result = buffer.write(copied, record.chars + skip, piece);
        guard.relock();
        if (result.is_error()) {
            if (copied == 0)
                return result.error();
            break;
        }
        copied += piece;
    }
    return copied;
}

size_t unread_size()
{
    SpinlockGuard guard(s_lock);
    catch_up_locked();
    size_t total = 0;
    for (u64 s = s_read_sequence; s < s_ring.next_sequence(); ++s)
        total += s_ring.formatted_length(s);
    return total - (total ? s_read_partial : 0);
}

void clear()
{
    SpinlockGuard guard(s_lock);
    s_clear_sequence = s_ring.next_sequence();
}

void console_verbose() { __atomic_store_n(&s_console_level, 15, __ATOMIC_RELAXED); }

void console_off()
{
    SpinlockGuard guard(s_lock);
    if (s_saved_console_level == -1)
        s_saved_console_level = s_console_level;
    __atomic_store_n(&s_console_level, minimum_console_level, __ATOMIC_RELAXED);
}

void console_on()
{
    SpinlockGuard guard(s_lock);
    if (s_saved_console_level != -1) {
        __atomic_store_n(&s_console_level, s_saved_console_level, __ATOMIC_RELAXED);
        s_saved_console_level = -1;
    }
}

Result<void> set_console_level(int level)
{
    if (level < 1 || level > 8)
        return Error { EINVAL };
    if (level < minimum_console_level)
        level = minimum_console_level;
    SpinlockGuard guard(s_lock);
    __atomic_store_n(&s_console_level, level, __ATOMIC_RELAXED);
    s_saved_console_level = -1; // implicitly back on
    return {};
}

} // namespace sk::kernel_log
