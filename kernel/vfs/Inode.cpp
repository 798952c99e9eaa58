// Inode: the defaults for operations an inode kind does not support. Each returns the errno
// Linux gives for that case: directory operations on a non-directory are ENOTDIR, data
// operations on a directory EISDIR, readlink on a non-symlink EINVAL. A directory whose
// filesystem lacks an operation answers EPERM (Linux's "operation not permitted here").
#include <vfs/FileMode.h>
#include <vfs/Inode.h>

namespace sk {

static Error directory_operation_error(Inode& inode) { return Error { inode.is_directory() ? EPERM : ENOTDIR }; }

Result<RefPtr<Inode>> Inode::lookup(StringView) { return directory_operation_error(*this); }

Result<RefPtr<Inode>> Inode::mknod(StringView, u32, u64, u32, u32) { return directory_operation_error(*this); }

Result<RefPtr<Inode>> Inode::mkdir(StringView, u32, u32, u32) { return directory_operation_error(*this); }

Result<RefPtr<Inode>> Inode::symlink(StringView, StringView, u32, u32) { return directory_operation_error(*this); }

Result<void> Inode::link(StringView, Inode&) { return directory_operation_error(*this); }

Result<void> Inode::unlink(StringView) { return directory_operation_error(*this); }

Result<void> Inode::rmdir(StringView) { return directory_operation_error(*this); }

Result<void> Inode::rename(StringView, Inode&, StringView) { return directory_operation_error(*this); }

Result<void> Inode::iterate_directory(u64, DirectoryVisitor&) { return Error { ENOTDIR }; }

Result<size_t> Inode::readlink(char*, size_t) { return Error { EINVAL }; }

Result<size_t> Inode::read_at(u64, const IoBuffer&, size_t) { return Error { is_directory() ? EISDIR : EINVAL }; }

Result<size_t> Inode::write_at(u64, const IoBuffer&, size_t) { return Error { is_directory() ? EISDIR : EINVAL }; }

} // namespace sk
