// Flattened device tree (DTB) walker. Pure parsing with bounds checks on every read: a
// malformed blob yields EINVAL, never an out-of-bounds access. Builds on the host for tests.
//
// walk_device_tree() calls the visitor for every node and property in document order.
// Properties of a node come before its children (the FDT format guarantees it), so a node's
// #address-cells/#size-cells are known when its children's "reg" is decoded.
#pragma once

#include <lib/Result.h>
#include <lib/StringView.h>
#include <lib/Types.h>

namespace sk {

struct DeviceTreeNode {
    StringView name; // "serial@10000000"; "" for the root
    const DeviceTreeNode* parent { nullptr };
    u32 depth { 0 };
    // Cells for this node's children's "reg" (defaults 2 and 1 per the spec).
    u32 address_cells { 2 };
    u32 size_cells { 1 };

    StringView base_name() const; // name without the "@unit" part
    bool is(StringView path_component) const { return base_name() == path_component; }
};

struct DeviceTreeProperty {
    StringView name;
    const u8* data { nullptr };
    u32 length { 0 };

    // Big-endian cell access; false when out of range.
    bool read_cells(u32 offset_cells, u32 cells, u64& out) const;
    bool read_u32(u32 index, u32& out) const { u64 value; if (!read_cells(index, 1, value)) return false; out = static_cast<u32>(value); return true; }
    StringView as_string() const; // up to the first NUL
    bool contains_string(StringView wanted) const; // for "compatible" string lists
};

class DeviceTreeVisitor {
public:
    virtual ~DeviceTreeVisitor() = default;
    virtual void begin_node(const DeviceTreeNode&) { }
    virtual void property(const DeviceTreeNode&, const DeviceTreeProperty&) { }
    virtual void end_node(const DeviceTreeNode&) { }
};

// total_size: how many bytes are known readable at blob (the header's totalsize must fit).
Result<void> walk_device_tree(const void* blob, size_t available, DeviceTreeVisitor& visitor);
// The header's totalsize, or EINVAL for a bad magic.
Result<size_t> device_tree_size(const void* blob);

} // namespace sk
