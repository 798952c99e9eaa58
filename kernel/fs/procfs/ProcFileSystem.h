// ProcFileSystem: /proc, a filesystem whose every node is generated when it is looked up or
// read. Nothing is stored: a node is identified by (kind, pid, index) — encoded in its inode
// number — and its contents are produced from the live kernel state on each read.
//
//   /proc/meminfo /proc/mounts /proc/uptime       system-wide text files
//   /proc/self                                    symlink to the caller's pid
//   /proc/<pid>/{stat,status,cmdline,comm}        per-process text files
//   /proc/<pid>/exe, cwd                          symlinks to the executable and the cwd
//   /proc/<pid>/fd/<n>                            symlinks to the open files' paths
//
// Lifecycle: lookup() creates a fresh ProcInode each time (there is no state to duplicate, so
// procfs does not keep Linux's one-object-per-inode rule); a node whose process has gone
// answers ENOENT/ESRCH on use. Reads regenerate the whole text and copy the requested range,
// so a reader moving through a file in pieces may see a later snapshot (as Linux's seq_file
// readers may). Locking: none of its own; generators take the locks of what they read.
#pragma once

#include <vfs/FileSystem.h>
#include <vfs/Inode.h>

namespace sk {

constexpr u64 proc_super_magic = 0x9fa0; // PROC_SUPER_MAGIC

class ProcFileSystem final : public FileSystem {
public:
    static Result<RefPtr<ProcFileSystem>> try_create();

    const char* name() const override { return "proc"; }
    RefPtr<Inode> root() override;
    Result<FileSystemStats> stats() override;

private:
    ProcFileSystem() = default;
};

} // namespace sk
