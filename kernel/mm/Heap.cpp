// Slab heap. Every heap page starts with a PageHeader, so free() finds a block's size class
// from the page it lies in: pointer & ~(page_size - 1). Large blocks start 64 bytes into their
// first page. Slab pages are kept for reuse (FIXME: never returned to the frame allocator).
#include <arch/Arch.h>
#include <lib/Spinlock.h>
#include <lib/Verify.h>
#include <mm/FrameAllocator.h>
#include <mm/Heap.h>
#include <new>

namespace sk::heap {

static constexpr u32 page_magic = 0x48454150; // "HEAP"
static constexpr size_t header_size = 64;
static constexpr size_t class_sizes[] = { 16, 32, 64, 128, 256, 512, 1024, 2048 };
static constexpr size_t class_count = sizeof(class_sizes) / sizeof(class_sizes[0]);
static constexpr u32 large_class = 0xff;

struct PageHeader {
    u32 magic;
    u32 size_class; // index into class_sizes, or large_class
    u64 pages;      // for large blocks
};
static_assert(sizeof(PageHeader) <= header_size);

struct FreeBlock {
    FreeBlock* next;
};

static Spinlock s_lock;
static FreeBlock* s_free[class_count];
static Stats s_stats;

static PageHeader* header_of(void* pointer)
{
    return reinterpret_cast<PageHeader*>(align_down<uptr>(reinterpret_cast<uptr>(pointer), arch::page_size));
}

static bool refill(size_t size_class)
{
    auto frame = frames::allocate();
    if (frame.is_error())
        return false;
    auto* page = static_cast<u8*>(arch::phys_to_virt(frame.value()));
    auto* header = reinterpret_cast<PageHeader*>(page);
    header->magic = page_magic;
    header->size_class = size_class;
    header->pages = 1;
    size_t size = class_sizes[size_class];
    size_t first = align_up(header_size, size);
    for (size_t offset = first; offset + size <= arch::page_size; offset += size) {
        auto* block = reinterpret_cast<FreeBlock*>(page + offset);
        block->next = s_free[size_class];
        s_free[size_class] = block;
    }
    ++s_stats.pages;
    return true;
}

void* allocate(size_t size)
{
    if (size == 0)
        size = 1;
    if (size > class_sizes[class_count - 1]) {
        size_t pages = align_up<size_t>(size + header_size, arch::page_size) / arch::page_size;
        if (size > (1ul << 32))
            return nullptr;
        auto frame = frames::allocate_contiguous(pages);
        if (frame.is_error())
            return nullptr;
        auto* header = static_cast<PageHeader*>(arch::phys_to_virt(frame.value()));
        header->magic = page_magic;
        header->size_class = large_class;
        header->pages = pages;
        SpinlockGuard guard(s_lock);
        s_stats.bytes_in_use += pages * arch::page_size;
        s_stats.blocks_in_use++;
        s_stats.pages += pages;
        return reinterpret_cast<u8*>(header) + header_size;
    }
    size_t size_class = 0;
    while (class_sizes[size_class] < size)
        ++size_class;
    SpinlockGuard guard(s_lock);
    if (!s_free[size_class] && !refill(size_class))
        return nullptr;
    FreeBlock* block = s_free[size_class];
    s_free[size_class] = block->next;
    s_stats.bytes_in_use += class_sizes[size_class];
    s_stats.blocks_in_use++;
    return block;
}

void free(void* pointer)
{
    if (!pointer)
        return;
    PageHeader* header = header_of(pointer);
    VERIFY(header->magic == page_magic);
    if (header->size_class == large_class) {
        VERIFY(reinterpret_cast<u8*>(pointer) == reinterpret_cast<u8*>(header) + header_size);
        size_t pages = header->pages;
        header->magic = 0;
        {
            SpinlockGuard guard(s_lock);
            s_stats.bytes_in_use -= pages * arch::page_size;
            s_stats.blocks_in_use--;
            s_stats.pages -= pages;
        }
        frames::free_contiguous(arch::virt_to_phys(header), pages);
        return;
    }
    VERIFY(header->size_class < class_count);
    SpinlockGuard guard(s_lock);
    auto* block = static_cast<FreeBlock*>(pointer);
    block->next = s_free[header->size_class];
    s_free[header->size_class] = block;
    s_stats.bytes_in_use -= class_sizes[header->size_class];
    s_stats.blocks_in_use--;
}

Stats stats()
{
    SpinlockGuard guard(s_lock);
    return s_stats;
}

} // namespace sk::heap

// The C++ allocation functions. Plain new never throws here (-fno-exceptions); kernel code
// allocates with new (std::nothrow) or try_make_ref and checks for null.
void* operator new(size_t size) { return sk::heap::allocate(size); }
void* operator new[](size_t size) { return sk::heap::allocate(size); }
void* operator new(size_t size, const std::nothrow_t&) noexcept { return sk::heap::allocate(size); }
void* operator new[](size_t size, const std::nothrow_t&) noexcept { return sk::heap::allocate(size); }
void operator delete(void* pointer) noexcept { sk::heap::free(pointer); }
void operator delete[](void* pointer) noexcept { sk::heap::free(pointer); }
void operator delete(void* pointer, size_t) noexcept { sk::heap::free(pointer); }
void operator delete[](void* pointer, size_t) noexcept { sk::heap::free(pointer); }
