// mremap (AddressSpace::remap): shrink a mapping in place, grow it in place when the pages
// after it are free, or move its pages to a new range. Moving hands the page-table entries
// over as they are (frame references travel with them), so nothing is copied and
// copy-on-write state is kept. All page-table pages the move needs are allocated before
// anything changes, so an ENOMEM leaves the space as it was.
//
// Runs under m_lock like the rest of AddressSpace.
#include <arch/riscv64/PageTable.h>
#include <mm/FrameAllocator.h>
#include <mm/Region.h>

namespace sk {

using page_table::Entry;

static constexpr uptr page = arch::page_size;

void AddressSpace::move_pages(uptr from, uptr to, size_t length)
{
    TlbBatch tlb(is_active());
    page_table::for_each_present(m_root_physical, from, from + length, [&](uptr address, Entry& entry) {
        Entry* destination = page_table::find_entry(m_root_physical, to + (address - from));
        VERIFY(destination && !page_table::is_present(*destination));
        *destination = entry;
        entry = 0;
        tlb.add(address);
    });
}

Result<uptr> AddressSpace::remap(uptr old_address, size_t old_size, size_t new_size, u32 flags, uptr new_address)
{
    if (old_address % page || (flags & ~(MayMove | FixedAddress)) || ((flags & FixedAddress) && !(flags & MayMove)))
        return Error { EINVAL };
    // FIXME: old_size 0 (a second mapping of the same shared memory) is not supported.
    if (new_size == 0 || old_size == 0)
        return Error { EINVAL };
    if (old_size > arch::user_space_end || new_size > arch::user_space_end)
        return Error { ENOMEM };
    old_size = align_up(old_size, page);
    new_size = align_up(new_size, page);
    if (old_address >= arch::user_space_end || old_size > arch::user_space_end - old_address)
        return Error { EFAULT };
    uptr old_end = old_address + old_size;

    MutexGuard guard(m_lock);
    TRY(m_regions.try_ensure_capacity(m_regions.size() + 5));
    Region* region = find_region(old_address);
    if (!region || region->end < old_end)
        return Error { EFAULT }; // Linux: the old range must lie in one mapping
    // Shared memory cannot grow past its object.
    // FIXME: growing it needs a resizable SharedMemory.
    u64 offset = region->offset + (old_address - region->start);
    bool backing_fits = !region->memory || (offset + new_size) / page <= region->memory->page_count();

    if (!(flags & FixedAddress)) {
        if (new_size <= old_size) {
            unmap_range(old_address + new_size, old_end);
            return old_address;
        }
        uptr new_end = old_address + new_size;
        if (backing_fits && region->end == old_end && new_end <= arch::user_space_end && is_free(old_end, new_end)) {
            region->end = new_end;
            size_t index = lower_bound(old_address);
            merge_range(index, index + 1);
            return old_address;
        }
        if (!(flags & MayMove) || !backing_fits)
            return Error { ENOMEM };
        new_address = TRY(find_free_range(0, new_size));
    } else {
        if (new_address % page || new_address < page || new_address > arch::user_space_end - new_size)
            return Error { EINVAL };
        if (new_address < old_end && old_address < new_address + new_size)
            return Error { EINVAL };
        if (!backing_fits)
            return Error { ENOMEM };
    }

    // Page-table pages for every entry that moves, before anything changes.
    size_t moving = min(old_size, new_size);
    bool out_of_memory = false;
    page_table::for_each_present(m_root_physical, old_address, old_address + moving, [&](uptr address, Entry&) {
        if (!out_of_memory
            && page_table::ensure_entry(m_root_physical, new_address + (address - old_address)).is_error())
            out_of_memory = true;
    });
    if (out_of_memory)
        return Error { ENOMEM };

    Region moved(*region);
    moved.start = new_address;
    moved.end = new_address + new_size;
    moved.offset = offset;
    if (flags & FixedAddress)
        unmap_range(new_address, new_address + new_size);
    move_pages(old_address, new_address, moving);
    unmap_range(old_address, old_end); // what did not move (a shrink) is dropped
    size_t index = lower_bound(new_address);
    insert_region(index, std::move(moved));
    merge_range(index > 0 ? index - 1 : 0, index + 1);
    return new_address;
}

} // namespace sk
