// Clock: the wall-clock time filesystems stamp on inodes (atime/mtime/ctime). The VFS does
// not own a clock: the time subsystem installs its source at boot; until then (and in host
// tests unless a test installs one) time stands at the epoch.
#pragma once

#include <vfs/Inode.h>

namespace sk {

using ClockSource = Timespec (*)();

void set_filesystem_clock(ClockSource source);
Timespec filesystem_now();

} // namespace sk
