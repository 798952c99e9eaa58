// CharacterDevices: the registry that turns opening a character-device node (S_IFCHR with a
// (major, minor) rdev) into the driver's FileOperations. Drivers register at boot (devfs
// registers the memory devices, the console driver the ttys); the VFS's open looks them up.
// A node without a registered driver opens with ENXIO, as on Linux.
//
// The table is small and fixed (no allocation); a spinlock guards it. Openers are plain
// functions: a driver keeps its state in its own objects and finds them from (major, minor).
#pragma once

#include <lib/RefPtr.h>
#include <lib/Result.h>
#include <lib/Types.h>
#include <vfs/FileOperations.h>

namespace sk {

// Called for each open of the node; flags are the open(2) flags. May return a fresh
// FileOperations per open or a shared one.
using CharacterDeviceOpener = Result<RefPtr<FileOperations>> (*)(u32 major, u32 minor, u32 flags);

// Registers (or replaces) the opener of one device. ENOSPC when the table is full.
Result<void> register_character_device(u32 major, u32 minor, CharacterDeviceOpener opener);
void unregister_character_device(u32 major, u32 minor);
// ENXIO when no driver is registered.
Result<RefPtr<FileOperations>> open_character_device(u32 major, u32 minor, u32 flags);

// Linux's dev_t encoding, as st_rdev/st_dev show it (glibc's makedev/major/minor).
constexpr u64 encode_device(u32 major, u32 minor)
{
    return (static_cast<u64>(major & 0xfffff000u) << 32) | ((major & 0xfffu) << 8)
        | (static_cast<u64>(minor & 0xffffff00u) << 12) | (minor & 0xffu);
}
constexpr u32 device_major(u64 device) { return static_cast<u32>(((device >> 32) & 0xfffff000u) | ((device >> 8) & 0xfffu)); }
constexpr u32 device_minor(u64 device) { return static_cast<u32>(((device >> 12) & 0xffffff00u) | (device & 0xffu)); }

} // namespace sk
