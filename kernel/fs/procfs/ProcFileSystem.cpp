// The /proc directory structure: which names each directory holds, node metadata, and the
// read/readlink plumbing. The contents come from ProcSystem.cpp and ProcProcess.cpp.
#include <asm-generic/errno.h>
#include <fs/procfs/ProcInode.h>
#include <fs/procfs/ProcNet.h>
#include <fs/procfs/ProcText.h>
#include <lib/IoBuffer.h>
#include <new>
#include <string.h>
#include <vfs/Clock.h>

namespace sk {

// --- ProcText ---

bool ProcText::reserve(size_t wanted)
{
    if (m_failed)
        return false;
    if (wanted <= m_capacity)
        return true;
    size_t capacity = m_capacity ? m_capacity * 2 : 512;
    while (capacity < wanted)
        capacity *= 2;
    auto* data = new (std::nothrow) char[capacity];
    if (!data) {
        m_failed = true;
        return false;
    }
    if (m_length)
        memcpy(data, m_data, m_length);
    delete[] m_data;
    m_data = data;
    m_capacity = capacity;
    return true;
}

void ProcText::append(const char* fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char small[256];
    size_t needed = vformat(small, sizeof(small), fmt, ap);
    va_end(ap);
    if (!reserve(m_length + needed + 1))
        return;
    if (needed < sizeof(small)) {
        memcpy(m_data + m_length, small, needed);
    } else {
        va_start(ap, fmt);
        vformat(m_data + m_length, needed + 1, fmt, ap);
        va_end(ap);
    }
    m_length += needed;
}

void ProcText::append_bytes(const void* bytes, size_t length)
{
    if (!reserve(m_length + length))
        return;
    memcpy(m_data + m_length, bytes, length);
    m_length += length;
}

// --- the filesystem ---

Result<RefPtr<ProcFileSystem>> ProcFileSystem::try_create()
{
    auto* fs = new (std::nothrow) ProcFileSystem;
    if (!fs)
        return Error { ENOMEM };
    return RefPtr<ProcFileSystem>(fs);
}

RefPtr<Inode> ProcFileSystem::root()
{
    auto root = ProcInode::try_create(*this, ProcKind::Root);
    return root.is_error() ? nullptr : root.release_value();
}

Result<FileSystemStats> ProcFileSystem::stats()
{
    FileSystemStats stats;
    stats.type = proc_super_magic;
    stats.block_size = 4096;
    return stats;
}

// --- directory contents ---

namespace {

struct Entry {
    const char* name;
    ProcKind kind;
};

constexpr Entry root_entries[] = {
    { "cpuinfo", ProcKind::Cpuinfo },
    { "filesystems", ProcKind::Filesystems },
    { "loadavg", ProcKind::Loadavg },
    { "meminfo", ProcKind::Meminfo },
    { "mounts", ProcKind::Mounts },
    { "stat", ProcKind::Stat },
    { "uptime", ProcKind::Uptime },
    { "version", ProcKind::Version },
    { "self", ProcKind::Self },
    { "net", ProcKind::NetDirectory },
};

constexpr Entry process_entries[] = {
    { "stat", ProcKind::ProcessStat },
    { "status", ProcKind::ProcessStatus },
    { "cmdline", ProcKind::ProcessCmdline },
    { "environ", ProcKind::ProcessEnviron },
    { "maps", ProcKind::ProcessMaps },
    { "comm", ProcKind::ProcessComm },
    { "exe", ProcKind::ProcessExe },
    { "cwd", ProcKind::ProcessCwd },
    { "fd", ProcKind::FdDirectory },
};

constexpr u32 dir_mode = 0040000, file_mode = 0100000, link_mode = 0120000;

bool is_directory_kind(ProcKind kind)
{
    return kind == ProcKind::Root || kind == ProcKind::ProcessDirectory || kind == ProcKind::FdDirectory
        || kind == ProcKind::NetDirectory;
}

bool is_link_kind(ProcKind kind)
{
    return kind == ProcKind::Self || kind == ProcKind::ProcessExe || kind == ProcKind::ProcessCwd
        || kind == ProcKind::Fd;
}

u64 encode_ino(ProcKind kind, int pid, u32 index)
{
    if (kind == ProcKind::Root)
        return 1;
    return (static_cast<u64>(pid) << 32) | (static_cast<u64>(kind) << 24) | (index & 0xffffff);
}

// Parses a decimal number with no sign, no leading zeros and no overflow past max.
bool parse_number(StringView name, u32 max, u32& out)
{
    if (name.is_empty() || name.length() > 10 || (name[0] == '0' && name.length() > 1))
        return false;
    u64 value = 0;
    for (size_t i = 0; i < name.length(); ++i) {
        if (name[i] < '0' || name[i] > '9')
            return false;
        value = value * 10 + static_cast<u64>(name[i] - '0');
    }
    if (value > max)
        return false;
    out = static_cast<u32>(value);
    return true;
}

// Emits one entry; false when the visitor is full.
bool emit(Inode::DirectoryVisitor& visitor, const char* name, u64 ino, u32 mode, u64 next)
{
    return visitor.visit(DirectoryEntryView { StringView(name), ino, directory_entry_type(mode), next });
}

u32 mode_of(ProcKind kind)
{
    switch (kind) {
    case ProcKind::Root:
    case ProcKind::ProcessDirectory:
    case ProcKind::NetDirectory:
        return dir_mode | 0555;
    case ProcKind::FdDirectory:
        return dir_mode | 0500;
    case ProcKind::Self:
    case ProcKind::ProcessExe:
    case ProcKind::ProcessCwd:
        return link_mode | 0777;
    case ProcKind::Fd:
        return link_mode | 0700;
    case ProcKind::ProcessEnviron:
        return file_mode | 0400;
    default:
        return file_mode | 0444;
    }
}

} // namespace

Result<RefPtr<Inode>> ProcInode::try_create(FileSystem& fs, ProcKind kind, int pid, u32 index)
{
    auto* inode = new (std::nothrow) ProcInode(fs, kind, pid, index);
    if (!inode)
        return Error { ENOMEM };
    return RefPtr<Inode>(inode);
}

ProcInode::ProcInode(FileSystem& fs, ProcKind kind, int pid, u32 index)
    : Inode(fs, encode_ino(kind, pid, index))
    , m_kind(kind)
    , m_pid(pid)
    , m_index(index)
{
}

InodeMetadata ProcInode::metadata()
{
    InodeMetadata metadata;
    metadata.ino = m_ino;
    metadata.mode = mode_of(m_kind);
    if (m_kind == ProcKind::Fd) {
        metadata.mode = link_mode | proc_fd_permissions(m_pid, m_index);
        metadata.size = 64; // Linux's proc_fd_instantiate() gives fd links this size
    }
    metadata.nlink = is_directory_kind(m_kind) ? 2 : 1;
    metadata.block_size = 1024;
    if (m_pid)
        (void)proc_process_owner(m_pid, metadata.uid, metadata.gid);
    Timespec now = filesystem_now();
    metadata.atime = metadata.mtime = metadata.ctime = now;
    return metadata;
}

Result<RefPtr<Inode>> ProcInode::lookup(StringView name)
{
    if (!is_directory_kind(m_kind))
        return Error { ENOTDIR };
    u32 number = 0;
    switch (m_kind) {
    case ProcKind::Root:
        for (auto& entry : root_entries) {
            if (name == StringView(entry.name))
                return try_create(fs(), entry.kind);
        }
        if (parse_number(name, 0x7fffffff, number) && number > 0 && proc_process_exists(static_cast<int>(number)))
            return try_create(fs(), ProcKind::ProcessDirectory, static_cast<int>(number));
        return Error { ENOENT };
    case ProcKind::ProcessDirectory:
        if (!proc_process_exists(m_pid))
            return Error { ENOENT };
        for (auto& entry : process_entries) {
            if (name == StringView(entry.name))
                return try_create(fs(), entry.kind, m_pid);
        }
        return Error { ENOENT };
    case ProcKind::FdDirectory:
        if (parse_number(name, 0xffffff, number) && proc_fd_is_open(m_pid, number))
            return try_create(fs(), ProcKind::Fd, m_pid, number);
        return Error { ENOENT };
    case ProcKind::NetDirectory:
        if (proc_net_file_find(name, number))
            return try_create(fs(), ProcKind::NetFile, 0, number);
        return Error { ENOENT };
    default:
        return Error { ENOTDIR };
    }
}

// Offsets: 0 ".", 1 "..", then the fixed entries from 2; after those, in the root a pid p
// sits at offset (fixed + 2) + p and in fd/ descriptor n at 2 + n, so a listing resumes
// correctly when processes come and go between getdents calls.
Result<void> ProcInode::iterate_directory(u64 offset, DirectoryVisitor& visitor)
{
    if (!is_directory_kind(m_kind))
        return Error { ENOTDIR };
    u64 parent_ino = 1;
    if (m_kind == ProcKind::FdDirectory)
        parent_ino = encode_ino(ProcKind::ProcessDirectory, m_pid, 0);
    if (offset == 0 && !emit(visitor, ".", m_ino, dir_mode, 1))
        return {};
    if (offset <= 1 && !emit(visitor, "..", parent_ino, dir_mode, 2))
        return {};
    if (offset < 2)
        offset = 2;

    if (m_kind == ProcKind::Root) {
        constexpr u64 fixed = sizeof(root_entries) / sizeof(root_entries[0]);
        for (u64 i = offset - 2; i < fixed; ++i) {
            auto& entry = root_entries[i];
            if (!emit(visitor, entry.name, encode_ino(entry.kind, 0, 0), mode_of(entry.kind), i + 3))
                return {};
        }
        int after = offset > fixed + 2 ? static_cast<int>(offset - (fixed + 2)) : 0;
        for (;;) {
            int pids[32];
            size_t count = proc_list_pids(after, pids, 32);
            if (count == 0)
                return {};
            for (size_t i = 0; i < count; ++i) {
                char name[16];
                format(name, sizeof(name), "%d", pids[i]);
                if (!emit(visitor, name, encode_ino(ProcKind::ProcessDirectory, pids[i], 0), dir_mode,
                        fixed + 2 + static_cast<u64>(pids[i])))
                    return {};
                after = pids[i];
            }
        }
    }
    if (m_kind == ProcKind::ProcessDirectory) {
        if (!proc_process_exists(m_pid))
            return Error { ENOENT };
        constexpr u64 fixed = sizeof(process_entries) / sizeof(process_entries[0]);
        for (u64 i = offset - 2; i < fixed; ++i) {
            auto& entry = process_entries[i];
            if (!emit(visitor, entry.name, encode_ino(entry.kind, m_pid, 0), mode_of(entry.kind), i + 3))
                return {};
        }
        return {};
    }
    if (m_kind == ProcKind::NetDirectory) {
        size_t count = proc_net_file_count();
        for (u64 i = offset - 2; i < count; ++i) {
            if (!emit(visitor, proc_net_file_name(i), encode_ino(ProcKind::NetFile, 0, static_cast<u32>(i)), file_mode, i + 3))
                return {};
        }
        return {};
    }
    // fd/
    for (int fd = proc_next_fd(m_pid, static_cast<u32>(offset - 2)); fd >= 0;
         fd = proc_next_fd(m_pid, static_cast<u32>(fd) + 1)) {
        char name[16];
        format(name, sizeof(name), "%d", fd);
        if (!emit(visitor, name, encode_ino(ProcKind::Fd, m_pid, static_cast<u32>(fd)), link_mode,
                static_cast<u64>(fd) + 3))
            return {};
    }
    return {};
}

Result<size_t> ProcInode::readlink(char* buffer, size_t size)
{
    if (!is_link_kind(m_kind))
        return Error { EINVAL };
    if (m_kind == ProcKind::Self) {
        int pid = proc_current_pid();
        if (pid == 0)
            return Error { ENOENT }; // a kernel thread has no /proc entry
        char text[16];
        size_t length = format(text, sizeof(text), "%d", pid);
        if (length > size)
            length = size;
        memcpy(buffer, text, length);
        return length;
    }
    return process_link_target(m_kind, m_pid, m_index, buffer, size);
}

Result<size_t> ProcInode::read_at(u64 offset, const IoBuffer& buffer, size_t length)
{
    if (is_directory_kind(m_kind))
        return Error { EISDIR };
    if (is_link_kind(m_kind))
        return Error { EINVAL };
    ProcText text;
    switch (m_kind) {
    case ProcKind::Meminfo:
        TRY(generate_meminfo(text));
        break;
    case ProcKind::Mounts:
        TRY(generate_mounts(text));
        break;
    case ProcKind::Uptime:
        TRY(generate_uptime(text));
        break;
    case ProcKind::Stat:
        TRY(generate_stat(text));
        break;
    case ProcKind::Loadavg:
        TRY(generate_loadavg(text));
        break;
    case ProcKind::Version:
        TRY(generate_version(text));
        break;
    case ProcKind::Cpuinfo:
        TRY(generate_cpuinfo(text));
        break;
    case ProcKind::Filesystems:
        TRY(generate_filesystems(text));
        break;
    case ProcKind::NetFile:
        TRY(generate_net_file(m_index, text));
        break;
    default:
        TRY(generate_process_file(m_kind, m_pid, text));
        break;
    }
    TRY(text.status());
    if (offset >= text.length())
        return 0;
    size_t available = text.length() - static_cast<size_t>(offset);
    if (length > available)
        length = available;
    TRY(buffer.write(0, text.data() + offset, length));
    return length;
}

} // namespace sk
