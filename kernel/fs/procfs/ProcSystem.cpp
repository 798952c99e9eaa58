// System-wide /proc files: meminfo, mounts, uptime.
#include <arch/Arch.h>
#include <fs/ext2/Ext2FileSystem.h>
#include <fs/procfs/ProcInode.h>
#include <fs/procfs/ProcText.h>
#include <mm/FrameAllocator.h>
#include <mm/Heap.h>
#include <string.h>
#include <vfs/VirtualFileSystem.h>

namespace sk {

Result<void> generate_meminfo(ProcText& text)
{
    auto memory = frames::stats();
    auto heap = heap::stats();
    u64 buffers = 0, cached = 0;
    VirtualFileSystem::the().for_each_mount([&](FileSystem& fs, Custody*, u32) {
        if (strcmp(fs.name(), "ext2") == 0) {
            buffers += static_cast<Ext2FileSystem&>(fs).cache_stats().bytes();
        } else if (strcmp(fs.name(), "tmpfs") == 0) {
            // tmpfs pages are page cache on Linux ("Cached" and "Shmem").
            auto stats = fs.stats();
            if (!stats.is_error())
                cached += (stats.value().blocks - stats.value().blocks_free) * stats.value().block_size;
        }
    });
    u64 total_kib = memory.total * arch::page_size / 1024;
    u64 free_kib = memory.free * arch::page_size / 1024;
    // Clean block-cache blocks could be dropped, but the cache does not shrink on demand yet:
    // FIXME: count them in MemAvailable once it does.
    text.append("MemTotal:       %8lu kB\n", total_kib);
    text.append("MemFree:        %8lu kB\n", free_kib);
    text.append("MemAvailable:   %8lu kB\n", free_kib);
    text.append("Buffers:        %8lu kB\n", buffers / 1024);
    text.append("Cached:         %8lu kB\n", cached / 1024);
    text.append("SwapCached:     %8lu kB\n", 0ul);
    text.append("Shmem:          %8lu kB\n", cached / 1024);
    text.append("Slab:           %8lu kB\n", heap.pages * arch::page_size / 1024);
    text.append("SwapTotal:      %8lu kB\n", 0ul);
    text.append("SwapFree:       %8lu kB\n", 0ul);
    text.append("KernelHeap:     %8lu kB\n", heap.bytes_in_use / 1024);
    return text.status();
}

// Linux's /proc/mounts escapes space, tab, newline and backslash in paths as octal.
static void append_escaped(ProcText& text, const char* path)
{
    for (const char* p = path; *p; ++p) {
        char c = *p;
        if (c == ' ' || c == '\t' || c == '\n' || c == '\\')
            text.append("\\%03o", static_cast<unsigned>(static_cast<u8>(c)));
        else
            text.append_bytes(&c, 1);
    }
}

Result<void> generate_mounts(ProcText& text)
{
    VirtualFileSystem::the().for_each_mount([&](FileSystem& fs, Custody* mount_point, u32) {
        char path[256];
        if (!mount_point) {
            memcpy(path, "/", 2);
        } else if (mount_point->absolute_path(path, sizeof(path)).is_error()) {
            return; // FIXME: mount points deeper than 255 bytes are not listed
        }
        const char* name = fs.name();
        const char* source = name;
        if (strcmp(name, "ext2") == 0)
            source = "/dev/root";
        else if (strcmp(name, "devtmpfs") == 0)
            source = "devtmpfs";
        text.append("%s ", source);
        append_escaped(text, path);
        text.append(" %s %s 0 0\n", name, fs.is_read_only() ? "ro" : "rw");
    });
    return text.status();
}

Result<void> generate_uptime(ProcText& text)
{
    u64 ns = arch::monotonic_ns();
    u64 centiseconds = ns / 10'000'000;
    // FIXME: idle time is not accounted by the scheduler; report none.
    text.append("%lu.%02lu 0.00\n", centiseconds / 100, centiseconds % 100);
    return text.status();
}

} // namespace sk
