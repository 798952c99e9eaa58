// N_TTY input processing. See TtyLineDiscipline.h for the buffer layout.
#include <drivers/TtyLineDiscipline.h>
#include <proc/SignalNumbers.h>
#include <string.h>

namespace sk {

namespace {

constexpr u8 control(char letter) { return static_cast<u8>(letter & 0x1f); }
constexpr u8 del = 0x7f;

bool is_control(u8 byte) { return byte < 0x20 || byte == del; }

} // namespace

KernelTermios TtyLineDiscipline::default_termios()
{
    // Linux's tty_std_termios with N_TTY's INIT_C_CC.
    KernelTermios t {};
    t.c_iflag = ICRNL | IXON | IUTF8;
    t.c_oflag = OPOST | ONLCR;
    t.c_cflag = B38400 | CS8 | CREAD | HUPCL;
    t.c_lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN;
    t.c_cc[VINTR] = control('C');
    t.c_cc[VQUIT] = control('\\');
    t.c_cc[VERASE] = del;
    t.c_cc[VKILL] = control('U');
    t.c_cc[VEOF] = control('D');
    t.c_cc[VTIME] = 0;
    t.c_cc[VMIN] = 1;
    t.c_cc[VSTART] = control('Q');
    t.c_cc[VSTOP] = control('S');
    t.c_cc[VSUSP] = control('Z');
    t.c_cc[VREPRINT] = control('R');
    t.c_cc[VDISCARD] = control('O');
    t.c_cc[VWERASE] = control('W');
    t.c_cc[VLNEXT] = control('V');
    return t;
}

TtyLineDiscipline::TtyLineDiscipline()
    : m_termios(default_termios())
{
}

void TtyLineDiscipline::set_termios(const KernelTermios& termios)
{
    bool was_canonical = is_canonical();
    m_termios = termios;
    if (!(m_termios.c_iflag & IXON))
        m_output_stopped = false;
    if (was_canonical && !is_canonical())
        commit();
    if (!(m_termios.c_lflag & IEXTEN))
        m_literal_next = false;
}

// A control character is active when it is set (Linux's _POSIX_VDISABLE is 0).
bool TtyLineDiscipline::is_special(u8 byte, int index) const
{
    u8 value = m_termios.c_cc[index];
    return value != 0 && value == byte;
}

void TtyLineDiscipline::echo_byte(u8 byte)
{
    if (!m_echo)
        return;
    if ((m_termios.c_lflag & ECHOCTL) && is_control(byte) && byte != '\t' && byte != '\n'
        && byte != m_termios.c_cc[VSTART] && byte != m_termios.c_cc[VSTOP]) {
        char text[2] = { '^', static_cast<char>(byte == del ? '?' : byte + 0x40) };
        m_echo(m_echo_context, text, 2);
        return;
    }
    char c = static_cast<char>(byte);
    m_echo(m_echo_context, &c, 1);
}

// Undoes the echo of one byte: a control character echoed as ^X takes two columns.
// FIXME: a tab is erased as one column (Linux recomputes the column from the line start).
void TtyLineDiscipline::echo_erase(u8 erased)
{
    if (!m_echo || !(m_termios.c_lflag & ECHO))
        return;
    if (!(m_termios.c_lflag & ECHOE)) {
        echo_byte(m_termios.c_cc[VERASE]);
        return;
    }
    bool wide = (m_termios.c_lflag & ECHOCTL) && is_control(erased) && erased != '\t';
    for (int i = 0; i < (wide ? 2 : 1); ++i)
        m_echo(m_echo_context, "\b \b", 3);
}

void TtyLineDiscipline::put(u8 byte, u16 flags) { at(m_edit++) = static_cast<u16>(byte | flags); }

void TtyLineDiscipline::erase(bool whole_word, bool whole_line)
{
    bool utf8 = m_termios.c_iflag & IUTF8;
    bool seen_word = false;
    while (m_edit > m_commit) {
        u8 byte = static_cast<u8>(at(m_edit - 1));
        if (whole_word) {
            bool space = byte == ' ' || byte == '\t';
            if (space && seen_word)
                break;
            seen_word |= !space;
        }
        --m_edit;
        // A UTF-8 character is erased whole: its continuation bytes echo nothing.
        if (!(utf8 && (byte & 0xc0) == 0x80))
            echo_erase(byte);
        if (!whole_word && !whole_line && !(utf8 && (byte & 0xc0) == 0x80))
            break;
    }
}

int TtyLineDiscipline::receive(u8 byte, EchoSink echo, void* echo_context)
{
    m_echo = echo;
    m_echo_context = echo_context;
    const tcflag_t lflag = m_termios.c_lflag, iflag = m_termios.c_iflag;
    bool do_echo = lflag & ECHO;

    if (m_literal_next) {
        m_literal_next = false;
        if (do_echo)
            m_echo(m_echo_context, "\b\b", 2); // over the "^\b" shown for VLNEXT
        if (used() < buffer_size - 1) {
            put(byte);
            if (do_echo)
                echo_byte(byte);
        }
        if (!is_canonical())
            commit();
        return 0;
    }

    if (iflag & ISTRIP)
        byte &= 0x7f;
    if (byte == '\r') {
        if (iflag & IGNCR)
            return 0;
        if (iflag & ICRNL)
            byte = '\n';
    } else if (byte == '\n' && (iflag & INLCR)) {
        byte = '\r';
    }

    if (lflag & ISIG) {
        int signal = 0;
        if (is_special(byte, VINTR))
            signal = SIGINT;
        else if (is_special(byte, VQUIT))
            signal = SIGQUIT;
        else if (is_special(byte, VSUSP))
            signal = SIGTSTP;
        if (signal) {
            if (iflag & IXON)
                m_output_stopped = false; // Linux's n_tty_receive_signal_char() restarts output
            if (!(lflag & NOFLSH))
                flush_input();
            if (do_echo)
                echo_byte(byte);
            return signal;
        }
    }
    if (iflag & IXON) {
        // Linux: VSTART starts (and is swallowed) even if it equals VSTOP while stopped.
        if (is_special(byte, VSTART) && (m_output_stopped || !is_special(byte, VSTOP))) {
            m_output_stopped = false;
            return 0;
        }
        if (is_special(byte, VSTOP)) {
            m_output_stopped = true;
            return 0;
        }
        if (m_output_stopped && (iflag & IXANY))
            m_output_stopped = false;
    }

    if (is_canonical()) {
        if ((lflag & IEXTEN) && is_special(byte, VLNEXT)) {
            m_literal_next = true;
            if (do_echo && (lflag & ECHOCTL))
                m_echo(m_echo_context, "^\b", 2);
            return 0;
        }
        // ^H erases as well as VERASE (DEL): terminals send either for backspace.
        if (is_special(byte, VERASE) || byte == control('H')) {
            erase(false, false);
            return 0;
        }
        if ((lflag & IEXTEN) && is_special(byte, VWERASE)) {
            erase(true, false);
            return 0;
        }
        if (is_special(byte, VKILL)) {
            if ((lflag & ECHOK) && (lflag & ECHOKE) && (lflag & ECHOE)) {
                erase(false, true); // wipe the line from the screen
            } else if (do_echo) {
                // Without ECHOKE: show the kill character and start a fresh line.
                echo_byte(byte);
                if (lflag & ECHOK)
                    m_echo(m_echo_context, "\n", 1);
            }
            m_edit = m_commit;
            return 0;
        }
        if ((lflag & IEXTEN) && is_special(byte, VREPRINT)) {
            if (do_echo) {
                echo_byte(byte);
                m_echo(m_echo_context, "\n", 1);
                for (size_t i = m_commit; i < m_edit; ++i)
                    echo_byte(static_cast<u8>(at(i)));
            }
            return 0;
        }
        if (is_special(byte, VEOF)) {
            if (m_edit == m_commit) {
                if (used() < buffer_size)
                    put(0, flag_eof | flag_delimiter);
            } else {
                at(m_edit - 1) |= flag_delimiter;
            }
            commit();
            return 0;
        }
        if (byte == '\n' || is_special(byte, VEOL) || is_special(byte, VEOL2)) {
            if (used() >= buffer_size)
                return 0; // unread lines fill the buffer: the line is lost, as on Linux
            put(byte, flag_delimiter);
            if (do_echo || (byte == '\n' && (lflag & ECHONL)))
                echo_byte(byte);
            commit();
            return 0;
        }
        // Keep the last slot for the newline that will end this line.
        if (used() >= buffer_size - 1)
            return 0;
        put(byte);
        if (do_echo)
            echo_byte(byte);
        return 0;
    }

    if (used() >= buffer_size)
        return 0; // not reached while the UART is throttled (has_room)
    put(byte);
    if (do_echo)
        echo_byte(byte);
    commit();
    return 0;
}

void TtyLineDiscipline::process_output(const char* chars, size_t length, EchoSink sink, void* context)
{
    const tcflag_t oflag = m_termios.c_oflag;
    if (!(oflag & OPOST)) {
        sink(context, chars, length);
        return;
    }
    size_t start = 0; // chars[start, i) pass unchanged
    auto flush = [&](size_t end) {
        if (end > start)
            sink(context, chars + start, end - start);
    };
    for (size_t i = 0; i < length; ++i) {
        char c = chars[i];
        if (c == '\n') {
            if (oflag & ONLCR) {
                flush(i);
                sink(context, "\r\n", 2);
                start = i + 1;
                m_column = 0;
            } else if (oflag & ONLRET) {
                m_column = 0;
            }
        } else if (c == '\r') {
            if ((oflag & ONOCR) && m_column == 0) {
                flush(i);
                start = i + 1;
            } else if (oflag & OCRNL) {
                flush(i);
                sink(context, "\n", 1);
                start = i + 1;
                if (oflag & ONLRET)
                    m_column = 0;
            } else {
                m_column = 0;
            }
        } else if (c == '\b') {
            if (m_column > 0)
                --m_column;
        } else if (!is_control(static_cast<u8>(c)) || c == '\t') {
            ++m_column;
        }
    }
    flush(length);
}

bool TtyLineDiscipline::has_room() const
{
    if (used() < buffer_size - 1)
        return true;
    if (is_canonical())
        return m_read == m_commit && used() < buffer_size; // only an unfinished line: take its newline
    return used() < buffer_size;
}

size_t TtyLineDiscipline::available() const
{
    size_t count = 0;
    for (size_t i = m_read; i < m_commit; ++i) {
        if (!(at(i) & flag_eof))
            ++count;
    }
    return count;
}

size_t TtyLineDiscipline::read(u8* out, size_t length, bool& line_end)
{
    line_end = false;
    size_t done = 0;
    bool canonical = is_canonical();
    while (m_read != m_commit && done < length) {
        u16 entry = at(m_read);
        if (entry & flag_eof) {
            if (done == 0) {
                ++m_read;
                line_end = true;
            }
            return done;
        }
        out[done++] = static_cast<u8>(entry);
        ++m_read;
        if (canonical && (entry & flag_delimiter)) {
            line_end = true;
            return done;
        }
    }
    return done;
}

void TtyLineDiscipline::flush_input()
{
    m_read = m_commit = m_edit;
    m_literal_next = false;
}

} // namespace sk
