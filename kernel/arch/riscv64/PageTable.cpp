// Sv39 page-table primitives (see PageTable.h). Table pages come from the frame allocator,
// zeroed; s_table_pages counts them for the leak check.
#include <arch/riscv64/Csr.h>
#include <arch/riscv64/PageTable.h>
#include <atomic>
#include <mm/FrameAllocator.h>
#include <string.h>

extern "C" sk::u64 boot_page_table[512];

namespace sk::page_table {

static std::atomic<u64> s_table_pages { 0 };
static std::atomic<uptr> s_kernel_root { 0 };

constexpr u64 satp_mode_sv39 = 8ul << 60;

static Result<uptr> allocate_table()
{
    uptr table = TRY(frames::allocate(true));
    s_table_pages.fetch_add(1, std::memory_order_relaxed);
    return table;
}

static void free_table(uptr table)
{
    frames::free(table);
    s_table_pages.fetch_sub(1, std::memory_order_relaxed);
}

u64 table_pages_in_use() { return s_table_pages.load(std::memory_order_relaxed); }

Result<uptr> create_root()
{
    uptr root = TRY(allocate_table());
    Entry* entries = table_at(root);
    // The lower half stays zero: boot_page_table's identity entry 2 must not leak into it.
    memcpy(&entries[user_root_entries], &boot_page_table[user_root_entries],
        (entries_per_table - user_root_entries) * sizeof(Entry));
    return root;
}

void free_tree(uptr root)
{
    Entry* top = table_at(root);
    for (size_t i2 = 0; i2 < user_root_entries; ++i2) {
        if (!(top[i2] & Valid))
            continue;
        uptr middle_physical = physical_of(top[i2]);
        Entry* middle = table_at(middle_physical);
        for (size_t i1 = 0; i1 < entries_per_table; ++i1) {
            if (middle[i1] & Valid)
                free_table(physical_of(middle[i1]));
        }
        free_table(middle_physical);
    }
    free_table(root);
}

Entry* find_entry(uptr root, uptr address)
{
    Entry* table = table_at(root);
    for (unsigned level = levels - 1; level > 0; --level) {
        Entry entry = table[index_of(address, level)];
        if (!(entry & Valid))
            return nullptr;
        table = table_at(physical_of(entry));
    }
    return &table[index_of(address, 0)];
}

Result<Entry*> ensure_entry(uptr root, uptr address)
{
    Entry* table = table_at(root);
    for (unsigned level = levels - 1; level > 0; --level) {
        Entry& entry = table[index_of(address, level)];
        if (!(entry & Valid)) {
            uptr fresh = TRY(allocate_table());
            entry = ((fresh >> 12) << 10) | Valid; // a pointer: no R/W/X
        }
        table = table_at(physical_of(entry));
    }
    return &table[index_of(address, 0)];
}

static u64 satp_for(uptr root) { return satp_mode_sv39 | (root >> 12); }

uptr active_root()
{
    u64 satp = csr_read(satp);
    return (satp >> 60) == 8 ? (satp & ((1ul << 44) - 1)) << 12 : 0;
}

void activate(uptr root)
{
    u64 satp = satp_for(root);
    // Every PTE change in the active tree is flushed when it is made, so staying on the same
    // root needs no flush (a TLB flush is expensive under QEMU).
    if (csr_read(satp) == satp)
        return;
    csr_write(satp, satp);
    riscv::sfence_vma_all();
}

void activate_kernel_only()
{
    uptr root = s_kernel_root.load(std::memory_order_acquire);
    if (!root) {
        auto fresh = create_root();
        if (fresh.is_error()) {
            // Without a frame, the boot table still maps the kernel (and, harmlessly for
            // the kernel, its identity entry).
            activate(arch::virt_to_phys(boot_page_table));
            return;
        }
        uptr expected = 0;
        if (s_kernel_root.compare_exchange_strong(expected, fresh.value(), std::memory_order_acq_rel)) {
            root = fresh.value();
            s_table_pages.fetch_sub(1, std::memory_order_relaxed); // permanent, not a space's
        } else {
            free_table(fresh.value());
            root = expected;
        }
    }
    activate(root);
}

void flush_page(uptr address) { riscv::sfence_vma(address); }
void flush_all() { riscv::sfence_vma_all(); }
void sync_instruction_cache() { asm volatile("fence.i" ::: "memory"); }

} // namespace sk::page_table
