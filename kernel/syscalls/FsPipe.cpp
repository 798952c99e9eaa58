// pipe2(2): a new anonymous pipe's two ends, installed as the two lowest free descriptors.
#include <lib/UserCopy.h>
#include <syscalls/FsCommon.h>
#include <syscalls/Syscall.h>
#include <vfs/Pipe.h>

namespace sk {

static Result<long> sys_pipe2(const SyscallArguments& a)
{
    uptr user_fds = a.a0;
    u32 flags = static_cast<u32>(a.a1);
    if (flags & ~static_cast<u32>(O_CLOEXEC | O_NONBLOCK | O_DIRECT))
        return Error { EINVAL };
    if (flags & O_DIRECT)
        return Error { EINVAL }; // FIXME: packet-mode pipes (O_DIRECT) are not implemented
    Process& process = Process::current();
    auto ends = TRY(Pipe::try_create_anonymous(flags & O_NONBLOCK, process.credentials()));
    bool close_on_exec = flags & O_CLOEXEC;
    FdTable& fds = process.fds();
    int fd[2];
    fd[0] = TRY(fds.allocate(std::move(ends.read), close_on_exec, process.fd_limit()));
    auto second = fds.allocate(std::move(ends.write), close_on_exec, process.fd_limit());
    if (second.is_error()) {
        (void)fds.remove(fd[0]);
        return second.error();
    }
    fd[1] = second.value();
    // Linux installs the descriptors only once the copy succeeded; a fault leaves none open.
    auto copied = copy_to_user(user_fds, fd, sizeof fd);
    if (copied.is_error()) {
        (void)fds.remove(fd[0]);
        (void)fds.remove(fd[1]);
        return copied.error();
    }
    return 0;
}
REGISTER_SYSCALL(__NR_pipe2, sys_pipe2);

} // namespace sk
