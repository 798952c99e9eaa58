// Extracts memory, reserved regions, bootargs, timebase, the harts' ISA, UART, PLIC, the test
// device, the RTC and every virtio-mmio slot from the device tree.
#include <arch/riscv64/Platform.h>
#include <lib/DeviceTree.h>
#include <string.h>

namespace sk {

static Platform s_platform;
Platform& platform() { return s_platform; }

namespace {

class PlatformVisitor final : public DeviceTreeVisitor {
public:
    explicit PlatformVisitor(Platform& platform) : m_platform(platform) { }

    void begin_node(const DeviceTreeNode& node) override
    {
        m_compatible = Compat::None;
        m_reg = {};
        m_irq = 0;
        m_is_memory = node.depth == 1 && node.base_name() == "memory";
        m_in_reserved = node.parent && node.parent->base_name() == "reserved-memory";
    }

    void property(const DeviceTreeNode& node, const DeviceTreeProperty& property) override
    {
        if (node.depth == 1 && node.base_name() == "chosen" && property.name == "bootargs") {
            StringView args = property.as_string();
            size_t n = min(args.length(), sizeof(m_platform.bootargs) - 1);
            memcpy(m_platform.bootargs, args.chars(), n);
            m_platform.bootargs[n] = '\0';
        } else if (node.base_name() == "cpus" && property.name == "timebase-frequency") {
            u64 hz;
            if (property.read_cells(0, property.length >= 8 ? 2 : 1, hz))
                m_platform.timebase_hz = hz;
        } else if (node.depth == 2 && node.base_name() == "cpu" && property.name == "riscv,isa") {
            add_hart_isa(property.as_string());
        } else if (property.name == "reg" && node.parent) {
            u64 base, size = 0;
            u32 ac = node.parent->address_cells, sc = node.parent->size_cells;
            if (property.read_cells(0, ac, base) && (sc == 0 || property.read_cells(ac, sc, size)))
                m_reg = { base, size };
        } else if (property.name == "interrupts") {
            property.read_u32(0, m_irq);
        } else if (property.name == "compatible") {
            if (property.contains_string("ns16550a") || property.contains_string("ns16550"))
                m_compatible = Compat::Uart;
            else if (property.contains_string("riscv,plic0") || property.contains_string("sifive,plic-1.0.0"))
                m_compatible = Compat::Plic;
            else if (property.contains_string("sifive,test0") || property.contains_string("sifive,test1"))
                m_compatible = Compat::Test;
            else if (property.contains_string("virtio,mmio"))
                m_compatible = Compat::Virtio;
            else if (property.contains_string("google,goldfish-rtc"))
                m_compatible = Compat::Rtc;
        }
    }

    void end_node(const DeviceTreeNode&) override
    {
        MmioDevice device { m_reg.base, m_reg.size, m_irq };
        if (m_is_memory && m_reg.size && m_platform.memory_count < Platform::max_ranges)
            m_platform.memory[m_platform.memory_count++] = m_reg;
        if (m_in_reserved && m_reg.size && m_platform.reserved_count < Platform::max_ranges)
            m_platform.reserved[m_platform.reserved_count++] = m_reg;
        switch (m_compatible) {
        case Compat::Uart:
            if (!m_platform.uart.base)
                m_platform.uart = device;
            break;
        case Compat::Plic: m_platform.plic = device; break;
        case Compat::Test: m_platform.test_device = device; break;
        case Compat::Rtc: m_platform.rtc = device; break;
        case Compat::Virtio:
            if (m_platform.virtio_count < Platform::max_virtio)
                m_platform.virtio[m_platform.virtio_count++] = device;
            break;
        case Compat::None: break;
        }
        m_compatible = Compat::None;
        m_is_memory = m_in_reserved = false;
    }

private:
    void add_hart_isa(StringView isa)
    {
        auto hart = riscv_isa::parse(isa);
        auto& common = m_platform.isa;
        if (m_platform.isa_harts++ == 0) {
            size_t n = min(isa.length(), sizeof(m_platform.isa_string) - 1);
            memcpy(m_platform.isa_string, isa.chars(), n);
            m_platform.isa_string[n] = '\0';
            common = hart;
            return;
        }
        common.base_ima = common.base_ima && hart.base_ima;
        common.ima_ext_0 &= hart.ima_ext_0;
    }

    enum class Compat { None, Uart, Plic, Test, Virtio, Rtc };
    Platform& m_platform;
    Compat m_compatible { Compat::None };
    MemoryRange m_reg;
    u32 m_irq { 0 };
    bool m_is_memory { false };
    bool m_in_reserved { false };
};

} // namespace

Result<void> parse_platform(const void* device_tree, Platform& platform, const char*& error_out)
{
    auto size = device_tree_size(device_tree);
    if (size.is_error() || size.value() > (1u << 20)) {
        error_out = "no valid device tree (bad magic or size)";
        return Error { EINVAL };
    }
    PlatformVisitor visitor(platform);
    if (walk_device_tree(device_tree, size.value(), visitor).is_error()) {
        error_out = "malformed device tree structure";
        return Error { EINVAL };
    }
    platform.device_tree_size = size.value();
    // Sort virtio slots by address: QEMU fills the highest slot first, and the first
    // -device sits at 0x10008000 — keep the order stable either way.
    for (size_t i = 1; i < platform.virtio_count; ++i) {
        for (size_t j = i; j > 0 && platform.virtio[j - 1].base > platform.virtio[j].base; --j) {
            MmioDevice t = platform.virtio[j];
            platform.virtio[j] = platform.virtio[j - 1];
            platform.virtio[j - 1] = t;
        }
    }
    if (platform.memory_count == 0)
        error_out = "device tree has no /memory node";
    else if (platform.timebase_hz == 0)
        error_out = "device tree has no /cpus timebase-frequency";
    else if (!platform.uart.base)
        error_out = "device tree has no ns16550a UART";
    else if (!platform.plic.base)
        error_out = "device tree has no PLIC (riscv,plic0)";
    else
        return {};
    return Error { ENODEV };
}

} // namespace sk
