// kernel/lib/Memory.cpp is kernel-only (libc provides these on the host), so it is compiled
// here under other names and checked against libc for every alignment pair and many lengths.
#include <cstring>
#include <gtest/gtest.h>
#include <vector>

#define memcpy kernel_memcpy
#define memmove kernel_memmove
#define memset kernel_memset
#define memcmp kernel_memcmp
#define strlen kernel_strlen
#define strnlen kernel_strnlen
#define strcmp kernel_strcmp
#define strncmp kernel_strncmp
#define strchr kernel_strchr
#pragma push_macro("SOCKEYE_KERNEL")
#undef SOCKEYE_KERNEL
#define SOCKEYE_KERNEL 1
#include "../../kernel/lib/Memory.cpp"
#pragma pop_macro("SOCKEYE_KERNEL")
#undef memcpy
#undef memmove
#undef memset
#undef memcmp
#undef strlen
#undef strnlen
#undef strcmp
#undef strncmp
#undef strchr

namespace {

constexpr size_t arena = 512;
constexpr size_t guard = 32;

std::vector<unsigned char> pattern(size_t n, unsigned seed)
{
    std::vector<unsigned char> bytes(n);
    for (size_t i = 0; i < n; ++i)
        bytes[i] = static_cast<unsigned char>(i * 131 + seed * 7 + 1);
    return bytes;
}

int sign(int v) { return (v > 0) - (v < 0); }

const size_t lengths[] = { 0, 1, 2, 7, 8, 9, 15, 16, 17, 31, 63, 64, 65, 127, 128, 129, 200, 300 };

} // namespace

TEST(Memory, MemcpyEveryAlignmentPair)
{
    auto source = pattern(arena, 1);
    for (size_t src_offset = 0; src_offset < 16; ++src_offset) {
        for (size_t dst_offset = 0; dst_offset < 16; ++dst_offset) {
            for (size_t n : lengths) {
                auto mine = pattern(arena, 2);
                auto expected = mine;
                void* result = kernel_memcpy(mine.data() + guard + dst_offset, source.data() + src_offset, n);
                EXPECT_EQ(result, mine.data() + guard + dst_offset);
                memcpy(expected.data() + guard + dst_offset, source.data() + src_offset, n);
                ASSERT_EQ(mine, expected) << "src+" << src_offset << " dst+" << dst_offset << " n=" << n;
            }
        }
    }
}

TEST(Memory, MemmoveOverlappingBothWays)
{
    for (size_t src_offset = 0; src_offset < 16; ++src_offset) {
        for (size_t dst_offset = 0; dst_offset < 40; ++dst_offset) {
            for (size_t n : lengths) {
                auto mine = pattern(arena, 3);
                auto expected = mine;
                size_t s = guard + src_offset, d = guard + dst_offset;
                kernel_memmove(mine.data() + d, mine.data() + s, n);
                memmove(expected.data() + d, expected.data() + s, n);
                ASSERT_EQ(mine, expected) << "src+" << src_offset << " dst+" << dst_offset << " n=" << n;
                // And the other direction: source after destination.
                mine = pattern(arena, 4);
                expected = mine;
                kernel_memmove(mine.data() + s, mine.data() + d, n);
                memmove(expected.data() + s, expected.data() + d, n);
                ASSERT_EQ(mine, expected) << "reverse src+" << dst_offset << " dst+" << src_offset << " n=" << n;
            }
        }
    }
}

TEST(Memory, MemsetEveryAlignmentStaysInBounds)
{
    for (size_t offset = 0; offset < 16; ++offset) {
        for (size_t n : lengths) {
            auto mine = pattern(arena, 5);
            auto expected = mine;
            EXPECT_EQ(kernel_memset(mine.data() + guard + offset, 0x1a5, n), mine.data() + guard + offset);
            memset(expected.data() + guard + offset, 0x1a5, n);
            ASSERT_EQ(mine, expected) << "dst+" << offset << " n=" << n << " (only the low byte is used)";
        }
    }
}

TEST(Memory, MemcmpFindsTheFirstDifferenceWithUnsignedBytes)
{
    for (size_t offset = 0; offset < 9; ++offset) {
        for (size_t n : lengths) {
            auto a = pattern(arena, 6);
            auto b = a;
            EXPECT_EQ(kernel_memcmp(a.data() + offset, b.data() + offset, n), 0);
            if (n == 0)
                continue;
            for (size_t at : { size_t(0), n / 2, n - 1 }) {
                b = a;
                b[offset + at] = static_cast<unsigned char>(a[offset + at] + 0x80); // crosses the sign bit
                // A later difference in the other direction must not matter.
                if (at + 1 < n)
                    a[offset + n - 1] ^= 0x40, b[offset + n - 1] = static_cast<unsigned char>(a[offset + n - 1] - 1);
                EXPECT_EQ(sign(kernel_memcmp(a.data() + offset, b.data() + offset, n)),
                    sign(memcmp(a.data() + offset, b.data() + offset, n)))
                    << "offset " << offset << " n " << n << " at " << at;
                EXPECT_NE(kernel_memcmp(a.data() + offset, b.data() + offset, n), 0);
                a = pattern(arena, 6);
            }
        }
    }
    // Mutually misaligned buffers take the byte path.
    const char* x = "xxabcdefghijklmnop";
    const char* y = "yabcdefghijklmnoq";
    EXPECT_LT(kernel_memcmp(x + 2, y + 1, 16), 0);
    EXPECT_EQ(kernel_memcmp(x + 2, y + 1, 15), 0);
}

TEST(Memory, StringFunctions)
{
    EXPECT_EQ(kernel_strlen(""), 0u);
    EXPECT_EQ(kernel_strlen("sockeye"), 7u);
    EXPECT_EQ(kernel_strnlen("sockeye", 3), 3u);
    EXPECT_EQ(kernel_strnlen("sock", 10), 4u);
    EXPECT_EQ(kernel_strnlen("sock", 0), 0u);

    EXPECT_EQ(kernel_strcmp("abc", "abc"), 0);
    EXPECT_LT(kernel_strcmp("abc", "abd"), 0);
    EXPECT_GT(kernel_strcmp("abc", "ab"), 0);
    EXPECT_LT(kernel_strcmp("a", "a\x80"), 0);
    EXPECT_GT(kernel_strcmp("\xff", "a"), 0) << "bytes compare as unsigned";

    EXPECT_EQ(kernel_strncmp("abcX", "abcY", 3), 0);
    EXPECT_LT(kernel_strncmp("abcX", "abcY", 4), 0);
    EXPECT_EQ(kernel_strncmp("ab", "ab", 10), 0) << "stops at the NUL";
    EXPECT_EQ(kernel_strncmp("x", "y", 0), 0);

    const char* path = "/tmp/sock";
    EXPECT_EQ(kernel_strchr(path, '/'), path);
    EXPECT_EQ(kernel_strchr(path, 's'), path + 5);
    EXPECT_EQ(kernel_strchr(path, 'z'), nullptr);
    EXPECT_EQ(kernel_strchr(path, '\0'), path + 9) << "the terminator is part of the string";
}
