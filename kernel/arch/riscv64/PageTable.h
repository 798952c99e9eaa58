// Sv39 page-table primitives for user address spaces: three levels of 512 entries, 4 KiB
// leaves only (user memory is never mapped with large pages). A root's upper half (entries
// 256..511: the direct map and the kernel image) is copied from boot_page_table and shared by
// every space; only the lower half (user space, below arch::user_space_end) belongs to the
// root and is freed with it. boot_page_table's identity entry 2 (0x80000000) is not copied,
// so user space never sees kernel memory.
//
// Entries are written with A and D already set, so the hardware never raises A/D faults.
// A present page without any access (PROT_NONE) keeps its frame in an entry with V clear and
// the software bit NoAccess set: the hardware ignores such an entry, the kernel still owns
// the frame. At level 0 an entry is therefore present iff it has Valid or NoAccess.
//
// These functions do no locking: the owner (AddressSpace) serializes edits of one tree.
#pragma once

#include <arch/Arch.h>
#include <lib/Result.h>
#include <lib/Types.h>

namespace sk::page_table {

using Entry = u64;

enum : Entry {
    Valid = 1ul << 0,
    Read = 1ul << 1,
    Write = 1ul << 2,
    Execute = 1ul << 3,
    User = 1ul << 4,
    Global = 1ul << 5,
    Accessed = 1ul << 6,
    Dirty = 1ul << 7,
    NoAccess = 1ul << 8, // software (RSW): present, no permissions, V clear
    Permissions = Read | Write | Execute,
};

constexpr unsigned levels = 3;
constexpr size_t entries_per_table = 512;
constexpr size_t user_root_entries = 256; // entries 0..255 of a root map user space

constexpr bool is_present(Entry entry) { return entry & (Valid | NoAccess); }
constexpr uptr physical_of(Entry entry) { return ((entry >> 10) & ((1ul << 44) - 1)) << 12; }
// A user leaf for frame with the given R/W/X bits (none: a NoAccess entry).
constexpr Entry make_leaf(uptr physical, Entry permissions)
{
    Entry base = ((physical >> 12) << 10) | User | Accessed | Dirty;
    return (permissions & Permissions) ? base | Valid | (permissions & Permissions) : base | NoAccess;
}
constexpr Entry with_permissions(Entry leaf, Entry permissions) { return make_leaf(physical_of(leaf), permissions); }

inline Entry* table_at(uptr physical) { return static_cast<Entry*>(arch::phys_to_virt(physical)); }
constexpr size_t index_of(uptr address, unsigned level) { return (address >> (12 + 9 * level)) & 511; }

// A fresh root: zero user half, the kernel's upper half. ENOMEM.
Result<uptr> create_root();
// Frees the user half's intermediate tables and the root itself. Leaves must already have
// been released by the caller (their frames are not touched).
void free_tree(uptr root);

// The level-0 entry for address, or null when an intermediate table is missing.
Entry* find_entry(uptr root, uptr address);
// The level-0 entry for address, creating intermediate tables (ENOMEM).
Result<Entry*> ensure_entry(uptr root, uptr address);

// Calls fn(address, Entry&) for every present level-0 entry in [start, end), in address
// order, skipping absent subtrees. fn may change or clear the entry (not the tree).
template<typename Fn> void for_each_present(uptr root, uptr start, uptr end, Fn fn)
{
    constexpr uptr span1 = 1ul << 30, span0 = 1ul << 21;
    Entry* top = table_at(root);
    for (uptr a2 = align_down(start, span1); a2 < end; a2 += span1) {
        Entry e2 = top[index_of(a2, 2)];
        if (!(e2 & Valid))
            continue;
        Entry* middle = table_at(physical_of(e2));
        for (uptr a1 = max(a2, align_down(start, span0)); a1 < end && a1 < a2 + span1; a1 += span0) {
            Entry e1 = middle[index_of(a1, 1)];
            if (!(e1 & Valid))
                continue;
            Entry* leaves = table_at(physical_of(e1));
            uptr first = max(a1, start), last = min(a1 + span0, end);
            for (uptr a0 = first; a0 < last; a0 += arch::page_size) {
                Entry& entry = leaves[index_of(a0, 0)];
                if (is_present(entry))
                    fn(a0, entry);
            }
        }
    }
}

// The root currently in satp (0 when paging uses a root not made here).
uptr active_root();
// Switches to root (satp mode Sv39, ASID 0) and flushes the TLB; nothing if it is active.
void activate(uptr root);
// A root with only the kernel half, for when no user space is active.
void activate_kernel_only();
void flush_page(uptr address);
void flush_all();
// After the kernel wrote instructions into a frame that user space will execute.
void sync_instruction_cache();

// Page-table frames currently allocated by all trees (for the leak check).
u64 table_pages_in_use();

} // namespace sk::page_table
