// Futexes: threads sleep on a user address until another thread wakes that address.
// Keyed by (address space, user address) for private futexes; shared futexes between
// processes are keyed the same way after fork (FIXME: key shared mappings by frame).
#pragma once

#include <lib/Result.h>
#include <lib/Types.h>
#include <proc/WaitQueue.h>

namespace sk {

// FUTEX_WAIT(_BITSET): sleeps if *address == expected; EAGAIN otherwise; ETIMEDOUT; ERESTARTSYS.
Result<void> futex_wait(uptr address, u32 expected, Deadline deadline, u32 bitset);
// FUTEX_WAKE(_BITSET): wakes up to count waiters; returns how many.
int futex_wake(uptr address, int count, u32 bitset = 0xffffffff);

} // namespace sk
