#include <gtest/gtest.h>
#include <lib/IntrusiveList.h>
#include <vector>

using namespace sk;

namespace {

struct Item {
    explicit Item(int v)
        : value(v)
    {
    }
    int value;
    IntrusiveListNode run_node;
    IntrusiveListNode wait_node;
};
using RunList = IntrusiveList<Item, &Item::run_node>;
using WaitList = IntrusiveList<Item, &Item::wait_node>;

std::vector<int> values(RunList& list)
{
    std::vector<int> out;
    for (auto& item : list)
        out.push_back(item.value);
    return out;
}

} // namespace

TEST(IntrusiveList, AppendPrependOrder)
{
    Item a(1), b(2), c(3);
    RunList list;
    EXPECT_TRUE(list.is_empty());
    EXPECT_EQ(list.first(), nullptr);
    list.append(b);
    list.append(c);
    list.prepend(a);
    EXPECT_EQ(values(list), (std::vector<int> { 1, 2, 3 }));
    EXPECT_EQ(list.first(), &a);
    EXPECT_EQ(list.last(), &c);
    EXPECT_EQ(list.size_slow(), 3u);
}

TEST(IntrusiveList, RemoveMiddleAndTakeFirst)
{
    Item a(1), b(2), c(3);
    RunList list;
    list.append(a);
    list.append(b);
    list.append(c);
    list.remove(b);
    EXPECT_FALSE(RunList::is_linked(b));
    EXPECT_EQ(values(list), (std::vector<int> { 1, 3 }));
    list.remove(b); // removing an unlinked element is harmless
    EXPECT_EQ(list.take_first(), &a);
    EXPECT_EQ(list.take_first(), &c);
    EXPECT_EQ(list.take_first(), nullptr);
    EXPECT_TRUE(list.is_empty());
}

TEST(IntrusiveList, RemovingTheCurrentElementWhileIterating)
{
    Item items[] = { Item(0), Item(1), Item(2), Item(3), Item(4), Item(5) };
    RunList list;
    for (auto& item : items)
        list.append(item);
    for (auto& item : list) {
        if (item.value % 2 == 0)
            list.remove(item);
    }
    EXPECT_EQ(values(list), (std::vector<int> { 1, 3, 5 }));
}

TEST(IntrusiveList, OneElementOnTwoListsThroughTwoNodes)
{
    Item a(1), b(2);
    RunList run;
    WaitList wait;
    run.append(a);
    run.append(b);
    wait.append(b);
    EXPECT_EQ(wait.first(), &b);
    run.remove(b);
    EXPECT_TRUE(WaitList::is_linked(b));
    EXPECT_EQ(wait.first(), &b);
    EXPECT_EQ(values(run), (std::vector<int> { 1 }));
}

TEST(IntrusiveList, DestructorUnlinksElements)
{
    Item a(1);
    {
        RunList list;
        list.append(a);
    }
    EXPECT_FALSE(RunList::is_linked(a));
    RunList other;
    other.append(a); // would VERIFY if the node still looked linked
    EXPECT_EQ(other.first(), &a);
}

TEST(IntrusiveList, SplicingMovesEveryElementInOrder)
{
    Item a(1), b(2), c(3), d(4), e(5);
    RunList list, batch, empty;
    list.append(a);
    batch.append(b);
    batch.append(c);
    list.append_all(batch);
    EXPECT_EQ(values(list), (std::vector<int> { 1, 2, 3 }));
    EXPECT_TRUE(batch.is_empty());
    batch.append(d);
    batch.append(e);
    list.prepend_all(batch);
    EXPECT_EQ(values(list), (std::vector<int> { 4, 5, 1, 2, 3 }));
    EXPECT_TRUE(batch.is_empty());
    list.append_all(empty);
    list.prepend_all(empty);
    EXPECT_EQ(values(list), (std::vector<int> { 4, 5, 1, 2, 3 }));
    empty.append_all(list);
    EXPECT_EQ(values(empty), (std::vector<int> { 4, 5, 1, 2, 3 }));
    EXPECT_TRUE(list.is_empty());
    EXPECT_EQ(empty.take_first(), &d);
    EXPECT_EQ(empty.last(), &c);
    batch.append(d); // d is free to go elsewhere
    EXPECT_EQ(values(batch), (std::vector<int> { 4 }));
}
