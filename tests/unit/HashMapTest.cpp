#include <gtest/gtest.h>
#include <lib/HashMap.h>
#include <lib/RefPtr.h>
#include <map>
#include <random>
#include <string>

using namespace sk;

namespace {

struct Counted : RefCounted<Counted> {
    explicit Counted(int v)
        : value(v)
    {
        ++alive;
    }
    ~Counted() { --alive; }
    int value;
    static inline int alive = 0;
};

KString kstring(const char* s)
{
    auto result = KString::try_create(s);
    EXPECT_FALSE(result.is_error());
    return result.release_value();
}

} // namespace

TEST(Hash, Fnv1aKnownVectors)
{
    EXPECT_EQ(fnv1a("", 0), 0xcbf29ce484222325ull);
    EXPECT_EQ(fnv1a("a", 1), 0xaf63dc4c8601ec8cull);
    EXPECT_EQ(fnv1a("foobar", 6), 0x85944171f73967e8ull);
    EXPECT_EQ(DefaultHash<StringView>::hash(StringView("foobar")), 0x85944171f73967e8ull);
    auto key = kstring("foobar");
    EXPECT_EQ(DefaultHash<KString>::hash(key), 0x85944171f73967e8ull);
}

TEST(Hash, PairOrderMatters)
{
    using P = std::pair<u32, u64>;
    EXPECT_NE(DefaultHash<P>::hash(P { 1, 2 }), DefaultHash<P>::hash(P { 2, 1 }));
    EXPECT_EQ(DefaultHash<P>::hash(P { 7, 9 }), DefaultHash<P>::hash(P { 7, 9 }));
}

TEST(HashMap, EmptyMap)
{
    HashMap<int, int> map;
    EXPECT_EQ(map.size(), 0u);
    EXPECT_EQ(map.get(3), nullptr);
    EXPECT_FALSE(map.remove(3));
    EXPECT_TRUE(map.begin() == map.end());
}

TEST(HashMap, SetGetReplaceRemove)
{
    HashMap<u64, int> map;
    ASSERT_FALSE(map.try_set(10, 100).is_error());
    ASSERT_FALSE(map.try_set(20, 200).is_error());
    ASSERT_NE(map.get(10), nullptr);
    EXPECT_EQ(*map.get(10), 100);
    ASSERT_FALSE(map.try_set(10, 111).is_error());
    EXPECT_EQ(map.size(), 2u) << "replacing does not add";
    EXPECT_EQ(*map.get(10), 111);
    EXPECT_TRUE(map.remove(10));
    EXPECT_FALSE(map.remove(10));
    EXPECT_EQ(map.get(10), nullptr);
    EXPECT_EQ(*map.get(20), 200);
    EXPECT_EQ(map.size(), 1u);
}

TEST(HashMap, ManyInsertsAndRemovesAgainstStdMap)
{
    HashMap<u64, u64> map;
    std::map<u64, u64> reference;
    std::mt19937_64 random(12345);
    for (int i = 0; i < 200000; ++i) {
        u64 key = random() % 5000;
        if (random() % 3) {
            ASSERT_FALSE(map.try_set(key, i).is_error());
            reference[key] = i;
        } else {
            EXPECT_EQ(map.remove(key), reference.erase(key) == 1);
        }
    }
    ASSERT_EQ(map.size(), reference.size());
    for (auto& [key, value] : reference) {
        auto* found = map.get(key);
        ASSERT_NE(found, nullptr) << key;
        EXPECT_EQ(*found, value);
    }
    size_t iterated = 0;
    for (auto& entry : map) {
        ++iterated;
        EXPECT_EQ(reference.at(entry.key), entry.value);
    }
    EXPECT_EQ(iterated, reference.size());
}

// A churn of distinct keys (each inserted then removed) used to be what fills a naive
// open-addressing table with tombstones until every miss scans all of it.
TEST(HashMap, ChurnDoesNotGrowOrClogTheTable)
{
    HashMap<u64, int> map;
    for (u64 i = 0; i < 8; ++i)
        ASSERT_FALSE(map.try_set(i, 0).is_error());
    size_t capacity = 0;
    for (u64 i = 1000; i < 300000; ++i) {
        ASSERT_FALSE(map.try_set(i, 1).is_error());
        ASSERT_TRUE(map.remove(i));
        ASSERT_LE((map.size() + map.tombstone_count()) * 4, map.capacity() * 3);
        if (i == 2000)
            capacity = map.capacity(); // at most 9 live entries: one growth at most
    }
    EXPECT_EQ(map.size(), 8u);
    EXPECT_LE(capacity, 32u);
    EXPECT_EQ(map.capacity(), capacity) << "churn at constant size must not keep growing the table";
    for (u64 i = 0; i < 8; ++i)
        EXPECT_NE(map.get(i), nullptr);
    EXPECT_EQ(map.get(1000), nullptr);
}

TEST(HashMap, MoveOnlyKeysAndValues)
{
    Counted::alive = 0;
    {
        HashMap<KString, RefPtr<Counted>> map;
        for (int i = 0; i < 100; ++i) {
            auto object = try_make_ref<Counted>(i).release_value();
            std::string name = "socket-" + std::to_string(i);
            ASSERT_FALSE(map.try_set(kstring(name.c_str()), std::move(object)).is_error());
        }
        EXPECT_EQ(Counted::alive, 100) << "the map holds the only references, across rehashes";
        auto* found = map.get(StringView("socket-42"));
        ASSERT_NE(found, nullptr);
        EXPECT_EQ((*found)->value, 42);
        EXPECT_EQ(map.get("socket-420"), nullptr);

        RefPtr<Counted> taken;
        EXPECT_TRUE(map.take(StringView("socket-7"), taken));
        EXPECT_EQ(taken->value, 7);
        EXPECT_EQ(Counted::alive, 100);
        taken = nullptr;
        EXPECT_EQ(Counted::alive, 99);

        EXPECT_TRUE(map.remove(StringView("socket-8")));
        EXPECT_EQ(Counted::alive, 98) << "remove drops the value";

        ASSERT_FALSE(map.try_set(kstring("socket-9"), try_make_ref<Counted>(-9).release_value()).is_error());
        EXPECT_EQ(Counted::alive, 98) << "replacing drops the old value";
        EXPECT_EQ((*map.get("socket-9"))->value, -9);

        HashMap<KString, RefPtr<Counted>> moved = std::move(map);
        EXPECT_EQ(map.size(), 0u);
        EXPECT_EQ(moved.size(), 98u);
    }
    EXPECT_EQ(Counted::alive, 0) << "destroying the map drops every value exactly once";
}

TEST(HashMap, NamesWithEmbeddedNulAreDistinct)
{
    HashMap<KString, int> map;
    ASSERT_FALSE(map.try_set(KString::try_create(StringView("\0ab", 3)).release_value(), 1).is_error());
    ASSERT_FALSE(map.try_set(KString::try_create(StringView("\0ac", 3)).release_value(), 2).is_error());
    EXPECT_EQ(*map.get(StringView("\0ab", 3)), 1);
    EXPECT_EQ(*map.get(StringView("\0ac", 3)), 2);
    EXPECT_EQ(map.get(StringView("\0a", 2)), nullptr);
}

TEST(HashMap, PairKeys)
{
    HashMap<std::pair<u32, u64>, int> map;
    for (u32 fs = 0; fs < 4; ++fs)
        for (u64 ino = 0; ino < 100; ++ino)
            ASSERT_FALSE(map.try_set({ fs, ino }, static_cast<int>(fs * 1000 + ino)).is_error());
    EXPECT_EQ(map.size(), 400u);
    EXPECT_EQ(*map.get(std::pair<u32, u64> { 3, 99 }), 3099);
    EXPECT_EQ(map.get(std::pair<u32, u64> { 4, 0 }), nullptr);
}

TEST(HashMap, RemoveWhileIteratingAndRemoveIf)
{
    HashMap<int, int> map;
    for (int i = 0; i < 1000; ++i)
        ASSERT_FALSE(map.try_set(i, i).is_error());
    for (auto& entry : map) {
        if (entry.key % 2)
            map.remove(entry.key);
    }
    EXPECT_EQ(map.size(), 500u);
    EXPECT_EQ(map.remove_if([](auto& entry) { return entry.key % 4 == 0; }), 250u);
    EXPECT_EQ(map.size(), 250u);
    int seen = 0;
    for (auto& entry : map) {
        EXPECT_EQ(entry.key % 4, 2);
        ++seen;
    }
    EXPECT_EQ(seen, 250);
}

TEST(HashMap, EnsureCapacityPreventsLaterAllocation)
{
    HashMap<int, int> map;
    ASSERT_FALSE(map.try_ensure_capacity(100).is_error());
    size_t capacity = map.capacity();
    EXPECT_GE(capacity * 3, 100u * 4);
    for (int i = 0; i < 100; ++i)
        ASSERT_FALSE(map.try_set(i, i).is_error());
    EXPECT_EQ(map.capacity(), capacity);
}

TEST(HashMap, ClearKeepsWorking)
{
    HashMap<int, KString> map;
    for (int i = 0; i < 50; ++i)
        ASSERT_FALSE(map.try_set(i, kstring("v")).is_error());
    map.clear();
    EXPECT_EQ(map.size(), 0u);
    EXPECT_EQ(map.get(3), nullptr);
    ASSERT_FALSE(map.try_set(3, kstring("again")).is_error());
    EXPECT_EQ(map.get(3)->view(), StringView("again"));
}
