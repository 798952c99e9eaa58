// virtio-mmio transport and split virtqueues. See VirtioMmio.h for the lifecycle.
//
// Ordering: the rings are ordinary memory shared with the device. Before the device may see a
// new available index the descriptors and ring entry must be visible (fence), and the index
// write must be visible before the QueueNotify MMIO write (fence covering I/O). Reading the
// used ring: the used index is read first, then a fence, then the entries it covers.
#include <arch/Arch.h>
#include <arch/riscv64/Platform.h>
#include <drivers/VirtioMmio.h>
#include <lib/Verify.h>
#include <mm/FrameAllocator.h>
#include <new>
#include <string.h>

namespace sk {

namespace {

enum Register : u32 {
    MagicValue = 0x000,
    Version = 0x004,
    DeviceId = 0x008,
    VendorId = 0x00c,
    DeviceFeatures = 0x010,
    DeviceFeaturesSel = 0x014,
    DriverFeatures = 0x020,
    DriverFeaturesSel = 0x024,
    GuestPageSize = 0x028, // legacy
    QueueSel = 0x030,
    QueueNumMax = 0x034,
    QueueNum = 0x038,
    QueueAlign = 0x03c, // legacy
    QueuePfn = 0x040, // legacy
    QueueReady = 0x044, // modern
    QueueNotify = 0x050,
    InterruptStatus = 0x060,
    InterruptAck = 0x064,
    Status = 0x070,
    QueueDescLow = 0x080,
    QueueDescHigh = 0x084,
    QueueDriverLow = 0x090,
    QueueDriverHigh = 0x094,
    QueueDeviceLow = 0x0a0,
    QueueDeviceHigh = 0x0a4,
    ConfigGeneration = 0x0fc,
    Config = 0x100,
};

inline void io_fence() { asm volatile("fence iorw, iorw" ::: "memory"); }

constexpr size_t legacy_queue_align = arch::page_size;

size_t align_up(size_t value, size_t alignment) { return (value + alignment - 1) & ~(alignment - 1); }

} // namespace

const char* virtio::device_name(u32 device_id)
{
    switch (device_id) {
    case device_id_network:
        return "net";
    case device_id_block:
        return "block";
    case device_id_console:
        return "console";
    case device_id_entropy:
        return "entropy";
    default:
        return "unknown";
    }
}

u32 VirtioMmioDevice::read(u32 offset) const
{
    u32 value = m_registers[offset / 4];
    io_fence();
    return value;
}

void VirtioMmioDevice::write(u32 offset, u32 value)
{
    io_fence();
    m_registers[offset / 4] = value;
}

bool VirtioMmioDevice::probe(const MmioDevice& slot, const char*& why)
{
    m_physical_base = slot.base;
    m_irq = slot.irq;
    m_registers = static_cast<volatile u32*>(arch::phys_to_virt(slot.base));
    if (read(MagicValue) != virtio::magic_value) {
        why = "bad magic";
        return false;
    }
    m_version = read(Version);
    if (m_version != 1 && m_version != 2) {
        why = "unsupported virtio-mmio version";
        return false;
    }
    m_device_id = read(DeviceId);
    if (m_device_id == 0) {
        why = "empty slot";
        return false;
    }
    return true;
}

void VirtioMmioDevice::begin_initialization()
{
    write(Status, 0);
    while (read(Status) != 0) { }
    write(Status, virtio::status_acknowledge);
    write(Status, virtio::status_acknowledge | virtio::status_driver);
}

Result<u64> VirtioMmioDevice::negotiate(u64 wanted)
{
    write(DeviceFeaturesSel, 0);
    u64 offered = read(DeviceFeatures);
    if (!is_legacy()) {
        write(DeviceFeaturesSel, 1);
        offered |= static_cast<u64>(read(DeviceFeatures)) << 32;
        if (!(offered & virtio::feature_version_1)) {
            fail();
            return Error { ENODEV };
        }
        wanted |= virtio::feature_version_1;
    } else {
        wanted &= 0xffffffffu;
    }
    m_features = offered & wanted;
    write(DriverFeaturesSel, 0);
    write(DriverFeatures, static_cast<u32>(m_features));
    if (!is_legacy()) {
        write(DriverFeaturesSel, 1);
        write(DriverFeatures, static_cast<u32>(m_features >> 32));
        u32 status = read(Status);
        write(Status, status | virtio::status_features_ok);
        if (!(read(Status) & virtio::status_features_ok)) {
            fail();
            return Error { ENODEV };
        }
    } else {
        write(GuestPageSize, arch::page_size);
    }
    return m_features;
}

void VirtioMmioDevice::finish_initialization() { write(Status, read(Status) | virtio::status_driver_ok); }

void VirtioMmioDevice::fail() { write(Status, read(Status) | virtio::status_failed); }

u8 VirtioMmioDevice::config8(u32 offset) const
{
    auto* bytes = reinterpret_cast<volatile u8*>(m_registers) + Config + offset;
    u8 value = *bytes;
    io_fence();
    return value;
}

u32 VirtioMmioDevice::config32(u32 offset) const { return read(Config + offset); }

u64 VirtioMmioDevice::config64(u32 offset) const
{
    // A 64-bit field is read as two halves; on a modern device the generation counter tells
    // whether the device changed it in between.
    for (;;) {
        u32 generation = is_legacy() ? 0 : read(ConfigGeneration);
        u64 low = read(Config + offset);
        u64 high = read(Config + offset + 4);
        if (is_legacy() || read(ConfigGeneration) == generation)
            return low | (high << 32);
    }
}

u32 VirtioMmioDevice::acknowledge_interrupt()
{
    u32 status = read(InterruptStatus);
    if (status)
        write(InterruptAck, status);
    return status;
}

// --- Virtqueue ---

Result<Virtqueue*> Virtqueue::try_create(VirtioMmioDevice& device, u16 index, u16 max_size)
{
    device.write(QueueSel, index);
    if (device.is_legacy() ? device.read(QueuePfn) != 0 : device.read(QueueReady) != 0)
        return Error { ENODEV };
    u32 device_max = device.read(QueueNumMax);
    if (device_max == 0)
        return Error { ENODEV };
    u16 size = max_size;
    while (size > device_max)
        size /= 2;
    if (size == 0)
        return Error { ENODEV };

    // One contiguous area in the legacy layout (which modern devices accept too): descriptor
    // table, available ring, then the used ring on the next page boundary.
    size_t available_offset = sizeof(virtio::Descriptor) * size;
    size_t available_bytes = 2 * (3 + size);
    size_t used_offset = align_up(available_offset + available_bytes, legacy_queue_align);
    size_t used_bytes = 2 * 3 + sizeof(virtio::UsedElement) * size;
    size_t pages = align_up(used_offset + used_bytes, arch::page_size) / arch::page_size;
    uptr physical = TRY(frames::allocate_contiguous(pages, true));
    void* memory = arch::phys_to_virt(physical);

    auto* queue = new (std::nothrow) Virtqueue(device, index, size, physical, memory, used_offset);
    if (!queue) {
        frames::free_contiguous(physical, pages);
        return Error { ENOMEM };
    }

    device.write(QueueNum, size);
    if (device.is_legacy()) {
        device.write(QueueAlign, legacy_queue_align);
        device.write(QueuePfn, static_cast<u32>(physical / arch::page_size));
    } else {
        uptr available = physical + available_offset;
        uptr used = physical + used_offset;
        device.write(QueueDescLow, static_cast<u32>(physical));
        device.write(QueueDescHigh, static_cast<u32>(physical >> 32));
        device.write(QueueDriverLow, static_cast<u32>(available));
        device.write(QueueDriverHigh, static_cast<u32>(available >> 32));
        device.write(QueueDeviceLow, static_cast<u32>(used));
        device.write(QueueDeviceHigh, static_cast<u32>(used >> 32));
        device.write(QueueReady, 1);
    }
    return queue;
}

Virtqueue::Virtqueue(VirtioMmioDevice& device, u16 index, u16 size, uptr physical, void* memory, size_t used_offset)
    : m_device(device)
    , m_index(index)
    , m_size(size)
    , m_physical(physical)
    , m_descriptors(static_cast<virtio::Descriptor*>(memory))
    , m_available(reinterpret_cast<volatile u16*>(static_cast<u8*>(memory) + sizeof(virtio::Descriptor) * size))
    , m_used(reinterpret_cast<volatile u16*>(static_cast<u8*>(memory) + used_offset))
{
    for (u16 i = 0; i < size; ++i)
        m_descriptors[i].next = static_cast<u16>(i + 1);
    m_free_head = 0;
    m_free_count = size;
}

u16 Virtqueue::add_chain(const Buffer* buffers, size_t count)
{
    VERIFY(count > 0 && count <= m_free_count);
    u16 head = m_free_head;
    u16 index = head;
    for (size_t i = 0; i < count; ++i) {
        auto& descriptor = m_descriptors[index];
        descriptor.address = buffers[i].physical;
        descriptor.length = buffers[i].length;
        descriptor.flags = buffers[i].device_writes ? virtio::desc_write : 0;
        if (i + 1 < count) {
            descriptor.flags |= virtio::desc_next;
            index = descriptor.next;
        } else {
            m_free_head = descriptor.next;
        }
    }
    m_free_count = static_cast<u16>(m_free_count - count);

    m_available[2 + m_available_index % m_size] = head;
    io_fence(); // the descriptors and the ring slot before the index
    ++m_available_index;
    m_available[1] = m_available_index;
    return head;
}

void Virtqueue::notify()
{
    io_fence(); // the available index before the doorbell
    m_device.write(QueueNotify, m_index);
}

bool Virtqueue::pop_used(virtio::UsedElement& out)
{
    u16 used_index = m_used[1];
    if (used_index == m_last_used)
        return false;
    io_fence();
    auto* elements = reinterpret_cast<volatile virtio::UsedElement*>(m_used + 2);
    auto& element = elements[m_last_used % m_size];
    out.id = element.id;
    out.length = element.length;
    ++m_last_used;
    return true;
}

void Virtqueue::free_chain(u16 head)
{
    VERIFY(head < m_size);
    u16 index = head;
    u16 count = 1;
    while (m_descriptors[index].flags & virtio::desc_next) {
        index = m_descriptors[index].next;
        ++count;
    }
    m_descriptors[index].next = m_free_head;
    m_free_head = head;
    m_free_count = static_cast<u16>(m_free_count + count);
}

} // namespace sk
