// openat(2): the path is copied in, resolved against dirfd and opened by the VFS; the new
// description gets the lowest free descriptor below RLIMIT_NOFILE.
#include <syscalls/FsCommon.h>
#include <syscalls/Syscall.h>

namespace sk {

static Result<long> sys_openat(const SyscallArguments& a)
{
    int dirfd = static_cast<int>(a.a0);
    u32 flags = static_cast<u32>(a.a2);
    u32 mode = static_cast<u32>(a.a3);
    auto path = TRY(UserPath::copy_in(a.a1));
    Process& process = Process::current();
    auto base = TRY(base_custody(dirfd, path.view()));
    // A 64-bit kernel opens every file with O_LARGEFILE (force_o_largefile), and F_GETFL shows it.
    u32 kept = flags | O_LARGEFILE;
    auto file
        = TRY(VirtualFileSystem::the().open(*base, path.view(), kept, mode, process.credentials(), process.umask()));
    // FIXME: Linux reserves the descriptor before opening, so EMFILE wins over a creation.
    int fd = TRY(process.fds().allocate(std::move(file), flags & O_CLOEXEC, process.fd_limit()));
    return fd;
}
REGISTER_SYSCALL(__NR_openat, sys_openat);

} // namespace sk
