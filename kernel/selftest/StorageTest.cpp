// selftest=storage: the storage path end to end, before any process exists — virtio-blk,
// the block cache, ext2 read-write, tmpfs, devfs, procfs and the VFS on top.
//
// Leaves on the image (for the harness's debugfs checks):
//   /selftest/written.txt   = written_text (created under another name, then renamed)
//   /selftest/link          -> written.txt
//   /selftest/pattern.bin   300 KiB of a known pattern (crosses the indirect blocks)
// and measures sequential 16 MiB write and read throughput through the block cache (the file
// is removed again). Runs with root credentials.
#include <arch/Arch.h>
#include <asm-generic/fcntl.h>
#include <boot/Storage.h>
#include <drivers/Console.h>
#include <drivers/VirtioBlock.h>
#include <fs/ext2/Ext2FileSystem.h>
#include <lib/Format.h>
#include <lib/IoBuffer.h>
#include <new>
#include <proc/Scheduler.h>
#include <proc/Thread.h>
#include <selftest/SelfTest.h>
#include <string.h>
#include <vfs/VirtualFileSystem.h>

namespace sk::selftest {

namespace {

constexpr const char* written_text = "Sockeye storage self-test: written through virtio-blk and ext2\n";

#define STEP(expression)                                                                                               \
    do {                                                                                                               \
        auto&& _step = (expression);                                                                                   \
        if (_step.is_error()) {                                                                                        \
            kprintf("storage: %s:%d: %s failed (errno %d)\n", __FILE__, __LINE__, #expression, _step.error().code);    \
            return false;                                                                                              \
        }                                                                                                              \
    } while (0)

#define EXPECT(condition)                                                                                              \
    do {                                                                                                               \
        if (!(condition)) {                                                                                            \
            kprintf("storage: %s:%d: expected %s\n", __FILE__, __LINE__, #condition);                                  \
            return false;                                                                                              \
        }                                                                                                              \
    } while (0)

VirtualFileSystem& vfs() { return VirtualFileSystem::the(); }
Custody& root() { return *vfs().root_custody(); }
const Credentials root_credentials = Credentials::root();

Result<RefPtr<OpenFile>> open(const char* path, u32 flags, u32 mode = 0644)
{
    return vfs().open(root(), StringView(path), flags, mode, root_credentials, 022);
}

Result<void> write_all(OpenFile& file, const void* data, size_t length)
{
    size_t done = 0;
    while (done < length) {
        size_t n = TRY(file.ops().write(
            file, IoBuffer::kernel(static_cast<const u8*>(data) + done, length - done), length - done));
        if (n == 0)
            return Error { EIO };
        done += n;
    }
    return {};
}

Result<size_t> read_all(OpenFile& file, void* data, size_t length)
{
    size_t done = 0;
    while (done < length) {
        size_t n
            = TRY(file.ops().read(file, IoBuffer::kernel(static_cast<u8*>(data) + done, length - done), length - done));
        if (n == 0)
            break;
        done += n;
    }
    return done;
}

Result<void> write_file(const char* path, const void* data, size_t length)
{
    auto file = TRY(open(path, O_WRONLY | O_CREAT | O_TRUNC));
    return write_all(*file, data, length);
}

// Reads at most size - 1 bytes and NUL-terminates.
Result<size_t> read_file(const char* path, char* buffer, size_t size)
{
    auto file = TRY(open(path, O_RDONLY));
    size_t n = TRY(read_all(*file, buffer, size - 1));
    buffer[n] = '\0';
    return n;
}

bool exists(const char* path) { return !vfs().stat(root(), StringView(path), root_credentials).is_error(); }

bool contains(const char* haystack, const char* needle)
{
    size_t length = strlen(needle);
    for (const char* p = haystack; *p; ++p) {
        if (strncmp(p, needle, length) == 0)
            return true;
    }
    return false;
}

u8 pattern_byte(size_t i) { return static_cast<u8>((i * 7 + (i >> 12)) ^ 0x5a); }

bool walk_paths()
{
    const char* paths[] = { "/", "/etc", "/etc/passwd", "/bin/sh", "/tmp", "/dev/null", "/dev/console", "/proc/meminfo",
        "/etc/../etc/./passwd", "/tmp/../etc" };
    for (auto* path : paths) {
        auto stat = vfs().stat(root(), StringView(path), root_credentials);
        if (stat.is_error()) {
            kprintf("storage: stat %s: errno %d\n", path, stat.error().code);
            return false;
        }
    }
    EXPECT(vfs().stat(root(), StringView("/tmp"), root_credentials).value().mode == (0040000 | 01777));
    EXPECT(vfs().stat(root(), StringView("/no/such/file"), root_credentials).error().code == ENOENT);
    EXPECT(vfs().stat(root(), StringView("/etc/passwd/x"), root_credentials).error().code == ENOTDIR);

    static char passwd[4096];
    STEP(read_file("/etc/passwd", passwd, sizeof(passwd)));
    EXPECT(contains(passwd, "root:x:0:0"));
    kprintf("storage: paths walked, /etc/passwd has root\n");
    return true;
}

// Create, write, read back, rename, link, symlink, unlink and remove directories on one
// filesystem under dir (which must not exist yet, or be from an earlier run).
bool exercise_namespace(const char* dir, bool keep)
{
    char a[128], b[128], sub[128], inner[128], link[128], moved[128];
    format(a, sizeof(a), "%s/new.txt", dir);
    format(b, sizeof(b), "%s/written.txt", dir);
    format(sub, sizeof(sub), "%s/dir", dir);
    format(inner, sizeof(inner), "%s/dir/inner", dir);
    format(moved, sizeof(moved), "%s/dir-renamed", dir);
    format(link, sizeof(link), "%s/link", dir);

    auto made = vfs().mkdir(root(), StringView(dir), 0755, root_credentials, 022);
    EXPECT(!made.is_error() || made.error().code == EEXIST);

    size_t length = strlen(written_text);
    STEP(write_file(a, written_text, length));
    STEP(vfs().rename(root(), StringView(a), root(), StringView(b), root_credentials));
    EXPECT(!exists(a));
    char back[256];
    auto n = read_file(b, back, sizeof(back));
    STEP(n);
    EXPECT(n.value() == length && memcmp(back, written_text, length) == 0);

    // Directories: mkdir, a file inside, rename the directory, remove it all.
    STEP(vfs().mkdir(root(), StringView(sub), 0755, root_credentials, 022));
    STEP(write_file(inner, "inner\n", 6));
    STEP(vfs().rename(root(), StringView(sub), root(), StringView(moved), root_credentials));
    EXPECT(!exists(sub));
    char moved_inner[160];
    format(moved_inner, sizeof(moved_inner), "%s/inner", moved);
    EXPECT(exists(moved_inner));
    EXPECT(vfs().rmdir(root(), StringView(moved), root_credentials).error().code == ENOTEMPTY);
    STEP(vfs().unlink(root(), StringView(moved_inner), root_credentials));
    STEP(vfs().rmdir(root(), StringView(moved), root_credentials));
    EXPECT(!exists(moved));

    // Hard link and symlink.
    char hard[160];
    format(hard, sizeof(hard), "%s/hard", dir);
    STEP(vfs().link(root(), StringView(b), root(), StringView(hard), root_credentials));
    EXPECT(vfs().stat(root(), StringView(b), root_credentials).value().nlink == 2);
    STEP(vfs().unlink(root(), StringView(hard), root_credentials));
    EXPECT(vfs().stat(root(), StringView(b), root_credentials).value().nlink == 1);
    auto old_link = vfs().unlink(root(), StringView(link), root_credentials); // from an earlier run
    (void)old_link;
    STEP(vfs().symlink(StringView("written.txt"), root(), StringView(link), root_credentials));
    char target[64];
    auto target_length = vfs().readlink(root(), StringView(link), root_credentials, target, sizeof(target));
    STEP(target_length);
    EXPECT(target_length.value() == 11 && memcmp(target, "written.txt", 11) == 0);

    // A file across the direct/indirect boundary (12 direct blocks of 1-4 KiB).
    char big[160];
    format(big, sizeof(big), "%s/pattern.bin", dir);
    constexpr size_t pattern_size = 300 * 1024;
    auto* pattern = new (std::nothrow) u8[pattern_size];
    EXPECT(pattern);
    for (size_t i = 0; i < pattern_size; ++i)
        pattern[i] = pattern_byte(i);
    auto written = write_file(big, pattern, pattern_size);
    memset(pattern, 0, pattern_size);
    auto file = open(big, O_RDONLY);
    bool same = false;
    if (!written.is_error() && !file.is_error()) {
        auto got = read_all(*file.value(), pattern, pattern_size);
        same = !got.is_error() && got.value() == pattern_size;
        for (size_t i = 0; same && i < pattern_size; ++i)
            same = pattern[i] == pattern_byte(i);
    }
    delete[] pattern;
    STEP(written);
    EXPECT(same);

    if (!keep) {
        STEP(vfs().unlink(root(), StringView(big), root_credentials));
        STEP(vfs().unlink(root(), StringView(link), root_credentials));
        STEP(vfs().unlink(root(), StringView(b), root_credentials));
        STEP(vfs().rmdir(root(), StringView(dir), root_credentials));
        EXPECT(!exists(dir));
    }
    kprintf("storage: %s: create/write/rename/link/symlink/unlink/mkdir/rmdir ok\n", dir);
    return true;
}

bool check_virtual_files()
{
    static char text[4096];
    STEP(read_file("/proc/meminfo", text, sizeof(text)));
    EXPECT(contains(text, "MemTotal:") && contains(text, "MemFree:"));
    STEP(read_file("/proc/mounts", text, sizeof(text)));
    EXPECT(contains(text, " / ext2 ") && contains(text, " /tmp tmpfs ") && contains(text, " /proc proc "));
    STEP(read_file("/proc/uptime", text, sizeof(text)));
    EXPECT(text[0] >= '0' && text[0] <= '9');
    auto null = open("/dev/null", O_RDWR);
    STEP(null);
    STEP(write_all(*null.value(), "x", 1));
    kprintf("storage: /proc and /dev ok\n");
    return true;
}

u64 rate_kib_per_s(u64 bytes, u64 ns) { return ns ? bytes * 1'000'000'000ull / 1024 / ns : 0; }

void report(const char* what, u64 bytes, u64 ns, const BlockCacheStats& before, const BlockCacheStats& after)
{
    u64 kib = rate_kib_per_s(bytes, ns);
    kprintf("storage: %-28s %5lu MiB in %5lu ms = %5lu.%lu MiB/s "
            "(cache hits %lu, misses %lu, read ahead %lu, writebacks %lu)\n",
        what, bytes >> 20, ns / 1'000'000, kib / 1024, (kib % 1024) * 10 / 1024, after.hits - before.hits,
        after.misses - before.misses, after.read_ahead - before.read_ahead, after.writebacks - before.writebacks);
}

bool measure_throughput()
{
    constexpr const char* path = "/selftest/throughput.bin";
    constexpr size_t total = 16 * 1024 * 1024;
    constexpr size_t chunk = 64 * 1024;
    auto* buffer = new (std::nothrow) u8[chunk];
    EXPECT(buffer);
    for (size_t i = 0; i < chunk; ++i)
        buffer[i] = pattern_byte(i);

    auto root_fs = vfs().root_custody()->inode_ref();
    auto& ext2 = static_cast<Ext2FileSystem&>(root_fs->fs());
    bool ok = true;
    {
        auto file = open(path, O_WRONLY | O_CREAT | O_TRUNC);
        STEP(file);
        auto before = ext2.cache_stats();
        u64 start = arch::monotonic_ns();
        for (size_t done = 0; ok && done < total; done += chunk)
            ok = !write_all(*file.value(), buffer, chunk).is_error();
        u64 written = arch::monotonic_ns();
        STEP(storage::sync_all());
        u64 synced = arch::monotonic_ns();
        EXPECT(ok);
        auto after = ext2.cache_stats();
        report("write (into the cache)", total, written - start, before, after);
        report("write + sync (to disk)", total, synced - start, before, after);
    }
    kprintf("storage: block cache: %lu blocks of %lu bytes (%lu KiB)\n", ext2.cache_stats().capacity,
        ext2.cache_stats().block_size, ext2.cache_stats().capacity * ext2.cache_stats().block_size / 1024);
    // Reading: the first pass after the writes finds only the file's tail in the cache (the
    // cache is smaller than the file), so it is a cold read; a second pass over a range that
    // fits in the cache is the warm read.
    for (int pass = 0; pass < 3 && ok; ++pass) {
        size_t bytes = pass < 2 ? total : ext2.cache_stats().capacity * ext2.cache_stats().block_size / 2;
        if (pass == 2) {
            // prime the cache with the range once
            auto file = open(path, O_RDONLY);
            STEP(file);
            for (size_t done = 0; ok && done < bytes; done += chunk)
                ok = !read_all(*file.value(), buffer, chunk).is_error();
        }
        auto file = open(path, O_RDONLY);
        STEP(file);
        auto before = ext2.cache_stats();
        u64 start = arch::monotonic_ns();
        for (size_t done = 0; ok && done < bytes; done += chunk) {
            auto got = read_all(*file.value(), buffer, chunk);
            ok = !got.is_error() && got.value() == chunk && buffer[chunk - 1] == pattern_byte(chunk - 1);
        }
        u64 end = arch::monotonic_ns();
        EXPECT(ok);
        const char* names[] = { "read, cold (16 MiB)", "read again (16 MiB > cache)", "read, warm (fits in cache)" };
        auto after = ext2.cache_stats();
        if (pass == 2 && bytes < 1024 * 1024) {
            u64 kib = rate_kib_per_s(bytes, end - start);
            kprintf("storage: %-28s %5lu KiB in %5lu us = %5lu.%lu MiB/s (cache hits %lu, misses %lu)\n", names[pass],
                bytes >> 10, (end - start) / 1000, kib / 1024, (kib % 1024) * 10 / 1024, after.hits - before.hits,
                after.misses - before.misses);
        } else {
            report(names[pass], bytes, end - start, before, after);
        }
    }
    delete[] buffer;
    STEP(vfs().unlink(root(), StringView(path), root_credentials));
    return ok;
}

// Several threads read the raw disk at once, so several requests are in flight; what they
// read must equal a plain sequential read.
bool concurrent_disk_reads()
{
    constexpr size_t thread_count = 4;
    constexpr size_t sectors = 2048; // 1 MiB
    constexpr size_t piece = 32; // sectors per request
    struct Shared {
        RefPtr<BlockDevice> disk;
        u8* buffer;
        Spinlock lock;
        WaitQueue done_queue;
        size_t finished { 0 };
        bool failed { false };
    };
    static Shared shared;
    shared.disk = storage::disk(0);
    auto* expected = new (std::nothrow) u8[sectors * BlockDevice::sector_size];
    shared.buffer = new (std::nothrow) u8[sectors * BlockDevice::sector_size];
    EXPECT(expected && shared.buffer);
    STEP(shared.disk->read_sectors(0, expected, sectors));
    memset(shared.buffer, 0, sectors * BlockDevice::sector_size);

    static size_t indices[thread_count];
    for (size_t t = 0; t < thread_count; ++t) {
        indices[t] = t;
        auto thread = Thread::try_create_kernel(
            "disk-reader",
            [](void* argument) {
                size_t me = *static_cast<size_t*>(argument);
                bool ok = true;
                // Interleaved pieces: thread t reads pieces t, t + n, t + 2n, ...
                for (size_t first = me * piece; ok && first < sectors; first += thread_count * piece)
                    ok = !shared.disk->read_sectors(first, shared.buffer + first * BlockDevice::sector_size, piece)
                              .is_error();
                SpinlockGuard guard(shared.lock);
                shared.failed |= !ok;
                ++shared.finished;
                shared.done_queue.wake_all();
            },
            &indices[t]);
        EXPECT(!thread.is_error());
        scheduler::enqueue(thread.value());
    }
    {
        SpinlockGuard guard(shared.lock);
        STEP(shared.done_queue.wait_until(
            guard, [&] { return shared.finished == thread_count; }, {}, true));
    }
    bool same = memcmp(expected, shared.buffer, sectors * BlockDevice::sector_size) == 0;
    delete[] expected;
    delete[] shared.buffer;
    EXPECT(!shared.failed && same);
    auto* virtio = static_cast<VirtioBlock*>(shared.disk.ptr());
    kprintf("storage: %zu threads read the disk concurrently: ok (at most %u requests in flight)\n", thread_count,
        virtio->max_in_flight());
    shared.disk = nullptr;
    return true;
}

// The driver alone: 16 MiB from the raw disk in 4 KiB requests (what the block cache issues
// per missed block) and in 256 KiB requests.
bool measure_raw_disk()
{
    auto disk = storage::disk(0);
    constexpr size_t total = 16 * 1024 * 1024;
    constexpr size_t big = 256 * 1024;
    size_t bytes = total < disk->sector_count() * BlockDevice::sector_size
        ? total
        : disk->sector_count() * BlockDevice::sector_size / 2;
    auto* buffer = new (std::nothrow) u8[big];
    EXPECT(buffer);
    for (size_t request : { size_t(4096), big }) {
        u64 start = arch::monotonic_ns();
        for (size_t done = 0; done < bytes; done += request) {
            auto result
                = disk->read_sectors(done / BlockDevice::sector_size, buffer, request / BlockDevice::sector_size);
            if (result.is_error()) {
                delete[] buffer;
                STEP(result);
            }
        }
        u64 ns = arch::monotonic_ns() - start;
        u64 kib = rate_kib_per_s(bytes, ns);
        kprintf("storage: raw disk read, %3zu KiB requests: %lu MiB in %5lu ms = %5lu.%lu MiB/s (%lu us per request)\n",
            request / 1024, bytes >> 20, ns / 1'000'000, kib / 1024, (kib % 1024) * 10 / 1024,
            ns / 1000 / (bytes / request));
    }
    delete[] buffer;
    return true;
}

} // namespace

bool storage()
{
    storage::bring_up();
    if (!concurrent_disk_reads())
        return false;
    if (!walk_paths())
        return false;
    if (!exercise_namespace("/selftest", true))
        return false;
    if (!exercise_namespace("/tmp/selftest", false))
        return false;
    if (!check_virtual_files())
        return false;
    STEP(storage::sync_all());
    if (!measure_throughput())
        return false;
    if (!measure_raw_disk())
        return false;
    STEP(storage::sync_all());
    kprintf("storage: synced\n");
    return true;
}

} // namespace sk::selftest
