// InodeFile: file I/O on an inode through the open file's offset. Offsets are checked here
// once (no negative positions, no wrap past the largest file offset) so filesystems see sane
// values.
#include <asm-generic/fcntl.h>
#include <linux/fs.h>
#include <string.h>
#include <lib/IoBuffer.h>
#include <lib/Vector.h>
#include <vfs/Clock.h>
#include <vfs/InodeFile.h>
#include <vfs/OpenFile.h>

namespace sk {

// Linux's MAX_LFS_FILESIZE on 64-bit.
static constexpr u64 max_file_offset = 0x7fffffffffffffffull;

Result<RefPtr<InodeFile>> InodeFile::try_create()
{
    auto* file = new (std::nothrow) InodeFile;
    if (!file)
        return Error { ENOMEM };
    return RefPtr<InodeFile>(file);
}

Result<size_t> InodeFile::read_at(OpenFile& file, u64 offset, const IoBuffer& buffer, size_t length)
{
    Inode* inode = file.inode();
    VERIFY(inode);
    if (offset > max_file_offset)
        return Error { EINVAL };
    if (inode->is_directory())
        return Error { EISDIR };
    length = min<u64>(length, max_file_offset - offset);
    if (length == 0)
        return 0;
    return inode->read_at(offset, buffer, length);
}

// A write with the inode's write lock held. An O_APPEND file is written at its end whatever
// offset was asked (pwrite too: Linux's documented behaviour); offset says where it went.
static Result<size_t> write_locked(OpenFile& file, u64& offset, const IoBuffer& buffer, size_t length)
{
    Inode* inode = file.inode();
    if (file.flags() & O_APPEND)
        offset = inode->metadata().size;
    if (offset > max_file_offset)
        return Error { EINVAL };
    if (length == 0)
        return 0;
    if (offset == max_file_offset)
        return Error { EFBIG };
    length = min<u64>(length, max_file_offset - offset);
    return inode->write_at(offset, buffer, length);
}

Result<size_t> InodeFile::write_at(OpenFile& file, u64 offset, const IoBuffer& buffer, size_t length)
{
    VERIFY(file.inode());
    MutexGuard guard(file.inode()->write_lock());
    return write_locked(file, offset, buffer, length);
}

Result<size_t> InodeFile::read(OpenFile& file, const IoBuffer& buffer, size_t length)
{
    MutexGuard guard(file.offset_lock());
    size_t done = TRY(read_at(file, file.offset(), buffer, length));
    file.set_offset(file.offset() + done);
    return done;
}

Result<size_t> InodeFile::write(OpenFile& file, const IoBuffer& buffer, size_t length)
{
    MutexGuard guard(file.offset_lock());
    MutexGuard write_guard(file.inode()->write_lock());
    u64 offset = file.offset();
    size_t done = TRY(write_locked(file, offset, buffer, length));
    file.set_offset(offset + done);
    return done;
}

Result<i64> InodeFile::seek(OpenFile& file, i64 offset, int whence)
{
    MutexGuard guard(file.offset_lock());
    i64 base;
    switch (whence) {
    case SEEK_SET:
        base = 0;
        break;
    case SEEK_CUR:
        base = static_cast<i64>(file.offset());
        break;
    case SEEK_END:
        base = static_cast<i64>(file.inode()->metadata().size);
        break;
    case SEEK_DATA:
    case SEEK_HOLE: {
        // The whole file counts as data (allowed by POSIX): SEEK_DATA stays, SEEK_HOLE goes
        // to the end. ENXIO at or past the end.
        i64 size = static_cast<i64>(file.inode()->metadata().size);
        if (offset < 0 || offset >= size)
            return Error { ENXIO };
        i64 result = whence == SEEK_DATA ? offset : size;
        file.set_offset(static_cast<u64>(result));
        return result;
    }
    default:
        return Error { EINVAL };
    }
    i64 result;
    if (__builtin_add_overflow(base, offset, &result) || result < 0)
        return Error { EINVAL };
    // A directory's offset is an opaque cookie of its filesystem; lseek passes it through.
    file.set_offset(static_cast<u64>(result));
    return result;
}

Result<void> InodeFile::truncate(OpenFile& file, u64 length)
{
    Inode* inode = file.inode();
    if (inode->is_directory())
        return Error { EISDIR };
    if (!file.can_write())
        return Error { EINVAL };
    if (length > max_file_offset)
        return Error { EINVAL };
    InodeAttributes attributes;
    Timespec now = filesystem_now();
    attributes.mask = InodeAttributes::Size | InodeAttributes::Mtime | InodeAttributes::Ctime;
    attributes.size = length;
    attributes.mtime = now;
    attributes.ctime = now;
    MutexGuard guard(inode->write_lock());
    return inode->setattr(attributes);
}

Result<void> InodeFile::fsync(OpenFile& file)
{
    TRY(file.inode()->sync());
    return {};
}

Result<size_t> InodeFile::read_directory(OpenFile& file, const IoBuffer& buffer, size_t length)
{
    Inode* inode = file.inode();
    if (!inode->is_directory())
        return Error { ENOTDIR };
    MutexGuard guard(file.offset_lock());

    // The records are assembled in kernel memory and copied out after the walk: filesystems
    // call the visitor under their lock, and a copy into user memory may fault and read a
    // mapped file through that same filesystem. A bigger buffer only gets more records.
    constexpr size_t max_record_length = align_up<size_t>(linux_dirent64_header_size + 255 + 1, 8);
    constexpr size_t max_batch = 4096;
    static_assert(max_batch >= max_record_length);
    Vector<u8> records;
    TRY(records.try_resize(min(length, max_batch)));
    size_t written = 0;
    u64 resume_offset = file.offset();
    bool too_small = false;
    TRY(inode->iterate(file.offset(), [&](const DirectoryEntryView& entry) {
        size_t name_length = min<size_t>(entry.name.length(), 255);
        size_t record_length = align_up<size_t>(linux_dirent64_header_size + name_length + 1, 8);
        if (written + record_length > records.size()) {
            too_small = written == 0;
            return false;
        }
        u8* record = records.data() + written;
        memset(record, 0, record_length);
        u64 ino = entry.ino;
        i64 next = static_cast<i64>(entry.next_offset);
        u16 reclen = static_cast<u16>(record_length);
        memcpy(record + 0, &ino, 8);
        memcpy(record + 8, &next, 8);
        memcpy(record + 16, &reclen, 2);
        record[18] = entry.type;
        memcpy(record + linux_dirent64_header_size, entry.name.chars(), name_length);
        written += record_length;
        resume_offset = entry.next_offset;
        return true;
    }));
    if (too_small)
        return Error { EINVAL };
    TRY(buffer.write(0, records.data(), written));
    file.set_offset(resume_offset);
    return written;
}

} // namespace sk
