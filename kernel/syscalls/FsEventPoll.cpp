// epoll_create1, epoll_ctl, epoll_pwait and epoll_pwait2 — riscv64 has no epoll_create or
// epoll_wait; glibc builds those on these. The instance itself is vfs/EventPoll; here are the
// argument checks in Linux's order:
//
//   epoll_ctl    EFAULT (the event, unless DEL), EBADF (epfd, then fd; O_PATH descriptors
//                count as closed), EPERM (a file without poll: regular files, directories),
//                EINVAL (epfd not an epoll, or fd the same file), then the operation's own.
//   epoll_pwait  the timeout (pwait2: EFAULT, EINVAL) and the signal mask (EINVAL for a size
//                other than 8, EFAULT) first, then EBADF, EINVAL (maxevents <= 0 or too big),
//                EFAULT (events not in user space), EINVAL (not an epoll).
//
// A wait interrupted by a signal is EINTR and never restarted (SA_RESTART or not), and the
// temporary mask stays for the signal delivery to restore, as with ppoll. The remaining time
// is not written back.
#include <lib/IoBuffer.h>
#include <lib/UserCopy.h>
#include <syscalls/FsCommon.h>
#include <syscalls/Syscall.h>
#include <syscalls/WaitArguments.h>
#include <vfs/EventPoll.h>

namespace sk {

static Result<long> sys_epoll_create1(const SyscallArguments& a)
{
    int flags = static_cast<int>(a.a0);
    if (flags & ~O_CLOEXEC)
        return Error { EINVAL };
    auto file = TRY(EventPoll::try_create_file(O_RDWR));
    Process& process = Process::current();
    return TRY(process.fds().allocate(std::move(file), flags & O_CLOEXEC, process.fd_limit()));
}
REGISTER_SYSCALL(__NR_epoll_create1, sys_epoll_create1);

static Result<long> sys_epoll_ctl(const SyscallArguments& a)
{
    int epfd = static_cast<int>(a.a0);
    int op = static_cast<int>(a.a1);
    int fd = static_cast<int>(a.a2);
    EpollEvent event {};
    if (op != epoll::ctl_del)
        TRY(copy_from_user(&event, a.a3, sizeof event));
    auto file = TRY(open_file_for_io(epfd));
    auto target = TRY(open_file_for_io(fd));
    if (!target->ops().can_poll())
        return Error { EPERM };
    EventPoll* epoll = EventPoll::from_file(*file);
    if (!epoll || file == target)
        return Error { EINVAL };
    TRY(epoll->control(op, fd, *target, event.events, event.data));
    return 0;
}
REGISTER_SYSCALL(__NR_epoll_ctl, sys_epoll_ctl);

static Result<long> wait_for_events(int epfd, uptr user_events, int max, const Timeout& timeout)
{
    auto file = TRY(open_file_for_io(epfd));
    if (max <= 0 || max > epoll::max_events)
        return Error { EINVAL };
    size_t size = static_cast<size_t>(max) * sizeof(EpollEvent);
    TRY(check_user_range(user_events, size));
    EventPoll* epoll = EventPoll::from_file(*file);
    if (!epoll)
        return Error { EINVAL };
    return TRY(epoll->wait(IoBuffer::user(user_events, size), max, timeout.deadline(), timeout.zero));
}

static Result<long> wait_with_mask(
    int epfd, uptr user_events, int max, const Timeout& timeout, uptr user_mask, size_t mask_size)
{
    TemporarySignalMask mask;
    TRY(mask.install(user_mask, mask_size));
    auto result = wait_for_events(epfd, user_events, max, timeout);
    mask.finish(result.is_error() && result.error().code == EINTR);
    return result;
}

static Result<long> sys_epoll_pwait(const SyscallArguments& a)
{
    Timeout timeout = timeout_from_milliseconds(static_cast<int>(a.a3));
    return wait_with_mask(static_cast<int>(a.a0), a.a1, static_cast<int>(a.a2), timeout, a.a4, a.a5);
}
REGISTER_SYSCALL(__NR_epoll_pwait, sys_epoll_pwait);

static Result<long> sys_epoll_pwait2(const SyscallArguments& a)
{
    Timeout timeout = TRY(read_timeout(a.a3));
    return wait_with_mask(static_cast<int>(a.a0), a.a1, static_cast<int>(a.a2), timeout, a.a4, a.a5);
}
REGISTER_SYSCALL(__NR_epoll_pwait2, sys_epoll_pwait2);

} // namespace sk
