// eventfd2(2) — riscv64 has no eventfd(2); glibc's eventfd() calls this one.
#include <syscalls/FsCommon.h>
#include <syscalls/Syscall.h>
#include <vfs/EventFd.h>

namespace sk {

static constexpr u32 efd_semaphore = 1; // EFD_SEMAPHORE (EFD_CLOEXEC/EFD_NONBLOCK are O_*)

static Result<long> sys_eventfd2(const SyscallArguments& a)
{
    u32 initial = static_cast<u32>(a.a0); // an unsigned int, as in Linux's prototype
    u32 flags = static_cast<u32>(a.a1);
    if (flags & ~static_cast<u32>(O_CLOEXEC | O_NONBLOCK | efd_semaphore))
        return Error { EINVAL };
    auto file = TRY(EventFd::try_create_file(initial, flags & efd_semaphore, O_RDWR | (flags & O_NONBLOCK)));
    Process& process = Process::current();
    return TRY(process.fds().allocate(std::move(file), flags & O_CLOEXEC, process.fd_limit()));
}
REGISTER_SYSCALL(__NR_eventfd2, sys_eventfd2);

} // namespace sk
