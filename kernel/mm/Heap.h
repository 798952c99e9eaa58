// The kernel heap behind operator new/delete. Small blocks (up to 2 KiB) come from per-size-
// class slabs carved out of frames; larger ones take contiguous frames. Exhaustion returns
// null (callers use new (std::nothrow) / try_make_ref and report ENOMEM).
//
// heap::stats() is what the leak check compares before and after a test program.
#pragma once

#include <lib/Types.h>

namespace sk::heap {

void* allocate(size_t size);
void free(void* pointer);

struct Stats {
    u64 bytes_in_use;    // sum of the block sizes handed out and not freed
    u64 blocks_in_use;
    u64 pages;           // frames owned by the heap (slabs + large blocks)
};
Stats stats();

} // namespace sk::heap
