// System-wide /proc files: meminfo, mounts, uptime, stat, loadavg, version, cpuinfo, filesystems.
#include <Version.h>
#include <arch/Arch.h>
#include <arch/riscv64/Platform.h>
#include <arch/riscv64/Sbi.h>
#include <fs/ext2/Ext2FileSystem.h>
#include <fs/procfs/ProcInode.h>
#include <fs/procfs/ProcText.h>
#include <mm/FrameAllocator.h>
#include <mm/Heap.h>
#include <proc/LoadAverage.h>
#include <proc/Process.h>
#include <proc/Scheduler.h>
#include <string.h>
#include <vfs/VirtualFileSystem.h>

namespace sk {

Result<void> generate_meminfo(ProcText& text)
{
    auto memory = frames::stats();
    auto heap = heap::stats();
    u64 buffers = 0, cached = 0;
    VirtualFileSystem::the().for_each_mount([&](const MountEntry& mount) {
        FileSystem& fs = mount.fs;
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

// Linux's /proc/mounts escapes space, tab, newline and backslash in sources and paths as octal.
static void append_escaped(ProcText& text, StringView string)
{
    for (size_t i = 0; i < string.length(); ++i) {
        char c = string[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\\')
            text.append("\\%03o", static_cast<unsigned>(static_cast<u8>(c)));
        else
            text.append_bytes(&c, 1);
    }
}

Result<void> generate_mounts(ProcText& text)
{
    VirtualFileSystem::the().for_each_mount([&](const MountEntry& mount) {
        char path[256];
        if (!mount.mount_point) {
            memcpy(path, "/", 2);
        } else if (mount.mount_point->absolute_path(path, sizeof(path)).is_error()) {
            return; // FIXME: mount points deeper than 255 bytes are not listed
        }
        append_escaped(text, mount.source);
        text.append_bytes(" ", 1);
        append_escaped(text, StringView(path));
        text.append(" %s %s 0 0\n", mount.fs.name(), mount.fs.is_read_only() ? "ro" : "rw");
    });
    return text.status();
}

Result<void> generate_uptime(ProcText& text)
{
    u64 up = arch::monotonic_ns() / 10'000'000;
    u64 idle = scheduler::idle_ns() / 10'000'000;
    text.append("%lu.%02lu %lu.%02lu\n", up / 100, up % 100, idle / 100, idle % 100);
    return text.status();
}

static int highest_pid()
{
    int pid = 0;
    Process::for_each([&](Process& process) { pid = max(pid, process.pid()); });
    return pid;
}

// USER_HZ ticks, as every /proc time is.
static u64 ticks(u64 ns) { return ns / 10'000'000; }

Result<void> generate_stat(ProcText& text)
{
    // FIXME: the scheduler tells busy from idle time only; the busy time is shown as user time.
    u64 idle = ticks(scheduler::idle_ns());
    u64 total = ticks(arch::monotonic_ns());
    u64 busy = total > idle ? total - idle : 0;
    for (const char* cpu : { "cpu ", "cpu0" })
        text.append("%s %lu 0 0 %lu 0 0 0 0 0 0\n", cpu, busy, idle);
    text.append("intr 0\nctxt 0\nbtime %lu\n", arch::boot_epoch_ns() / 1'000'000'000);
    // FIXME: "processes" counts forks since boot on Linux; the highest live pid stands in.
    text.append("processes %d\nprocs_running %u\nprocs_blocked 0\nsoftirq 0 0 0 0 0 0 0 0 0 0 0\n", highest_pid(),
        scheduler::runnable_count() + 1);
    return text.status();
}

Result<void> generate_loadavg(ProcText& text)
{
    u64 loads[3];
    load_average::read(loads);
    for (u64 load : loads) {
        u64 rounded = load + load_average::one / 200; // to the nearest hundredth
        text.append("%lu.%02lu ", rounded >> load_average::fraction_bits,
            ((rounded & (load_average::one - 1)) * 100) >> load_average::fraction_bits);
    }
    u32 threads = 0;
    Process::for_each([&](Process& process) { threads += static_cast<u32>(process.thread_count); });
    text.append("%u/%u %d\n", scheduler::runnable_count() + 1, threads, highest_pid());
    return text.status();
}

Result<void> generate_version(ProcText& text)
{
    // The boot banner, with uname(2)'s release and version.
    text.append("%s", SOCKEYE_LINUX_BANNER);
    return text.status();
}

Result<void> generate_cpuinfo(ProcText& text)
{
    // Linux's riscv format for the one hart Sockeye runs user code on. The ISA is the device
    // tree's string as given (Linux rebuilds it from the extensions it knows).
    const Platform& machine = platform();
    auto ids = sbi::machine_ids();
    text.append("processor\t: 0\nhart\t\t: %lu\nisa\t\t: %s\nmmu\t\t: sv39\n", machine.boot_hart, machine.isa_string);
    text.append("mvendorid\t: 0x%lx\nmarchid\t\t: 0x%lx\nmimpid\t\t: 0x%lx\n", ids.mvendorid, ids.marchid, ids.mimpid);
    text.append("hart isa\t: %s\n\n", machine.isa_string);
    return text.status();
}

Result<void> generate_filesystems(ProcText& text)
{
    // The filesystem types this kernel has (mount(2) creates tmpfs and proc).
    text.append("nodev\tsockfs\nnodev\tpipefs\nnodev\ttmpfs\nnodev\tdevtmpfs\nnodev\tproc\n\text2\n");
    return text.status();
}

} // namespace sk
