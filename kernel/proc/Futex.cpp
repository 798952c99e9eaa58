// A fixed table of hash buckets; each waiter is a stack record linked into its bucket while
// it sleeps. The bucket lock orders "check the word, then sleep" against "change the word,
// then wake": a waker that changed the word before taking the lock finds the waiter queued.
#include <arch/Arch.h>
#include <lib/UserCopy.h>
#include <proc/Futex.h>
#include <proc/Process.h>
#include <proc/Scheduler.h>

namespace sk {

namespace {
using Key = AddressSpace::MemoryKey;

struct FutexWaiter {
    Key key;
    u32 bitset;
    bool woken { false };
    IntrusiveListNode node;
};
struct Bucket {
    Spinlock lock;
    IntrusiveList<FutexWaiter, &FutexWaiter::node> waiters;
    WaitQueue queue;
};
constexpr size_t bucket_count = 64;
Bucket s_buckets[bucket_count];

Bucket& bucket_for(const Key& key)
{
    uptr hash = (reinterpret_cast<uptr>(key.object) >> 4) ^ (key.offset >> 2);
    hash ^= hash >> 17;
    return s_buckets[hash % bucket_count];
}

Result<Key> key_for(uptr address, bool shared)
{
    if (address % 4)
        return Error { EINVAL };
    if (address >= arch::user_space_end || address + 4 > arch::user_space_end)
        return Error { EFAULT };
    auto& space = Process::current().address_space();
    if (shared)
        return space.memory_key(address);
    return Key { &space, address };
}
} // namespace

Result<void> futex_wait(uptr address, u32 expected, Deadline deadline, u32 bitset, bool shared)
{
    if (bitset == 0)
        return Error { EINVAL };
    Key key = TRY(key_for(address, shared));
    // Fault the word in now, so that the read under the bucket lock does not sleep.
    u32 value;
    TRY(copy_from_user(&value, address, sizeof(value)));
    Bucket& bucket = bucket_for(key);
    SpinlockGuard guard(bucket.lock);
    TRY(copy_from_user(&value, address, sizeof(value)));
    if (value != expected)
        return Error { EAGAIN };
    FutexWaiter waiter { key, bitset, false, {} };
    bucket.waiters.append(waiter);
    auto result = bucket.queue.wait_until(guard, [&] { return waiter.woken; }, deadline);
    if (waiter.node.is_linked())
        bucket.waiters.remove(waiter);
    if (waiter.woken)
        return {};
    return result;
}

Result<int> futex_wake(uptr address, int count, u32 bitset, bool shared)
{
    if (bitset == 0)
        return Error { EINVAL };
    Key key = TRY(key_for(address, shared));
    Bucket& bucket = bucket_for(key);
    int woken = 0;
    {
        SpinlockGuard guard(bucket.lock);
        for (auto& waiter : bucket.waiters) {
            if (woken >= count)
                break;
            if (waiter.key == key && (waiter.bitset & bitset)) {
                waiter.woken = true;
                bucket.waiters.remove(waiter);
                ++woken;
            }
        }
    }
    if (woken)
        bucket.queue.wake_all();
    return woken;
}

// The operation's encoding (linux/futex.h FUTEX_OP): op:4 (bit 3: oparg is a shift count),
// cmp:4, oparg:12, cmparg:12, both arguments sign-extended.
static Result<bool> apply_wake_op(uptr address, u32 encoded_op)
{
    int op = static_cast<int>((encoded_op >> 28) & 7);
    int cmp = static_cast<int>((encoded_op >> 24) & 15);
    auto sign_extend = [](u32 value) { return static_cast<i32>(value << 20) >> 20; };
    i32 oparg = sign_extend((encoded_op >> 12) & 0xfff);
    i32 cmparg = sign_extend(encoded_op & 0xfff);
    if (encoded_op & (8u << 28))
        oparg = static_cast<i32>(1u << (oparg & 31));
    if (op > 4 || cmp > 5)
        return Error { ENOSYS };
    u32 old;
    TRY(copy_from_user(&old, address, sizeof(old)));
    u32 value = old;
    switch (op) {
    case 0: value = static_cast<u32>(oparg); break;   // FUTEX_OP_SET
    case 1: value = old + static_cast<u32>(oparg); break; // FUTEX_OP_ADD
    case 2: value = old | static_cast<u32>(oparg); break; // FUTEX_OP_OR
    case 3: value = old & ~static_cast<u32>(oparg); break; // FUTEX_OP_ANDN
    case 4: value = old ^ static_cast<u32>(oparg); break; // FUTEX_OP_XOR
    }
    // FIXME: Linux does this read-modify-write atomically; a user thread on another hart
    // could change the word in between.
    TRY(copy_to_user(address, &value, sizeof(value)));
    i32 before = static_cast<i32>(old);
    switch (cmp) {
    case 0: return before == cmparg;
    case 1: return before != cmparg;
    case 2: return before < cmparg;
    case 3: return before <= cmparg;
    case 4: return before > cmparg;
    default: return before >= cmparg;
    }
}

Result<int> futex_wake_op(uptr address, int count, uptr address2, int count2, u32 encoded_op, bool shared)
{
    TRY(key_for(address, shared));
    TRY(key_for(address2, shared));
    bool wake_second = TRY(apply_wake_op(address2, encoded_op));
    int woken = TRY(futex_wake(address, count, FUTEX_BITSET_MATCH_ANY, shared));
    if (wake_second)
        woken += TRY(futex_wake(address2, count2, FUTEX_BITSET_MATCH_ANY, shared));
    return woken;
}

} // namespace sk
