#include <cstring>
#include <gtest/gtest.h>
#include <lib/RingBuffer.h>
#include <string>

using namespace sk;

namespace {

RingBuffer make(size_t capacity)
{
    auto result = RingBuffer::try_create(capacity);
    EXPECT_FALSE(result.is_error());
    return result.release_value();
}

size_t write_string(RingBuffer& ring, const std::string& s)
{
    return ring.write(reinterpret_cast<const u8*>(s.data()), s.size());
}

std::string read_string(RingBuffer& ring, size_t n)
{
    std::string out(n, '\0');
    size_t got = ring.read(reinterpret_cast<u8*>(out.data()), n);
    out.resize(got);
    return out;
}

} // namespace

TEST(RingBuffer, ZeroCapacityIsRejected)
{
    auto result = RingBuffer::try_create(0);
    ASSERT_TRUE(result.is_error());
    EXPECT_EQ(result.error().code, EINVAL);
}

TEST(RingBuffer, EmptyAndFull)
{
    auto ring = make(8);
    EXPECT_TRUE(ring.is_empty());
    EXPECT_EQ(ring.free_space(), 8u);
    EXPECT_EQ(read_string(ring, 4), "");
    EXPECT_EQ(write_string(ring, "0123456789"), 8u) << "a write takes only what fits";
    EXPECT_TRUE(ring.is_full());
    EXPECT_EQ(ring.free_space(), 0u);
    EXPECT_EQ(write_string(ring, "x"), 0u);
    EXPECT_EQ(read_string(ring, 100), "01234567");
    EXPECT_TRUE(ring.is_empty());
}

TEST(RingBuffer, WrapAroundKeepsOrder)
{
    auto ring = make(8);
    EXPECT_EQ(write_string(ring, "abcdef"), 6u);
    EXPECT_EQ(read_string(ring, 4), "abcd");
    // Tail at 6: "ghijk" occupies 6, 7, 0, 1, 2.
    EXPECT_EQ(write_string(ring, "ghijk"), 5u);
    EXPECT_EQ(ring.used(), 7u);
    EXPECT_EQ(write_string(ring, "lmn"), 1u);
    EXPECT_TRUE(ring.is_full());
    EXPECT_EQ(read_string(ring, 8), "efghijkl");
}

TEST(RingBuffer, ManyOddSizedRoundsAgainstAReference)
{
    auto ring = make(13);
    std::string expected;
    u8 next = 0;
    for (int round = 0; round < 500; ++round) {
        size_t want_write = static_cast<size_t>((round * 7) % 11);
        u8 chunk[16];
        for (size_t i = 0; i < want_write; ++i)
            chunk[i] = next++;
        size_t wrote = ring.write(chunk, want_write);
        EXPECT_EQ(wrote, std::min(want_write, 13 - expected.size()));
        expected.append(reinterpret_cast<char*>(chunk), wrote);
        next = static_cast<u8>(next - (want_write - wrote)); // unwritten bytes are re-sent later
        size_t want_read = static_cast<size_t>((round * 5) % 9);
        std::string got = read_string(ring, want_read);
        ASSERT_EQ(got, expected.substr(0, got.size())) << "round " << round;
        EXPECT_EQ(got.size(), std::min(want_read, expected.size()));
        expected.erase(0, got.size());
        ASSERT_EQ(ring.used(), expected.size());
    }
}

TEST(RingBuffer, PeekDoesNotConsumeAndHonoursOffset)
{
    auto ring = make(8);
    write_string(ring, "abcdef");
    read_string(ring, 5);
    write_string(ring, "ghijkl"); // wraps: "fghijkl"
    u8 out[8] = {};
    EXPECT_EQ(ring.peek(2, out, 4), 4u);
    EXPECT_EQ(std::string(reinterpret_cast<char*>(out), 4), "hijk");
    EXPECT_EQ(ring.peek(5, out, 10), 2u);
    EXPECT_EQ(std::string(reinterpret_cast<char*>(out), 2), "kl");
    EXPECT_EQ(ring.peek(7, out, 1), 0u);
    EXPECT_EQ(ring.used(), 7u);
    EXPECT_EQ(ring.discard(3), 3u);
    EXPECT_EQ(ring.discard(100), 4u);
    EXPECT_TRUE(ring.is_empty());
}

TEST(RingBuffer, MoveTransfersStorage)
{
    auto ring = make(4);
    write_string(ring, "xy");
    RingBuffer other = std::move(ring);
    EXPECT_EQ(other.used(), 2u);
    EXPECT_EQ(ring.capacity(), 0u);
    EXPECT_EQ(read_string(other, 2), "xy");
}

TEST(RingBuffer, IoBufferRoundTripAcrossTheWrap)
{
    auto ring = make(10);
    write_string(ring, "1234567");
    EXPECT_EQ(read_string(ring, 6), "123456"); // "7" stays at index 6

    const char* text = "hello, ring";
    auto source = IoBuffer::kernel(text, strlen(text));
    auto wrote = ring.write_from(source, 2, 100);
    ASSERT_FALSE(wrote.is_error());
    EXPECT_EQ(wrote.value(), 9u) << "limited by the free space";
    EXPECT_TRUE(ring.is_full());

    char out[16] = {};
    auto destination = IoBuffer::kernel(out, sizeof(out));
    auto peeked = ring.peek_into(destination, 0, 4, 100);
    ASSERT_FALSE(peeked.is_error());
    EXPECT_EQ(peeked.value(), 6u);
    EXPECT_EQ(std::string(out, 6), ", ring");
    EXPECT_EQ(ring.used(), 10u) << "peek consumes nothing";

    auto read = ring.read_into(destination, 1, 100);
    ASSERT_FALSE(read.is_error());
    EXPECT_EQ(read.value(), 10u);
    EXPECT_EQ(std::string(out + 1, 10), "7llo, ring");
    EXPECT_TRUE(ring.is_empty());
}

TEST(RingBuffer, WriteFromFaultCommitsNothing)
{
    auto ring = make(8);
    write_string(ring, "ab");
    auto user = IoBuffer::user(0x1000, 4);
    auto result = ring.write_from(user, 0, 4);
    ASSERT_TRUE(result.is_error());
    EXPECT_EQ(result.error().code, EFAULT);
    EXPECT_EQ(ring.used(), 2u);
    EXPECT_EQ(read_string(ring, 8), "ab");
}

TEST(RingBuffer, ReadIntoFaultConsumesNothing)
{
    auto ring = make(8);
    write_string(ring, "abcdef");
    read_string(ring, 4);
    write_string(ring, "ghijkl"); // wrapped, so the copy would be two pieces
    auto user = IoBuffer::user(0x1000, 16);
    auto result = ring.read_into(user, 0, 16);
    ASSERT_TRUE(result.is_error());
    EXPECT_EQ(result.error().code, EFAULT);
    EXPECT_EQ(read_string(ring, 8), "efghijkl");
}

TEST(RingBuffer, IoBufferRangeOutsideTheBufferFaults)
{
    auto ring = make(8);
    char small[4] = { 'a', 'b', 'c', 'd' };
    auto source = IoBuffer::kernel(small, sizeof(small));
    auto result = ring.write_from(source, 2, 4);
    ASSERT_TRUE(result.is_error());
    EXPECT_EQ(result.error().code, EFAULT);
    EXPECT_TRUE(ring.is_empty());
}
