// Futexes: threads sleep on a user word until another thread wakes that word.
//
// A futex is identified by a key: for a private futex (FUTEX_PRIVATE_FLAG) the address space
// and the address; for a shared one what AddressSpace::memory_key says (the memory object
// and offset of shared memory, so that processes mapping it at different addresses meet;
// private memory keys as a private futex does).
#pragma once

#include <lib/Result.h>
#include <lib/Types.h>
#include <proc/WaitQueue.h>

namespace sk {

constexpr u32 FUTEX_BITSET_MATCH_ANY = 0xffffffff;

// FUTEX_WAIT(_BITSET): sleeps if *address == expected; EAGAIN otherwise; ETIMEDOUT;
// ERESTARTSYS on a signal; EINVAL for a misaligned address or an empty bitset; EFAULT.
Result<void> futex_wait(uptr address, u32 expected, Deadline deadline, u32 bitset, bool shared);
// FUTEX_WAKE(_BITSET): wakes up to count waiters whose bitset meets `bitset`; returns how many.
Result<int> futex_wake(uptr address, int count, u32 bitset, bool shared);
// FUTEX_WAKE_OP: applies the encoded operation to *address2, wakes up to count waiters of
// address, and up to count2 of address2 when the old value of *address2 passes the encoded
// comparison; returns how many it woke. ENOSYS for an unknown operation or comparison.
Result<int> futex_wake_op(uptr address, int count, uptr address2, int count2, u32 encoded_op, bool shared);

} // namespace sk
