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

} // namespace sk
