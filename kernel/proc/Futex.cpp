// A fixed table of hash buckets; each waiter is a stack record linked into its bucket.
#include <lib/UserCopy.h>
#include <proc/Futex.h>
#include <proc/Process.h>
#include <proc/Scheduler.h>

namespace sk {

namespace {
struct FutexWaiter {
    void* space;
    uptr address;
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

Bucket& bucket_for(void* space, uptr address)
{
    uptr key = (reinterpret_cast<uptr>(space) >> 4) ^ (address >> 2);
    key ^= key >> 17;
    return s_buckets[key % bucket_count];
}
} // namespace

Result<void> futex_wait(uptr address, u32 expected, Deadline deadline, u32 bitset)
{
    if (address % 4 || bitset == 0)
        return Error { EINVAL };
    void* space = &Process::current().address_space();
    Bucket& bucket = bucket_for(space, address);
    SpinlockGuard guard(bucket.lock);
    u32 value;
    TRY(copy_from_user(&value, address, sizeof(value)));
    if (value != expected)
        return Error { EAGAIN };
    FutexWaiter waiter { space, address, bitset, false, scheduler::current(), {} };
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
    void* space = &process->address_space();
    Bucket& bucket = bucket_for(space, address);
    int woken = 0;
    {
        SpinlockGuard guard(bucket.lock);
        for (auto& waiter : bucket.waiters) {
            if (woken >= count)
                break;
            if (waiter.space == space && waiter.address == address && (waiter.bitset & bitset)) {
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
