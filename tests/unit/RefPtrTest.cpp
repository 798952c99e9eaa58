#include <gtest/gtest.h>
#include <lib/RefPtr.h>

using namespace sk;

namespace {

struct Tracked : RefCounted<Tracked> {
    explicit Tracked(int* destroyed)
        : destroyed(destroyed)
    {
    }
    ~Tracked() { ++*destroyed; }
    int* destroyed;
};

struct Base : RefCounted<Base> {
    virtual ~Base() { ++destroyed; }
    static inline int destroyed = 0;
};
struct Derived : Base {
    int extra { 5 };
};

RefPtr<Tracked> make(int* destroyed) { return try_make_ref<Tracked>(destroyed).release_value(); }

} // namespace

TEST(RefPtr, LastReferenceDestroysOnce)
{
    int destroyed = 0;
    {
        auto a = make(&destroyed);
        EXPECT_EQ(a->ref_count(), 1u);
        {
            RefPtr<Tracked> b = a;
            EXPECT_EQ(a->ref_count(), 2u);
            EXPECT_TRUE(a == b);
        }
        EXPECT_EQ(a->ref_count(), 1u);
        EXPECT_EQ(destroyed, 0);
    }
    EXPECT_EQ(destroyed, 1);
}

TEST(RefPtr, MoveLeavesSourceNull)
{
    int destroyed = 0;
    auto a = make(&destroyed);
    Tracked* raw = a.ptr();
    RefPtr<Tracked> b = std::move(a);
    EXPECT_FALSE(a);
    EXPECT_EQ(b.ptr(), raw);
    EXPECT_EQ(raw->ref_count(), 1u);
    RefPtr<Tracked> c;
    c = std::move(b);
    EXPECT_FALSE(b);
    EXPECT_EQ(raw->ref_count(), 1u);
    c = nullptr;
    EXPECT_EQ(destroyed, 1);
}

TEST(RefPtr, SelfAssignmentKeepsTheObject)
{
    int destroyed = 0;
    auto a = make(&destroyed);
    auto& alias = a;
    a = alias;
    EXPECT_EQ(destroyed, 0);
    EXPECT_EQ(a->ref_count(), 1u);
    a = std::move(alias);
    EXPECT_TRUE(a) << "self-move must not drop the last reference";
    EXPECT_EQ(destroyed, 0);
    EXPECT_EQ(a->ref_count(), 1u);
}

TEST(RefPtr, AssignmentReleasesThePreviousObject)
{
    int first = 0, second = 0;
    auto a = make(&first);
    auto b = make(&second);
    a = b;
    EXPECT_EQ(first, 1);
    EXPECT_EQ(second, 0);
    EXPECT_EQ(b->ref_count(), 2u);
}

TEST(RefPtr, UpcastAndLeakAdopt)
{
    Base::destroyed = 0;
    {
        RefPtr<Derived> derived = try_make_ref<Derived>().release_value();
        RefPtr<Base> base = derived;
        EXPECT_EQ(base->ref_count(), 2u);
        RefPtr<Base> moved = std::move(derived);
        EXPECT_EQ(base->ref_count(), 2u);
        Base* raw = moved.leak();
        EXPECT_FALSE(moved);
        auto adopted = RefPtr<Base>::adopt(raw);
        EXPECT_EQ(adopted->ref_count(), 2u) << "leak/adopt transfer a reference without counting";
    }
    EXPECT_EQ(Base::destroyed, 1);
}

TEST(WeakPtr, UpgradesWhileAlive)
{
    int destroyed = 0;
    auto strong = make(&destroyed);
    WeakPtr<Tracked> weak(strong);
    EXPECT_FALSE(weak.is_null());
    EXPECT_TRUE(weak.points_to(strong.ptr()));
    auto again = weak.strong_ref();
    ASSERT_TRUE(again);
    EXPECT_EQ(again.ptr(), strong.ptr());
    EXPECT_EQ(strong->ref_count(), 2u);
}

TEST(WeakPtr, NullAfterLastRefPtrIsGone)
{
    int destroyed = 0;
    auto strong = make(&destroyed);
    Tracked* raw = strong.ptr();
    WeakPtr<Tracked> weak(strong);
    WeakPtr<Tracked> copy = weak;
    WeakPtr<Tracked> from_object(*raw);
    strong = nullptr;
    EXPECT_EQ(destroyed, 1);
    EXPECT_FALSE(weak.strong_ref());
    EXPECT_FALSE(copy.strong_ref());
    EXPECT_FALSE(from_object.strong_ref());
    EXPECT_FALSE(weak.points_to(raw));
    EXPECT_EQ(destroyed, 1) << "failed upgrades must not destroy it again";
    // The WeakPtrs outlive the object and release the shared link (ASan checks for leaks/UAF).
}

TEST(WeakPtr, OfNullAndMovedFrom)
{
    WeakPtr<Tracked> empty;
    EXPECT_TRUE(empty.is_null());
    EXPECT_FALSE(empty.strong_ref());
    WeakPtr<Tracked> of_null { RefPtr<Tracked>() };
    EXPECT_FALSE(of_null.strong_ref());

    int destroyed = 0;
    auto strong = make(&destroyed);
    WeakPtr<Tracked> weak(strong);
    WeakPtr<Tracked> moved = std::move(weak);
    EXPECT_TRUE(weak.is_null());
    EXPECT_TRUE(moved.strong_ref());
    weak = moved;
    moved = moved;
    EXPECT_TRUE(weak.strong_ref());
    EXPECT_TRUE(moved.strong_ref());
}

TEST(WeakPtr, UpgradedReferenceKeepsObjectAlive)
{
    int destroyed = 0;
    auto strong = make(&destroyed);
    WeakPtr<Tracked> weak(strong);
    auto upgraded = weak.strong_ref();
    strong = nullptr;
    EXPECT_EQ(destroyed, 0);
    EXPECT_TRUE(weak.strong_ref());
    upgraded = nullptr;
    EXPECT_EQ(destroyed, 1);
    EXPECT_FALSE(weak.strong_ref());
}
