// A fixed table of hash buckets; each waiter is a stack record linked into its bucket.
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
    Thread* thread;
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
} // namespace

Result<void> futex_wait(uptr address, u32 expected, Deadline deadline, u32 bitset)
{
    if (address % 4 || bitset == 0)
        return Error { EINVAL };
    // The key names the memory, not the address: shared memory matches across processes.
    Key key = TRY(Process::current().address_space().memory_key(address));
    Bucket& bucket = bucket_for(key);
    u32 value;
    // Fault the page in first: under the bucket's spinlock a fault must not have to sleep.
    TRY(copy_from_user(&value, address, sizeof(value)));
    SpinlockGuard guard(bucket.lock);
    TRY(copy_from_user(&value, address, sizeof(value)));
    if (value != expected)
        return Error { EAGAIN };
    FutexWaiter waiter { key, bitset, false, scheduler::current(), {} };
    bucket.waiters.append(waiter);
    auto result = bucket.queue.wait_until(guard, [&] { return waiter.woken; }, deadline);
    if (waiter.node.is_linked())
        bucket.waiters.remove(waiter);
    if (waiter.woken)
        return {};
    return result;
}

int futex_wake(uptr address, int count, u32 bitset)
{
    Process* process = Process::current_or_null();
    if (!process)
        return 0;
    auto key = process->address_space().memory_key(address);
    if (key.is_error())
        return 0;
    Bucket& bucket = bucket_for(key.value());
    int woken = 0;
    {
        SpinlockGuard guard(bucket.lock);
        for (auto& waiter : bucket.waiters) {
            if (woken >= count)
                break;
            if (waiter.key == key.value() && (waiter.bitset & bitset)) {
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
