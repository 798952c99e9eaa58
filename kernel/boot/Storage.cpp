// Storage bring-up: disks, the root filesystem and the standard mounts. See Storage.h.
//
// Runs once, in thread context after interrupts are enabled (the disk sleeps on completion
// interrupts). The disk table is written only here, before anything else reads it.
#include <arch/Arch.h>
#include <arch/riscv64/Interrupts.h>
#include <arch/riscv64/Platform.h>
#include <boot/Storage.h>
#include <drivers/Console.h>
#include <drivers/VirtioBlock.h>
#include <drivers/VirtioMmio.h>
#include <fs/devfs/DevFileSystem.h>
#include <fs/ext2/Ext2FileSystem.h>
#include <fs/procfs/ProcFileSystem.h>
#include <fs/tmpfs/TmpfsFileSystem.h>
#include <lib/KString.h>
#include <vfs/Clock.h>
#include <vfs/VirtualFileSystem.h>

namespace sk::storage {

static RefPtr<BlockDevice> s_disks[max_disks];
static size_t s_disk_count;
static bool s_probed;
static bool s_mounted;

static const char* const s_disk_names[max_disks] = { "vda", "vdb", "vdc", "vdd", "vde", "vdf", "vdg", "vdh" };

size_t probe_disks()
{
    if (s_probed)
        return s_disk_count;
    s_probed = true;
    Platform& machine = platform();
    // QEMU attaches the first -device to the highest slot (0x10008000), the next one below it,
    // and so on; going down from the top makes vda the first disk on the command line, as
    // Linux names them.
    for (size_t remaining = machine.virtio_count; remaining > 0; --remaining) {
        size_t slot = remaining - 1;
        VirtioMmioDevice transport;
        const char* why = nullptr;
        if (!transport.probe(machine.virtio[slot], why))
            continue; // empty slots are the common case: silent
        if (transport.device_id() != virtio::device_id_block) {
            kprintf("virtio-mmio@%lx: %s device (id %u), no driver\n", machine.virtio[slot].base,
                virtio::device_name(transport.device_id()), transport.device_id());
            continue;
        }
        if (s_disk_count == max_disks)
            break;
        const char* name = s_disk_names[s_disk_count];
        auto disk = VirtioBlock::try_create(transport, name);
        if (disk.is_error()) {
            kprintf("virtio-mmio@%lx: virtio-blk initialization failed (errno %d)\n", machine.virtio[slot].base,
                disk.error().code);
            continue;
        }
        auto& device = *disk.value();
        kprintf("%s: virtio-blk at %lx irq %u (%s virtio-mmio), %lu sectors (%lu MiB)%s%s\n", name,
            machine.virtio[slot].base, transport.irq(), device.is_legacy() ? "legacy" : "modern", device.sector_count(),
            device.sector_count() / 2048, device.is_read_only() ? ", read-only" : "",
            device.has_flush() ? ", flush" : "");
        s_disks[s_disk_count++] = disk.release_value();
    }
    return s_disk_count;
}

size_t disk_count() { return s_disk_count; }

RefPtr<BlockDevice> disk(size_t index) { return index < s_disk_count ? s_disks[index] : nullptr; }

[[noreturn]] static void fail(const char* what, int code = 0)
{
    if (code)
        kprintf("Sockeye: cannot mount the root filesystem: %s (errno %d)\n", what, code);
    else
        kprintf("Sockeye: cannot mount the root filesystem: %s\n", what);
    arch::power_off(1);
}

static void mount_virtual(const char* path, Result<RefPtr<FileSystem>> created, const char* detail)
{
    if (created.is_error()) {
        kprintf("Sockeye: cannot create the filesystem for %s (errno %d)\n", path, created.error().code);
        arch::power_off(1);
    }
    auto fs = created.release_value();
    auto& vfs = VirtualFileSystem::the();
    auto mount_point = vfs.resolve(*vfs.root_custody(), StringView(path), Credentials::root());
    if (mount_point.is_error()) {
        // The image should have the directory; a missing one is not fatal, so say so and go on.
        kprintf("mount: %s on %s: mount point missing (errno %d)\n", fs->name(), path, mount_point.error().code);
        return;
    }
    // The source a boot script would give (mount -t tmpfs tmpfs /tmp): the type's name.
    auto result = vfs.mount(fs, StringView(fs->name()), mount_point.release_value());
    if (result.is_error()) {
        kprintf("mount: %s on %s failed (errno %d)\n", fs->name(), path, result.error().code);
        return;
    }
    kprintf("mount: %s on %s%s\n", fs->name(), path, detail);
}

template<typename T> static Result<RefPtr<FileSystem>> as_file_system(Result<RefPtr<T>> created)
{
    if (created.is_error())
        return created.error();
    return RefPtr<FileSystem>(created.release_value());
}

// The wall clock filesystems stamp on inodes (the RTC's time at boot plus the time since).
// ext2 needs a real one: e2fsck reads a deleted inode's dtime below the inode count as an
// orphan-list link.
static Timespec wall_clock()
{
    u64 ns = arch::boot_epoch_ns() + arch::monotonic_ns();
    return Timespec { static_cast<i64>(ns / 1'000'000'000), static_cast<i64>(ns % 1'000'000'000) };
}

// The goldfish RTC's nanoseconds since the epoch (reading TIME_LOW latches TIME_HIGH).
static void read_real_time_clock()
{
    if (arch::boot_epoch_ns() != 0 || platform().rtc.base == 0)
        return;
    auto* rtc = static_cast<volatile u32*>(arch::phys_to_virt(platform().rtc.base));
    u64 low = rtc[0];
    u64 high = rtc[1];
    u64 now = (high << 32) | low;
    u64 since_boot = arch::monotonic_ns();
    if (now > since_boot)
        arch::set_boot_epoch_ns(now - since_boot);
}

void bring_up()
{
    if (s_mounted)
        return;
    s_mounted = true;
    // FIXME: the time subsystem should read the RTC at boot; until it does, storage does,
    // because file times and ext2's dtime need the wall clock.
    read_real_time_clock();
    set_filesystem_clock(wall_clock);
    if (probe_disks() == 0)
        fail("no virtio-blk disk found (add -drive file=IMAGE,if=none,format=raw,id=hd0 -device "
             "virtio-blk-device,drive=hd0)");

    auto root_disk = s_disks[0];
    KString reason;
    auto ext2 = Ext2FileSystem::try_mount(root_disk, Ext2FileSystem::MountOptions(), &reason);
    if (ext2.is_error()) {
        kprintf("Sockeye: %s is not a usable ext2 filesystem: %s\n", root_disk->name(),
            reason.length() ? reason.chars() : "mount refused");
        fail("bad filesystem", ext2.error().code);
    }
    auto root = ext2.release_value();
    if (reason.length())
        kprintf("%s: %s\n", root_disk->name(), reason.chars());

    if (VirtualFileSystem::initialize().is_error())
        fail("out of memory", ENOMEM);
    if (auto result = VirtualFileSystem::the().mount_root(root, StringView("/dev/root")); result.is_error())
        fail("mount_root", result.error().code);
    auto stats = root->stats();
    if (!stats.is_error()) {
        kprintf("mount: ext2 (%s) on /%s, %lu-byte blocks, %lu of %lu free\n", root_disk->name(),
            root->is_read_only() ? " read-only" : "", stats.value().block_size, stats.value().blocks_free,
            stats.value().blocks);
    }

    mount_virtual("/tmp", as_file_system(TmpfsFileSystem::try_create(01777)), " (mode 1777)");
    mount_virtual("/dev", as_file_system(DevFileSystem::try_create()), "");
    mount_virtual("/proc", as_file_system(ProcFileSystem::try_create()), "");
}

Result<void> sync_all()
{
    if (!s_mounted)
        return {};
    Result<void> first;
    VirtualFileSystem::the().for_each_mount([&](const MountEntry& mount) {
        auto result = mount.fs.sync();
        if (result.is_error() && !first.is_error())
            first = result.error();
    });
    return first;
}

} // namespace sk::storage
