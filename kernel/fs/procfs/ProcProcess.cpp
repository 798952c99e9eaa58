// Per-process /proc files: /proc/<pid>/{stat,status,cmdline,environ,maps,comm,exe,cwd,fd/}.
//
// Processes are found by pid each time (Process::from_pid takes a reference, so the process
// cannot be freed while a file is generated); a pid that has gone answers ESRCH/ENOENT. The
// process table lock is a spinlock: only non-sleeping work happens under it.
#include <arch/Arch.h>
#include <drivers/Tty.h>
#include <fs/procfs/ProcInode.h>
#include <fs/procfs/ProcText.h>
#include <lib/Format.h>
#include <mm/AddressSpace.h>
#include <proc/Process.h>
#include <proc/SignalNumbers.h>
#include <string.h>
#include <vfs/Custody.h>
#include <vfs/OpenFile.h>

namespace sk {

namespace {

constexpr u64 user_hz = 100;
constexpr u64 ns_per_tick = 1'000'000'000 / user_hz;

// Linux's state letter: Z zombie, T stopped, R when a thread runs or may run, S asleep.
char state_of(Process& process)
{
    SpinlockGuard guard(g_process_table_lock);
    if (process.is_zombie)
        return 'Z';
    if (process.stopped)
        return 'T';
    for (auto& thread : process.threads) {
        auto state = thread.state();
        if (state == Thread::State::Running || state == Thread::State::Runnable)
            return 'R';
    }
    return 'S';
}

struct Usage {
    u64 vsize { 0 };
    u64 rss_pages { 0 };
    u32 threads { 0 };
};

Usage usage_of(Process& process)
{
    Usage usage;
    {
        SpinlockGuard guard(g_process_table_lock);
        usage.threads = static_cast<u32>(process.thread_count);
    }
    if (auto space = process.address_space_ref(); space && !process.is_zombie) {
        usage.vsize = space->virtual_size();
        usage.rss_pages = space->resident_pages();
    }
    return usage;
}

Result<size_t> copy_path(Custody* custody, char* buffer, size_t size)
{
    if (!custody)
        return Error { ENOENT };
    char path[1024];
    size_t length = TRY(custody->absolute_path(path, sizeof(path)));
    if (length > size)
        length = size;
    memcpy(buffer, path, length);
    return length;
}

} // namespace

bool proc_process_exists(int pid) { return Process::from_pid(pid) != nullptr; }

int proc_current_pid()
{
    Process* process = Process::current_or_null();
    return process ? process->pid() : 0;
}

size_t proc_list_pids(int after, int* pids, size_t max)
{
    // Keeps the `max` smallest pids above `after`, sorted, in one pass over the table.
    size_t count = 0;
    Process::for_each([&](Process& process) {
        int pid = process.pid();
        if (pid <= after)
            return;
        if (count == max && pid >= pids[max - 1])
            return;
        size_t i = count < max ? count++ : max - 1;
        while (i > 0 && pids[i - 1] > pid) {
            pids[i] = pids[i - 1];
            --i;
        }
        pids[i] = pid;
    });
    return count;
}

Result<void> proc_process_owner(int pid, u32& uid, u32& gid)
{
    auto process = Process::from_pid(pid);
    if (!process)
        return Error { ESRCH };
    auto credentials = process->credentials();
    uid = credentials.euid;
    gid = credentials.egid;
    return {};
}

static void generate_stat(Process& process, ProcText& text)
{
    char state = state_of(process);
    Usage usage = usage_of(process);
    u64 utime = process.user_ns / ns_per_tick;
    u64 cutime = process.children_ns / ns_per_tick;
    u64 start = process.start_ns / ns_per_tick;
    // The controlling terminal (the console is ttyS0, 4:64, in Linux's tty_nr encoding) and
    // its foreground group; 0 and -1 without one.
    int tty_nr = 0, tpgid = -1;
    Tty& console = Tty::console();
    if (console.session() != 0 && console.session() == process.sid()) {
        tty_nr = (4 << 8) | 64;
        tpgid = console.foreground_process_group();
    }
    text.append("%d (%s) %c %d %d %d %d %d %u ", process.pid(), process.name(), state, process.ppid(), process.pgid(),
        process.sid(), tty_nr, tpgid, 0u);
    text.append("0 0 0 0 %lu 0 %lu 0 20 0 %u 0 %lu %lu %lu %lu ", utime, cutime, usage.threads, start, usage.vsize,
        usage.rss_pages, ~0ul);
    text.append("0 0 0 0 0 %lu 0 0 0 0 0 0 %d 0 0 0 0 0 0 0 0 0 0 0 0 0 %d\n", process.pending_signals,
        process.exit_signal, process.is_zombie ? process.exit_status : 0);
}

static void generate_status(Process& process, ProcText& text)
{
    static const char* const state_names[] = { "R (running)", "S (sleeping)", "T (stopped)", "Z (zombie)" };
    char state = state_of(process);
    const char* state_name = state == 'R' ? state_names[0]
        : state == 'S'                    ? state_names[1]
        : state == 'T'                    ? state_names[2]
                                          : state_names[3];
    auto credentials = process.credentials();
    Usage usage = usage_of(process);
    size_t fds = 0;
    if (auto table = process.fd_table())
        fds = table->open_count();
    text.append("Name:\t%s\n", process.name());
    text.append("Umask:\t%04o\n", process.umask());
    text.append("State:\t%s\n", state_name);
    text.append(
        "Tgid:\t%d\nNgid:\t0\nPid:\t%d\nPPid:\t%d\nTracerPid:\t0\n", process.pid(), process.pid(), process.ppid());
    text.append("Uid:\t%u\t%u\t%u\t%u\n", credentials.uid, credentials.euid, credentials.suid, credentials.fsuid);
    text.append("Gid:\t%u\t%u\t%u\t%u\n", credentials.gid, credentials.egid, credentials.sgid, credentials.fsgid);
    text.append("FDSize:\t%lu\nGroups:\t", fds);
    for (u32 i = 0; i < credentials.group_count; ++i)
        text.append(i ? " %u" : "%u", credentials.groups[i]);
    text.append("\n");
    text.append("VmSize:\t%8lu kB\nVmRSS:\t%8lu kB\n", usage.vsize / 1024, usage.rss_pages * arch::page_size / 1024);
    text.append("Threads:\t%u\n", usage.threads);
    // SigPnd is what the first thread has pending for itself, ShdPnd what the process has;
    // SigBlk that thread's mask; SigIgn/SigCgt the ignored and caught signals (bit n-1 for n).
    u64 thread_pending = 0, blocked = 0, ignored = 0, caught = 0;
    {
        SpinlockGuard guard(g_process_table_lock);
        if (auto* thread = process.threads.first()) {
            thread_pending = thread->pending_signals;
            blocked = thread->signal_mask;
        }
    }
    if (!process.is_zombie) {
        auto& actions = process.signal_actions();
        SpinlockGuard guard(actions.lock);
        for (int signal = 1; signal <= 64; ++signal) {
            u64 handler = actions.actions[signal - 1].handler;
            if (handler == 1)
                ignored |= 1ul << (signal - 1);
            else if (handler > 1)
                caught |= 1ul << (signal - 1);
        }
    }
    // FIXME: SigQ's count of queued signals is not kept; the limit is RLIMIT_SIGPENDING.
    text.append("SigQ:\t0/%lu\n", process.limit(11).current);
    text.append("SigPnd:\t%016lx\nShdPnd:\t%016lx\n", thread_pending, process.pending_signals);
    text.append("SigBlk:\t%016lx\nSigIgn:\t%016lx\nSigCgt:\t%016lx\n", blocked, ignored, caught);
}

// Linux's get_mm_cmdline(): the bytes of [arg_start, arg_end) in the process's memory. When
// the last of them is no longer NUL the program has rewritten its title (setproctitle), and
// the title is the string at arg_start, which may run on into the environment (a page at most).
// A zombie has no memory: empty.
Result<void> generate_cmdline(Process& process, ProcText& text)
{
    auto area = process.argument_area;
    auto space = process.address_space_ref();
    if (!space || process.is_zombie)
        return {};
    if (area.arg_end <= area.arg_start) {
        auto line = process.command_line(); // never exec'd: the kernel's copy
        text.append_bytes(line.chars(), line.length());
        return {};
    }
    constexpr size_t limit = arch::page_size;
    char last = 0;
    TRY(space->read_memory(area.arg_end - 1, &last, 1));
    size_t length = area.arg_end - area.arg_start;
    bool title = last != 0;
    if (title && area.env_start == area.arg_end && area.env_end > area.env_start)
        length = area.env_end - area.arg_start;
    if (title)
        length = min(length, limit);
    char chunk[256];
    for (size_t done = 0; done < length;) {
        size_t n = min(length - done, sizeof(chunk));
        TRY(space->read_memory(area.arg_start + done, chunk, n));
        if (title) {
            if (auto* nul = static_cast<char*>(memchr(chunk, 0, n))) {
                text.append_bytes(chunk, static_cast<size_t>(nul - chunk) + 1);
                break;
            }
        }
        text.append_bytes(chunk, n);
        done += n;
    }
    return {};
}

// Linux's environ_read(): the bytes of [env_start, env_end) in the process's memory.
Result<void> generate_environ(Process& process, ProcText& text)
{
    auto area = process.argument_area;
    auto space = process.address_space_ref();
    if (!space || process.is_zombie || area.env_end <= area.env_start)
        return {};
    char chunk[256];
    for (uptr at = area.env_start; at < area.env_end;) {
        size_t n = min<size_t>(area.env_end - at, sizeof(chunk));
        TRY(space->read_memory(at, chunk, n));
        text.append_bytes(chunk, n);
        at += n;
    }
    return {};
}

// Linux's /proc/<pid>/maps: "start-end perms offset major:minor inode", then, from column 74,
// the file's path, [heap] or [stack].
Result<void> generate_maps(Process& process, ProcText& text)
{
    auto space = process.address_space_ref();
    if (!space || process.is_zombie)
        return {};
    auto mappings = TRY(space->mappings());
    for (auto& mapping : mappings) {
        u32 device = 0;
        u64 ino = 0;
        char path[256] = "";
        if (mapping.file) {
            if (auto* inode = mapping.file->inode()) {
                device = inode->fs().device_id();
                ino = inode->ino();
            }
            if (auto* custody = mapping.file->custody();
                !custody || custody->absolute_path(path, sizeof(path)).is_error())
                path[0] = '\0';
        } else if (mapping.is_heap) {
            memcpy(path, "[heap]", 7);
        } else if (mapping.is_stack) {
            memcpy(path, "[stack]", 8);
        }
        char line[128];
        size_t length = format(line, sizeof(line), "%08lx-%08lx %c%c%c%c %08lx %02x:%02x %lu ", mapping.start,
            mapping.end, (mapping.protection & AddressSpace::Read) ? 'r' : '-',
            (mapping.protection & AddressSpace::Write) ? 'w' : '-',
            (mapping.protection & AddressSpace::Execute) ? 'x' : '-',
            (mapping.flags & AddressSpace::Shared) ? 's' : 'p', mapping.offset, (device >> 8) & 0xfff,
            (device & 0xff) | ((device >> 12) & 0xfff00), ino);
        text.append_bytes(line, min(length, sizeof(line) - 1));
        if (path[0]) {
            for (size_t column = length; column < 73; ++column)
                text.append_bytes(" ", 1);
            text.append("%s", path);
        }
        text.append("\n");
    }
    return {};
}

Result<void> generate_process_file(ProcKind kind, int pid, ProcText& text)
{
    auto process = Process::from_pid(pid);
    if (!process)
        return Error { ESRCH };
    switch (kind) {
    case ProcKind::ProcessStat:
        generate_stat(*process, text);
        break;
    case ProcKind::ProcessStatus:
        generate_status(*process, text);
        break;
    case ProcKind::ProcessCmdline:
        TRY(generate_cmdline(*process, text));
        break;
    case ProcKind::ProcessEnviron:
        TRY(generate_environ(*process, text));
        break;
    case ProcKind::ProcessMaps:
        TRY(generate_maps(*process, text));
        break;
    case ProcKind::ProcessComm:
        text.append("%s\n", process->name());
        break;
    default:
        return Error { EINVAL };
    }
    return text.status();
}

Result<size_t> process_link_target(ProcKind kind, int pid, u32 index, char* buffer, size_t size)
{
    auto process = Process::from_pid(pid);
    if (!process)
        return Error { ENOENT };
    if (kind == ProcKind::ProcessExe)
        return copy_path(process->executable().ptr(), buffer, size);
    if (kind == ProcKind::ProcessCwd)
        return copy_path(process->cwd().ptr(), buffer, size);
    auto table = process->fd_table();
    if (!table)
        return Error { ENOENT };
    auto file = TRY(table->get(static_cast<int>(index)));
    if (file->custody())
        return copy_path(file->custody(), buffer, size);
    // Anonymous files are named as Linux names them.
    char text[64];
    size_t length;
    Inode* inode = file->inode();
    u32 type = inode ? mode_type(inode->metadata().mode) : 0;
    if (const char* name = file->ops().anonymous_name())
        length = format(text, sizeof(text), "anon_inode:%s", name);
    else if (type == 0140000)
        length = format(text, sizeof(text), "socket:[%lu]", inode->ino());
    else if (type == 0010000)
        length = format(text, sizeof(text), "pipe:[%lu]", inode->ino());
    else
        length = format(text, sizeof(text), "anon_inode:[%lu]", inode ? inode->ino() : 0ul);
    if (length > size)
        length = size;
    memcpy(buffer, text, length);
    return length;
}

bool proc_fd_is_open(int pid, u32 fd)
{
    auto process = Process::from_pid(pid);
    if (!process)
        return false;
    auto table = process->fd_table();
    return table && !table->get(static_cast<int>(fd)).is_error();
}

u32 proc_fd_permissions(int pid, u32 fd)
{
    auto process = Process::from_pid(pid);
    auto table = process ? process->fd_table() : nullptr;
    if (!table)
        return 0;
    auto file = table->get(static_cast<int>(fd));
    if (file.is_error())
        return 0;
    u32 permissions = 0;
    if (file.value()->can_read())
        permissions |= 0500;
    if (file.value()->can_write())
        permissions |= 0300;
    return permissions;
}

int proc_next_fd(int pid, u32 from)
{
    auto process = Process::from_pid(pid);
    if (!process)
        return -1;
    auto table = process->fd_table();
    if (!table)
        return -1;
    int next = -1;
    table->for_each([&](int fd, OpenFile&) {
        if (next < 0 && fd >= static_cast<int>(from))
            next = fd;
    });
    return next;
}

} // namespace sk
