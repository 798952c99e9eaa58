// AddressSpace: one user address space — an Sv39 page table whose upper half is the kernel's
// (shared with every space) and a set of VMAs (regions with protection and backing) for the
// lower half. Pages are populated lazily: demand-zero for anonymous memory, read from the
// file for private file mappings, copied on write after fork (frames are reference counted
// by the frame allocator).
//
// Locking: m_lock (a sleeping Mutex) serializes VMA changes and fault handling; page-table
// edits happen under it too. Shared between the threads of a process (CLONE_VM).
#pragma once

#include <lib/RefPtr.h>
#include <lib/Result.h>
#include <lib/Types.h>
#include <lib/Vector.h>
#include <proc/Mutex.h>

namespace sk {

class OpenFile;
enum class FaultAccess;
enum class FaultResult;

class AddressSpace : public RefCounted<AddressSpace> {
public:
    enum Protection : u32 { Read = 1, Write = 2, Execute = 4 }; // PROT_* values
    enum MapFlags : u32 {
        Shared = 0x01, // MAP_SHARED
        Private = 0x02, // MAP_PRIVATE
        Fixed = 0x10, // MAP_FIXED
        Anonymous = 0x20, // MAP_ANONYMOUS
        GrowsDown = 0x100, // MAP_GROWSDOWN
        FixedNoReplace = 0x100000, // MAP_FIXED_NOREPLACE
    };
    static constexpr uptr mmap_base = 0x2000000000ul; // top-down mmap area below this
    static constexpr uptr stack_top = 0x3ffffff000ul;

    static Result<RefPtr<AddressSpace>> try_create();
    ~AddressSpace();
    // fork: a copy-on-write clone (shared mappings stay shared).
    Result<RefPtr<AddressSpace>> try_clone();

    // Makes this the hart's user address space (writes satp; flushes the TLB).
    void activate();

    // mmap: returns the address. hint is used when free (or exactly, with Fixed). length is
    // rounded up to pages; offset must be page aligned (EINVAL). file is null for anonymous.
    Result<uptr> map(uptr hint, size_t length, u32 protection, u32 flags, RefPtr<OpenFile> file, u64 offset);
    Result<void> unmap(uptr address, size_t length);
    Result<void> protect(uptr address, size_t length, u32 protection);
    // madvise(MADV_DONTNEED): drop the pages (anonymous private memory reads back as zeros).
    Result<void> discard(uptr address, size_t length);
    // mremap: MREMAP_MAYMOVE = 1, MREMAP_FIXED = 2 (Linux's values). Shrinks in place, grows
    // in place when the pages after the range are free, else moves the pages (MayMove).
    // The old range must lie in one mapping (EFAULT).
    enum RemapFlags : u32 { MayMove = 1, FixedAddress = 2 };
    Result<uptr> remap(uptr old_address, size_t old_size, size_t new_size, u32 flags, uptr new_address);
    // brk: the heap starts at brk_base (set by exec after the program's last segment).
    void set_brk_base(uptr base);
    // Returns the new break, or the current one when the request cannot be met (Linux).
    uptr set_brk(uptr requested);

    // A fault at address: Resolved if a page was mapped (or made writable) and the access
    // may be retried; otherwise why not (see FaultResult).
    FaultResult handle_fault(uptr address, FaultAccess access);

    // Bytes mapped and resident, for /proc.
    u64 virtual_size();
    u64 resident_pages();

    // One mapping as /proc/<pid>/maps shows it.
    struct Mapping {
        uptr start { 0 };
        uptr end { 0 };
        u32 protection { 0 };
        u32 flags { 0 }; // MapFlags (Shared or Private, Anonymous, GrowsDown)
        u64 offset { 0 }; // file offset of start
        RefPtr<OpenFile> file; // null for anonymous memory
        bool is_heap { false }; // within the brk area
        bool is_stack { false }; // MAP_GROWSDOWN (exec's stack)
    };
    Result<Vector<Mapping>> mappings();
    uptr brk_base();
    uptr brk();

    // What identifies the memory word at address for futexes shared between processes: for
    // anonymous shared memory its object and offset (the same in every space mapping it),
    // otherwise this space and the address. EFAULT when nothing is mapped there.
    struct MemoryKey {
        const void* object;
        u64 offset;
        bool operator==(const MemoryKey&) const = default;
    };
    Result<MemoryKey> memory_key(uptr address);

    // Access to this space's memory through the kernel's direct map, faulting pages in as
    // needed; the space need not be active (exec fills a new stack with it, /proc reads
    // another process's memory). Like ptrace, a write reaches private pages that user space
    // may not write (copy-on-write keeps other spaces' frames intact); EFAULT outside any
    // region or for a shared mapping without PROT_WRITE.
    Result<void> write_memory(uptr address, const void* data, size_t length);
    Result<void> read_memory(uptr address, void* data, size_t length);

    // Switches the hart to a root with only the kernel half (no user space active).
    static void activate_kernel_only();

    // For kernel threads, which have no process (in-kernel self-tests): the space whose
    // faults handle_user_page_fault resolves, so copy_{to,from}_user work on it. The caller
    // keeps the space alive while it is set and clears it with nullptr.
    static void set_kernel_thread_space(AddressSpace* space);
    static AddressSpace* kernel_thread_space();

    // Totals over all spaces, for the leak check and /proc/meminfo.
    struct Statistics {
        u64 spaces; // live AddressSpace objects
        u64 page_table_pages; // frames used by their page tables
    };
    static Statistics statistics();

private:
    AddressSpace() = default;
    // Implementation state (VMAs, page-table root) is private to kernel/mm (mm/Region.h).
    struct Region;

    // All of these run with m_lock held.
    size_t lower_bound(uptr address) const; // first region with end > address
    Region* find_region(uptr address);
    bool is_free(uptr start, uptr end) const;
    Result<uptr> find_free_range(uptr hint, size_t length) const;
    // These need spare capacity in m_regions (reserved by the caller), so they cannot fail.
    void insert_region(size_t index, Region&& region);
    void split_at(uptr address);
    void remove_regions(size_t first, size_t count);
    void merge_range(size_t first, size_t last);
    void unmap_range(uptr start, uptr end);
    void move_pages(uptr from, uptr to, size_t length);
    void drop_pages(uptr start, uptr end);
    void update_entries(const Region& region);
    // Makes the page at page_address present with its region's permissions; for a write,
    // gives this space its own frame (copy-on-write). Returns the frame; EFAULT outside any
    // region, EACCES against its protection (forced: the kernel's ptrace-like access, which
    // may write any private page), ENXIO for a file page past the end of the file, or the
    // error that kept the page from being had. May drop m_lock while a file page is read.
    Result<uptr> resolve_page(uptr page_address, FaultAccess access, bool forced);
    Result<void> fault_in_file_page(const Region& region, uptr page_address);
    template<typename Fn> Result<void> access_memory(uptr address, size_t length, bool write, Fn fn);
    bool is_active() const;

    Mutex m_lock;
    uptr m_root_physical { 0 }; // top-level page table
    Vector<Region> m_regions; // sorted by start address, disjoint
    uptr m_brk_base { 0 };
    uptr m_brk { 0 };
};

} // namespace sk
