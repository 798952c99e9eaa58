// FifoOpener: how opening a FIFO node reaches the pipe code without the VFS naming it. The
// pipe subsystem installs its opener at boot; it finds (or creates) the pipe belonging to the
// inode and applies FIFO open semantics (blocking until the other end, ENXIO for a
// non-blocking writer without readers).
#pragma once

#include <lib/RefPtr.h>
#include <lib/Result.h>
#include <vfs/FileOperations.h>
#include <vfs/Inode.h>

namespace sk {

using FifoOpener = Result<RefPtr<FileOperations>> (*)(Inode& fifo, u32 flags);

void set_fifo_opener(FifoOpener opener);
// ENXIO while no opener is installed (FIXME: until pipes exist).
Result<RefPtr<FileOperations>> open_fifo(Inode& fifo, u32 flags);

} // namespace sk
