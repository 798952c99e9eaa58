// Storage bring-up at boot: find the disks on the virtio-mmio slots, mount the first disk's
// ext2 as the root and the virtual filesystems on /tmp, /dev and /proc, and sync everything
// at shutdown. Used by start_userspace() and by the storage self-test.
#pragma once

#include <drivers/BlockDevice.h>
#include <lib/RefPtr.h>
#include <lib/Result.h>

namespace sk::storage {

constexpr size_t max_disks = 8;

// Probes all eight virtio-mmio slots (once) and attaches every virtio-blk device as vda,
// vdb, ... in QEMU's -device order (from the highest slot address down). Prints one line per disk. Returns the disk
// count.
size_t probe_disks();
size_t disk_count();
RefPtr<BlockDevice> disk(size_t index);

// Probes, initializes the VFS, mounts ext2 (first disk) on /, tmpfs on /tmp (1777), devfs on
// /dev and procfs on /proc, printing one line per mount. Idempotent. On failure prints a
// clear message and powers the machine off with status 1: without a root there is nothing
// to run.
void bring_up();

// Writes back every mounted filesystem (in mount order) and flushes the disks. The first
// error is returned after all have been tried.
Result<void> sync_all();

} // namespace sk::storage
