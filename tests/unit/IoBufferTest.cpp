#include <cstring>
#include <gtest/gtest.h>
#include <lib/IoBuffer.h>
#include <string>

using namespace sk;

TEST(IoBuffer, KernelReadWriteAtOffset)
{
    char storage[16] = "0123456789abcde";
    auto buffer = IoBuffer::kernel(storage, 15);
    EXPECT_FALSE(buffer.is_user());
    EXPECT_EQ(buffer.size(), 15u);
    char out[4] = {};
    ASSERT_FALSE(buffer.read(3, out, 4).is_error());
    EXPECT_EQ(std::string(out, 4), "3456");
    ASSERT_FALSE(buffer.write(10, "XY", 2).is_error());
    EXPECT_STREQ(storage, "0123456789XYcde");
    ASSERT_FALSE(buffer.fill_zero(14, 1).is_error());
    EXPECT_EQ(storage[14], '\0');
    EXPECT_EQ(storage[13], 'd');
}

TEST(IoBuffer, OutOfRangeIsEFAULT)
{
    char storage[8] = {};
    auto buffer = IoBuffer::kernel(storage, sizeof(storage));
    char out[16];
    EXPECT_EQ(buffer.read(4, out, 5).error().code, EFAULT);
    EXPECT_EQ(buffer.write(9, out, 0).error().code, EFAULT);
    EXPECT_EQ(buffer.read(SIZE_MAX, out, 2).error().code, EFAULT) << "offset + n must not wrap";
    EXPECT_FALSE(buffer.read(8, out, 0).is_error()) << "an empty copy at the end is fine";
}

TEST(IoBuffer, UserCopiesFaultOnTheHost)
{
    auto buffer = IoBuffer::user(0x10000, 64);
    EXPECT_TRUE(buffer.is_user());
    char data[8] = {};
    EXPECT_EQ(buffer.read(0, data, 8).error().code, EFAULT);
    EXPECT_EQ(buffer.write(0, data, 8).error().code, EFAULT);
    EXPECT_EQ(buffer.fill_zero(0, 8).error().code, EFAULT);

    char storage[8] = {};
    auto kernel = IoBuffer::kernel(storage, sizeof(storage));
    EXPECT_EQ(IoBuffer::copy(kernel, 0, buffer, 0, 8).error().code, EFAULT);
    EXPECT_EQ(IoBuffer::copy(buffer, 0, kernel, 0, 8).error().code, EFAULT);
    EXPECT_EQ(IoBuffer::copy(buffer, 0, buffer, 8, 8).error().code, EFAULT);
}

// Scattered kernel memory: user_vector only accepts user iovecs, so kernel segments are
// exercised through IoBuffer::copy between two kernel buffers and through offsets that
// cross segment boundaries of a vector whose user copies fault.
TEST(IoBuffer, VectorOffsetsSkipWholeSegmentsBeforeFaulting)
{
    IoSegment segments[] = { { 0x1000, 4 }, { 0x2000, 0 }, { 0x3000, 6 } };
    auto buffer = IoBuffer::user_vector(segments, 3, 10);
    EXPECT_EQ(buffer.size(), 10u);
    char data[16] = {};
    EXPECT_EQ(buffer.read(4, data, 6).error().code, EFAULT);
    EXPECT_EQ(buffer.read(0, data, 11).error().code, EFAULT);
    EXPECT_FALSE(buffer.read(10, data, 0).is_error()) << "nothing to copy, nothing touched";
}

TEST(IoBuffer, CopyBetweenKernelBuffers)
{
    char source[] = "scatter-gather";
    char destination[32];
    memset(destination, '.', sizeof(destination));
    auto src = IoBuffer::kernel(source, strlen(source));
    auto dst = IoBuffer::kernel(destination, sizeof(destination));
    ASSERT_FALSE(IoBuffer::copy(dst, 2, src, 8, 6).is_error());
    EXPECT_EQ(std::string(destination, 10), "..gather..");
    EXPECT_EQ(IoBuffer::copy(dst, 30, src, 0, 4).error().code, EFAULT);
}

TEST(IoBuffer, KernelVectorCrossesSegments)
{
    char a[3] = { 'a', 'b', 'c' };
    char b[1] = { 'd' };
    char c[5] = { 'e', 'f', 'g', 'h', 'i' };
    IoSegment segments[] = { { reinterpret_cast<uptr>(a), 3 }, { reinterpret_cast<uptr>(b), 0 },
        { reinterpret_cast<uptr>(b), 1 }, { reinterpret_cast<uptr>(c), 5 } };
    auto buffer = IoBuffer::kernel_vector(segments, 4, 9);
    char out[9] = {};
    ASSERT_FALSE(buffer.read(0, out, 9).is_error());
    EXPECT_EQ(std::string(out, 9), "abcdefghi");
    ASSERT_FALSE(buffer.read(2, out, 4).is_error());
    EXPECT_EQ(std::string(out, 4), "cdef") << "a read starting inside the first segment spans three";

    ASSERT_FALSE(buffer.write(1, "1234567", 7).is_error());
    EXPECT_EQ(std::string(a, 3), "a12");
    EXPECT_EQ(b[0], '3');
    EXPECT_EQ(std::string(c, 5), "4567i");

    ASSERT_FALSE(buffer.fill_zero(2, 3).is_error());
    EXPECT_EQ(a[2], '\0');
    EXPECT_EQ(b[0], '\0');
    EXPECT_EQ(c[0], '\0');
    EXPECT_EQ(c[1], '5');

    char linear[9];
    auto destination = IoBuffer::kernel(linear, sizeof(linear));
    ASSERT_FALSE(IoBuffer::copy(destination, 0, buffer, 0, 9).is_error());
    EXPECT_EQ(std::string(linear, 9),
        std::string("a1\0\0\0"
                    "567i",
            9));
}

TEST(IoBuffer, TotalLargerThanTheSegmentsIsEFAULTNotAShortCopy)
{
    char a[4] = {};
    IoSegment segments[] = { { reinterpret_cast<uptr>(a), 4 } };
    auto buffer = IoBuffer::kernel_vector(segments, 1, 8);
    char out[8];
    EXPECT_FALSE(buffer.read(0, out, 4).is_error());
    EXPECT_EQ(buffer.read(0, out, 8).error().code, EFAULT);
}
