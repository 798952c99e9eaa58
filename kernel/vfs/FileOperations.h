// FileOperations: the one generic vtable behind every open file — regular files and
// directories of any filesystem, device nodes, the tty, pipes and sockets. The syscall layer
// reaches every kind of file only through it.
//
// Blocking operations honour the open file's O_NONBLOCK (EAGAIN) and sleep on the object's
// WaitQueues otherwise. poll() reports readiness and, given a PollTable, registers the caller
// on the queues whose wake-up could change the answer.
#pragma once

#include <lib/RefPtr.h>
#include <lib/Result.h>
#include <lib/Types.h>

namespace sk {

class OpenFile;
class IoBuffer;
class PollTable;
class Inode;

class FileOperations : public RefCounted<FileOperations> {
public:
    virtual ~FileOperations() = default;

    // read/write use and advance the open file's offset where the file has one.
    virtual Result<size_t> read(OpenFile& file, const IoBuffer& buffer, size_t length);
    virtual Result<size_t> write(OpenFile& file, const IoBuffer& buffer, size_t length);
    // Linux's files with a .write but no .write_iter (eventfd): writev hands write() one
    // segment at a time (do_loop_readv_writev) instead of the whole vector.
    virtual bool writes_each_segment() const { return false; }
    // pread/pwrite: ESPIPE for files without positions.
    virtual Result<size_t> read_at(OpenFile& file, u64 offset, const IoBuffer& buffer, size_t length);
    virtual Result<size_t> write_at(OpenFile& file, u64 offset, const IoBuffer& buffer, size_t length);
    virtual Result<i64> seek(OpenFile& file, i64 offset, int whence);
    virtual u32 poll(OpenFile& file, PollTable* table);
    // Whether poll() is the file's own rather than the default "always ready" (Linux's
    // file_can_poll: f_op->poll is set). epoll refuses the others (regular files, directories,
    // memory devices) with EPERM.
    virtual bool can_poll() const { return false; }
    virtual Result<long> ioctl(OpenFile& file, unsigned long request, uptr argument);
    virtual Result<void> truncate(OpenFile& file, u64 length);
    virtual Result<void> fsync(OpenFile& file);
    // getdents64: fills buffer with linux_dirent64 records; 0 at the end.
    virtual Result<size_t> read_directory(OpenFile& file, const IoBuffer& buffer, size_t length);
    // The last reference to the open file description is gone (last close).
    virtual void release(OpenFile&) { }
    // An anonymous-inode file's name ("[eventfd]"), which /proc/<pid>/fd shows as
    // "anon_inode:[eventfd]" as Linux does; null for every other kind of file.
    virtual const char* anonymous_name() const { return nullptr; }
};

} // namespace sk
