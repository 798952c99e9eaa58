#include <gtest/gtest.h>
#include <lib/KString.h>
#include <lib/Vector.h>
#include <memory>

using namespace sk;

namespace {

// Move-only, counts live instances, and poisons moved-from values.
struct MoveOnly {
    explicit MoveOnly(int v)
        : value(v)
    {
        ++alive;
    }
    MoveOnly(MoveOnly&& other)
        : value(std::exchange(other.value, -1))
    {
        ++alive;
    }
    MoveOnly& operator=(MoveOnly&& other)
    {
        value = std::exchange(other.value, -1);
        return *this;
    }
    MoveOnly(const MoveOnly&) = delete;
    ~MoveOnly() { --alive; }
    int value;
    static inline int alive = 0;
};

} // namespace

TEST(Vector, GrowthWithMoveOnlyElements)
{
    MoveOnly::alive = 0;
    {
        Vector<MoveOnly> vector;
        for (int i = 0; i < 1000; ++i)
            ASSERT_FALSE(vector.try_append(MoveOnly(i)).is_error());
        EXPECT_EQ(vector.size(), 1000u);
        EXPECT_GE(vector.capacity(), 1000u);
        EXPECT_EQ(MoveOnly::alive, 1000) << "reallocation destroys the moved-from originals";
        for (int i = 0; i < 1000; ++i)
            ASSERT_EQ(vector[i].value, i);
    }
    EXPECT_EQ(MoveOnly::alive, 0);
}

TEST(Vector, UniquePtrElements)
{
    Vector<std::unique_ptr<int>> vector;
    for (int i = 0; i < 10; ++i)
        ASSERT_FALSE(vector.try_append(std::make_unique<int>(i)).is_error());
    auto last = vector.take_last();
    EXPECT_EQ(*last, 9);
    EXPECT_EQ(vector.size(), 9u);
    vector.remove(0);
    EXPECT_EQ(*vector.first(), 1);
    EXPECT_EQ(*vector.last(), 8);
    EXPECT_EQ(vector.size(), 8u);
}

TEST(Vector, RemoveShiftsInOrder)
{
    Vector<int> vector;
    for (int i = 0; i < 5; ++i)
        ASSERT_FALSE(vector.try_append(i).is_error());
    vector.remove(2);
    vector.remove(3);
    ASSERT_EQ(vector.size(), 3u);
    EXPECT_EQ(vector[0], 0);
    EXPECT_EQ(vector[1], 1);
    EXPECT_EQ(vector[2], 3);
}

TEST(Vector, ResizeConstructsAndDestroys)
{
    MoveOnly::alive = 0;
    Vector<KString> strings;
    ASSERT_FALSE(strings.try_resize(3).is_error());
    EXPECT_EQ(strings.size(), 3u);
    EXPECT_EQ(strings[2].length(), 0u);
    ASSERT_FALSE(strings.try_resize(1).is_error());
    EXPECT_EQ(strings.size(), 1u);
}

TEST(Vector, MoveAndClear)
{
    MoveOnly::alive = 0;
    Vector<MoveOnly> a;
    ASSERT_FALSE(a.try_append(MoveOnly(1)).is_error());
    ASSERT_FALSE(a.try_append(MoveOnly(2)).is_error());
    Vector<MoveOnly> b = std::move(a);
    EXPECT_TRUE(a.is_empty());
    EXPECT_EQ(a.capacity(), 0u);
    EXPECT_EQ(b.size(), 2u);
    a = std::move(b);
    EXPECT_EQ(a.size(), 2u);
    a = std::move(a);
    EXPECT_EQ(a.size(), 2u) << "self-move keeps the contents";
    int sum = 0;
    for (auto& element : a)
        sum += element.value;
    EXPECT_EQ(sum, 3);
    a.clear();
    EXPECT_EQ(MoveOnly::alive, 0);
    EXPECT_GT(a.capacity(), 0u) << "clear keeps the storage";
    a.clear_and_free();
    EXPECT_EQ(a.capacity(), 0u);
}

TEST(Vector, HugeCapacityIsENOMEMNotACrash)
{
    Vector<u64> vector;
    auto result = vector.try_ensure_capacity(SIZE_MAX / 16);
    ASSERT_TRUE(result.is_error());
    EXPECT_EQ(result.error().code, ENOMEM);
    EXPECT_EQ(vector.capacity(), 0u);
}

// count * sizeof(T) wraps around to a tiny allocation unless the size is checked.
TEST(Vector, CapacityWhoseByteSizeOverflowsIsENOMEM)
{
    Vector<u64> vector;
    auto result = vector.try_ensure_capacity(SIZE_MAX / sizeof(u64) + 2);
    ASSERT_TRUE(result.is_error());
    EXPECT_EQ(result.error().code, ENOMEM);
    EXPECT_EQ(vector.capacity(), 0u);
}
