// VirtioBlock: a virtio-blk disk (virtio spec §5.2) as a BlockDevice, over virtio-mmio.
//
// Each request is one descriptor chain: the 16-byte request header (device-readable), the
// data (one descriptor per segment of at most the device's size_max), and the one-byte status
// (device-writable). Headers and status bytes live in a DMA frame indexed by the chain's head
// descriptor, so a chain head owns its slot from add_chain until its requester frees it.
//
// Concurrency: several requests may be in flight (as many as the queue's descriptors allow);
// a requester sleeps uninterruptibly on m_completion until the interrupt handler has marked
// its head done, then reads the status and frees the chain. A requester that finds too few
// free descriptors sleeps on m_space. m_lock (a spinlock, also taken by the interrupt
// handler) guards the virtqueue and the per-head state.
#pragma once

#include <drivers/BlockDevice.h>
#include <drivers/VirtioMmio.h>
#include <lib/Spinlock.h>
#include <proc/WaitQueue.h>

namespace sk {

class VirtioBlock final : public BlockDevice {
public:
    // Initializes the device found in a probed slot (device id 2) and hooks its interrupt.
    // name: "vda", "vdb", ... (must outlive the device: a string literal or static storage).
    static Result<RefPtr<VirtioBlock>> try_create(const VirtioMmioDevice& transport, const char* name);

    u64 sector_count() const override { return m_sector_count; }
    Result<void> read_sectors(u64 sector, void* buffer, size_t count) override;
    Result<void> write_sectors(u64 sector, const void* buffer, size_t count) override;
    Result<void> flush() override;
    const char* name() const override { return m_name; }

    bool is_read_only() const { return m_read_only; }
    bool has_flush() const { return m_has_flush; }
    bool is_legacy() const { return m_transport.is_legacy(); }
    // The most requests that were ever in flight at once (for the self-test).
    u32 max_in_flight() const { return m_max_in_flight; }

private:
    struct [[gnu::packed]] RequestHeader {
        u32 type;
        u32 reserved;
        u64 sector;
    };
    struct RequestSlot {
        RequestHeader header;
        u8 status;
        u8 padding[7];
    };
    static constexpr u16 max_queue_size = 128;
    static constexpr size_t max_request_bytes = 256 * 1024;
    static constexpr size_t max_segments = 64; // data descriptors in one request

    VirtioBlock(const VirtioMmioDevice& transport, const char* name);
    Result<void> initialize();
    // One request of at most max_request_bytes; data may be null for a flush.
    Result<void> submit(u32 type, u64 sector, uptr data, size_t bytes, bool device_writes);
    Result<void> transfer(u32 type, u64 sector, uptr data, size_t count);
    static void interrupt(void* context);
    void handle_interrupt();

    VirtioMmioDevice m_transport;
    const char* m_name;
    Virtqueue* m_queue { nullptr };
    RequestSlot* m_slots { nullptr }; // one per descriptor, indexed by chain head
    uptr m_slots_physical { 0 };
    bool m_done[max_queue_size] {};
    u64 m_sector_count { 0 };
    u32 m_segment_max_bytes { 0 };
    u32 m_segment_max_count { 0 };
    bool m_read_only { false };
    bool m_has_flush { false };
    u32 m_in_flight { 0 };
    u32 m_max_in_flight { 0 };

    Spinlock m_lock;
    WaitQueue m_completion;
    WaitQueue m_space;
};

} // namespace sk
