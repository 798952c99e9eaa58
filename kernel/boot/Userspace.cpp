// start_userspace: the rest of the boot after the core kernel is up (called by kmain; this
// strong definition replaces Main.cpp's weak one). Brings up storage and the console tty,
// runs init until it exits, syncs the filesystems and returns init's status, which kmain
// hands to power-off as QEMU's exit code.
#include <boot/Storage.h>
#include <drivers/Console.h>
#include <drivers/Tty.h>
#include <proc/Init.h>
#include <sockfs/SockFileSystem.h>
#include <syscalls/Syscall.h>

namespace sk {

int start_userspace()
{
    storage::bring_up();
    Tty::initialize();
    // sockfs lives for the kernel's lifetime: made now, it is part of the leak check's baseline.
    if (auto sockfs = SockFileSystem::try_the(); sockfs.is_error())
        kprintf("Sockeye: cannot create sockfs (errno %d)\n", sockfs.error().code);
    initialize_syscalls();
    int status = run_init();
    if (auto result = storage::sync_all(); result.is_error()) {
        kprintf("Sockeye: sync at shutdown failed (errno %d)\n", result.error().code);
        if (status == 0)
            status = 1;
    }
    return status;
}

} // namespace sk
