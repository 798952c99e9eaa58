#include <gtest/gtest.h>
#include <lib/Bitmap.h>
#include <random>
#include <vector>

using namespace sk;

TEST(Bitmap, LowestSetBitMatchesBuiltin)
{
    for (unsigned i = 0; i < 64; ++i) {
        EXPECT_EQ(lowest_set_bit(1ull << i), i);
        EXPECT_EQ(lowest_set_bit(~0ull << i), i);
    }
    EXPECT_EQ(lowest_set_bit(0xa0), 5u);
}

TEST(Bitmap, Ext2BitOrder)
{
    u8 bytes[2] = { 0, 0 };
    BitmapView view(bytes, 16);
    view.set(0);
    view.set(9);
    EXPECT_EQ(bytes[0], 0x01);
    EXPECT_EQ(bytes[1], 0x02);
    EXPECT_TRUE(view.get(9));
    view.clear(0);
    EXPECT_EQ(bytes[0], 0);
    EXPECT_FALSE(view.get(0));
}

TEST(Bitmap, CreatedZeroed)
{
    auto bitmap = Bitmap::try_create(1000).release_value();
    EXPECT_EQ(bitmap.count_set(), 0u);
    EXPECT_EQ(bitmap.find_first_set(), BitmapView::none);
    EXPECT_EQ(bitmap.find_first_clear(), 0u);
}

TEST(Bitmap, FindFirstClearAcrossWords)
{
    auto bitmap = Bitmap::try_create(300).release_value();
    bitmap.set_range(0, 300, true);
    EXPECT_EQ(bitmap.find_first_clear(), BitmapView::none);
    bitmap.clear(250);
    EXPECT_EQ(bitmap.find_first_clear(), 250u);
    EXPECT_EQ(bitmap.find_first_clear(3, 250), BitmapView::none) << "the end is exclusive";
    EXPECT_EQ(bitmap.find_first_clear(3, 251), 250u);
    EXPECT_EQ(bitmap.find_first_clear(251), BitmapView::none);
    bitmap.clear(5);
    EXPECT_EQ(bitmap.find_first_clear(), 5u);
    EXPECT_EQ(bitmap.find_first_clear(6), 250u);
}

TEST(Bitmap, SearchStopsAtBitCountNotTheLastByte)
{
    // 12 bits live in two bytes; bits 12..15 are clear padding and must never be returned.
    auto bitmap = Bitmap::try_create(12).release_value();
    bitmap.set_range(0, 12, true);
    EXPECT_EQ(bitmap.find_first_clear(), BitmapView::none);
    EXPECT_EQ(bitmap.find_first_clear(0, 1000), BitmapView::none);
}

TEST(Bitmap, SetRangeUnaligned)
{
    auto bitmap = Bitmap::try_create(100).release_value();
    bitmap.set_range(3, 70, true);
    EXPECT_EQ(bitmap.count_set(), 70u);
    EXPECT_FALSE(bitmap.get(2));
    EXPECT_TRUE(bitmap.get(3));
    EXPECT_TRUE(bitmap.get(72));
    EXPECT_FALSE(bitmap.get(73));
    bitmap.set_range(10, 5, false);
    EXPECT_EQ(bitmap.count_set(), 65u);
    EXPECT_EQ(bitmap.find_first_clear(3), 10u);
}

TEST(Bitmap, ClearRun)
{
    auto bitmap = Bitmap::try_create(200).release_value();
    bitmap.set_range(0, 200, true);
    bitmap.set_range(10, 3, false);
    bitmap.set_range(70, 4, false);
    bitmap.set_range(150, 50, false);
    EXPECT_EQ(bitmap.find_clear_run(0, 200, 3), 10u);
    EXPECT_EQ(bitmap.find_clear_run(0, 200, 4), 70u);
    EXPECT_EQ(bitmap.find_clear_run(0, 200, 5), 150u);
    EXPECT_EQ(bitmap.find_clear_run(0, 200, 50), 150u);
    EXPECT_EQ(bitmap.find_clear_run(0, 200, 51), BitmapView::none);
    EXPECT_EQ(bitmap.find_clear_run(0, 160, 20), BitmapView::none) << "the run must fit before end";
    EXPECT_EQ(bitmap.find_clear_run(11, 200, 3), 70u);
}

TEST(Bitmap, RandomAgainstReference)
{
    const size_t bits = 1000;
    auto bitmap = Bitmap::try_create(bits).release_value();
    std::vector<bool> reference(bits);
    std::mt19937 random(7);
    for (int i = 0; i < 20000; ++i) {
        size_t bit = random() % bits;
        bool value = random() % 8 != 0; // mostly set, so clear bits are rare
        bitmap.set(bit, value);
        reference[bit] = value;
        size_t start = random() % bits;
        size_t end = start + random() % (bits - start + 1);
        size_t expected = BitmapView::none;
        for (size_t b = start; b < end; ++b) {
            if (!reference[b]) {
                expected = b;
                break;
            }
        }
        ASSERT_EQ(bitmap.find_first_clear(start, end), expected) << "[" << start << ", " << end << ")";
    }
}

TEST(Bitmap, ViewOverUnalignedMemory)
{
    alignas(8) u8 storage[40] = {};
    BitmapView view(storage + 3, 256);
    view.set_range(0, 256, true);
    view.clear(200);
    EXPECT_EQ(view.find_first_clear(), 200u);
    EXPECT_EQ(storage[2], 0) << "nothing written before the view";
    EXPECT_EQ(storage[3 + 32], 0) << "nothing written after the view";
}
