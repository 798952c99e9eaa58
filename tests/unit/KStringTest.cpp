#include <gtest/gtest.h>
#include <lib/KString.h>

using namespace sk;

TEST(StringView, LengthDelimitedComparison)
{
    StringView a("hello");
    EXPECT_EQ(a.length(), 5u);
    EXPECT_TRUE(a == StringView("hello"));
    EXPECT_FALSE(a == StringView("hell"));
    EXPECT_FALSE(a == StringView("hellO"));
    EXPECT_TRUE(StringView("a\0b", 3) == StringView("a\0b", 3));
    EXPECT_FALSE(StringView("a\0b", 3) == StringView("a\0c", 3));
    EXPECT_TRUE(StringView() == StringView(""));
    EXPECT_EQ(StringView(static_cast<const char*>(nullptr)).length(), 0u);
}

TEST(StringView, PrefixAndSubstring)
{
    StringView path("/tmp/sock");
    EXPECT_TRUE(path.starts_with("/tmp"));
    EXPECT_FALSE(path.starts_with("/tmpx"));
    EXPECT_FALSE(StringView("/t").starts_with("/tmp"));
    EXPECT_TRUE(path.substring(5) == StringView("sock"));
    EXPECT_TRUE(path.substring(1, 3) == StringView("tmp"));
}

TEST(KString, CopiesAndTerminates)
{
    char source[] = "abc";
    auto string = KString::try_create(StringView(source)).release_value();
    source[0] = 'X';
    EXPECT_EQ(string.length(), 3u);
    EXPECT_STREQ(string.chars(), "abc") << "a KString owns a copy";
    EXPECT_EQ(string.chars()[3], '\0');
}

TEST(KString, KeepsEmbeddedNul)
{
    auto string = KString::try_create(StringView("\0abstract", 9)).release_value();
    EXPECT_EQ(string.length(), 9u);
    EXPECT_TRUE(string.view() == StringView("\0abstract", 9));
}

TEST(KString, EmptyAndDefault)
{
    KString empty;
    EXPECT_EQ(empty.length(), 0u);
    EXPECT_STREQ(empty.chars(), "");
    auto created = KString::try_create(StringView()).release_value();
    EXPECT_EQ(created.length(), 0u);
    EXPECT_STREQ(created.chars(), "");
}

TEST(KString, MoveAndClone)
{
    auto a = KString::try_create("name").release_value();
    const char* storage = a.chars();
    KString b = std::move(a);
    EXPECT_EQ(b.chars(), storage) << "moving does not copy";
    EXPECT_EQ(a.length(), 0u);
    auto c = b.try_clone().release_value();
    EXPECT_NE(c.chars(), b.chars());
    EXPECT_TRUE(c.view() == b.view());
    b = std::move(c);
    EXPECT_TRUE(b.view() == StringView("name"));
    b = std::move(b);
    EXPECT_TRUE(b.view() == StringView("name")) << "self-move keeps the string";
}
