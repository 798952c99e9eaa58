// The console tty: reading, writing, polling and the terminal ioctls. See Tty.h.
#include <arch/Arch.h>
#include <asm-generic/fcntl.h>
#include <asm-generic/ioctls.h>
#include <asm-generic/poll.h>
#include <drivers/Console.h>
#include <drivers/Tty.h>
#include <drivers/Uart16550.h>
#include <lib/IoBuffer.h>
#include <new>
#include <proc/Process.h>
#include <proc/Scheduler.h>
#include <proc/SignalDelivery.h>
#include <proc/SignalNumbers.h>
#include <string.h>
#include <vfs/CharacterDevices.h>
#include <vfs/OpenFile.h>
#include <vfs/PollTable.h>
#include <vfs/VirtualFileSystem.h>

namespace sk {

namespace {

constexpr u32 tty_major = 5, console_minor = 1, tty_minor = 0;
constexpr u32 serial_major = 4, serial_minor = 64;
constexpr size_t chunk = 256; // bytes moved per lock hold / user copy

// The FileOperations of the opens of the terminal: one instance for /dev/console and one for
// /dev/tty and /dev/ttyS0. Linux never stops a reader or (TOSTOP) writer for job control when
// it goes through /dev/console (job_control(): "don't stop on /dev/console"), so the two
// differ in that only.
class TtyFile final : public FileOperations {
public:
    explicit TtyFile(bool through_console)
        : m_job_control(!through_console)
    {
    }
    Result<size_t> read(OpenFile& file, const IoBuffer& buffer, size_t length) override
    {
        return Tty::console().read(file, buffer, length, m_job_control);
    }
    Result<size_t> write(OpenFile& file, const IoBuffer& buffer, size_t length) override
    {
        return Tty::console().write(file, buffer, length, m_job_control);
    }
    Result<size_t> read_at(OpenFile&, u64, const IoBuffer&, size_t) override { return Error { ESPIPE }; }
    Result<size_t> write_at(OpenFile&, u64, const IoBuffer&, size_t) override { return Error { ESPIPE }; }
    Result<i64> seek(OpenFile&, i64, int) override { return Error { ESPIPE }; }
    u32 poll(OpenFile& file, PollTable* table) override { return Tty::console().poll(file, table); }
    bool can_poll() const override { return true; }
    Result<long> ioctl(OpenFile& file, unsigned long request, uptr argument) override
    {
        return Tty::console().ioctl(file, request, argument);
    }

private:
    bool m_job_control;
};

RefPtr<FileOperations> s_file; // /dev/tty, /dev/ttyS0
RefPtr<FileOperations> s_console_file; // /dev/console

Result<RefPtr<FileOperations>> open_tty(u32 major, u32 minor, u32 flags)
{
    if (!s_file)
        return Error { ENXIO };
    Tty& tty = Tty::console();
    if (major == tty_major && minor == tty_minor) {
        // /dev/tty: the caller's controlling terminal.
        Process* process = Process::current_or_null();
        if (!process || tty.session() == 0 || process->sid() != tty.session())
            return Error { ENXIO };
        return s_file;
    }
    tty.opened(flags, major == serial_major);
    return major == tty_major ? s_console_file : s_file;
}

void uart_receiver(u8 byte) { Tty::console().receive(byte); }
bool uart_has_room() { return Tty::console().has_room(); }

} // namespace

Tty& Tty::console()
{
    static Tty* s_console = new Tty;
    return *s_console;
}

void Tty::initialize()
{
    s_file = RefPtr<FileOperations>(new (std::nothrow) TtyFile(false));
    s_console_file = RefPtr<FileOperations>(new (std::nothrow) TtyFile(true));
    VERIFY(s_file && s_console_file);
    (void)register_character_device(tty_major, console_minor, open_tty);
    (void)register_character_device(tty_major, tty_minor, open_tty);
    (void)register_character_device(serial_major, serial_minor, open_tty);
    uart::set_receiver(uart_receiver, uart_has_room);
    // devfs has console and tty; ttyS0 is added here, where its driver is.
    auto& vfs = VirtualFileSystem::the();
    auto node = vfs.mknod(*vfs.root_custody(), StringView("/dev/ttyS0"), 0020000 | 0660,
        encode_device(serial_major, serial_minor), Credentials::root(), 0);
    if (node.is_error() && node.error().code != EEXIST)
        kprintf("tty: cannot create /dev/ttyS0 (errno %d)\n", node.error().code);
}

static void uart_sink(void*, const char* chars, size_t length) { uart::write_raw(chars, length); }

// One chunk of write() after output processing (ONLCR at most doubles it).
struct ProcessedOutput {
    char bytes[2 * chunk];
    size_t length { 0 };
    static void append(void* context, const char* chars, size_t count)
    {
        auto& out = *static_cast<ProcessedOutput*>(context);
        memcpy(out.bytes + out.length, chars, count);
        out.length += count;
    }
};

// The line discipline's echo, with m_lock held (receive()).
void Tty::echo(void* context, const char* chars, size_t length)
{
    static_cast<Tty*>(context)->m_discipline.process_output(chars, length, uart_sink, nullptr);
}

void Tty::receive(u8 byte)
{
    int signal;
    int group;
    bool restarted;
    {
        SpinlockGuard guard(m_lock);
        bool was_stopped = m_discipline.output_stopped();
        signal = m_discipline.receive(byte, echo, this);
        group = m_foreground;
        restarted = was_stopped && !m_discipline.output_stopped();
    }
    if (signal && group > 0)
        send_signal_to_process_group(group, signal);
    m_readers.wake_all();
    if (restarted)
        m_writers.wake_all();
}

bool Tty::has_room()
{
    SpinlockGuard guard(m_lock);
    return m_discipline.has_room();
}

bool Tty::is_controlling_terminal_of_caller()
{
    Process* process = Process::current_or_null();
    SpinlockGuard guard(m_lock);
    return process && m_session != 0 && process->sid() == m_session;
}

Result<Tty::Check> Tty::check_background(int signal)
{
    Process* process = Process::current_or_null();
    if (!process)
        return Check::Proceed;
    {
        SpinlockGuard guard(m_lock);
        if (m_session == 0 || process->sid() != m_session || process->pgid() == m_foreground)
            return Check::Proceed;
    }
    Thread* thread = scheduler::current();
    if (is_ignored(*process, signal) || (thread->signal_mask & signal_bit(signal)))
        return Check::Refuse;
    // FIXME: an orphaned process group should get EIO instead of a stop signal.
    send_signal_to_process_group(process->pgid(), signal);
    return Error { ERESTARTSYS };
}

Result<size_t> Tty::read(OpenFile& file, const IoBuffer& buffer, size_t length, bool job_control)
{
    if (job_control && TRY(check_background(SIGTTIN)) == Check::Refuse)
        return Error { EIO };
    if (length == 0)
        return 0;

    u8 bytes[chunk];
    size_t done = 0;
    SpinlockGuard guard(m_lock);
    bool canonical = m_discipline.is_canonical();
    // Raw mode follows VMIN/VTIME: at least MIN bytes (at most the request); VTIME tenths of
    // a second are the whole wait when MIN is 0 and the gap allowed between bytes otherwise.
    u8 vmin = m_discipline.termios().c_cc[VMIN];
    u8 vtime = m_discipline.termios().c_cc[VTIME];
    size_t minimum = vmin < length ? vmin : length;
    u64 interval = vtime * 100'000'000ull;
    Deadline deadline;
    if (!canonical && vtime && vmin == 0)
        deadline.monotonic_ns = arch::monotonic_ns() + interval;
    for (;;) {
        if (m_discipline.can_read()) {
            bool line_end = false;
            size_t want = length - done < chunk ? length - done : chunk;
            size_t n = m_discipline.read(bytes, want, line_end);
            guard.unlock();
            uart::unthrottle(); // there is room again for what waits in the UART
            auto copied = buffer.write(done, bytes, n);
            guard.relock();
            if (copied.is_error())
                return done ? Result<size_t>(done) : Result<size_t>(copied.error());
            done += n;
            if ((canonical && line_end) || done == length)
                return done;
            if (!canonical && vtime && vmin)
                deadline.monotonic_ns = arch::monotonic_ns() + interval; // restart the inter-byte timer
            continue;
        }
        if (canonical ? done > 0 : (done >= minimum && (done > 0 || vtime == 0)))
            return done;
        if (file.is_nonblocking())
            return done ? Result<size_t>(done) : Result<size_t>(Error { EAGAIN });
        auto waited = m_readers.wait_until(
            guard, [&] { return m_discipline.can_read(); }, deadline);
        if (waited.is_error()) {
            if (waited.error().code == ETIMEDOUT || done)
                return done; // a timeout, or a signal after some data: what was read
            return waited.error();
        }
    }
}

Result<size_t> Tty::write(OpenFile&, const IoBuffer& buffer, size_t length, bool job_control)
{
    bool tostop;
    {
        SpinlockGuard guard(m_lock);
        tostop = m_discipline.termios().c_lflag & TOSTOP;
    }
    if (tostop && job_control)
        TRY(check_background(SIGTTOU));
    // FIXME: echo is not held back while output is stopped (^S), as Linux holds it.
    char bytes[chunk];
    size_t done = 0;
    while (done < length) {
        {
            // ^S (IXON) holds writers until ^Q.
            SpinlockGuard guard(m_lock);
            auto waited = m_writers.wait_until(guard, [&] { return !m_discipline.output_stopped(); });
            if (waited.is_error())
                return done ? Result<size_t>(done) : Result<size_t>(waited.error());
        }
        size_t n = length - done < chunk ? length - done : chunk;
        auto copied = buffer.read(done, bytes, n);
        if (copied.is_error())
            return done ? Result<size_t>(done) : Result<size_t>(copied.error());
        // Processed under the lock (termios, output column), written to the UART without it.
        ProcessedOutput processed;
        {
            SpinlockGuard guard(m_lock);
            m_discipline.process_output(bytes, n, ProcessedOutput::append, &processed);
        }
        uart::write_raw(processed.bytes, processed.length);
        done += n;
    }
    return done;
}

u32 Tty::poll(OpenFile&, PollTable* table)
{
    if (table)
        table->wait_on(m_readers);
    SpinlockGuard guard(m_lock);
    u32 mask = POLLOUT | POLLWRNORM;
    if (m_discipline.can_read())
        mask |= POLLIN | POLLRDNORM;
    return mask;
}

void Tty::opened(u32 flags, bool may_become_controlling)
{
    Process* process = Process::current_or_null();
    if (!process || !may_become_controlling || (flags & O_NOCTTY))
        return;
    SpinlockGuard guard(m_lock);
    if (m_session == 0 && process->pid() == process->sid()) {
        m_session = process->sid();
        m_foreground = process->pgid();
    }
}

void Tty::session_leader_exited(int sid)
{
    int group;
    {
        SpinlockGuard guard(m_lock);
        if (sid == 0 || m_session != sid)
            return;
        group = m_foreground;
        m_session = 0;
        m_foreground = 0;
    }
    if (group > 0) {
        send_signal_to_process_group(group, SIGHUP);
        send_signal_to_process_group(group, SIGCONT);
    }
}

void tty_session_leader_exited(int sid) { Tty::console().session_leader_exited(sid); }

} // namespace sk
