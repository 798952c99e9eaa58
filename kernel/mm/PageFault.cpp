// Page faults on user addresses: demand-zero anonymous pages, private file pages read at
// fault time, anonymous shared pages from their SharedMemory, and copy-on-write after fork.
// Also the trap layer's entry point (handle_user_page_fault) and kernel access to a space's
// memory through the direct map (write_memory/read_memory).
//
// The fault path is short on purpose: one binary search for the region, one page-table walk,
// at most one frame allocation, one single-page TLB flush. It runs with interrupts enabled
// and may sleep (m_lock is a Mutex; it is dropped while a file page is read).
#include <arch/riscv64/PageTable.h>
#include <arch/riscv64/UserTrap.h>
#include <atomic>
#include <drivers/Console.h>
#include <lib/IoBuffer.h>
#include <mm/FrameAllocator.h>
#include <mm/Region.h>
#include <proc/Process.h>
#include <proc/Scheduler.h>
#include <string.h>

namespace sk {

using page_table::Entry;

static constexpr uptr page = arch::page_size;
static std::atomic<AddressSpace*> s_kernel_thread_space { nullptr };

static bool access_allowed(u32 protection, FaultAccess access)
{
    switch (access) {
    case FaultAccess::Read:
        return protection & (AddressSpace::Read | AddressSpace::Write); // W implies R
    case FaultAccess::Write:
        return protection & AddressSpace::Write;
    case FaultAccess::Execute:
        return protection & AddressSpace::Execute;
    }
    return false;
}

// A private copy of one page of file; the part past the end of the file reads as zeroes.
// ENXIO if the page lies wholly past the end (Linux raises SIGBUS there).
static Result<uptr> read_file_page(OpenFile& file, u64 offset)
{
    if (offset >= file.inode()->metadata().size)
        return Error { ENXIO };
    uptr frame = TRY(frames::allocate());
    auto* bytes = static_cast<u8*>(arch::phys_to_virt(frame));
    size_t done = 0;
    while (done < page) {
        auto count = file.inode()->read_at(offset + done, IoBuffer::kernel(bytes + done, page - done), page - done);
        if (count.is_error()) {
            frames::free(frame);
            return count.error();
        }
        if (count.value() == 0)
            break; // the end of the file
        done += count.value();
    }
    memset(bytes + done, 0, page - done);
    return frame;
}

// The file is read with m_lock dropped: the filesystem may sleep on I/O, and another thread
// of this process may hold the filesystem's lock while it faults on this space. The page is
// installed only if the region still maps the same file page and nobody else installed one.
Result<void> AddressSpace::fault_in_file_page(const Region& region, uptr page_address)
{
    RefPtr<OpenFile> file = region.file;
    u64 offset = region.offset + (page_address - region.start);
    m_lock.unlock();
    auto read = read_file_page(*file, offset);
    m_lock.lock();
    if (read.is_error())
        return read.error();
    uptr frame = read.value();
    Region* now = find_region(page_address);
    Entry* entry = page_table::find_entry(m_root_physical, page_address);
    if (!now || now->file != file || now->offset + (page_address - now->start) != offset || !entry
        || page_table::is_present(*entry)) {
        frames::free(frame);
        return {}; // the caller looks again
    }
    Entry bits = entry_permissions(now->protection);
    *entry = page_table::make_leaf(frame, bits);
    if (bits & page_table::Execute)
        page_table::sync_instruction_cache();
    if (is_active())
        page_table::flush_page(page_address);
    return {};
}

Result<uptr> AddressSpace::resolve_page(uptr page_address, FaultAccess access, bool forced)
{
    for (;;) {
        Region* region = find_region(page_address);
        if (!region)
            return Error { EFAULT };
        if (forced ? (access == FaultAccess::Write && region->is_shared_memory() && !(region->protection & Write))
                   : !access_allowed(region->protection, access))
            return Error { EACCES };
        Entry* entry = TRY(page_table::ensure_entry(m_root_physical, page_address));
        Entry bits = entry_permissions(region->protection);
        bool kernel_wrote = false;
        uptr frame;
        if (!page_table::is_present(*entry)) {
            // A fresh frame belongs to this space alone: writable at once if the region is.
            if (region->file) {
                TRY(fault_in_file_page(*region, page_address));
                continue; // m_lock was dropped: region and entry must be looked up again
            }
            if (region->memory)
                frame = TRY(region->memory->take_frame((region->offset + (page_address - region->start)) / page));
            else
                frame = TRY(frames::allocate(true));
            kernel_wrote = true;
        } else {
            frame = page_table::physical_of(*entry);
            if (region->is_private() && !(*entry & page_table::Write)) {
                if (access == FaultAccess::Write) {
                    // Copy-on-write: the last sharer takes the frame over without copying.
                    if (frames::ref_count(frame) > 1) {
                        uptr copy = TRY(frames::allocate());
                        memcpy(arch::phys_to_virt(copy), arch::phys_to_virt(frame), page);
                        frames::unref(frame);
                        frame = copy;
                        kernel_wrote = true;
                    }
                } else {
                    bits &= ~page_table::Write; // maybe still shared: the write fault decides
                }
            }
        }
        *entry = page_table::make_leaf(frame, bits);
        if (kernel_wrote && (bits & page_table::Execute))
            page_table::sync_instruction_cache();
        if (is_active())
            page_table::flush_page(page_address);
        return frame;
    }
}

FaultResult AddressSpace::handle_fault(uptr address, FaultAccess access)
{
    if (address >= arch::user_space_end)
        return FaultResult::NoMapping;
    MutexGuard guard(m_lock);
    // A fault is always taken in the active space; resolving it elsewhere would retry forever.
    if (!is_active())
        return FaultResult::NoMapping;
    auto frame = resolve_page(align_down(address, page), access, false);
    if (!frame.is_error())
        return FaultResult::Resolved;
    switch (frame.error().code) {
    case EFAULT:
        return FaultResult::NoMapping;
    case EACCES:
        return FaultResult::Forbidden;
    case ENXIO:
        return FaultResult::BeyondFile;
    default:
        static bool logged;
        if (!logged) {
            logged = true;
            kprintf("sockeye: cannot resolve a page fault at %#lx (errno %d)\n", address, frame.error().code);
        }
        return FaultResult::Failed;
    }
}

template<typename Fn> Result<void> AddressSpace::access_memory(uptr address, size_t length, bool write, Fn fn)
{
    if (address >= arch::user_space_end || length > arch::user_space_end - address)
        return Error { EFAULT };
    MutexGuard guard(m_lock);
    size_t done = 0;
    while (done < length) {
        uptr current = address + done;
        uptr page_address = align_down(current, page);
        auto frame_or_error = resolve_page(page_address, write ? FaultAccess::Write : FaultAccess::Read, true);
        if (frame_or_error.is_error()) {
            int code = frame_or_error.error().code;
            return Error { code == EACCES || code == ENXIO ? EFAULT : code };
        }
        uptr frame = frame_or_error.value();
        size_t in_page = current - page_address;
        size_t chunk = min(page - in_page, length - done);
        fn(static_cast<u8*>(arch::phys_to_virt(frame)) + in_page, done, chunk);
        done += chunk;
    }
    if (write)
        page_table::sync_instruction_cache();
    return {};
}

Result<void> AddressSpace::write_memory(uptr address, const void* data, size_t length)
{
    auto* source = static_cast<const u8*>(data);
    return access_memory(
        address, length, true, [&](u8* target, size_t at, size_t n) { memcpy(target, source + at, n); });
}

Result<void> AddressSpace::read_memory(uptr address, void* data, size_t length)
{
    auto* target = static_cast<u8*>(data);
    return access_memory(
        address, length, false, [&](u8* source, size_t at, size_t n) { memcpy(target + at, source, n); });
}

void AddressSpace::set_kernel_thread_space(AddressSpace* space) { s_kernel_thread_space.store(space); }
AddressSpace* AddressSpace::kernel_thread_space() { return s_kernel_thread_space.load(); }

// Replaces the weak default in arch/riscv64/Trap.cpp.
FaultResult handle_user_page_fault(uptr address, FaultAccess access)
{
    Process* process = scheduler::current()->process();
    RefPtr<AddressSpace> space = process ? process->address_space_ref() : RefPtr(AddressSpace::kernel_thread_space());
    return space ? space->handle_fault(address, access) : FaultResult::NoMapping;
}

} // namespace sk
