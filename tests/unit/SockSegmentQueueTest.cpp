// SegmentQueue: the receive queue of a Unix socket, with control data attached to segments.
// Control here is a stand-in that counts live "files" so that leaks and double drops show.
#include <cstring>
#include <gtest/gtest.h>
#include <lib/IoBuffer.h>
#include <sockfs/logic/SegmentQueue.h>
#include <string>

using namespace sk;

namespace {

int g_live_files = 0;

struct FakeFiles {
    int count { 0 };
    FakeFiles() = default;
    explicit FakeFiles(int n) : count(n) { g_live_files += n; }
    FakeFiles(FakeFiles&& other) : count(std::exchange(other.count, 0)) { }
    FakeFiles& operator=(FakeFiles&& other)
    {
        g_live_files -= count;
        count = std::exchange(other.count, 0);
        return *this;
    }
    ~FakeFiles() { g_live_files -= count; }
};

struct FakeControl {
    int writer { 0 };
    FakeFiles files;

    bool has_rights() const { return files.count > 0; }
    FakeControl credentials_only() const { return FakeControl { writer, {} }; }
    Result<FakeControl> try_clone() const { return FakeControl { writer, FakeFiles(files.count) }; }
};

using Queue = SegmentQueue<FakeControl>;

void push(Queue& queue, const std::string& bytes, int writer = 0, int files = 0)
{
    auto source = IoBuffer::kernel(bytes.data(), bytes.size());
    auto segment = Queue::try_create_segment(source, 0, bytes.size(), FakeControl { writer, FakeFiles(files) });
    ASSERT_FALSE(segment.is_error());
    queue.append(segment.release_value());
}

auto always = [](const FakeControl&, const FakeControl&) { return true; };

std::string read_stream(Queue& queue, size_t length, bool peek, int* files_out = nullptr)
{
    std::string out(length, '\0');
    auto destination = IoBuffer::kernel(out.data(), out.size());
    auto result = queue.read_stream(destination, 0, length, peek, always);
    EXPECT_FALSE(result.is_error());
    if (result.is_error())
        return {};
    if (files_out)
        *files_out = result.value().control.files.count;
    out.resize(result.value().copied);
    return out;
}

} // namespace

class SockSegmentQueue : public ::testing::Test {
protected:
    void TearDown() override { EXPECT_EQ(g_live_files, 0); }
};

TEST_F(SockSegmentQueue, StreamReadMergesPlainSegmentsAndAccountsBytes)
{
    Queue queue;
    push(queue, "hello ");
    push(queue, "world");
    EXPECT_EQ(queue.bytes(), 11u);
    EXPECT_EQ(queue.count(), 2u);
    EXPECT_EQ(queue.charge(), 11u + 2 * Queue::segment_overhead);
    EXPECT_EQ(read_stream(queue, 8, false), "hello wo");
    EXPECT_EQ(queue.bytes(), 3u);
    EXPECT_EQ(queue.count(), 1u);
    EXPECT_EQ(read_stream(queue, 100, false), "rld");
    EXPECT_TRUE(queue.is_empty());
    EXPECT_EQ(queue.charge(), 0u);
}

TEST_F(SockSegmentQueue, PeekLeavesEverything)
{
    Queue queue;
    push(queue, "abc");
    push(queue, "def");
    EXPECT_EQ(read_stream(queue, 4, true), "abcd");
    EXPECT_EQ(queue.bytes(), 6u);
    EXPECT_EQ(read_stream(queue, 6, false), "abcdef");
}

TEST_F(SockSegmentQueue, ReadStopsAfterTheSegmentCarryingRights)
{
    Queue queue;
    push(queue, "plain-");
    push(queue, "rights", 0, 2);
    push(queue, "later", 0, 1);
    int files = 0;
    // Reads into the rights segment, takes its files, and stops there.
    EXPECT_EQ(read_stream(queue, 100, false, &files), "plain-rights");
    EXPECT_EQ(files, 2);
    EXPECT_EQ(read_stream(queue, 100, false, &files), "later");
    EXPECT_EQ(files, 1);
    EXPECT_TRUE(queue.is_empty());
}

TEST_F(SockSegmentQueue, RightsGoWithTheFirstPartialRead)
{
    Queue queue;
    push(queue, "0123456789", 0, 3);
    int files = 0;
    EXPECT_EQ(read_stream(queue, 4, false, &files), "0123");
    EXPECT_EQ(files, 3);
    EXPECT_EQ(read_stream(queue, 100, false, &files), "456789");
    EXPECT_EQ(files, 0);
}

TEST_F(SockSegmentQueue, PeekCopiesRightsAndStops)
{
    Queue queue;
    push(queue, "ab", 0, 1);
    push(queue, "cd");
    int files = 0;
    EXPECT_EQ(read_stream(queue, 100, true, &files), "ab");
    EXPECT_EQ(files, 1);
    EXPECT_EQ(g_live_files, 1); // the peeked copy is gone again, the queued one stays
    EXPECT_EQ(read_stream(queue, 100, false, &files), "ab");
    EXPECT_EQ(files, 1);
}

TEST_F(SockSegmentQueue, NeverGluesDifferentWritersWhenAsked)
{
    Queue queue;
    push(queue, "aa", 1);
    push(queue, "bb", 2);
    std::string out(10, '\0');
    auto destination = IoBuffer::kernel(out.data(), out.size());
    auto same = [](const FakeControl& a, const FakeControl& b) { return a.writer == b.writer; };
    auto result = queue.read_stream(destination, 0, 10, false, same);
    ASSERT_FALSE(result.is_error());
    EXPECT_EQ(result.value().copied, 2u);
    EXPECT_EQ(result.value().control.writer, 1);
}

TEST_F(SockSegmentQueue, ReadsAtAnOffset)
{
    Queue queue;
    push(queue, "xyz");
    char out[8] = "AB_____";
    auto destination = IoBuffer::kernel(out, sizeof(out));
    auto result = queue.read_stream(destination, 2, 3, false, always);
    ASSERT_FALSE(result.is_error());
    EXPECT_EQ(std::string(out, 5), "ABxyz");
}

TEST_F(SockSegmentQueue, MessageReadTruncatesAndReportsFullLength)
{
    Queue queue;
    push(queue, "message-one", 0, 1);
    push(queue, "two");
    char out[4];
    auto destination = IoBuffer::kernel(out, sizeof(out));
    auto peeked = queue.read_message(destination, sizeof(out), true);
    ASSERT_FALSE(peeked.is_error());
    EXPECT_EQ(peeked.value().message_length, 11u);
    EXPECT_EQ(queue.count(), 2u);
    auto read = queue.read_message(destination, sizeof(out), false);
    ASSERT_FALSE(read.is_error());
    EXPECT_EQ(read.value().copied, 4u);
    EXPECT_EQ(read.value().message_length, 11u);
    EXPECT_EQ(read.value().control.files.count, 1);
    EXPECT_EQ(std::string(out, 4), "mess");
    // The rest of a truncated message is gone.
    EXPECT_EQ(queue.count(), 1u);
    EXPECT_EQ(queue.bytes(), 3u);
}

TEST_F(SockSegmentQueue, EmptyMessagesAreMessages)
{
    Queue queue;
    push(queue, "");
    EXPECT_EQ(queue.count(), 1u);
    EXPECT_EQ(queue.bytes(), 0u);
    char out[1];
    auto destination = IoBuffer::kernel(out, sizeof(out));
    auto read = queue.read_message(destination, sizeof(out), false);
    ASSERT_FALSE(read.is_error());
    EXPECT_EQ(read.value().message_length, 0u);
    EXPECT_TRUE(queue.is_empty());
}

TEST_F(SockSegmentQueue, ClearDropsAttachedFiles)
{
    Queue queue;
    push(queue, "a", 0, 5);
    push(queue, "b", 0, 7);
    EXPECT_EQ(g_live_files, 12);
    queue.clear();
    EXPECT_EQ(g_live_files, 0);
    push(queue, "c", 0, 1);
    // The destructor drops them too (checked in TearDown).
}

TEST_F(SockSegmentQueue, FaultOnFirstCopyConsumesNothing)
{
    Queue queue;
    push(queue, "data");
    auto bad = IoBuffer::user(0x1000, 4); // the host has no user memory: EFAULT
    auto result = queue.read_stream(bad, 0, 4, false, always);
    ASSERT_TRUE(result.is_error());
    EXPECT_EQ(result.error().code, EFAULT);
    EXPECT_EQ(queue.bytes(), 4u);
}

// MSG_PEEK at SO_PEEK_OFF: a stream peek starts skip bytes in, across segments; a message
// peek reads the rest of the message the offset falls in, passing over whole shorter ones.
TEST_F(SockSegmentQueue, PeeksStartPastTheSkippedBytes)
{
    Queue stream;
    push(stream, "abc");
    push(stream, "defg");
    std::string out(8, '\0');
    auto destination = IoBuffer::kernel(out.data(), out.size());
    EXPECT_TRUE(stream.has_stream_bytes_past(6));
    EXPECT_FALSE(stream.has_stream_bytes_past(7));
    auto peeked = stream.read_stream(destination, 0, 3, true, always, Queue::CopyDirectly {}, 2);
    ASSERT_FALSE(peeked.is_error());
    EXPECT_EQ(out.substr(0, peeked.value().copied), "cde");
    EXPECT_EQ(stream.bytes(), 7u) << "a peek consumes nothing";

    Queue messages;
    push(messages, "hello");
    push(messages, "");
    push(messages, "world!");
    EXPECT_TRUE(messages.has_message_past(10));
    EXPECT_FALSE(messages.has_message_past(11));
    auto inside = messages.read_message(destination, 8, true, Queue::CopyDirectly {}, 3);
    ASSERT_FALSE(inside.is_error());
    EXPECT_EQ(out.substr(0, inside.value().copied), "lo");
    EXPECT_EQ(inside.value().message_length, 2u);
    auto empty = messages.read_message(destination, 8, true, Queue::CopyDirectly {}, 5);
    ASSERT_FALSE(empty.is_error());
    EXPECT_EQ(empty.value().message_length, 0u) << "an empty message where the offset lands is read";
    auto next = messages.read_message(destination, 8, true, Queue::CopyDirectly {}, 6);
    ASSERT_FALSE(next.is_error());
    EXPECT_EQ(out.substr(0, next.value().copied), "orld!");
    EXPECT_EQ(messages.count(), 3u);
}
