// Bitmap frame allocator. Locking: one spinlock for the bitmap and counts; callers may be in
// any context except interrupt handlers.
#include <arch/Arch.h>
#include <arch/riscv64/Platform.h>
#include <drivers/Console.h>
#include <lib/Spinlock.h>
#include <mm/FrameAllocator.h>
#include <string.h>

extern "C" char _kernel_start[], _kernel_end[];

namespace sk::frames {

static Spinlock s_lock;
static u64* s_bitmap;     // bit set = frame in use (or not RAM)
static u16* s_ref_counts; // per frame, for copy-on-write
static uptr s_base;       // physical address of frame 0
static size_t s_frame_count;
static size_t s_free_count;
static size_t s_total_count;
static size_t s_next; // frame where the next single-frame search starts (next fit)

static size_t index_of(uptr physical) { return (physical - s_base) / arch::page_size; }
static bool is_used(size_t i) { return s_bitmap[i / 64] & (1ul << (i % 64)); }
static void mark_used(size_t i) { s_bitmap[i / 64] |= 1ul << (i % 64); }
static void mark_free(size_t i) { s_bitmap[i / 64] &= ~(1ul << (i % 64)); }

void initialize(const MemoryRange* memory, size_t memory_count, const MemoryRange* reserved, size_t reserved_count)
{
    uptr low = ~0ul, high = 0;
    for (size_t i = 0; i < memory_count; ++i) {
        low = min(low, memory[i].base);
        high = max(high, memory[i].base + memory[i].size);
    }
    s_base = align_down<uptr>(low, arch::page_size);
    s_frame_count = (high - s_base) / arch::page_size;

    // Metadata lives right after the kernel image.
    uptr kernel_end_physical = align_up<uptr>(arch::virt_to_phys(_kernel_end), arch::page_size);
    size_t bitmap_bytes = align_up<size_t>((s_frame_count + 63) / 64 * 8, 8);
    size_t counts_bytes = s_frame_count * sizeof(u16);
    uptr metadata_end = align_up<uptr>(kernel_end_physical + bitmap_bytes + counts_bytes, arch::page_size);
    s_bitmap = static_cast<u64*>(arch::phys_to_virt(kernel_end_physical));
    s_ref_counts = reinterpret_cast<u16*>(reinterpret_cast<u8*>(s_bitmap) + bitmap_bytes);
    memset(s_bitmap, 0xff, bitmap_bytes);
    memset(s_ref_counts, 0, counts_bytes);

    auto in_range = [](uptr address, uptr base, u64 size) { return address >= base && address < base + size; };
    uptr kernel_start_physical = arch::virt_to_phys(_kernel_start);
    for (size_t i = 0; i < s_frame_count; ++i) {
        uptr frame = s_base + i * arch::page_size;
        bool usable = false;
        for (size_t m = 0; m < memory_count; ++m)
            usable |= in_range(frame, memory[m].base, memory[m].size);
        for (size_t r = 0; r < reserved_count && usable; ++r)
            usable = !in_range(frame, align_down<uptr>(reserved[r].base, arch::page_size), reserved[r].size + (reserved[r].base & 4095));
        if (frame >= kernel_start_physical && frame < metadata_end)
            usable = false;
        // OpenSBI lives below the kernel load address even when the DT does not say so.
        if (frame < kernel_start_physical && frame >= arch::kernel_physical_base)
            usable = false;
        // Keep the device tree intact: the kernel reads it after this point.
        auto& p = platform();
        if (frame + arch::page_size > p.device_tree_physical && frame < p.device_tree_physical + p.device_tree_size)
            usable = false;
        if (usable) {
            mark_free(i);
            ++s_free_count;
        }
    }
    s_total_count = s_free_count;
}

static Result<size_t> find_run(size_t count)
{
    size_t words = (s_frame_count + 63) / 64;
    if (count == 1) {
        // Next fit by frame: the search starts after the frame handed out last, so a frame
        // just freed is handed out again only once the cursor has gone round all of memory.
        // Under QEMU's TCG this matters: every store into a frame that still holds translated
        // code (the text of a program that just exited) takes the self-modifying-code slow
        // path until the translations are gone, and demand-paged text is what a process
        // allocates last before it exits.
        size_t first_word = s_next / 64;
        for (size_t n = 0; n <= words; ++n) {
            size_t w = (first_word + n) % words;
            u64 free_bits = ~s_bitmap[w];
            if (n == 0)
                free_bits &= ~0ul << (s_next % 64); // the frames before the cursor come last
            if (free_bits == 0)
                continue;
            size_t i = w * 64 + __builtin_ctzl(free_bits);
            if (i >= s_frame_count)
                continue;
            s_next = i + 1 < s_frame_count ? i + 1 : 0;
            return i;
        }
        return Error { ENOMEM };
    }
    // First fit, skipping whole words of used frames: a run cannot start or continue in a
    // full word, and the frames below the first hole are mostly in use (kernel, tables, slabs).
    size_t run = 0;
    for (size_t i = 0; i < s_frame_count;) {
        if (i % 64 == 0 && s_bitmap[i / 64] == ~0ul) {
            run = 0;
            i += 64;
            continue;
        }
        if (is_used(i)) {
            run = 0;
        } else if (++run == count) {
            return i + 1 - count;
        }
        ++i;
    }
    return Error { ENOMEM };
}

Result<uptr> allocate_contiguous(size_t count, bool zeroed)
{
    uptr physical;
    {
        SpinlockGuard guard(s_lock);
        if (count == 0 || s_free_count < count)
            return Error { ENOMEM };
        size_t first = TRY(find_run(count));
        for (size_t i = first; i < first + count; ++i) {
            mark_used(i);
            s_ref_counts[i] = 1;
        }
        s_free_count -= count;
        physical = s_base + first * arch::page_size;
    }
    if (zeroed)
        memset(arch::phys_to_virt(physical), 0, count * arch::page_size);
    return physical;
}

Result<uptr> allocate(bool zeroed) { return allocate_contiguous(1, zeroed); }

void free_contiguous(uptr physical, size_t count)
{
    SpinlockGuard guard(s_lock);
    size_t first = index_of(physical);
    VERIFY(physical >= s_base && first + count <= s_frame_count);
    for (size_t i = first; i < first + count; ++i) {
        VERIFY(is_used(i));
        mark_free(i);
        s_ref_counts[i] = 0;
    }
    s_free_count += count;
}

void free(uptr physical) { free_contiguous(physical, 1); }

void ref(uptr physical)
{
    SpinlockGuard guard(s_lock);
    size_t i = index_of(physical);
    VERIFY(i < s_frame_count && s_ref_counts[i] > 0 && s_ref_counts[i] < 0xffff);
    ++s_ref_counts[i];
}

u32 unref(uptr physical)
{
    SpinlockGuard guard(s_lock);
    size_t i = index_of(physical);
    VERIFY(i < s_frame_count && s_ref_counts[i] > 0);
    u32 remaining = --s_ref_counts[i];
    if (remaining == 0) {
        mark_free(i);
        ++s_free_count;
    }
    return remaining;
}

u32 ref_count(uptr physical)
{
    SpinlockGuard guard(s_lock);
    return s_ref_counts[index_of(physical)];
}

Stats stats()
{
    SpinlockGuard guard(s_lock);
    return { s_total_count, s_free_count };
}

} // namespace sk::frames
