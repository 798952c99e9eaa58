// FrameAllocator: physical 4 KiB frames. A bitmap over all RAM (single frames are searched
// next-fit from a moving cursor: amortised O(1), and a freed frame is reused late) plus a
// per-frame reference count used by copy-on-write: a frame shared by several address spaces
// is freed when its last mapping drops it. Frames are handed out zeroed only on request.
#pragma once

#include <lib/Result.h>
#include <lib/Types.h>

namespace sk {

struct MemoryRange;

namespace frames {

void initialize(const MemoryRange* memory, size_t memory_count, const MemoryRange* reserved, size_t reserved_count);

// One frame's physical address, or ENOMEM.
Result<uptr> allocate(bool zeroed = false);
// count physically contiguous frames (kernel stacks, large heap blocks, DMA rings).
Result<uptr> allocate_contiguous(size_t count, bool zeroed = false);
void free(uptr physical);
void free_contiguous(uptr physical, size_t count);

// Copy-on-write sharing: a fresh frame has count 1.
void ref(uptr physical);
// Drops one reference; frees the frame at zero. Returns the remaining count.
u32 unref(uptr physical);
u32 ref_count(uptr physical);

struct Stats {
    u64 total;
    u64 free;
};
Stats stats();

} // namespace frames
} // namespace sk
