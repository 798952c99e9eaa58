// AddressSpace: regions (VMAs) and their page tables — creation, fork's copy-on-write clone,
// mmap/munmap/mprotect/madvise/brk, destruction. Page faults live in PageFault.cpp.
//
// Lifecycle: try_create gives an empty space whose root shares the kernel half; exec fills
// it with map(); fork clones it; the last RefPtr (process exit, exec replacing it) destroys
// it, dropping every frame reference and freeing the page-table pages.
//
// Locking: m_lock (a sleeping Mutex) guards m_regions, m_brk and the user half of the page
// table. Every public operation takes it; private helpers expect it held. It is never held
// while touching user memory through the user-copy routines (a fault would self-deadlock).
//
// TLB: an entry changed in the active space is flushed at once (one page, or everything for
// large ranges); an inactive space needs nothing, activate() flushes.
// FIXME: SMP — other harts running the same space need a shootdown.
#include <arch/riscv64/PageTable.h>
#include <arch/riscv64/UserTrap.h>
#include <atomic>
#include <mm/FrameAllocator.h>
#include <mm/Region.h>

namespace sk {

using page_table::Entry;

static constexpr uptr page = arch::page_size;
// Lowest address mmap hands out or accepts for MAP_FIXED (Linux's mmap_min_addr is 64 KiB on
// Debian; 4 KiB keeps page zero unmapped and allows unusual link addresses).
static constexpr uptr min_map_address = page;
static std::atomic<u64> s_space_count { 0 };

Result<RefPtr<AddressSpace>> AddressSpace::try_create()
{
    auto* space = new (std::nothrow) AddressSpace;
    if (!space)
        return Error { ENOMEM };
    RefPtr<AddressSpace> result(space);
    space->m_root_physical = TRY(page_table::create_root());
    s_space_count.fetch_add(1, std::memory_order_relaxed);
    return result;
}

AddressSpace::~AddressSpace()
{
    if (!m_root_physical)
        return;
    if (is_active())
        page_table::activate_kernel_only();
    page_table::for_each_present(m_root_physical, 0, arch::user_space_end,
        [](uptr, Entry& entry) { frames::unref(page_table::physical_of(entry)); });
    page_table::free_tree(m_root_physical);
    s_space_count.fetch_sub(1, std::memory_order_relaxed);
}

AddressSpace::Statistics AddressSpace::statistics()
{
    return { s_space_count.load(std::memory_order_relaxed), page_table::table_pages_in_use() };
}

bool AddressSpace::is_active() const { return page_table::active_root() == m_root_physical; }

void AddressSpace::activate() { page_table::activate(m_root_physical); }

void AddressSpace::activate_kernel_only() { page_table::activate_kernel_only(); }

Result<RefPtr<AddressSpace>> AddressSpace::try_clone()
{
    auto child = TRY(try_create());
    MutexGuard guard(m_lock);
    TRY(child->m_regions.try_ensure_capacity(m_regions.size()));
    for (auto& region : m_regions)
        child->insert_region(child->m_regions.size(), Region(region));
    child->m_brk_base = m_brk_base;
    child->m_brk = m_brk;

    // Private pages become read-only in both spaces and shared by reference; the first write
    // on either side copies (PageFault.cpp). Shared memory is found again through its object.
    TlbBatch tlb(is_active());
    bool out_of_memory = false;
    uptr child_root = child->m_root_physical;
    for (auto& region : m_regions) {
        if (!region.is_private())
            continue;
        page_table::for_each_present(m_root_physical, region.start, region.end, [&](uptr address, Entry& entry) {
            if (out_of_memory)
                return;
            auto child_entry = page_table::ensure_entry(child_root, address);
            if (child_entry.is_error()) {
                out_of_memory = true;
                return;
            }
            if (entry & page_table::Write) {
                entry &= ~page_table::Write;
                tlb.add(address);
            }
            *child_entry.value() = entry;
            frames::ref(page_table::physical_of(entry));
        });
        if (out_of_memory)
            return Error { ENOMEM }; // the child's destructor drops what it got
    }
    return child;
}

// ---- region bookkeeping (m_lock held) ----

size_t AddressSpace::lower_bound(uptr address) const
{
    size_t low = 0, high = m_regions.size();
    while (low < high) {
        size_t middle = (low + high) / 2;
        if (m_regions[middle].end <= address)
            low = middle + 1;
        else
            high = middle;
    }
    return low;
}

AddressSpace::Region* AddressSpace::find_region(uptr address)
{
    size_t index = lower_bound(address);
    if (index < m_regions.size() && m_regions[index].start <= address)
        return &m_regions[index];
    return nullptr;
}

bool AddressSpace::is_free(uptr start, uptr end) const
{
    size_t index = lower_bound(start);
    return index == m_regions.size() || m_regions[index].start >= end;
}

Result<uptr> AddressSpace::find_free_range(uptr hint, size_t length) const
{
    constexpr uptr end_of_space = arch::user_space_end;
    hint = align_down(hint, page);
    if (hint >= min_map_address && hint <= end_of_space - length && is_free(hint, hint + length))
        return hint;

    // Top-down below mmap_base: the highest gap that fits.
    size_t index = lower_bound(mmap_base);
    uptr gap_end = mmap_base;
    if (index < m_regions.size() && m_regions[index].start < gap_end)
        gap_end = m_regions[index].start;
    for (;;) {
        uptr gap_start = index > 0 ? m_regions[index - 1].end : min_map_address;
        gap_start = max(gap_start, min_map_address);
        if (gap_end >= gap_start && gap_end - gap_start >= length)
            return gap_end - length;
        if (index == 0)
            break;
        gap_end = m_regions[--index].start;
    }
    // Then bottom-up above it (below the stack, wherever exec put it).
    uptr candidate = mmap_base;
    for (size_t i = lower_bound(mmap_base); i <= m_regions.size(); ++i) {
        uptr limit = i < m_regions.size() ? m_regions[i].start : end_of_space;
        if (limit >= candidate && limit - candidate >= length)
            return candidate;
        if (i < m_regions.size())
            candidate = max(candidate, m_regions[i].end);
    }
    return Error { ENOMEM };
}

void AddressSpace::insert_region(size_t index, Region&& region)
{
    VERIFY(m_regions.size() < m_regions.capacity() && index <= m_regions.size());
    auto appended = m_regions.try_append(std::move(region));
    VERIFY(!appended.is_error());
    for (size_t i = m_regions.size() - 1; i > index; --i)
        std::swap(m_regions[i], m_regions[i - 1]);
}

void AddressSpace::remove_regions(size_t first, size_t count)
{
    size_t size = m_regions.size();
    VERIFY(first + count <= size);
    if (count == 0)
        return;
    for (size_t i = first; i + count < size; ++i)
        m_regions[i] = std::move(m_regions[i + count]);
    for (size_t i = 0; i < count; ++i)
        (void)m_regions.take_last();
}

void AddressSpace::split_at(uptr address)
{
    size_t index = lower_bound(address);
    if (index == m_regions.size() || m_regions[index].start >= address)
        return;
    Region upper(m_regions[index]);
    upper.offset += address - upper.start;
    upper.start = address;
    m_regions[index].end = address;
    insert_region(index + 1, std::move(upper));
}

void AddressSpace::merge_range(size_t first, size_t last)
{
    auto compatible = [](const Region& a, const Region& b) {
        if (a.end != b.start || a.protection != b.protection || a.flags != b.flags || a.file != b.file
            || a.memory != b.memory)
            return false;
        return (!a.file && !a.memory) || a.offset + a.size() == b.offset;
    };
    last = min(last, m_regions.size() - 1);
    for (size_t i = last; i > first && i < m_regions.size(); --i) {
        if (compatible(m_regions[i - 1], m_regions[i])) {
            m_regions[i - 1].end = m_regions[i].end;
            remove_regions(i, 1);
        }
    }
}

void AddressSpace::drop_pages(uptr start, uptr end)
{
    TlbBatch tlb(is_active());
    page_table::for_each_present(m_root_physical, start, end, [&](uptr address, Entry& entry) {
        frames::unref(page_table::physical_of(entry));
        entry = 0;
        tlb.add(address);
    });
}

void AddressSpace::unmap_range(uptr start, uptr end)
{
    split_at(start);
    split_at(end);
    size_t first = lower_bound(start);
    size_t last = first;
    while (last < m_regions.size() && m_regions[last].end <= end)
        ++last;
    remove_regions(first, last - first);
    drop_pages(start, end);
}

// ---- mmap, munmap, mprotect, madvise ----

Result<uptr> AddressSpace::map(uptr hint, size_t length, u32 protection, u32 flags, RefPtr<OpenFile> file, u64 offset)
{
    if (length == 0 || offset % page || (protection & ~(Read | Write | Execute)))
        return Error { EINVAL };
    if (length > arch::user_space_end)
        return Error { ENOMEM };
    length = align_up(length, page);
    bool shared = flags & Shared;
    if (shared == bool(flags & Private))
        return Error { EINVAL };
    bool anonymous = (flags & Anonymous) || !file;
    RefPtr<SharedMemory> memory;
    if (anonymous) {
        file = nullptr;
        offset = 0;
        if (shared)
            memory = TRY(SharedMemory::try_create(length / page));
    } else {
        if (!file->inode() || offset + length < offset)
            return Error { file->inode() ? EOVERFLOW : ENODEV };
        // FIXME: writable shared file mappings need write-back of dirty pages; until then
        // they are refused rather than silently losing writes.
        if (shared && (protection & Write))
            return Error { ENODEV };
    }

    MutexGuard guard(m_lock);
    TRY(m_regions.try_ensure_capacity(m_regions.size() + 3));
    uptr address;
    if (flags & (Fixed | FixedNoReplace)) {
        if (hint % page)
            return Error { EINVAL };
        if (hint < min_map_address)
            return Error { EPERM };
        if (hint > arch::user_space_end - length)
            return Error { ENOMEM };
        address = hint;
        if (!is_free(address, address + length)) {
            if (flags & FixedNoReplace)
                return Error { EEXIST };
            unmap_range(address, address + length);
        }
    } else {
        address = TRY(find_free_range(hint, length));
    }

    Region region;
    region.start = address;
    region.end = address + length;
    region.protection = protection;
    region.flags = flags & (Shared | Private | Anonymous | GrowsDown);
    region.file = std::move(file);
    region.memory = std::move(memory);
    region.offset = offset;
    size_t index = lower_bound(address);
    insert_region(index, std::move(region));
    merge_range(index > 0 ? index - 1 : 0, index + 1);
    return address;
}

Result<void> AddressSpace::unmap(uptr address, size_t length)
{
    if (address % page || length == 0 || address >= arch::user_space_end || length > arch::user_space_end - address)
        return Error { EINVAL };
    uptr end = address + align_up(length, page);
    MutexGuard guard(m_lock);
    TRY(m_regions.try_ensure_capacity(m_regions.size() + 2));
    unmap_range(address, end);
    return {};
}

void AddressSpace::update_entries(const Region& region)
{
    TlbBatch tlb(is_active());
    Entry bits = entry_permissions(region.protection);
    bool is_private = region.is_private();
    page_table::for_each_present(m_root_physical, region.start, region.end, [&](uptr address, Entry& entry) {
        Entry wanted = bits;
        // A private page not writable now may be shared copy-on-write: the next write fault
        // decides whether it must be copied.
        if (is_private && !(entry & page_table::Write))
            wanted &= ~page_table::Write;
        entry = page_table::with_permissions(entry, wanted);
        tlb.add(address);
    });
}

Result<void> AddressSpace::protect(uptr address, size_t length, u32 protection)
{
    if (address % page || (protection & ~(Read | Write | Execute)))
        return Error { EINVAL };
    if (length == 0)
        return {};
    if (address >= arch::user_space_end || length > arch::user_space_end - address)
        return Error { ENOMEM };
    uptr end = address + align_up(length, page);

    MutexGuard guard(m_lock);
    // Linux: ENOMEM if any part is unmapped. Checked before changing anything.
    uptr cursor = address;
    for (size_t i = lower_bound(address); cursor < end; ++i) {
        if (i == m_regions.size() || m_regions[i].start > cursor)
            return Error { ENOMEM };
        // Shared file mappings are read-only until write-back exists (see map()).
        if (m_regions[i].file && (m_regions[i].flags & Shared) && (protection & Write))
            return Error { EACCES };
        cursor = m_regions[i].end;
    }
    TRY(m_regions.try_ensure_capacity(m_regions.size() + 2));
    split_at(address);
    split_at(end);
    size_t first = lower_bound(address), last = first;
    for (; last < m_regions.size() && m_regions[last].start < end; ++last) {
        m_regions[last].protection = protection;
        update_entries(m_regions[last]);
    }
    merge_range(first > 0 ? first - 1 : 0, last);
    return {};
}

Result<void> AddressSpace::discard(uptr address, size_t length)
{
    if (address % page || address >= arch::user_space_end || length > arch::user_space_end - address)
        return Error { EINVAL };
    if (length == 0)
        return {};
    uptr end = address + align_up(length, page);
    MutexGuard guard(m_lock);
    // Private pages read back as zero (or from the file); shared memory keeps its contents
    // in its SharedMemory object. Linux applies the advice to what is mapped and still
    // reports ENOMEM for a hole.
    bool hole = false;
    uptr cursor = address;
    for (size_t i = lower_bound(address); i < m_regions.size() && m_regions[i].start < end; ++i) {
        hole |= m_regions[i].start > cursor;
        drop_pages(max(address, m_regions[i].start), min(end, m_regions[i].end));
        cursor = m_regions[i].end;
    }
    if (hole || cursor < end)
        return Error { ENOMEM };
    return {};
}

// ---- brk ----

void AddressSpace::set_brk_base(uptr base)
{
    MutexGuard guard(m_lock);
    m_brk_base = base;
    m_brk = base;
}

uptr AddressSpace::set_brk(uptr requested)
{
    MutexGuard guard(m_lock);
    if (m_brk_base == 0 || requested < m_brk_base || requested >= arch::user_space_end)
        return m_brk;
    uptr old_top = align_up(m_brk, page), new_top = align_up(requested, page);
    if (new_top > old_top) {
        if (!is_free(old_top, new_top) || m_regions.try_ensure_capacity(m_regions.size() + 1).is_error())
            return m_brk;
        Region heap;
        heap.start = old_top;
        heap.end = new_top;
        heap.protection = Read | Write;
        heap.flags = Private | Anonymous;
        size_t index = lower_bound(old_top);
        insert_region(index, std::move(heap));
        merge_range(index > 0 ? index - 1 : 0, index + 1);
    } else if (new_top < old_top) {
        if (m_regions.try_ensure_capacity(m_regions.size() + 2).is_error())
            return m_brk;
        unmap_range(new_top, old_top);
    }
    m_brk = requested;
    return m_brk;
}

// ---- accounting ----

u64 AddressSpace::virtual_size()
{
    MutexGuard guard(m_lock);
    u64 total = 0;
    for (auto& region : m_regions)
        total += region.size();
    return total;
}

Result<Vector<AddressSpace::Mapping>> AddressSpace::mappings()
{
    MutexGuard guard(m_lock);
    Vector<Mapping> result;
    TRY(result.try_ensure_capacity(m_regions.size()));
    uptr heap_start = align_up(m_brk_base, page), heap_end = align_up(m_brk, page);
    for (auto& region : m_regions) {
        Mapping mapping;
        mapping.start = region.start;
        mapping.end = region.end;
        mapping.protection = region.protection;
        mapping.flags = region.flags;
        mapping.offset = region.offset;
        mapping.file = region.file;
        mapping.is_heap = m_brk_base && region.start < heap_end && region.end > heap_start;
        mapping.is_stack = region.flags & GrowsDown;
        TRY(result.try_append(std::move(mapping)));
    }
    return result;
}

Result<AddressSpace::MemoryKey> AddressSpace::memory_key(uptr address)
{
    MutexGuard guard(m_lock);
    Region* region = find_region(address);
    if (!region)
        return Error { EFAULT };
    if (region->memory)
        return MemoryKey { region->memory.ptr(), region->offset + (address - region->start) };
    return MemoryKey { this, address };
}

uptr AddressSpace::brk_base()
{
    MutexGuard guard(m_lock);
    return m_brk_base;
}

uptr AddressSpace::brk()
{
    MutexGuard guard(m_lock);
    return m_brk;
}

u64 AddressSpace::resident_pages()
{
    MutexGuard guard(m_lock);
    u64 count = 0;
    page_table::for_each_present(m_root_physical, 0, arch::user_space_end, [&](uptr, Entry&) { ++count; });
    return count;
}

} // namespace sk
