// ProcInode: one /proc node, named by (kind, pid, index) and encoded in its inode number as
// pid << 32 | kind << 24 | index. See ProcFileSystem.h for the lifecycle.
//
// Internal to kernel/fs/procfs: ProcFileSystem.cpp holds the directory structure,
// ProcSystem.cpp the system-wide files and ProcProcess.cpp the per-process ones.
#pragma once

#include <fs/procfs/ProcFileSystem.h>
#include <lib/Types.h>

namespace sk {

class ProcText;

enum class ProcKind : u8 {
    Root = 1,
    Meminfo,
    Mounts,
    Uptime,
    Self,
    ProcessDirectory,
    ProcessStat,
    ProcessStatus,
    ProcessCmdline,
    ProcessComm,
    ProcessExe,
    ProcessCwd,
    FdDirectory,
    Fd,
    NetDirectory, // /proc/net
    NetFile, // /proc/net/<registered name>, index = its place in ProcNet's table
    Stat,
    Loadavg,
    Version,
    Cpuinfo,
    Filesystems,
    ProcessEnviron,
    ProcessMaps,
};

class ProcInode final : public Inode {
public:
    static Result<RefPtr<Inode>> try_create(FileSystem& fs, ProcKind kind, int pid = 0, u32 index = 0);

    InodeMetadata metadata() override;
    Result<RefPtr<Inode>> lookup(StringView name) override;
    Result<void> iterate_directory(u64 offset, DirectoryVisitor& visitor) override;
    Result<size_t> readlink(char* buffer, size_t size) override;
    Result<size_t> read_at(u64 offset, const IoBuffer& buffer, size_t length) override;
    Result<void> setattr(const InodeAttributes&) override { return Error { EPERM }; }

    ProcKind kind() const { return m_kind; }
    int pid() const { return m_pid; }
    u32 index() const { return m_index; }

private:
    ProcInode(FileSystem& fs, ProcKind kind, int pid, u32 index);

    ProcKind m_kind;
    int m_pid;
    u32 m_index;
};

// Text of the system-wide files (ProcSystem.cpp).
Result<void> generate_meminfo(ProcText& text);
Result<void> generate_mounts(ProcText& text);
Result<void> generate_uptime(ProcText& text);
Result<void> generate_stat(ProcText& text);
Result<void> generate_loadavg(ProcText& text);
Result<void> generate_version(ProcText& text);
Result<void> generate_cpuinfo(ProcText& text);
Result<void> generate_filesystems(ProcText& text);

// Per-process parts (ProcProcess.cpp). ESRCH when the process is gone.
bool proc_process_exists(int pid);
int proc_current_pid(); // 0 for a kernel thread
// Appends up to max live pids greater than after, ascending; returns how many.
size_t proc_list_pids(int after, int* pids, size_t max);
Result<void> proc_process_owner(int pid, u32& uid, u32& gid);
Result<void> generate_process_file(ProcKind kind, int pid, ProcText& text);
// The target of exe, cwd and fd/<index>.
Result<size_t> process_link_target(ProcKind kind, int pid, u32 index, char* buffer, size_t size);
// Open descriptors: whether fd is open, and the next open fd at or after from (-1 = none).
bool proc_fd_is_open(int pid, u32 fd);
// fd/<n>'s permission bits, from the open file's access mode as Linux shows them
// (lr-x------ read-only, l-wx------ write-only, lrwx------ both).
u32 proc_fd_permissions(int pid, u32 fd);
int proc_next_fd(int pid, u32 from);

} // namespace sk
