// Region (a VMA), SharedMemory and small helpers shared by kernel/mm/*.cpp — private to kernel/mm.
//
// A Region is a page-aligned range [start, end) of one address space with one protection and
// one backing: anonymous private memory (demand-zero), a private file mapping (pages read
// from the inode at fault time, beyond EOF zero), or anonymous shared memory (a SharedMemory
// object that every space mapping it after fork shares). Regions of a space are kept sorted
// and disjoint in AddressSpace::m_regions; adjacent compatible ones are merged.
//
// Invariant: a level-0 page-table entry is present only inside some region, and its frame
// holds one reference for that entry.
#pragma once

#include <arch/riscv64/PageTable.h>
#include <lib/RefPtr.h>
#include <lib/Spinlock.h>
#include <lib/Vector.h>
#include <mm/AddressSpace.h>
#include <vfs/OpenFile.h>

namespace sk {

// The pages of a MAP_SHARED|MAP_ANONYMOUS mapping. Holds one frame reference per populated
// page (each page-table entry mapping it holds another), so the contents outlive a
// MADV_DONTNEED or the unmapping in one of the sharing spaces. Locking: m_lock guards
// m_frames; it is taken inside AddressSpace::m_lock and never the other way round.
class SharedMemory : public RefCounted<SharedMemory> {
public:
    static Result<RefPtr<SharedMemory>> try_create(size_t page_count);
    ~SharedMemory();

    // The frame of page index (zero-filled on first use), with a reference for the caller.
    Result<uptr> take_frame(size_t index);
    size_t page_count() const { return m_frames.size(); }

private:
    SharedMemory() = default;
    Spinlock m_lock;
    Vector<uptr> m_frames; // physical address, 0 while not populated
};

struct AddressSpace::Region {
    uptr start { 0 };
    uptr end { 0 };
    u32 protection { 0 }; // Protection bits
    u32 flags { 0 }; // Shared or Private, Anonymous, GrowsDown
    RefPtr<OpenFile> file; // file mappings (private, or shared read-only)
    RefPtr<SharedMemory> memory; // anonymous shared mappings
    u64 offset { 0 }; // file offset (or byte offset in memory) of start

    bool contains(uptr address) const { return address >= start && address < end; }
    size_t size() const { return end - start; }
    // Anonymous shared memory: pages are never copied on write, fork does not copy entries.
    bool is_shared_memory() const { return memory.ptr() != nullptr; }
    // Writes go to a private frame: copy-on-write after fork applies.
    bool is_private() const { return !is_shared_memory(); }
};

// Flushes the pages whose entries changed in the active space: one by one while few did,
// the whole TLB beyond that. An inactive space needs no flush (activate() flushes).
class TlbBatch {
public:
    explicit TlbBatch(bool active)
        : m_active(active)
    {
    }
    ~TlbBatch()
    {
        if (m_active && m_count > max_single)
            page_table::flush_all();
    }
    void add(uptr address)
    {
        if (m_active && ++m_count <= max_single)
            page_table::flush_page(address);
    }

private:
    static constexpr size_t max_single = 16;
    bool m_active;
    size_t m_count { 0 };
};

// The R/W/X entry bits of a region's pages (W implies R: RISC-V reserves write-only entries).
inline page_table::Entry entry_permissions(u32 protection)
{
    page_table::Entry bits = 0;
    if (protection & AddressSpace::Read)
        bits |= page_table::Read;
    if (protection & AddressSpace::Write)
        bits |= page_table::Read | page_table::Write;
    if (protection & AddressSpace::Execute)
        bits |= page_table::Execute;
    return bits;
}

} // namespace sk
