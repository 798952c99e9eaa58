// Data transfer on descriptors: read/write and their vector and positional forms, lseek,
// getdents64 and sendfile. The checks come in Linux's order (vfs_read/vfs_write): EBADF for
// a descriptor not open for the direction, EFAULT for a buffer outside user space (before the
// file is looked at), EINVAL for a negative position, then the file's own operation. A
// transfer is clamped to MAX_RW_COUNT bytes, as Linux does.
#include <lib/IoBuffer.h>
#include <lib/UserCopy.h>
#include <lib/Vector.h>
#include <linux/fs.h>
#include <syscalls/FsCommon.h>
#include <syscalls/Syscall.h>

namespace sk {

enum class Direction { Read, Write };

static Result<void> check_direction(OpenFile& file, Direction direction)
{
    if (direction == Direction::Read ? !file.can_read() : !file.can_write())
        return Error { EBADF };
    return {};
}

// rw_verify_area for the positional forms: no negative position, no wrap past 2^63.
static Result<void> check_position(i64 position, size_t count)
{
    if (position < 0)
        return Error { EINVAL };
    i64 end;
    if (__builtin_add_overflow(position, static_cast<i64>(count), &end))
        return Error { EINVAL };
    return {};
}

static Result<size_t> transfer(
    OpenFile& file, Direction direction, const IoBuffer& buffer, size_t length, const i64* position)
{
    if (position) {
        TRY(check_position(*position, length));
        return direction == Direction::Read ? file.ops().read_at(file, static_cast<u64>(*position), buffer, length)
                                            : file.ops().write_at(file, static_cast<u64>(*position), buffer, length);
    }
    return direction == Direction::Read ? file.ops().read(file, buffer, length)
                                        : file.ops().write(file, buffer, length);
}

static Result<long> do_simple_io(int fd, uptr user_buffer, size_t count, Direction direction, const i64* position)
{
    auto file = TRY(open_file_for_io(fd));
    TRY(check_direction(*file, direction));
    TRY(check_user_range(user_buffer, count));
    if (static_cast<i64>(count) < 0)
        return Error { EINVAL };
    count = min(count, max_rw_count);
    auto buffer = IoBuffer::user(user_buffer, count);
    return static_cast<long>(TRY(transfer(*file, direction, buffer, count, position)));
}

static Result<long> sys_read(const SyscallArguments& a)
{
    return do_simple_io(static_cast<int>(a.a0), a.a1, a.a2, Direction::Read, nullptr);
}
REGISTER_SYSCALL(__NR_read, sys_read);

static Result<long> sys_write(const SyscallArguments& a)
{
    return do_simple_io(static_cast<int>(a.a0), a.a1, a.a2, Direction::Write, nullptr);
}
REGISTER_SYSCALL(__NR_write, sys_write);

static Result<long> sys_pread64(const SyscallArguments& a)
{
    i64 position = static_cast<i64>(a.a3);
    if (position < 0)
        return Error { EINVAL };
    return do_simple_io(static_cast<int>(a.a0), a.a1, a.a2, Direction::Read, &position);
}
REGISTER_SYSCALL(__NR_pread64, sys_pread64);

static Result<long> sys_pwrite64(const SyscallArguments& a)
{
    i64 position = static_cast<i64>(a.a3);
    if (position < 0)
        return Error { EINVAL };
    return do_simple_io(static_cast<int>(a.a0), a.a1, a.a2, Direction::Write, &position);
}
REGISTER_SYSCALL(__NR_pwrite64, sys_pwrite64);

// Linux's do_loop_readv_writev for writes_each_segment() files: one write() per segment,
// stopping at the first short one; an error counts only if nothing was written before it.
// Empty segments are skipped, except a leading one (Linux's iov_iter starts on it).
static Result<size_t> write_each_segment(OpenFile& file, const UserIoVector& vector, const i64* position)
{
    size_t done = 0;
    i64 at = position ? *position : 0;
    auto& segments = vector.segments();
    for (size_t i = 0; i < segments.size(); ++i) {
        size_t length = segments[i].length;
        if (length == 0 && i > 0)
            continue;
        auto written = transfer(
            file, Direction::Write, IoBuffer::user(segments[i].base, length), length, position ? &at : nullptr);
        if (written.is_error())
            return done ? Result<size_t>(done) : Result<size_t>(written.error());
        done += written.value();
        at += static_cast<i64>(written.value());
        if (written.value() != length)
            break;
    }
    return done;
}

static Result<long> do_vector_io(
    int fd, uptr user_array, u64 count, Direction direction, const i64* position, u64 rwf_flags = 0)
{
    auto file = TRY(open_file_for_io(fd));
    UserIoVector vector;
    TRY(UserIoVector::copy_in(vector, user_array, count));
    TRY(check_direction(*file, direction));
    if (rwf_flags)
        return Error { EOPNOTSUPP }; // FIXME: RWF_HIPRI, RWF_DSYNC, RWF_NOWAIT, RWF_APPEND...
    if (vector.total() == 0) {
        if (position)
            TRY(check_position(*position, 0));
        return 0;
    }
    if (direction == Direction::Write && file->ops().writes_each_segment())
        return static_cast<long>(TRY(write_each_segment(*file, vector, position)));
    return static_cast<long>(TRY(transfer(*file, direction, vector.buffer(), vector.total(), position)));
}

static Result<long> sys_readv(const SyscallArguments& a)
{
    return do_vector_io(static_cast<int>(a.a0), a.a1, a.a2, Direction::Read, nullptr);
}
REGISTER_SYSCALL(__NR_readv, sys_readv);

static Result<long> sys_writev(const SyscallArguments& a)
{
    return do_vector_io(static_cast<int>(a.a0), a.a1, a.a2, Direction::Write, nullptr);
}
REGISTER_SYSCALL(__NR_writev, sys_writev);

// preadv/pwritev pass the position as (low, high) halves; on 64-bit the low half is all of it.
static Result<long> sys_preadv(const SyscallArguments& a)
{
    i64 position = static_cast<i64>(a.a3);
    if (position < 0)
        return Error { EINVAL };
    return do_vector_io(static_cast<int>(a.a0), a.a1, a.a2, Direction::Read, &position);
}
REGISTER_SYSCALL(__NR_preadv, sys_preadv);

static Result<long> sys_pwritev(const SyscallArguments& a)
{
    i64 position = static_cast<i64>(a.a3);
    if (position < 0)
        return Error { EINVAL };
    return do_vector_io(static_cast<int>(a.a0), a.a1, a.a2, Direction::Write, &position);
}
REGISTER_SYSCALL(__NR_pwritev, sys_pwritev);

// preadv2/pwritev2: position -1 means the file's own offset.
static Result<long> sys_preadv2(const SyscallArguments& a)
{
    i64 position = static_cast<i64>(a.a3);
    if (position < -1)
        return Error { EINVAL };
    return do_vector_io(
        static_cast<int>(a.a0), a.a1, a.a2, Direction::Read, position == -1 ? nullptr : &position, a.a5);
}
REGISTER_SYSCALL(__NR_preadv2, sys_preadv2);

static Result<long> sys_pwritev2(const SyscallArguments& a)
{
    i64 position = static_cast<i64>(a.a3);
    if (position < -1)
        return Error { EINVAL };
    return do_vector_io(
        static_cast<int>(a.a0), a.a1, a.a2, Direction::Write, position == -1 ? nullptr : &position, a.a5);
}
REGISTER_SYSCALL(__NR_pwritev2, sys_pwritev2);

static Result<long> sys_lseek(const SyscallArguments& a)
{
    auto file = TRY(open_file_for_io(static_cast<int>(a.a0)));
    int whence = static_cast<int>(a.a2);
    if (whence < 0 || whence > SEEK_MAX)
        return Error { EINVAL };
    return TRY(file->ops().seek(*file, static_cast<i64>(a.a1), whence));
}
REGISTER_SYSCALL(__NR_lseek, sys_lseek);

static Result<long> sys_getdents64(const SyscallArguments& a)
{
    auto file = TRY(open_file_for_io(static_cast<int>(a.a0)));
    size_t count = static_cast<u32>(a.a2); // unsigned int in Linux's prototype
    TRY(check_user_range(a.a1, count));
    return static_cast<long>(TRY(file->ops().read_directory(*file, IoBuffer::user(a.a1, count), count)));
}
REGISTER_SYSCALL(__NR_getdents64, sys_getdents64);

// sendfile(out, in, offset*, count): copies through a kernel bounce buffer. The input must
// be positional (regular files; ESPIPE/EINVAL otherwise); with an offset pointer the input's
// own offset is left alone and *offset advances instead.
static Result<long> sys_sendfile(const SyscallArguments& a)
{
    auto in = TRY(open_file_for_io(static_cast<int>(a.a1)));
    if (!in->can_read())
        return Error { EBADF };
    auto out = TRY(open_file_for_io(static_cast<int>(a.a0)));
    if (!out->can_write())
        return Error { EBADF };
    if (out->flags() & O_APPEND)
        return Error { EINVAL };
    uptr user_offset = a.a2;
    size_t count = min(static_cast<size_t>(a.a3), max_rw_count);
    if (static_cast<i64>(a.a3) < 0)
        return Error { EINVAL };

    i64 position;
    if (user_offset) {
        TRY(copy_from_user(&position, user_offset, sizeof position));
        if (position < 0)
            return Error { EINVAL };
    }
    // Positional input only: a pipe or socket as input is EINVAL in Linux (no splice_read).
    if (!in->inode() || !(in->inode()->is_regular()))
        return Error { EINVAL };
    if (count == 0)
        return 0;

    constexpr size_t chunk_size = 16 * 1024;
    u8* bounce = new (std::nothrow) u8[chunk_size];
    if (!bounce)
        return Error { ENOMEM };
    struct Free {
        u8* p;
        ~Free() { delete[] p; }
    } free_bounce { bounce };

    auto run = [&](u64 start) -> Result<size_t> {
        size_t done = 0;
        while (done < count) {
            size_t want = min(chunk_size, count - done);
            auto got = in->ops().read_at(*in, start + done, IoBuffer::kernel(bounce, want), want);
            if (got.is_error()) {
                if (done)
                    break;
                return got.error();
            }
            if (got.value() == 0)
                break;
            size_t written = 0;
            while (written < got.value()) {
                auto put = out->ops().write(
                    *out, IoBuffer::kernel(bounce + written, got.value() - written), got.value() - written);
                if (put.is_error()) {
                    if (done + written)
                        return done + written;
                    return put.error();
                }
                if (put.value() == 0)
                    break;
                written += put.value();
            }
            done += written;
            if (written < got.value() || got.value() < want)
                break;
        }
        return done;
    };

    if (user_offset) {
        size_t done = TRY(run(static_cast<u64>(position)));
        i64 next = position + static_cast<i64>(done);
        TRY(copy_to_user(user_offset, &next, sizeof next));
        return static_cast<long>(done);
    }
    // FIXME: the offset is read and advanced without holding offset_lock across the copy (the
    // output may be the same description, whose write takes that lock), so a concurrent
    // reader of the input description can see the copy twice.
    u64 start = in->offset();
    size_t done = TRY(run(start));
    {
        MutexGuard guard(in->offset_lock());
        in->set_offset(start + done);
    }
    return static_cast<long>(done);
}
REGISTER_SYSCALL(__NR_sendfile, sys_sendfile);

} // namespace sk
