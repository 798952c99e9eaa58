// Descriptor management: close, close_range, dup, dup3, fcntl and ioctl. The descriptor table
// is the process's FdTable; an open file description (OpenFile) is shared by every duplicate,
// so dup'd descriptors share the offset and the status flags but not close-on-exec.
#include <asm-generic/ioctls.h>
#include <lib/UserCopy.h>
#include <linux/close_range.h>
#include <syscalls/FsCommon.h>
#include <syscalls/Syscall.h>

namespace sk {

static Result<long> sys_close(const SyscallArguments& a)
{
    // The description is released (and the file's release() runs) when the returned
    // reference drops, outside the table lock.
    TRY(Process::current().fds().remove(static_cast<int>(a.a0)));
    return 0;
}
REGISTER_SYSCALL(__NR_close, sys_close);

static Result<long> sys_close_range(const SyscallArguments& a)
{
    u32 first = static_cast<u32>(a.a0);
    u32 last = static_cast<u32>(a.a1);
    u32 flags = static_cast<u32>(a.a2);
    if (flags & ~static_cast<u32>(CLOSE_RANGE_UNSHARE | CLOSE_RANGE_CLOEXEC))
        return Error { EINVAL };
    if (first > last)
        return Error { EINVAL };
    // FIXME: CLOSE_RANGE_UNSHARE does not unshare a table shared with CLONE_FILES threads.
    FdTable& fds = Process::current().fds();
    int highest = -1;
    fds.for_each([&](int fd, OpenFile&) { highest = fd; });
    u32 end = min<u32>(last, highest < 0 ? 0 : static_cast<u32>(highest));
    for (u32 fd = first; highest >= 0 && fd <= end; ++fd) {
        if (flags & CLOSE_RANGE_CLOEXEC)
            (void)fds.set_close_on_exec(static_cast<int>(fd), true);
        else
            (void)fds.remove(static_cast<int>(fd));
    }
    return 0;
}
REGISTER_SYSCALL(__NR_close_range, sys_close_range);

static Result<long> sys_dup(const SyscallArguments& a)
{
    Process& process = Process::current();
    auto file = TRY(process.fds().get(static_cast<int>(a.a0)));
    return TRY(process.fds().allocate(std::move(file), false, process.fd_limit()));
}
REGISTER_SYSCALL(__NR_dup, sys_dup);

static Result<long> sys_dup3(const SyscallArguments& a)
{
    int old_fd = static_cast<int>(a.a0);
    int new_fd = static_cast<int>(a.a1);
    u32 flags = static_cast<u32>(a.a2);
    if (flags & ~static_cast<u32>(O_CLOEXEC))
        return Error { EINVAL };
    if (old_fd == new_fd)
        return Error { EINVAL };
    Process& process = Process::current();
    auto file = TRY(process.fds().get(old_fd));
    TRY(process.fds().install_at(new_fd, std::move(file), flags & O_CLOEXEC, process.fd_limit()));
    return new_fd;
}
REGISTER_SYSCALL(__NR_dup3, sys_dup3);

// struct flock as riscv64 (asm-generic, 64-bit) lays it out.
struct LinuxFlock {
    i16 l_type;
    i16 l_whence;
    i64 l_start;
    i64 l_len;
    i32 l_pid;
};
static_assert(sizeof(LinuxFlock) == 32);

static Result<long> record_lock(OpenFile& file, int command, uptr user)
{
    LinuxFlock lock;
    TRY(copy_from_user(&lock, user, sizeof lock));
    if (lock.l_whence != SEEK_SET && lock.l_whence != SEEK_CUR && lock.l_whence != SEEK_END)
        return Error { EINVAL };
    bool open_file_description = command == F_OFD_GETLK || command == F_OFD_SETLK || command == F_OFD_SETLKW;
    if (open_file_description && lock.l_pid != 0)
        return Error { EINVAL };
    if (command == F_GETLK || command == F_OFD_GETLK) {
        if (lock.l_type != F_RDLCK && lock.l_type != F_WRLCK)
            return Error { EINVAL };
        // FIXME: no lock state is kept, so no other process's lock is ever reported. Within
        // one process POSIX locks never conflict, which this answer matches.
        lock.l_type = F_UNLCK;
        TRY(copy_to_user(user, &lock, sizeof lock));
        return 0;
    }
    switch (lock.l_type) {
    case F_RDLCK:
        if (!file.can_read())
            return Error { EBADF };
        break;
    case F_WRLCK:
        if (!file.can_write())
            return Error { EBADF };
        break;
    case F_UNLCK:
        break;
    default:
        return Error { EINVAL };
    }
    // FIXME: advisory record locks are accepted but not enforced between processes.
    return 0;
}

static Result<long> sys_fcntl(const SyscallArguments& a)
{
    int fd = static_cast<int>(a.a0);
    int command = static_cast<int>(a.a1);
    u64 argument = a.a2;
    Process& process = Process::current();
    auto file = TRY(process.fds().get(fd));
    bool is_path = file->flags() & O_PATH;

    switch (command) {
    case F_DUPFD:
    case F_DUPFD_CLOEXEC: {
        // The minimum is an int in Linux's ABI; at or beyond RLIMIT_NOFILE it is EINVAL.
        u64 minimum = static_cast<u32>(argument);
        if (minimum >= static_cast<u64>(process.fd_limit()))
            return Error { EINVAL };
        return TRY(process.fds().allocate(
            std::move(file), command == F_DUPFD_CLOEXEC, process.fd_limit(), static_cast<int>(minimum)));
    }
    case F_GETFD:
        return TRY(process.fds().close_on_exec(fd)) ? FD_CLOEXEC : 0;
    case F_SETFD:
        TRY(process.fds().set_close_on_exec(fd, argument & FD_CLOEXEC));
        return 0;
    case F_GETFL:
        return file->flags() & ~static_cast<u32>(O_CLOEXEC);
    default:
        break;
    }
    if (is_path)
        return Error { EBADF };

    switch (command) {
    case F_SETFL:
        // The access mode and open-time flags are ignored, as in Linux.
        file->set_status_flags(static_cast<u32>(argument));
        return 0;
    case F_GETLK:
    case F_SETLK:
    case F_SETLKW:
    case F_OFD_GETLK:
    case F_OFD_SETLK:
    case F_OFD_SETLKW:
        return record_lock(*file, command, argument);
    case F_GETOWN:
        return 0; // FIXME: no SIGIO/SIGURG owner is kept
    case F_SETOWN:
        return 0; // FIXME: accepted, but SIGIO is never sent
    default:
        return Error { EINVAL };
    }
}
REGISTER_SYSCALL(__NR_fcntl, sys_fcntl);

static Result<long> sys_ioctl(const SyscallArguments& a)
{
    int fd = static_cast<int>(a.a0);
    unsigned long request = static_cast<u32>(a.a1); // Linux's cmd is an unsigned int
    uptr argument = a.a2;
    Process& process = Process::current();
    auto file = TRY(open_file_for_io(fd));

    switch (request) {
    case FIOCLEX:
        TRY(process.fds().set_close_on_exec(fd, true));
        return 0;
    case FIONCLEX:
        TRY(process.fds().set_close_on_exec(fd, false));
        return 0;
    case FIONBIO: {
        int on;
        TRY(copy_from_user(&on, argument, sizeof on));
        u32 flags = file->flags();
        file->set_status_flags(on ? flags | O_NONBLOCK : flags & ~static_cast<u32>(O_NONBLOCK));
        return 0;
    }
    case FIOASYNC: {
        int on;
        TRY(copy_from_user(&on, argument, sizeof on));
        u32 flags = file->flags();
        // FIXME: O_ASYNC is recorded but SIGIO is never sent.
        file->set_status_flags(on ? flags | FASYNC : flags & ~static_cast<u32>(FASYNC));
        return 0;
    }
    case FIONREAD:
        // Regular files answer from their size (Linux's do_vfs_ioctl); everything else asks
        // its own ioctl (pipes, sockets, the tty).
        if (file->inode() && file->inode()->is_regular()) {
            i64 remaining = static_cast<i64>(file->inode()->metadata().size) - static_cast<i64>(file->offset());
            int value = static_cast<int>(remaining);
            TRY(copy_to_user(argument, &value, sizeof value));
            return 0;
        }
        break;
    default:
        break;
    }
    return file->ops().ioctl(*file, request, argument);
}
REGISTER_SYSCALL(__NR_ioctl, sys_ioctl);

} // namespace sk
