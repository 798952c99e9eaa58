// syslog_test — the kernel log through syslog(2) (glibc's klogctl), as busybox dmesg reads
// it: READ_ALL starts with the boot banner (the text of /proc/version) and gives whole
// "<level>[seconds.micros] text" lines, the newest that fit; READ consumes, may stop inside a
// line and blocks while nothing is unread; CLEAR and READ_CLEAR; the argument checks; and
// Debian's dmesg_restrict: nobody may do anything. Proven on linux-ref (a fresh boot each run,
// nothing else reading the log); under qemu-riscv64 the host's log and rules are another
// machine's, so the cases skip there.
//
// The cases share the one kernel log and run in order: the READ case consumes it, the last
// case clears it.
#include "proc_test_support.h"

#include <sys/klog.h>
#include <sys/time.h>

using namespace fstest;
using namespace proctest;

namespace {

// Linux's SYSLOG_ACTION_* values.
enum : int {
    action_close = 0,
    action_open = 1,
    action_read = 2,
    action_read_all = 3,
    action_read_clear = 4,
    action_clear = 5,
    action_console_off = 6,
    action_console_on = 7,
    action_console_level = 8,
    action_size_unread = 9,
    action_size_buffer = 10,
};

std::string read_log(int action, int size)
{
    std::string text(size_t(size), '\0');
    int n = klogctl(action, text.data(), size);
    if (n < 0) {
        ADD_FAILURE() << "klogctl(" << action << "): " << strerror(errno);
        return "";
    }
    text.resize(size_t(n));
    return text;
}

std::string read_all() { return read_log(action_read_all, klogctl(action_size_buffer, nullptr, 0)); }

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n') + 1); }

// "<N>[sssss.uuuuuu] " (the seconds right-aligned in at least five columns): where the text
// after it starts, or npos when line does not start so.
size_t text_start(const std::string& line)
{
    auto digit = [&](size_t i) { return i < line.size() && line[i] >= '0' && line[i] <= '9'; };
    if (line.compare(0, 1, "<") != 0 || !digit(1) || line.compare(2, 2, ">[") != 0)
        return std::string::npos;
    size_t i = 4;
    while (i < line.size() && line[i] == ' ')
        ++i;
    size_t digits = i;
    while (digit(i))
        ++i;
    if (i == digits || i - 4 < 5 || line.compare(i, 1, ".") != 0)
        return std::string::npos;
    for (size_t k = i + 1; k < i + 7; ++k) {
        if (!digit(k))
            return std::string::npos;
    }
    if (line.compare(i + 7, 2, "] ") != 0)
        return std::string::npos;
    return i + 9;
}

void expect_whole_lines(const std::string& text)
{
    ASSERT_FALSE(text.empty());
    EXPECT_EQ(text.back(), '\n');
    size_t start = 0;
    while (start < text.size()) {
        size_t end = text.find('\n', start);
        std::string line = text.substr(start, end - start);
        EXPECT_NE(text_start(line), std::string::npos) << "not a syslog line: " << line;
        start = end + 1;
    }
}

TEST(Syslog, ReadAllStartsWithTheBootBanner)
{
    SKIP_UNDER_QEMU_USER("the host's kernel log and dmesg_restrict");
    int size = klogctl(action_size_buffer, nullptr, 0);
    ASSERT_GT(size, 0) << strerror(errno);
    std::string log = read_all();
    ASSERT_LE(log.size(), size_t(size));
    expect_whole_lines(log);
    // Linux's first message is its banner, which /proc/version repeats word for word.
    std::string banner = first_line(log);
    EXPECT_EQ(banner.substr(0, 3), "<5>");
    size_t text = text_start(banner);
    ASSERT_NE(text, std::string::npos) << banner;
    EXPECT_EQ(banner.substr(text), read_file("/proc/version"));
}

TEST(Syslog, ASmallBufferGetsTheNewestWholeLines)
{
    SKIP_UNDER_QEMU_USER("the host's kernel log and dmesg_restrict");
    std::string log = read_all();
    ASSERT_FALSE(log.empty());
    // The last line and a bit: exactly the last line comes back.
    size_t last_start = log.rfind('\n', log.size() - 2) + 1;
    std::string last = log.substr(last_start);
    std::string small = read_log(action_read_all, int(last.size() + 3));
    EXPECT_EQ(small, last);
    // Room for none: nothing, not a piece.
    EXPECT_EQ(read_log(action_read_all, int(last.size() - 1)), "");
    EXPECT_EQ(klogctl(action_read_all, log.data(), 0), 0);
}

TEST(Syslog, BadArguments)
{
    SKIP_UNDER_QEMU_USER("the host's kernel log and dmesg_restrict");
    char buffer[64];
    EXPECT_ERRNO(EINVAL, klogctl(99, buffer, sizeof buffer));
    EXPECT_ERRNO(EINVAL, klogctl(-1, buffer, sizeof buffer));
    EXPECT_ERRNO(EINVAL, klogctl(action_read_all, nullptr, 10));
    EXPECT_ERRNO(EINVAL, klogctl(action_read_all, buffer, -1));
    EXPECT_ERRNO(EINVAL, klogctl(action_read, nullptr, 10));
    EXPECT_ERRNO(EINVAL, klogctl(action_read, buffer, -1));
    EXPECT_ERRNO(EINVAL, klogctl(action_read_clear, nullptr, 10));
    EXPECT_ERRNO(EINVAL, klogctl(action_console_level, nullptr, 0));
    EXPECT_ERRNO(EINVAL, klogctl(action_console_level, nullptr, 9));
    EXPECT_ERRNO(EFAULT, klogctl(action_read_all, static_cast<char*>(bad_user_pointer), 4096));
    EXPECT_ERRNO(EFAULT, klogctl(action_read_all, static_cast<char*>(kernel_pointer), 4096));
    EXPECT_ERRNO(EFAULT, klogctl(action_read, static_cast<char*>(kernel_pointer), 4096));
    EXPECT_EQ(klogctl(action_read, buffer, 0), 0); // does not wait
    EXPECT_EQ(klogctl(action_open, nullptr, 0), 0);
    EXPECT_EQ(klogctl(action_close, nullptr, 0), 0);
    // Off saves the console level and on restores it: the pair changes nothing.
    EXPECT_EQ(klogctl(action_console_off, nullptr, 0), 0);
    EXPECT_EQ(klogctl(action_console_on, nullptr, 0), 0);
}

// Debian builds its kernel with CONFIG_SECURITY_DMESG_RESTRICT: without CAP_SYSLOG every
// action is EPERM, checked before the action itself.
TEST(Syslog, NobodyMayNotReadOrClear)
{
    SKIP_UNDER_QEMU_USER("the host's kernel log and dmesg_restrict");
    int status = run_in_child([] {
        if (!become_nobody())
            return 10;
        char buffer[64];
        FS_CHILD_EXPECT_ERRNO(klogctl(action_clear, nullptr, 0), EPERM);
        FS_CHILD_EXPECT_ERRNO(klogctl(action_read_all, buffer, sizeof buffer), EPERM);
        FS_CHILD_EXPECT_ERRNO(klogctl(action_size_buffer, nullptr, 0), EPERM);
        FS_CHILD_EXPECT_ERRNO(klogctl(action_read, buffer, sizeof buffer), EPERM);
        FS_CHILD_EXPECT_ERRNO(klogctl(action_console_off, nullptr, 0), EPERM);
        FS_CHILD_EXPECT_ERRNO(klogctl(99, buffer, sizeof buffer), EPERM);
        return 0;
    });
    EXPECT_TRUE(exited_with(status, 0)) << status;
}

void on_alarm(int) { }

TEST(Syslog, ReadConsumesStopsInsideALineAndBlocks)
{
    SKIP_UNDER_QEMU_USER("the host's kernel log and dmesg_restrict");
    std::string log = read_all();
    int unread = klogctl(action_size_unread, nullptr, 0);
    ASSERT_GT(unread, 10) << strerror(errno); // nothing has read this boot's log yet
    EXPECT_EQ(size_t(unread), log.size());

    // A piece of the first line, then the rest of everything.
    std::string piece = read_log(action_read, 10);
    EXPECT_EQ(piece, log.substr(0, 10));
    EXPECT_EQ(klogctl(action_size_unread, nullptr, 0), unread - 10);
    std::string rest = read_log(action_read, unread + 4096);
    EXPECT_EQ(piece + rest, log);
    EXPECT_EQ(klogctl(action_size_unread, nullptr, 0), 0);
    // READ_ALL still shows everything: it has its own start.
    EXPECT_EQ(read_all(), log);

    // Nothing unread: READ sleeps until a signal (EINTR without SA_RESTART).
    struct sigaction action {};
    action.sa_handler = on_alarm;
    ASSERT_EQ(sigaction(SIGALRM, &action, nullptr), 0);
    itimerval timer {};
    timer.it_value.tv_usec = 200'000;
    double start = now_seconds();
    ASSERT_EQ(setitimer(ITIMER_REAL, &timer, nullptr), 0);
    char buffer[64];
    EXPECT_ERRNO(EINTR, klogctl(action_read, buffer, sizeof buffer));
    EXPECT_GE(now_seconds() - start, 0.15);
    signal(SIGALRM, SIG_DFL);
}

// Last: it empties what READ_ALL shows for the rest of the boot.
TEST(Syslog, ReadClearAndClear)
{
    SKIP_UNDER_QEMU_USER("the host's kernel log and dmesg_restrict");
    std::string log = read_all();
    std::string cleared = read_log(action_read_clear, int(log.size() + 4096));
    EXPECT_EQ(first_line(cleared), first_line(log)) << "READ_CLEAR returns the log, then clears it";
    std::string after = read_all();
    EXPECT_EQ(after.find(first_line(log)), std::string::npos) << after;
    EXPECT_EQ(klogctl(action_clear, nullptr, 0), 0);
    EXPECT_EQ(read_all(), "");
    EXPECT_EQ(klogctl(action_size_buffer, nullptr, 0) > 0, true); // the storage stays
}

} // namespace
