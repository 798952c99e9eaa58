// Tty: the console terminal — the ns16550 UART behind a line discipline, with termios,
// window size, a controlling session and a foreground process group (job control).
//
// Devices: c 5:1 /dev/console, c 4:64 /dev/ttyS0 (the same terminal) and c 5:0 /dev/tty
// (the caller's controlling terminal, ENXIO without one). As on Linux, opening /dev/console
// never makes it a controlling terminal; opening ttyS0 does for a session leader without one
// (unless O_NOCTTY), and TIOCSCTTY does on either.
//
// Input arrives in the UART interrupt (receive()), is processed by the TtyLineDiscipline and
// wakes readers; signal characters are sent to the foreground process group after the lock
// is dropped. Output is written synchronously to the UART, except that writers wait while
// output is stopped (^S with IXON, TCXONC). When the line discipline is full the UART is
// throttled (uart::unthrottle() after each read), so typed bytes wait instead of being lost.
//
// Locking: m_lock (a spinlock, also taken in the interrupt) guards the line discipline, the
// termios, the window size and the session/foreground fields. User memory is copied only
// with it released.
//
// The controlling terminal is recorded here (m_session), not in Process: "is this my
// controlling terminal" is `process.sid() == m_session`. FIXME: with more than one tty, a
// process-side record is needed (TIOCNOTTY by a non-leader cannot drop only its own link).
#pragma once

#include <drivers/TtyLineDiscipline.h>
#include <lib/Result.h>
#include <lib/Spinlock.h>
#include <proc/WaitQueue.h>
#include <vfs/FileOperations.h>

namespace sk {

struct TtyWindowSize {
    u16 rows { 24 }, columns { 80 }, x_pixels { 0 }, y_pixels { 0 };
};

class Tty {
public:
    static Tty& console();
    // Registers the character devices and takes over the UART's input. Call once, after
    // devfs is mounted (it adds /dev/ttyS0).
    static void initialize();

    // From the UART interrupt: one byte, and whether the line discipline has room for one
    // (when it has not, the UART stops delivering until a read makes room).
    void receive(u8 byte);
    bool has_room();

    // job_control: false through /dev/console, where Linux never stops a background reader
    // (SIGTTIN) or, with TOSTOP, writer (SIGTTOU).
    Result<size_t> read(OpenFile& file, const IoBuffer& buffer, size_t length, bool job_control);
    Result<size_t> write(OpenFile& file, const IoBuffer& buffer, size_t length, bool job_control);
    u32 poll(OpenFile& file, PollTable* table);
    Result<long> ioctl(OpenFile& file, unsigned long request, uptr argument);
    // An open of the terminal: acquires it as the controlling terminal when allowed.
    void opened(u32 flags, bool may_become_controlling);

    // The session leader of `sid` is exiting: a controlling terminal it held is released and
    // its foreground process group gets SIGHUP and SIGCONT (Linux's disassociate_ctty).
    void session_leader_exited(int sid);

    int session() const { return m_session; }
    int foreground_process_group() const { return m_foreground; }

private:
    Tty() = default;
    enum class Check { Proceed, Refuse };
    // Job control for a caller outside the foreground group of its controlling terminal:
    // ERESTARTSYS after sending `signal` to its group; Refuse when the signal is ignored or
    // blocked (the caller decides: EIO for reads, go ahead for writes and settings).
    Result<Check> check_background(int signal);
    bool is_controlling_terminal_of_caller();
    static void echo(void* context, const char* chars, size_t length);

    Spinlock m_lock;
    TtyLineDiscipline m_discipline;
    TtyWindowSize m_window;
    int m_session { 0 }; // the session this is the controlling terminal of; 0 = none
    int m_foreground { 0 }; // the foreground process group
    WaitQueue m_readers;
    WaitQueue m_writers; // held while output is stopped (^S)
};

// Called by the process layer when a session leader exits.
void tty_session_leader_exited(int sid);

} // namespace sk
