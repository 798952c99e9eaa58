// The terminal ioctls of the console tty: termios (TCGETS/TCSETS*), window size, the
// controlling terminal and the foreground process group, input queue size and flushing.
// Unknown requests are ENOTTY, as on Linux.
#include <asm-generic/ioctls.h>
#include <drivers/Tty.h>
#include <drivers/Uart16550.h>
#include <lib/IoBuffer.h>
#include <proc/Process.h>
#include <proc/SignalDelivery.h>
#include <proc/SignalNumbers.h>

namespace sk {

namespace {

struct KernelWindowSize {
    u16 ws_row, ws_col, ws_xpixel, ws_ypixel;
};

template<typename T> Result<T> read_argument(uptr argument)
{
    T value;
    TRY(IoBuffer::user(argument, sizeof(T)).read(0, &value, sizeof(T)));
    return value;
}

template<typename T> Result<long> write_argument(uptr argument, const T& value)
{
    TRY(IoBuffer::user(argument, sizeof(T)).write(0, &value, sizeof(T)));
    return 0;
}

// Whether a process group with this id exists in the session (TIOCSPGRP's target).
bool process_group_in_session(int pgid, int sid, bool& exists)
{
    bool found = false;
    exists = false;
    Process::for_each([&](Process& process) {
        if (process.pgid() == pgid) {
            exists = true;
            found |= process.sid() == sid;
        }
    });
    return found;
}

} // namespace

Result<long> Tty::ioctl(OpenFile&, unsigned long request, uptr argument)
{
    Process* process = Process::current_or_null();
    switch (request) {
    case TCGETS: {
        KernelTermios termios;
        {
            SpinlockGuard guard(m_lock);
            termios = m_discipline.termios();
        }
        return write_argument(argument, termios);
    }
    case TCSETS:
    case TCSETSW:
    case TCSETSF: {
        auto termios = TRY(read_argument<KernelTermios>(argument));
        TRY(check_background(SIGTTOU)); // Refuse (ignored/blocked) lets the change through
        // Output is synchronous, so TCSETSW has nothing to wait for.
        SpinlockGuard guard(m_lock);
        if (request == TCSETSF)
            m_discipline.flush_input();
        m_discipline.set_termios(termios);
        guard.unlock();
        m_readers.wake_all(); // leaving canonical mode may make the edit line readable
        m_writers.wake_all(); // turning IXON off restarts stopped output
        uart::unthrottle(); // a flush, or another mode, may leave room
        guard.relock();
        return 0;
    }
    case TIOCGWINSZ: {
        KernelWindowSize size;
        {
            SpinlockGuard guard(m_lock);
            size = { m_window.rows, m_window.columns, m_window.x_pixels, m_window.y_pixels };
        }
        return write_argument(argument, size);
    }
    case TIOCSWINSZ: {
        auto size = TRY(read_argument<KernelWindowSize>(argument));
        int group;
        bool changed;
        {
            SpinlockGuard guard(m_lock);
            changed = size.ws_row != m_window.rows || size.ws_col != m_window.columns;
            m_window = { size.ws_row, size.ws_col, size.ws_xpixel, size.ws_ypixel };
            group = m_foreground;
        }
        if (changed && group > 0)
            send_signal_to_process_group(group, SIGWINCH);
        return 0;
    }
    case TIOCGPGRP: {
        if (!is_controlling_terminal_of_caller())
            return Error { ENOTTY };
        int group;
        {
            SpinlockGuard guard(m_lock);
            group = m_foreground;
        }
        return write_argument(argument, group);
    }
    case TIOCSPGRP: {
        if (!is_controlling_terminal_of_caller())
            return Error { ENOTTY };
        int group = TRY(read_argument<int>(argument));
        if (group < 0)
            return Error { EINVAL };
        TRY(check_background(SIGTTOU));
        bool exists;
        if (!process_group_in_session(group, process->sid(), exists))
            return Error { exists ? EPERM : ESRCH };
        SpinlockGuard guard(m_lock);
        m_foreground = group;
        return 0;
    }
    case TIOCGSID: {
        if (!is_controlling_terminal_of_caller())
            return Error { ENOTTY };
        return write_argument(argument, process->sid());
    }
    case TIOCSCTTY: {
        if (!process)
            return Error { EPERM };
        SpinlockGuard guard(m_lock);
        if (m_session == process->sid())
            return 0;
        if (process->pid() != process->sid())
            return Error { EPERM }; // only a session leader acquires a terminal
        // Stealing another session's terminal takes root and argument 1.
        if (m_session != 0 && !(argument == 1 && process->credentials().is_superuser()))
            return Error { EPERM };
        m_session = process->sid();
        m_foreground = process->pgid();
        return 0;
    }
    case TIOCNOTTY: {
        if (!is_controlling_terminal_of_caller())
            return Error { ENOTTY };
        if (process->pid() == process->sid())
            session_leader_exited(process->sid());
        // FIXME: a non-leader keeps its link: the terminal, not the process, records it.
        return 0;
    }
    case FIONREAD: {
        int count;
        {
            SpinlockGuard guard(m_lock);
            count = static_cast<int>(m_discipline.available());
        }
        return write_argument(argument, count);
    }
    case TIOCOUTQ:
        return write_argument(argument, 0); // output is written synchronously
    case TCFLSH: {
        if (argument > TCIOFLUSH)
            return Error { EINVAL };
        TRY(check_background(SIGTTOU));
        if (argument == TCIFLUSH || argument == TCIOFLUSH) {
            {
                SpinlockGuard guard(m_lock);
                m_discipline.flush_input();
            }
            uart::unthrottle();
        }
        return 0;
    }
    case TCXONC: {
        // TCOOFF 0, TCOON 1 suspend and restart output; TCIOFF/TCION (send STOP/START to the
        // other end) have nothing to do on the console.
        if (argument > 3)
            return Error { EINVAL };
        TRY(check_background(SIGTTOU));
        if (argument <= 1) {
            {
                SpinlockGuard guard(m_lock);
                m_discipline.set_output_stopped(argument == 0);
            }
            m_writers.wake_all();
        }
        return 0;
    }
    case TCSBRK:
    case TCSBRKP:
    case TIOCEXCL:
    case TIOCNXCL:
        return 0;
    case TIOCGETD:
        return write_argument(argument, 0); // N_TTY
    default:
        return Error { ENOTTY };
    }
}

} // namespace sk
