// Permission: the ONE place mode bits are checked (Linux's generic_permission). Everything
// that needs "may this caller read/write/search this inode" calls permission().
#pragma once

#include <lib/Result.h>
#include <proc/Credentials.h>
#include <vfs/Inode.h>

namespace sk {

// The may_mask bits, as Linux's MAY_* (and the R_OK/W_OK/X_OK values of access(2)).
enum : int { MAY_EXEC = 1, MAY_WRITE = 2, MAY_READ = 4 };

// Owner, else group (fsgid or a supplementary group), else other bits, using the fs ids.
// The superuser (fsuid 0) may always read and write, and search directories, but may execute
// a non-directory only if some x bit is set. EROFS for writing to a read-only filesystem
// (regular files, directories and symlinks; device nodes, fifos and sockets stay writable).
Result<void> permission(Inode& inode, int may_mask, const Credentials& credentials);
Result<void> permission(const InodeMetadata& metadata, bool read_only_fs, int may_mask, const Credentials& credentials);

// Owner or superuser: the right to chmod, utimes with explicit times, and to set flags.
bool is_owner_or_superuser(const InodeMetadata& metadata, const Credentials& credentials);

} // namespace sk
