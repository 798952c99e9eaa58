// FileOperations: the defaults, each Linux's answer for a file that lacks the operation:
// read/write EINVAL, positional I/O and seeking ESPIPE (pipes, sockets, ttys), ioctl ENOTTY,
// truncate and fsync EINVAL, getdents ENOTDIR, and poll "always ready" (DEFAULT_POLLMASK).
#include <asm-generic/poll.h>
#include <vfs/FileOperations.h>

namespace sk {

Result<size_t> FileOperations::read(OpenFile&, const IoBuffer&, size_t) { return Error { EINVAL }; }

Result<size_t> FileOperations::write(OpenFile&, const IoBuffer&, size_t) { return Error { EINVAL }; }

Result<size_t> FileOperations::read_at(OpenFile&, u64, const IoBuffer&, size_t) { return Error { ESPIPE }; }

Result<size_t> FileOperations::write_at(OpenFile&, u64, const IoBuffer&, size_t) { return Error { ESPIPE }; }

Result<i64> FileOperations::seek(OpenFile&, i64, int) { return Error { ESPIPE }; }

u32 FileOperations::poll(OpenFile&, PollTable*) { return POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM; }

Result<long> FileOperations::ioctl(OpenFile&, unsigned long, uptr) { return Error { ENOTTY }; }

Result<void> FileOperations::truncate(OpenFile&, u64) { return Error { EINVAL }; }

Result<void> FileOperations::fsync(OpenFile&) { return Error { EINVAL }; }

Result<size_t> FileOperations::read_directory(OpenFile&, const IoBuffer&, size_t) { return Error { ENOTDIR }; }

} // namespace sk
