// FsCommon: what every file syscall needs at the user boundary — paths copied in from user
// memory, the base directory of an *at() call (dirfd), descriptor look-ups with Linux's
// EBADF rules, and the conversion of the VFS's FileStat into Linux's struct stat / statx.
//
// Paths live on the heap (PATH_MAX bytes would be a quarter of a kernel stack); a UserPath
// owns its buffer and frees it when it goes out of scope.
#pragma once

#include <lib/IoBuffer.h>
#include <lib/RefPtr.h>
#include <lib/Result.h>
#include <lib/StringView.h>
#include <lib/Vector.h>
#include <proc/Process.h>
#include <vfs/Custody.h>
#include <vfs/OpenFile.h>
#include <vfs/VirtualFileSystem.h>

namespace sk {

constexpr int at_fdcwd = -100; // AT_FDCWD
// Linux's MAX_RW_COUNT: one read/write moves at most this many bytes (INT_MAX & PAGE_MASK).
constexpr size_t max_rw_count = 0x7ffff000;

class UserPath {
public:
    // Copies the NUL-terminated path at `user`. ENAMETOOLONG past PATH_MAX (4096 including
    // the NUL), EFAULT for a bad pointer, ENOENT for "" unless allow_empty (AT_EMPTY_PATH).
    static Result<UserPath> copy_in(uptr user, bool allow_empty = false);

    UserPath(UserPath&& other);
    UserPath(const UserPath&) = delete;
    UserPath& operator=(const UserPath&) = delete;
    ~UserPath();

    StringView view() const { return StringView(m_chars, m_length); }
    const char* chars() const { return m_chars; }
    bool is_empty() const { return m_length == 0; }
    bool is_absolute() const { return m_length > 0 && m_chars[0] == '/'; }

private:
    UserPath(char* chars, size_t length)
        : m_chars(chars)
        , m_length(length)
    {
    }
    char* m_chars { nullptr };
    size_t m_length { 0 };
};

// The current process's open file at fd (EBADF). `open_file_for_io` also refuses O_PATH
// descriptors (EBADF), as Linux does for every operation that touches the file itself.
Result<RefPtr<OpenFile>> open_file(int fd);
Result<RefPtr<OpenFile>> open_file_for_io(int fd);

// The base of a relative path in an *at() call: the cwd for AT_FDCWD, else dirfd's
// directory (EBADF, ENOTDIR). An absolute path ignores dirfd entirely (as Linux), so an
// invalid dirfd is not an error then.
Result<RefPtr<Custody>> base_custody(int dirfd, StringView path);
// The inode an AT_EMPTY_PATH call acts on: dirfd's own file, whatever its kind (pipes and
// sockets included), or the cwd for AT_FDCWD. EBADF for a bad descriptor.
Result<RefPtr<Inode>> inode_of_dirfd(int dirfd);

// The user's iovec array (readv/writev, sendmsg/recvmsg), copied in and checked as Linux's
// import_iovec does: at most UIO_MAXIOV entries (EINVAL), no entry longer than SSIZE_MAX
// (EINVAL), every entry inside user space (EFAULT), and the total clamped to MAX_RW_COUNT by
// shortening the entries.
class UserIoVector {
public:
    static Result<void> copy_in(UserIoVector& out, uptr user_array, u64 count);

    // The segments stay owned by this object, which must outlive the buffer.
    IoBuffer buffer() const { return IoBuffer::user_vector(m_segments.data(), m_segments.size(), m_total); }
    size_t total() const { return m_total; }
    const Vector<IoSegment>& segments() const { return m_segments; }

private:
    Vector<IoSegment> m_segments;
    size_t m_total { 0 };
};

// access_ok: the whole range lies in user space (EFAULT otherwise). Linux checks this before
// looking at the file, so read(fd, kernel_address, n) is EFAULT even at end of file.
Result<void> check_user_range(uptr address, size_t length);

// Fills the user's struct stat (riscv64: asm-generic layout) / struct statx.
Result<void> copy_stat_to_user(uptr user, const FileStat& stat);
Result<void> copy_statx_to_user(uptr user, const FileStat& stat, u32 requested_mask);

// Linux's dev_t encoding (new_encode_dev) of a filesystem's device number (major 0, the
// anonymous-device range, minor = the device id).
constexpr u64 encode_filesystem_device(u64 device_id) { return (device_id & 0xff) | ((device_id & ~0xffull) << 12); }

} // namespace sk
