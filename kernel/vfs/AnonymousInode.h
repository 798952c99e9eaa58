// Anonymous inodes (Linux's fs/anon_inodes.c): files with no inode of their own — eventfd and
// epoll — all share the one inode of the never-mounted anon_inodefs. As on Linux, fstat shows
// mode 0600 with no file type bits, owner root, one link, and that inode's number for every
// such file; fstatfs shows ANON_INODE_FS_MAGIC. A file names its kind through
// FileOperations::anonymous_name(), which /proc/<pid>/fd shows as "anon_inode:[eventfd]".
//
// fchmod/fchown on any of them change the shared inode, so every anonymous file shows the
// change: Debian's Linux 6.12 does exactly that (6.16 refuses with EOPNOTSUPP instead).
//
// Lifetime: the filesystem and its inode are static objects, never freed (so they never show
// in the leak check); each open file holds a reference to the inode like any other.
#pragma once

#include <vfs/OpenFile.h>

namespace sk {

// A new open file description of the anonymous inode with `ops` behind it, with the given
// flags (access mode and status flags: O_RDWR | maybe O_NONBLOCK).
Result<RefPtr<OpenFile>> open_anonymous_file(RefPtr<FileOperations> ops, u32 flags);

} // namespace sk
