// VirtioMmio: the virtio-mmio transport (virtio spec 1.x, §4.2) and split virtqueues (§2.6),
// shared by every virtio driver. Both register layouts QEMU offers are handled: legacy
// (version 1, QEMU 7.2's default: GuestPageSize + QueuePFN, no FEATURES_OK) and modern
// (version 2, `-global virtio-mmio.force-legacy=false`: 64-bit queue addresses, QueueReady,
// FEATURES_OK and the mandatory VIRTIO_F_VERSION_1).
//
// Lifecycle: VirtioMmioDevice::probe() checks a slot's magic/version/device id; a driver then
// calls begin_initialization(), negotiate(), Virtqueue::try_create() for each queue and
// finish_initialization() (DRIVER_OK). The rings live in physically contiguous frames from
// the frame allocator; the device sees physical addresses only.
//
// Virtqueue bookkeeping: descriptors form a free list through their `next` fields. A driver
// submits a chain (add_chain) and later, from its interrupt handler, pops completed chain
// heads (pop_used) and frees them (free_chain). Virtqueue does no locking of its own: the
// driver serializes every call with its own spinlock (interrupt handler included).
#pragma once

#include <lib/Result.h>
#include <lib/Types.h>

namespace sk {

struct MmioDevice;

namespace virtio {

constexpr u32 magic_value = 0x74726976; // "virt"
constexpr u32 device_id_network = 1;
constexpr u32 device_id_block = 2;
constexpr u32 device_id_console = 3;
constexpr u32 device_id_entropy = 4;

// Device status bits.
constexpr u32 status_acknowledge = 1;
constexpr u32 status_driver = 2;
constexpr u32 status_driver_ok = 4;
constexpr u32 status_features_ok = 8;
constexpr u32 status_needs_reset = 64;
constexpr u32 status_failed = 128;

// Transport-level feature bits.
constexpr u64 feature_ring_indirect_desc = 1ull << 28;
constexpr u64 feature_ring_event_idx = 1ull << 29;
constexpr u64 feature_version_1 = 1ull << 32;

// Descriptor flags.
constexpr u16 desc_next = 1;
constexpr u16 desc_write = 2; // the device writes this buffer

struct [[gnu::packed]] Descriptor {
    u64 address;
    u32 length;
    u16 flags;
    u16 next;
};

struct [[gnu::packed]] UsedElement {
    u32 id; // head of the completed chain
    u32 length;
};

const char* device_name(u32 device_id);

} // namespace virtio

class VirtioMmioDevice {
public:
    // Reads the slot's identification. False for a bad magic, an unknown version or an empty
    // slot (device id 0); the reason lands in why.
    bool probe(const MmioDevice& slot, const char*& why);

    uptr physical_base() const { return m_physical_base; }
    u32 irq() const { return m_irq; }
    u32 version() const { return m_version; }
    bool is_legacy() const { return m_version == 1; }
    u32 device_id() const { return m_device_id; }

    // Reset, then ACKNOWLEDGE | DRIVER.
    void begin_initialization();
    // Accepts the intersection of what the device offers and `wanted` (VERSION_1 is added on a
    // modern device); on a modern device sets FEATURES_OK and checks the device kept it.
    // ENODEV when the device refuses.
    Result<u64> negotiate(u64 wanted);
    void finish_initialization();
    void fail();

    // Configuration space (device-specific, little-endian), at offsets from 0x100.
    u8 config8(u32 offset) const;
    u32 config32(u32 offset) const;
    u64 config64(u32 offset) const;

    // Interrupt handling: reads and acknowledges InterruptStatus.
    u32 acknowledge_interrupt();

    // Register access for Virtqueue.
    u32 read(u32 offset) const;
    void write(u32 offset, u32 value);

private:
    volatile u32* m_registers { nullptr };
    uptr m_physical_base { 0 };
    u32 m_irq { 0 };
    u32 m_version { 0 };
    u32 m_device_id { 0 };
    u64 m_features { 0 };
};

class Virtqueue {
public:
    // Sets up queue `index` with at most max_size descriptors (a power of two; the device's
    // QueueNumMax may lower it). ENODEV if the queue does not exist or is already in use.
    static Result<Virtqueue*> try_create(VirtioMmioDevice& device, u16 index, u16 max_size);

    u16 size() const { return m_size; }
    u16 free_count() const { return m_free_count; }
    // The head the next add_chain() will use (valid while free_count() > 0).
    u16 next_head() const { return m_free_head; }

    struct Buffer {
        uptr physical;
        u32 length;
        bool device_writes;
    };
    // Links the buffers into a chain, publishes it on the available ring and returns its head.
    // The caller has checked free_count() >= count. Does not notify.
    u16 add_chain(const Buffer* buffers, size_t count);
    // Tells the device there is new work.
    void notify();
    // The next completed chain, or false when the used ring holds nothing new.
    bool pop_used(virtio::UsedElement& out);
    // Returns a completed chain's descriptors to the free list.
    void free_chain(u16 head);

private:
    Virtqueue(VirtioMmioDevice& device, u16 index, u16 size, uptr physical, void* memory, size_t used_offset);

    VirtioMmioDevice& m_device;
    u16 m_index;
    u16 m_size;
    uptr m_physical;
    virtio::Descriptor* m_descriptors;
    volatile u16* m_available; // flags, idx, ring[size], used_event
    volatile u16* m_used; // flags, idx, then UsedElement[size]
    u16 m_free_head { 0 };
    u16 m_free_count { 0 };
    u16 m_available_index { 0 };
    u16 m_last_used { 0 };
};

} // namespace sk
