// SocketNameTable: the bound-socket registry and the abstract namespace hold sockets weakly.
#include <gtest/gtest.h>
#include <sockfs/logic/SocketNameTable.h>

using namespace sk;

namespace {
struct FakeSocket : RefCounted<FakeSocket> {
    int id { 0 };
    explicit FakeSocket(int i) : id(i) { }
};
using Table = SocketNameTable<FakeSocket>;
} // namespace

TEST(SockNameTable, NodeRegistryIsWeak)
{
    Table table;
    auto socket = try_make_ref<FakeSocket>(1).release_value();
    ASSERT_FALSE(table.try_bind_node({ 3, 42 }, socket).is_error());
    EXPECT_EQ(table.find_node({ 3, 42 }), socket.ptr());
    EXPECT_FALSE(table.find_node({ 3, 43 }));
    EXPECT_FALSE(table.find_node({ 4, 42 }));
    // A live binding blocks another.
    auto other = try_make_ref<FakeSocket>(2).release_value();
    EXPECT_EQ(table.try_bind_node({ 3, 42 }, other).error().code, EADDRINUSE);
    // The entry expires with the socket, and a dead entry is replaced.
    socket = nullptr;
    EXPECT_FALSE(table.find_node({ 3, 42 }));
    ASSERT_FALSE(table.try_bind_node({ 3, 42 }, other).is_error());
    EXPECT_EQ(table.find_node({ 3, 42 }), other.ptr());
    // Unbinding only removes the owner's entry.
    table.unbind_node({ 3, 42 }, socket.ptr());
    EXPECT_EQ(table.node_count(), 1u);
    table.unbind_node({ 3, 42 }, other.ptr());
    EXPECT_EQ(table.node_count(), 0u);
}

TEST(SockNameTable, AbstractNamesWithNuls)
{
    Table table;
    auto a = try_make_ref<FakeSocket>(1).release_value();
    auto b = try_make_ref<FakeSocket>(2).release_value();
    StringView name_a("\0name\0a", 7);
    StringView name_b("\0name\0b", 7);
    ASSERT_FALSE(table.try_bind_abstract(name_a, a).is_error());
    ASSERT_FALSE(table.try_bind_abstract(name_b, b).is_error());
    EXPECT_EQ(table.try_bind_abstract(name_a, b).error().code, EADDRINUSE);
    EXPECT_EQ(table.find_abstract(name_a), a.ptr());
    EXPECT_EQ(table.find_abstract(name_b), b.ptr());
    EXPECT_FALSE(table.find_abstract(StringView("\0name", 5)));
    table.unbind_abstract(name_a, a.ptr());
    EXPECT_FALSE(table.find_abstract(name_a));
    a = nullptr;
    b = nullptr;
    EXPECT_FALSE(table.find_abstract(name_b)); // expired
}

TEST(SockNameTable, AutobindPicksFreshNames)
{
    Table table;
    auto a = try_make_ref<FakeSocket>(1).release_value();
    auto b = try_make_ref<FakeSocket>(2).release_value();
    // Squat the first autobind name: autobind skips it.
    ASSERT_FALSE(table.try_bind_abstract(autobind_address(0).bytes(), a).is_error());
    auto address = table.try_autobind(b);
    ASSERT_FALSE(address.is_error());
    EXPECT_TRUE(address.value() == autobind_address(1));
    EXPECT_EQ(table.find_abstract(address.value().bytes()), b.ptr());
    EXPECT_EQ(address.value().encoded_length(), 8u);
}
