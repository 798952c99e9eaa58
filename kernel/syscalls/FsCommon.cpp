// FsCommon: path copy-in, dirfd resolution, descriptor look-ups and stat conversion shared by
// the Fs*.cpp syscall families.
#include <arch/Arch.h>
#include <asm-generic/stat.h>
#include <lib/UserCopy.h>
#include <linux/stat.h>
#include <linux/uio.h>
#include <string.h>
#include <syscalls/FsCommon.h>

namespace sk {

Result<UserPath> UserPath::copy_in(uptr user, bool allow_empty)
{
    char* chars = new (std::nothrow) char[path_max];
    if (!chars)
        return Error { ENOMEM };
    auto copied = copy_string_from_user(chars, user, path_max - 1);
    if (copied.is_error()) {
        delete[] chars;
        return copied.error();
    }
    size_t length = copied.value();
    if (length == 0 && !allow_empty) {
        delete[] chars;
        return Error { ENOENT };
    }
    return UserPath(chars, length);
}

UserPath::UserPath(UserPath&& other)
    : m_chars(std::exchange(other.m_chars, nullptr))
    , m_length(std::exchange(other.m_length, 0))
{
}

UserPath::~UserPath() { delete[] m_chars; }

Result<RefPtr<OpenFile>> open_file(int fd) { return Process::current().fds().get(fd); }

Result<RefPtr<OpenFile>> open_file_for_io(int fd)
{
    auto file = TRY(open_file(fd));
    if (file->flags() & O_PATH)
        return Error { EBADF };
    return file;
}

Result<RefPtr<Custody>> base_custody(int dirfd, StringView path)
{
    Process& process = Process::current();
    if ((!path.is_empty() && path[0] == '/') || dirfd == at_fdcwd) {
        auto cwd = process.cwd();
        if (!cwd)
            return VirtualFileSystem::the().root_custody();
        return cwd;
    }
    auto file = TRY(process.fds().get(dirfd));
    Custody* custody = file->custody();
    if (!custody || !custody->inode().is_directory())
        return Error { ENOTDIR };
    return RefPtr<Custody>(custody);
}

Result<RefPtr<Inode>> inode_of_dirfd(int dirfd)
{
    if (dirfd == at_fdcwd) {
        auto cwd = Process::current().cwd();
        if (!cwd)
            return VirtualFileSystem::the().root_custody()->inode_ref();
        return cwd->inode_ref();
    }
    auto file = TRY(open_file(dirfd));
    if (!file->inode())
        return Error { EBADF }; // FIXME: only kernel-internal files lack an inode
    return RefPtr<Inode>(file->inode());
}

Result<void> check_user_range(uptr address, size_t length)
{
    uptr end;
    if (__builtin_add_overflow(address, length, &end) || end > arch::user_space_end)
        return Error { EFAULT };
    return {};
}

Result<void> UserIoVector::copy_in(UserIoVector& out, uptr user_array, u64 count)
{
    static_assert(sizeof(IoSegment) == sizeof(struct iovec));
    if (count > UIO_MAXIOV)
        return Error { EINVAL };
    TRY(out.m_segments.try_resize(count));
    if (count)
        TRY(copy_from_user(out.m_segments.data(), user_array, count * sizeof(IoSegment)));
    size_t total = 0;
    for (auto& segment : out.m_segments) {
        if (static_cast<i64>(segment.length) < 0)
            return Error { EINVAL };
        segment.length = min(segment.length, max_rw_count - total);
        TRY(check_user_range(segment.base, segment.length));
        total += segment.length;
    }
    out.m_total = total;
    return {};
}

Result<void> copy_stat_to_user(uptr user, const FileStat& stat)
{
    struct stat out;
    memset(&out, 0, sizeof out);
    out.st_dev = encode_filesystem_device(stat.device);
    out.st_ino = stat.ino;
    out.st_mode = stat.mode;
    out.st_nlink = stat.nlink;
    out.st_uid = stat.uid;
    out.st_gid = stat.gid;
    out.st_rdev = stat.rdev;
    out.st_size = static_cast<long>(stat.size);
    out.st_blksize = static_cast<int>(stat.block_size);
    out.st_blocks = static_cast<long>(stat.blocks);
    out.st_atime = stat.atime.seconds;
    out.st_atime_nsec = static_cast<unsigned long>(stat.atime.nanoseconds);
    out.st_mtime = stat.mtime.seconds;
    out.st_mtime_nsec = static_cast<unsigned long>(stat.mtime.nanoseconds);
    out.st_ctime = stat.ctime.seconds;
    out.st_ctime_nsec = static_cast<unsigned long>(stat.ctime.nanoseconds);
    return copy_to_user(user, &out, sizeof out);
}

static struct statx_timestamp to_statx_timestamp(const Timespec& time)
{
    struct statx_timestamp out { };
    out.tv_sec = time.seconds;
    out.tv_nsec = static_cast<u32>(time.nanoseconds);
    return out;
}

Result<void> copy_statx_to_user(uptr user, const FileStat& stat, u32)
{
    struct statx out;
    memset(&out, 0, sizeof out);
    // Every basic field is always available; the requested mask only says what the caller
    // needs at least (Linux may return more). No birth time: STATX_BTIME stays clear.
    out.stx_mask = STATX_BASIC_STATS;
    out.stx_blksize = stat.block_size;
    out.stx_nlink = stat.nlink;
    out.stx_uid = stat.uid;
    out.stx_gid = stat.gid;
    out.stx_mode = static_cast<u16>(stat.mode);
    out.stx_ino = stat.ino;
    out.stx_size = stat.size;
    out.stx_blocks = stat.blocks;
    out.stx_atime = to_statx_timestamp(stat.atime);
    out.stx_mtime = to_statx_timestamp(stat.mtime);
    out.stx_ctime = to_statx_timestamp(stat.ctime);
    // rdev is in Linux's dev_t encoding; statx splits it.
    out.stx_rdev_major = static_cast<u32>((stat.rdev >> 8) & 0xfff) | static_cast<u32>((stat.rdev >> 32) & 0xfffff000u);
    out.stx_rdev_minor = static_cast<u32>(stat.rdev & 0xff) | static_cast<u32>((stat.rdev >> 12) & 0xffffff00u);
    out.stx_dev_major = 0;
    out.stx_dev_minor = static_cast<u32>(stat.device);
    return copy_to_user(user, &out, sizeof out);
}

} // namespace sk
