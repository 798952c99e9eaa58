// virtio-blk driver. See VirtioBlock.h for the request layout and the locking.
#include <arch/Arch.h>
#include <arch/riscv64/Interrupts.h>
#include <drivers/Console.h>
#include <drivers/VirtioBlock.h>
#include <lib/Verify.h>
#include <mm/FrameAllocator.h>
#include <new>

#ifndef VIRTIO_BLOCK_DEBUG
#define VIRTIO_BLOCK_DEBUG 0
#endif

namespace sk {

namespace {

// Request types and status values.
constexpr u32 request_in = 0;
constexpr u32 request_out = 1;
constexpr u32 request_flush = 4;
constexpr u8 status_ok = 0;
constexpr u8 status_pending = 0xff; // never written by a device

// Feature bits.
constexpr u64 feature_size_max = 1ull << 1;
constexpr u64 feature_seg_max = 1ull << 2;
constexpr u64 feature_read_only = 1ull << 5;
constexpr u64 feature_block_size = 1ull << 6;
constexpr u64 feature_flush = 1ull << 9;

// Configuration space offsets.
constexpr u32 config_capacity = 0;
constexpr u32 config_size_max = 8;
constexpr u32 config_seg_max = 12;

} // namespace

VirtioBlock::VirtioBlock(const VirtioMmioDevice& transport, const char* name)
    : m_transport(transport)
    , m_name(name)
{
}

Result<RefPtr<VirtioBlock>> VirtioBlock::try_create(const VirtioMmioDevice& transport, const char* name)
{
    VERIFY(transport.device_id() == virtio::device_id_block);
    auto* created = new (std::nothrow) VirtioBlock(transport, name);
    if (!created)
        return Error { ENOMEM };
    RefPtr<VirtioBlock> device(created);
    TRY(device->initialize());
    return device;
}

Result<void> VirtioBlock::initialize()
{
    m_transport.begin_initialization();
    u64 features = TRY(m_transport.negotiate(
        feature_size_max | feature_seg_max | feature_read_only | feature_block_size | feature_flush));
    m_read_only = features & feature_read_only;
    m_has_flush = features & feature_flush;
    m_sector_count = m_transport.config64(config_capacity);
    m_segment_max_bytes = (features & feature_size_max) ? m_transport.config32(config_size_max) : 0;
    if (m_segment_max_bytes < arch::page_size)
        m_segment_max_bytes = max_request_bytes;
    m_segment_max_count = (features & feature_seg_max) ? m_transport.config32(config_seg_max) : 0;

    auto queue = Virtqueue::try_create(m_transport, 0, max_queue_size);
    if (queue.is_error()) {
        m_transport.fail();
        return queue.error();
    }
    m_queue = queue.value();
    if (m_segment_max_count == 0 || m_segment_max_count > m_queue->size() - 2u)
        m_segment_max_count = m_queue->size() - 2u;
    if (m_segment_max_count > max_segments)
        m_segment_max_count = max_segments;

    static_assert(sizeof(RequestSlot) * max_queue_size <= arch::page_size);
    m_slots_physical = TRY(frames::allocate(true));
    m_slots = static_cast<RequestSlot*>(arch::phys_to_virt(m_slots_physical));

    plic::register_handler(m_transport.irq(), interrupt, this);
    m_transport.finish_initialization();
    return {};
}

void VirtioBlock::interrupt(void* context) { static_cast<VirtioBlock*>(context)->handle_interrupt(); }

void VirtioBlock::handle_interrupt()
{
    m_transport.acknowledge_interrupt();
    bool completed = false;
    {
        SpinlockGuard guard(m_lock);
        virtio::UsedElement element;
        while (m_queue->pop_used(element)) {
            if (element.id < m_queue->size()) {
                m_done[element.id] = true;
                completed = true;
            }
        }
    }
    if (completed)
        m_completion.wake_all();
}

Result<void> VirtioBlock::submit(u32 type, u64 sector, uptr data, size_t bytes, bool device_writes)
{
    // header + data segments + status
    Virtqueue::Buffer buffers[max_segments + 2];
    size_t count = 1;
    if (bytes) {
        uptr address = data;
        size_t left = bytes;
        while (left) {
            size_t piece = left < m_segment_max_bytes ? left : m_segment_max_bytes;
            buffers[count++]
                = { arch::virt_to_phys(reinterpret_cast<void*>(address)), static_cast<u32>(piece), device_writes };
            address += piece;
            left -= piece;
            if (count - 1 > m_segment_max_count)
                return Error { EINVAL }; // transfer() keeps requests small enough
        }
    }
    ++count;

    SpinlockGuard guard(m_lock);
    TRY(m_space.wait_until(
        guard, [&] { return m_queue->free_count() >= count; }, {}, true));
    // The chain's head (and so its header/status slot) is the free list's first descriptor.
    u16 head = m_queue->next_head();
    RequestSlot& slot = m_slots[head];
    slot.header = { type, 0, sector };
    slot.status = status_pending;
    uptr slot_physical = m_slots_physical + head * sizeof(RequestSlot);
    buffers[0] = { slot_physical, sizeof(RequestHeader), false };
    buffers[count - 1] = { slot_physical + offsetof(RequestSlot, status), 1, true };
    VERIFY(m_queue->add_chain(buffers, count) == head);
    m_done[head] = false;
    if (++m_in_flight > m_max_in_flight)
        m_max_in_flight = m_in_flight;
    m_queue->notify();

    TRY(m_completion.wait_until(
        guard, [&] { return m_done[head]; }, {}, true));
    u8 status = slot.status;
    --m_in_flight;
    m_queue->free_chain(head);
    m_space.wake_all();
    if (status != status_ok) {
        if constexpr (VIRTIO_BLOCK_DEBUG)
            kprintf("%s: request type %u sector %lu: status %u\n", m_name, type, sector, status);
        return Error { EIO };
    }
    return {};
}

Result<void> VirtioBlock::transfer(u32 type, u64 sector, uptr data, size_t count)
{
    if (sector > m_sector_count || count > m_sector_count - sector)
        return Error { EIO };
    // Kernel memory only: the direct map and the kernel image map physical memory linearly.
    VERIFY(data >= arch::direct_map_base);
    size_t max_bytes = max_request_bytes;
    if (m_segment_max_count * static_cast<size_t>(m_segment_max_bytes) < max_bytes)
        max_bytes = m_segment_max_count * static_cast<size_t>(m_segment_max_bytes);
    max_bytes &= ~(sector_size - 1);
    while (count) {
        size_t bytes = count * sector_size;
        if (bytes > max_bytes)
            bytes = max_bytes;
        TRY(submit(type, sector, data, bytes, type == request_in));
        sector += bytes / sector_size;
        data += bytes;
        count -= bytes / sector_size;
    }
    return {};
}

Result<void> VirtioBlock::read_sectors(u64 sector, void* buffer, size_t count)
{
    return transfer(request_in, sector, reinterpret_cast<uptr>(buffer), count);
}

Result<void> VirtioBlock::write_sectors(u64 sector, const void* buffer, size_t count)
{
    if (m_read_only)
        return Error { EROFS };
    return transfer(request_out, sector, reinterpret_cast<uptr>(buffer), count);
}

Result<void> VirtioBlock::flush()
{
    if (!m_has_flush)
        return {}; // no volatile write cache to flush
    return submit(request_flush, 0, 0, 0, false);
}

} // namespace sk
