// TtyLineDiscipline: Linux N_TTY behaviour for what a user types — canonical lines, erase,
// word erase, kill, literal next, EOF, signal characters, the 4095-byte line limit, raw mode,
// and echo of control characters.
#include <drivers/TtyLineDiscipline.h>
#include <gtest/gtest.h>
#include <csignal> // SIGINT/SIGQUIT/SIGTSTP: the same numbers on the host
#include <memory>
#include <string>

using namespace sk;

namespace {

struct Terminal {
    std::unique_ptr<TtyLineDiscipline> discipline = std::make_unique<TtyLineDiscipline>();
    std::string echoed;

    static void echo(void* context, const char* chars, size_t length)
    {
        static_cast<Terminal*>(context)->echoed.append(chars, length);
    }
    int type(const std::string& bytes)
    {
        int last_signal = 0;
        for (unsigned char c : bytes) {
            if (int s = discipline->receive(c, echo, this))
                last_signal = s;
        }
        return last_signal;
    }
    // One read() of at most length bytes; eof is set when it returned 0 at an EOF mark.
    std::string read(size_t length = 100000)
    {
        std::string out(length, '\0');
        bool line_end = false;
        size_t n = discipline->read(reinterpret_cast<u8*>(out.data()), length, line_end);
        out.resize(n);
        return out;
    }
    void set_raw()
    {
        auto t = discipline->termios();
        t.c_lflag &= ~(ICANON | ECHO);
        discipline->set_termios(t);
    }
};

TEST(TtyLineDiscipline, CanonicalLineIsReadableOnlyAfterNewline)
{
    Terminal t;
    t.type("hello");
    EXPECT_FALSE(t.discipline->can_read());
    t.type("\r"); // ICRNL
    ASSERT_TRUE(t.discipline->can_read());
    EXPECT_EQ(t.read(), "hello\n");
    EXPECT_EQ(t.echoed, "hello\n");
}

TEST(TtyLineDiscipline, ReadStopsAtLineEnd)
{
    Terminal t;
    t.type("one\ntwo\n");
    EXPECT_EQ(t.discipline->available(), 8u);
    EXPECT_EQ(t.read(2), "on");
    EXPECT_EQ(t.read(), "e\n");
    EXPECT_EQ(t.read(), "two\n");
    EXPECT_FALSE(t.discipline->can_read());
}

TEST(TtyLineDiscipline, EraseWordEraseKill)
{
    Terminal t;
    t.type("abc\x7f\x7fX\b" "Y\n");
    EXPECT_EQ(t.read(), "aY\n");
    t.type("foo bar\x17" "baz\n");
    EXPECT_EQ(t.read(), "foo baz\n");
    t.type("junk\x15good\n");
    EXPECT_EQ(t.read(), "good\n");
    t.type("\x7f\x7f\n"); // erasing an empty line does nothing
    EXPECT_EQ(t.read(), "\n");
}

TEST(TtyLineDiscipline, EraseEchoesBackspaceSpaceBackspace)
{
    Terminal t;
    t.type("a\x01\x7f\x7f");
    // ^A echoes as two columns and is erased as two.
    EXPECT_EQ(t.echoed, "a^A\b \b\b \b\b \b");
}

TEST(TtyLineDiscipline, Utf8CharacterErasedWhole)
{
    Terminal t;
    t.type("x\xc3\xa9\x7f\n");
    EXPECT_EQ(t.read(), "x\n");
}

TEST(TtyLineDiscipline, EofOnEmptyLineReadsZeroThenContinues)
{
    Terminal t;
    t.type("\x04");
    ASSERT_TRUE(t.discipline->can_read());
    EXPECT_EQ(t.discipline->available(), 0u);
    EXPECT_EQ(t.read(), "");
    EXPECT_FALSE(t.discipline->can_read());
    t.type("more\n");
    EXPECT_EQ(t.read(), "more\n");
}

TEST(TtyLineDiscipline, EofAfterTextPushesTheLineWithoutNewline)
{
    Terminal t;
    t.type("abc\x04");
    EXPECT_EQ(t.read(), "abc");
    EXPECT_FALSE(t.discipline->can_read());
    t.type("\x04");
    EXPECT_EQ(t.read(), "");
}

TEST(TtyLineDiscipline, SignalCharactersFlushAndReport)
{
    Terminal t;
    t.type("partial");
    EXPECT_EQ(t.type("\x03"), SIGINT);
    EXPECT_EQ(t.type("\x1c"), SIGQUIT);
    EXPECT_EQ(t.type("\x1a"), SIGTSTP);
    t.type("\n");
    EXPECT_EQ(t.read(), "\n"); // "partial" was flushed
    EXPECT_NE(t.echoed.find("^C"), std::string::npos);
}

TEST(TtyLineDiscipline, NoSignalsWithoutIsig)
{
    Terminal t;
    auto termios = t.discipline->termios();
    termios.c_lflag &= ~ISIG;
    t.discipline->set_termios(termios);
    EXPECT_EQ(t.type("\x03\n"), 0);
    EXPECT_EQ(t.read(), "\x03\n");
}

TEST(TtyLineDiscipline, LiteralNextInsertsControlCharacters)
{
    Terminal t;
    EXPECT_EQ(t.type("\x16\x03\x16\x7f\n"), 0);
    EXPECT_EQ(t.read(), "\x03\x7f\n");
}

TEST(TtyLineDiscipline, LongLineKeepsRoomForTheNewline)
{
    Terminal t;
    t.type(std::string(5000, 'a'));
    EXPECT_FALSE(t.discipline->can_read());
    t.type("\n");
    std::string line = t.read();
    EXPECT_EQ(line.size(), TtyLineDiscipline::buffer_size);
    EXPECT_EQ(line.back(), '\n');
    // The terminal still works afterwards.
    t.type("ok\n");
    EXPECT_EQ(t.read(), "ok\n");
}

TEST(TtyLineDiscipline, BinaryGarbageNeverBreaksIt)
{
    Terminal t;
    auto termios = t.discipline->termios();
    termios.c_lflag &= ~ISIG;
    t.discipline->set_termios(termios);
    unsigned seed = 12345;
    for (int round = 0; round < 20000; ++round) {
        seed = seed * 1103515245 + 12345;
        u8 byte = static_cast<u8>(seed >> 16);
        t.discipline->receive(byte, Terminal::echo, &t);
        if (round % 97 == 0)
            t.read(64);
        EXPECT_LE(t.discipline->available(), TtyLineDiscipline::buffer_size);
    }
    t.discipline->flush_input();
    t.type("\x15" "clean\n");
    EXPECT_EQ(t.read(), "clean\n");
}

TEST(TtyLineDiscipline, RawModeDeliversBytesAtOnce)
{
    Terminal t;
    t.set_raw();
    t.type("a\x7f\r");
    EXPECT_EQ(t.discipline->available(), 3u);
    EXPECT_EQ(t.read(), "a\x7f\n"); // ICRNL still applies
    EXPECT_EQ(t.echoed, "");
}

TEST(TtyLineDiscipline, LeavingCanonicalModeReleasesTheEditLine)
{
    Terminal t;
    t.type("half");
    EXPECT_FALSE(t.discipline->can_read());
    t.set_raw();
    EXPECT_EQ(t.read(), "half");
}

TEST(TtyLineDiscipline, RawModeBufferFullDropsBytes)
{
    Terminal t;
    t.set_raw();
    t.type(std::string(TtyLineDiscipline::buffer_size + 100, 'z'));
    EXPECT_EQ(t.discipline->available(), TtyLineDiscipline::buffer_size);
}

// Flow control (has_room): the UART stops delivering while it is false, so nothing typed is
// lost; a line being edited that fills the buffer by itself never stops input (its newline,
// erase and kill must get through), as Linux's n_tty_receive_buf_common() decides.
TEST(TtyLineDiscipline, RawModeHasNoRoomWhenFullUntilRead)
{
    Terminal t;
    t.set_raw();
    t.type(std::string(TtyLineDiscipline::buffer_size - 1, 'z'));
    EXPECT_TRUE(t.discipline->has_room());
    t.type("z");
    EXPECT_FALSE(t.discipline->has_room());
    t.read(10);
    EXPECT_TRUE(t.discipline->has_room());
}

TEST(TtyLineDiscipline, CanonicalUnfinishedLineNeverStopsInput)
{
    Terminal t;
    t.type(std::string(5000, 'a'));
    EXPECT_TRUE(t.discipline->has_room()) << "the newline must still get in";
    t.type("\n");
    EXPECT_FALSE(t.discipline->has_room()) << "a full, unread line: the next byte waits (an EOF after it)";
    EXPECT_EQ(t.read().size(), TtyLineDiscipline::buffer_size);
    EXPECT_TRUE(t.discipline->has_room());
    t.type("\x04");
    EXPECT_TRUE(t.discipline->can_read());
    EXPECT_EQ(t.read(), "") << "the EOF that waited is read as end of file";
}

TEST(TtyLineDiscipline, CanonicalReadableLinesAndAFullBufferStopInput)
{
    Terminal t;
    t.type("first\n");
    t.type(std::string(TtyLineDiscipline::buffer_size, 'b'));
    EXPECT_FALSE(t.discipline->has_room());
    EXPECT_EQ(t.read(), "first\n");
    EXPECT_TRUE(t.discipline->has_room());
}

TEST(TtyLineDiscipline, IxonStopAndStartAreSwallowedAndToggleOutput)
{
    Terminal t;
    t.type("a\x13");
    EXPECT_TRUE(t.discipline->output_stopped());
    t.type("b");
    EXPECT_TRUE(t.discipline->output_stopped()) << "without IXANY only VSTART restarts";
    t.type(std::string("\x11") + "c\n");
    EXPECT_FALSE(t.discipline->output_stopped());
    EXPECT_EQ(t.read(), "abc\n");
}

TEST(TtyLineDiscipline, IxanyAndSignalsRestartOutputAndIxonOffClearsIt)
{
    Terminal t;
    auto termios = t.discipline->termios();
    termios.c_iflag |= IXANY;
    t.discipline->set_termios(termios);
    t.type("\x13x");
    EXPECT_FALSE(t.discipline->output_stopped());
    t.type("\x13\x03"); // ^C
    EXPECT_FALSE(t.discipline->output_stopped());
    t.type("\x13");
    termios.c_iflag &= ~IXON;
    t.discipline->set_termios(termios);
    EXPECT_FALSE(t.discipline->output_stopped());
    t.type("\x13\n");
    EXPECT_EQ(t.read(), "\x13\n") << "without IXON ^S is an ordinary byte";
}

static std::string processed(TtyLineDiscipline& discipline, const std::string& text)
{
    std::string out;
    discipline.process_output(
        text.data(), text.size(),
        [](void* context, const char* chars, size_t length) {
            static_cast<std::string*>(context)->append(chars, length);
        },
        &out);
    return out;
}

TEST(TtyLineDiscipline, OutputProcessingFollowsOpostOnlcrOcrnl)
{
    Terminal t;
    EXPECT_EQ(processed(*t.discipline, "a\nb\r\n"), "a\r\nb\r\r\n");
    auto termios = t.discipline->termios();
    termios.c_oflag &= ~OPOST;
    t.discipline->set_termios(termios);
    EXPECT_EQ(processed(*t.discipline, "a\nb\n"), "a\nb\n") << "stty -opost (raw): bytes as they are";
    termios.c_oflag = OPOST | OCRNL;
    t.discipline->set_termios(termios);
    EXPECT_EQ(processed(*t.discipline, "x\ry\n"), "x\ny\n");
    termios.c_oflag = OPOST | ONLCR | ONOCR;
    t.discipline->set_termios(termios);
    EXPECT_EQ(processed(*t.discipline, "ab\n\rcd\r"), "ab\r\ncd\r") << "ONOCR: no CR at column 0";
}

TEST(TtyLineDiscipline, DefaultTermiosMatchesLinux)
{
    auto t = TtyLineDiscipline::default_termios();
    EXPECT_EQ(t.c_iflag, static_cast<tcflag_t>(ICRNL | IXON | IUTF8));
    EXPECT_EQ(t.c_oflag, static_cast<tcflag_t>(OPOST | ONLCR));
    EXPECT_EQ(t.c_lflag, static_cast<tcflag_t>(ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN));
    EXPECT_EQ(t.c_cc[VINTR], 3);
    EXPECT_EQ(t.c_cc[VERASE], 0x7f);
    EXPECT_EQ(t.c_cc[VMIN], 1);
    EXPECT_EQ(sizeof(KernelTermios), 36u);
}

} // namespace
