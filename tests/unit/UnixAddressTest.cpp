// sockaddr_un parsing and Linux's reported lengths (net/unix/af_unix.c: unix_validate_addr,
// unix_mkname_bsd, unix_getname).
#include <cstring>
#include <gtest/gtest.h>
#include <sockfs/logic/UnixAddress.h>

using namespace sk;

namespace {

struct RawAddress {
    u16 family { net::af_unix };
    char path[net::sockaddr_storage_size - 2] {};
};

RawAddress make(const char* path, size_t length, u16 family = net::af_unix)
{
    RawAddress raw;
    raw.family = family;
    memcpy(raw.path, path, length);
    return raw;
}

RawAddress make(const char* path) { return make(path, strlen(path)); }

} // namespace

TEST(UnixAddress, PathEndsAtNulOrAddrlen)
{
    auto raw = make("/tmp/a.sock");
    auto parsed = UnixAddress::parse(&raw, 2 + strlen("/tmp/a.sock") + 1);
    ASSERT_FALSE(parsed.is_error());
    EXPECT_TRUE(parsed.value().is_path());
    EXPECT_TRUE(parsed.value().bytes() == StringView("/tmp/a.sock"));
    EXPECT_EQ(parsed.value().encoded_length(), 2u + 11 + 1);

    auto longer = UnixAddress::parse(&raw, net::sockaddr_un_size);
    ASSERT_FALSE(longer.is_error());
    EXPECT_TRUE(longer.value().bytes() == StringView("/tmp/a.sock"));

    auto shorter = UnixAddress::parse(&raw, 2 + 4);
    ASSERT_FALSE(shorter.is_error());
    EXPECT_TRUE(shorter.value().bytes() == StringView("/tmp"));
}

TEST(UnixAddress, FullLengthPathWithoutNul)
{
    char path[net::sun_path_max];
    memset(path, 'x', sizeof(path));
    path[0] = '/';
    auto raw = make(path, sizeof(path));
    auto parsed = UnixAddress::parse(&raw, net::sockaddr_un_size);
    ASSERT_FALSE(parsed.is_error());
    EXPECT_EQ(parsed.value().bytes().length(), net::sun_path_max);
    // Linux reports the NUL it appended past sun_path: 111.
    EXPECT_EQ(parsed.value().encoded_length(), net::sockaddr_un_size + 1);
    u8 out[UnixAddress::max_encoded_length];
    EXPECT_EQ(parsed.value().encode(out), net::sockaddr_un_size + 1);
    EXPECT_EQ(out[net::sockaddr_un_size], 0);
    EXPECT_EQ(memcmp(out + 2, path, sizeof(path)), 0);
}

TEST(UnixAddress, LengthAndFamilyErrors)
{
    auto raw = make("/x");
    EXPECT_EQ(UnixAddress::parse(&raw, 0).error().code, EINVAL);
    EXPECT_EQ(UnixAddress::parse(&raw, 1).error().code, EINVAL);
    EXPECT_EQ(UnixAddress::parse(&raw, net::sockaddr_un_size + 1).error().code, EINVAL);
    EXPECT_EQ(UnixAddress::parse(&raw, net::sockaddr_storage_size + 1).error().code, EINVAL);
    auto inet = make("/x", 2, 2 /* AF_INET */);
    EXPECT_EQ(UnixAddress::parse(&inet, 5).error().code, EINVAL);
    EXPECT_EQ(UnixAddress::parse(&inet, 2).error().code, EINVAL);
}

TEST(UnixAddress, FamilyOnlyIsUnnamed)
{
    auto raw = make("");
    auto parsed = UnixAddress::parse(&raw, 2);
    ASSERT_FALSE(parsed.is_error());
    EXPECT_TRUE(parsed.value().is_unnamed());
    EXPECT_EQ(parsed.value().encoded_length(), 2u);
}

TEST(UnixAddress, AbstractNameKeepsEveryByte)
{
    const char name[] = "\0ab\0c";
    auto raw = make(name, 5);
    auto parsed = UnixAddress::parse(&raw, 2 + 5);
    ASSERT_FALSE(parsed.is_error());
    EXPECT_TRUE(parsed.value().is_abstract());
    EXPECT_EQ(parsed.value().bytes().length(), 5u);
    EXPECT_EQ(parsed.value().encoded_length(), 7u);
    EXPECT_TRUE(parsed.value() == UnixAddress::abstract(StringView("ab\0c", 4)));
    // A lone NUL is the empty abstract name, not a path.
    auto empty = UnixAddress::parse(&raw, 3);
    ASSERT_FALSE(empty.is_error());
    EXPECT_TRUE(empty.value().is_abstract());
    EXPECT_EQ(empty.value().encoded_length(), 3u);
}

TEST(UnixAddress, UnspecFamily)
{
    auto raw = make("", 0, 0);
    EXPECT_TRUE(UnixAddress::is_unspec(&raw, 2));
    EXPECT_FALSE(UnixAddress::is_unspec(&raw, 1));
    auto unix_raw = make("/x");
    EXPECT_FALSE(UnixAddress::is_unspec(&unix_raw, 4));
}

TEST(UnixAddress, AutobindNames)
{
    auto address = autobind_address(0x1a2b);
    ASSERT_TRUE(address.is_abstract());
    EXPECT_TRUE(address.bytes() == StringView("\0" "01a2b", 6));
    EXPECT_EQ(address.encoded_length(), 8u);
    EXPECT_TRUE(autobind_address(0xfffff).bytes() == StringView("\0" "fffff", 6));
    EXPECT_TRUE(autobind_address(autobind_name_space).bytes() == StringView("\0" "00000", 6));
}
