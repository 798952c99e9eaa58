// TtyLineDiscipline: Linux's N_TTY input processing, without locks, devices or processes, so
// that it builds and is tested on the host. The Tty owns one, guards it with its lock, feeds
// it the received bytes and drains it for read().
//
// Input is kept in one ring of buffer_size entries, each a byte plus flags:
//   [m_read, m_commit)  readable: complete lines (canonical mode) or any bytes (raw mode)
//   [m_commit, m_edit)  the line being edited (canonical mode only; empty in raw mode)
// A line delimiter (newline, VEOL, VEOL2, or the last byte of a line pushed by VEOF) is
// flagged, so a canonical read stops after it; VEOF on an empty line stores an EOF mark, which
// a read consumes to return 0. A line never exceeds buffer_size - 1 bytes: further bytes are
// dropped, but the newline that ends it is always taken (Linux's N_TTY does the same).
//
// Echo goes to an EchoSink; a signal character (ISIG) returns the signal for the caller to
// send to the foreground process group.
#pragma once

#include <asm-generic/termbits.h>
#include <lib/Types.h>

namespace sk {

using KernelTermios = ::termios; // the kernel's struct termios (TCGETS/TCSETS), NCCS = 19

class TtyLineDiscipline {
public:
    static constexpr size_t buffer_size = 4096; // N_TTY_BUF_SIZE
    using EchoSink = void (*)(void* context, const char* chars, size_t length);

    TtyLineDiscipline();
    static KernelTermios default_termios();

    const KernelTermios& termios() const { return m_termios; }
    // Leaving canonical mode makes the line being edited readable.
    void set_termios(const KernelTermios& termios);

    // Processes one received byte. Returns the signal to send to the foreground process group
    // (SIGINT, SIGQUIT, SIGTSTP), or 0.
    int receive(u8 byte, EchoSink echo, void* echo_context);

    // Whether receive() can take another byte without losing it. False when the buffer is full
    // of unread input; in canonical mode a line being edited that fills the buffer alone does
    // not count (its excess is dropped, but erase, kill, the newline and signals still work),
    // as in Linux's n_tty_receive_buf_common().
    bool has_room() const;
    // Whether read() would return now (data, or an EOF mark in canonical mode).
    bool can_read() const { return m_read != m_commit; }
    // Readable bytes (FIONREAD): EOF marks do not count.
    size_t available() const;
    // Moves up to length readable bytes to out. Canonical mode: stops after a line delimiter
    // (line_end = true); an EOF mark at the start is consumed and gives 0 with line_end = true.
    size_t read(u8* out, size_t length, bool& line_end);
    // Drops everything typed and not yet read (TCIFLUSH, signals without NOFLSH).
    void flush_input();

    bool is_canonical() const { return m_termios.c_lflag & ICANON; }

    // Output processing (OPOST): ONLCR turns \n into \r\n, OCRNL \r into \n, ONOCR drops
    // \r at column 0 and ONLRET makes \n return the carriage; the result goes to sink.
    // Used for what programs write and for echo. The column is tracked across calls.
    void process_output(const char* chars, size_t length, EchoSink sink, void* context);

    // Output flow control (IXON): VSTOP (^S) stops output, VSTART (^Q) — or with IXANY any
    // byte — starts it again; so do TCXONC and turning IXON off. The Tty holds writers back
    // while it is stopped.
    bool output_stopped() const { return m_output_stopped; }
    void set_output_stopped(bool stopped) { m_output_stopped = stopped; }

private:
    static constexpr u16 flag_delimiter = 0x100;
    static constexpr u16 flag_eof = 0x200;

    u16& at(size_t index) { return m_ring[index % buffer_size]; }
    u16 at(size_t index) const { return m_ring[index % buffer_size]; }
    size_t used() const { return m_edit - m_read; }
    bool is_special(u8 byte, int index) const;
    void echo_byte(u8 byte);
    void echo_erase(u8 erased);
    void put(u8 byte, u16 flags = 0);
    void erase(bool whole_word, bool whole_line);
    void commit() { m_commit = m_edit; }

    KernelTermios m_termios;
    u16 m_ring[buffer_size];
    size_t m_read { 0 }, m_commit { 0 }, m_edit { 0 }; // ever-increasing, taken modulo buffer_size
    bool m_literal_next { false };
    bool m_output_stopped { false };
    size_t m_column { 0 }; // of the output, for ONOCR
    EchoSink m_echo { nullptr };
    void* m_echo_context { nullptr };
};

} // namespace sk
