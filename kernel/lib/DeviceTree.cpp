// FDT walker: header check, then the structure block's token stream with a fixed-depth node
// stack. Every offset is checked against the header's block sizes.
#include <lib/DeviceTree.h>
#include <string.h>

namespace sk {

static constexpr u32 FDT_MAGIC = 0xd00dfeed;
static constexpr u32 FDT_BEGIN_NODE = 1, FDT_END_NODE = 2, FDT_PROP = 3, FDT_NOP = 4, FDT_END = 9;
static constexpr u32 max_depth = 16;

static u32 be32(const u8* p) { return (u32(p[0]) << 24) | (u32(p[1]) << 16) | (u32(p[2]) << 8) | p[3]; }

StringView DeviceTreeNode::base_name() const
{
    for (size_t i = 0; i < name.length(); ++i) {
        if (name[i] == '@')
            return name.substring(0, i);
    }
    return name;
}

bool DeviceTreeProperty::read_cells(u32 offset_cells, u32 cells, u64& out) const
{
    if (cells == 0 || cells > 2 || (u64(offset_cells) + cells) * 4 > length)
        return false;
    out = 0;
    for (u32 i = 0; i < cells; ++i)
        out = (out << 32) | be32(data + (offset_cells + i) * 4);
    return true;
}

StringView DeviceTreeProperty::as_string() const
{
    auto* chars = reinterpret_cast<const char*>(data);
    size_t n = 0;
    while (n < length && chars[n])
        ++n;
    return StringView(chars, n);
}

bool DeviceTreeProperty::contains_string(StringView wanted) const
{
    auto* chars = reinterpret_cast<const char*>(data);
    size_t start = 0;
    for (size_t i = 0; i < length; ++i) {
        if (chars[i] == '\0') {
            if (StringView(chars + start, i - start) == wanted)
                return true;
            start = i + 1;
        }
    }
    return false;
}

Result<size_t> device_tree_size(const void* blob)
{
    auto* bytes = static_cast<const u8*>(blob);
    if (be32(bytes) != FDT_MAGIC)
        return Error { EINVAL };
    return be32(bytes + 4);
}

Result<void> walk_device_tree(const void* blob, size_t available, DeviceTreeVisitor& visitor)
{
    auto* bytes = static_cast<const u8*>(blob);
    if (available < 40 || be32(bytes) != FDT_MAGIC)
        return Error { EINVAL };
    u32 total = be32(bytes + 4), struct_offset = be32(bytes + 8), strings_offset = be32(bytes + 12);
    u32 version = be32(bytes + 20), strings_size = be32(bytes + 32), struct_size = be32(bytes + 36);
    if (total > available || version < 17 || u64(struct_offset) + struct_size > total
        || u64(strings_offset) + strings_size > total)
        return Error { EINVAL };

    const u8* structure = bytes + struct_offset;
    const char* strings = reinterpret_cast<const char*>(bytes + strings_offset);
    DeviceTreeNode stack[max_depth];
    u32 depth = 0; // number of open nodes
    u32 offset = 0;
    auto need = [&](u32 n) { return u64(offset) + n <= struct_size; };

    while (true) {
        if (!need(4))
            return Error { EINVAL };
        u32 token = be32(structure + offset);
        offset += 4;
        switch (token) {
        case FDT_BEGIN_NODE: {
            auto* name = reinterpret_cast<const char*>(structure + offset);
            u32 n = 0;
            while (need(n + 1) && name[n])
                ++n;
            if (!need(n + 1) || depth == max_depth)
                return Error { EINVAL };
            offset = align_up<u32>(offset + n + 1, 4);
            DeviceTreeNode& node = stack[depth];
            node = DeviceTreeNode {};
            node.name = StringView(name, n);
            node.parent = depth ? &stack[depth - 1] : nullptr;
            node.depth = depth;
            ++depth;
            visitor.begin_node(node);
            break;
        }
        case FDT_END_NODE:
            if (depth == 0)
                return Error { EINVAL };
            --depth;
            visitor.end_node(stack[depth]);
            break;
        case FDT_PROP: {
            if (!need(8) || depth == 0)
                return Error { EINVAL };
            u32 length = be32(structure + offset), name_offset = be32(structure + offset + 4);
            offset += 8;
            if (!need(length) || name_offset >= strings_size)
                return Error { EINVAL };
            size_t name_length = strnlen(strings + name_offset, strings_size - name_offset);
            if (name_offset + name_length >= strings_size)
                return Error { EINVAL };
            DeviceTreeProperty property { StringView(strings + name_offset, name_length), structure + offset, length };
            offset = align_up<u32>(offset + length, 4);
            DeviceTreeNode& node = stack[depth - 1];
            u32 cells;
            if (property.name == "#address-cells" && property.read_u32(0, cells))
                node.address_cells = cells;
            else if (property.name == "#size-cells" && property.read_u32(0, cells))
                node.size_cells = cells;
            visitor.property(node, property);
            break;
        }
        case FDT_NOP:
            break;
        case FDT_END:
            return depth == 0 ? Result<void> {} : Result<void>(Error { EINVAL });
        default:
            return Error { EINVAL };
        }
    }
}

} // namespace sk
