// InodeFile: the FileOperations of regular files and directories of every filesystem. Data
// goes through Inode::read_at/write_at at the open file's offset; getdents64 turns
// Inode::iterate_directory entries into linux_dirent64 records.
//
// Locking: the OpenFile's offset_lock (a sleeping Mutex) is held across each read, write,
// lseek and getdents that uses the shared offset, so concurrent users of one description see
// each call's offset update as atomic. pread/pwrite take no lock.
#pragma once

#include <vfs/FileOperations.h>

namespace sk {

// The fixed part of a linux_dirent64 record (d_ino, d_off, d_reclen, d_type), 19 bytes;
// the NUL-terminated name follows and the record is padded to 8 bytes.
constexpr size_t linux_dirent64_header_size = 19;

class InodeFile final : public FileOperations {
public:
    static Result<RefPtr<InodeFile>> try_create();

    Result<size_t> read(OpenFile& file, const IoBuffer& buffer, size_t length) override;
    Result<size_t> write(OpenFile& file, const IoBuffer& buffer, size_t length) override;
    Result<size_t> read_at(OpenFile& file, u64 offset, const IoBuffer& buffer, size_t length) override;
    Result<size_t> write_at(OpenFile& file, u64 offset, const IoBuffer& buffer, size_t length) override;
    Result<i64> seek(OpenFile& file, i64 offset, int whence) override;
    Result<void> truncate(OpenFile& file, u64 length) override;
    Result<void> fsync(OpenFile& file) override;
    Result<size_t> read_directory(OpenFile& file, const IoBuffer& buffer, size_t length) override;

private:
    InodeFile() = default;
};

} // namespace sk
