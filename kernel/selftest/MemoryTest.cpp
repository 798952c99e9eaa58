// selftest=memory: frame allocator and heap stress; usage must return to its baseline.
#include <arch/Arch.h>
#include <drivers/Console.h>
#include <lib/Vector.h>
#include <mm/FrameAllocator.h>
#include <mm/Heap.h>
#include <selftest/SelfTest.h>
#include <string.h>

namespace sk::selftest {

bool memory()
{
    auto frames_before = frames::stats();
    auto heap_before = heap::stats();
    bool ok = true;

    // Frames: take many, check they are distinct and writable, give them back.
    static uptr taken[2048];
    for (size_t i = 0; i < 2048; ++i) {
        auto frame = frames::allocate(true);
        if (frame.is_error()) {
            kprintf("memory: frame allocation %zu failed\n", i);
            return false;
        }
        taken[i] = frame.value();
        auto* page = static_cast<u64*>(arch::phys_to_virt(taken[i]));
        if (page[0] != 0 || page[511] != 0)
            ok = false;
        page[0] = taken[i];
    }
    for (size_t i = 0; i < 2048; ++i) {
        if (*static_cast<u64*>(arch::phys_to_virt(taken[i])) != taken[i])
            ok = false;
        frames::free(taken[i]);
    }
    auto run = frames::allocate_contiguous(64);
    if (run.is_error())
        ok = false;
    else
        frames::free_contiguous(run.value(), 64);

    // Heap: mixed sizes, interleaved frees.
    for (int round = 0; round < 20; ++round) {
        static void* blocks[512];
        for (size_t i = 0; i < 512; ++i) {
            size_t size = 1 + (i * 37 + round * 101) % 5000;
            blocks[i] = heap::allocate(size);
            if (!blocks[i]) {
                ok = false;
                continue;
            }
            memset(blocks[i], static_cast<int>(i), size);
        }
        for (size_t i = 0; i < 512; i += 2)
            heap::free(blocks[i]);
        for (size_t i = 1; i < 512; i += 2)
            heap::free(blocks[i]);
    }
    Vector<u64> vector;
    for (u64 i = 0; i < 10000; ++i) {
        if (vector.try_append(i).is_error())
            ok = false;
    }
    vector.clear_and_free();

    auto frames_after = frames::stats();
    auto heap_after = heap::stats();
    kprintf("memory: frames free %lu -> %lu, heap bytes in use %lu -> %lu, blocks %lu -> %lu\n", frames_before.free,
        frames_after.free, heap_before.bytes_in_use, heap_after.bytes_in_use, heap_before.blocks_in_use,
        heap_after.blocks_in_use);
    if (heap_after.bytes_in_use != heap_before.bytes_in_use || heap_after.blocks_in_use != heap_before.blocks_in_use) {
        kprintf("memory: heap usage did not return to baseline\n");
        ok = false;
    }
    // Slab pages stay with the heap; everything else must be back.
    if (frames_after.free + (heap_after.pages - heap_before.pages) != frames_before.free) {
        kprintf("memory: frames did not return to baseline\n");
        ok = false;
    }
    return ok;
}

} // namespace sk::selftest
