// LogRing (the kernel log's storage): syslog(2)'s line format, sequence numbers, and dropping
// the oldest records when the text ring or the descriptor table is full — with text that
// wraps around the end of the ring.
#include <gtest/gtest.h>
#include <lib/LogRing.h>
#include <string>
#include <vector>

using namespace sk;

namespace {

struct TestLog {
    explicit TestLog(size_t text_capacity, size_t descriptor_count)
        : text(text_capacity)
        , descriptors(descriptor_count)
        , ring(text.data(), text.size(), descriptors.data(), descriptors.size())
    {
    }
    void append(const std::string& line, u8 level = 6, u64 timestamp_ns = 0)
    {
        ring.append(level, timestamp_ns, line.data(), line.size());
    }
    std::string format(u64 sequence)
    {
        char out[LogRing::max_formatted_length];
        size_t length = ring.format(sequence, out, sizeof out);
        EXPECT_EQ(length, ring.formatted_length(sequence));
        return std::string(out, length);
    }

    std::vector<char> text;
    std::vector<LogRing::Descriptor> descriptors;
    LogRing ring;
};

} // namespace

TEST(LogRing, FormatsAsSyslog)
{
    TestLog log(4096, 16);
    log.append("Linux version 6.12.0-sockeye", 5, 0);
    log.append("mount: proc on /proc", 4, 1'000'002'999);
    log.append("late", 6, 123456'000'001'000);
    log.append("", 7, 5'000'000);
    EXPECT_EQ(log.format(0), "<5>[    0.000000] Linux version 6.12.0-sockeye\n");
    EXPECT_EQ(log.format(1), "<4>[    1.000002] mount: proc on /proc\n");
    EXPECT_EQ(log.format(2), "<6>[123456.000001] late\n");
    EXPECT_EQ(log.format(3), "<7>[    0.005000] \n");
    EXPECT_EQ(log.ring.first_sequence(), 0u);
    EXPECT_EQ(log.ring.next_sequence(), 4u);
    EXPECT_EQ(log.ring.formatted_length(4), 0u); // not yet written
    char tiny[8];
    EXPECT_EQ(log.ring.format(0, tiny, sizeof tiny), 0u); // does not fit: nothing, not a piece
}

TEST(LogRing, DropsTheOldestWhenTheTextIsFull)
{
    TestLog log(LogRing::max_text_length + 100, 64);
    std::string big(600, 'a');
    log.append(big);
    log.append(std::string(300, 'b'));
    EXPECT_EQ(log.ring.first_sequence(), 0u);
    log.append(std::string(300, 'c')); // 1200 bytes > 1100: the first goes; this one wraps
    EXPECT_EQ(log.ring.first_sequence(), 1u);
    EXPECT_EQ(log.ring.formatted_length(0), 0u);
    EXPECT_EQ(log.format(1), "<6>[    0.000000] " + std::string(300, 'b') + "\n");
    EXPECT_EQ(log.format(2), "<6>[    0.000000] " + std::string(300, 'c') + "\n");
    log.append(std::string(550, 'd'));
    EXPECT_EQ(log.ring.first_sequence(), 2u);
    EXPECT_EQ(log.format(2), "<6>[    0.000000] " + std::string(300, 'c') + "\n");
    EXPECT_EQ(log.format(3), "<6>[    0.000000] " + std::string(550, 'd') + "\n");
}

TEST(LogRing, DropsTheOldestWhenTheDescriptorsAreUsed)
{
    TestLog log(4096, 3);
    for (int i = 0; i < 10; ++i)
        log.append("line " + std::to_string(i));
    EXPECT_EQ(log.ring.first_sequence(), 7u);
    EXPECT_EQ(log.ring.next_sequence(), 10u);
    EXPECT_EQ(log.format(7), "<6>[    0.000000] line 7\n");
    EXPECT_EQ(log.format(9), "<6>[    0.000000] line 9\n");
    EXPECT_EQ(log.ring.formatted_length(6), 0u);
}

TEST(LogRing, ALongLineIsCut)
{
    TestLog log(4096, 8);
    log.append(std::string(LogRing::max_text_length + 50, 'x'));
    EXPECT_EQ(log.format(0), "<6>[    0.000000] " + std::string(LogRing::max_text_length, 'x') + "\n");
}

TEST(LogRing, ManyRecordsThroughASmallRing)
{
    TestLog log(LogRing::max_text_length, 32);
    for (int i = 0; i < 5000; ++i) {
        std::string line = "record " + std::to_string(i) + std::string(size_t(i % 97), '.');
        log.append(line, u8(i % 8), u64(i) * 1'000'000);
        ASSERT_EQ(log.format(u64(i)).substr(0, 3), "<" + std::to_string(i % 8) + ">");
        ASSERT_NE(log.format(u64(i)).find(line + "\n"), std::string::npos);
    }
    size_t total = 0;
    for (u64 s = log.ring.first_sequence(); s < log.ring.next_sequence(); ++s)
        total += log.format(s).size();
    EXPECT_GT(total, 0u);
}
