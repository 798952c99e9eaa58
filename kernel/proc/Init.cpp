// run_init: pid 1 is created empty, its first thread runs exec() as a kernel-side prelude
// (so the exec happens on init's own stack, in init's address space) and then enters user
// mode. The boot thread sleeps until init exits, then reports the leak check.
#include <Bootargs.h>
#include <drivers/Console.h>
#include <mm/Heap.h>
#include <proc/Exec.h>
#include <proc/Init.h>
#include <proc/Lifecycle.h>
#include <proc/Scheduler.h>
#include <sockfs/UnixSocket.h>
#include <vfs/VirtualFileSystem.h>
#include <asm-generic/fcntl.h>

namespace sk {

namespace {

struct InitStart {
    Process* process;
    int result;
};

void exec_init(void* argument)
{
    auto& start = *static_cast<InitStart*>(argument);
    Process& process = *start.process;
    activate_address_space(&process.address_space());
    ExecArguments arguments;
    const char* path = bootargs::init_path();
    size_t count = 0;
    const char* const* words = bootargs::init_arguments(&count);
    bool ok = !arguments.argv.try_append(KString::try_create(path).release_value()).is_error();
    for (size_t i = 0; i < count && ok; ++i)
        ok = !arguments.argv.try_append(KString::try_create(words[i]).release_value()).is_error();
    // Linux's envp_init: no PATH (shells and execvp have their defaults).
    const char* environment[] = { "HOME=/", "TERM=linux" };
    for (auto* variable : environment)
        ok = ok && !arguments.envp.try_append(KString::try_create(variable).release_value()).is_error();
    auto cwd = process.cwd();
    auto result = ok ? exec(process, *cwd, StringView(path), arguments) : Result<void>(Error { ENOMEM });
    if (result.is_error()) {
        kprintf("sockeye: cannot execute init %s: error %d\n", path, result.error().code);
        exit_process(127 << 8);
    }
}

Result<void> open_console(Process& process)
{
    auto& vfs = VirtualFileSystem::the();
    auto root = vfs.root_custody();
    auto console = TRY(vfs.open(*root, "/dev/console", O_RDWR, 0, process.credentials(), 0));
    for (int fd = 0; fd < 3; ++fd)
        TRY(process.fds().install_at(fd, console, false, process.fd_limit()));
    return {};
}

int status_to_exit_code(int status)
{
    if ((status & 0x7f) == 0)
        return (status >> 8) & 0xff;
    return 128 + (status & 0x7f);
}

} // namespace

// The heap without the disk caches, so that before and after compare what init's programs
// left behind rather than what the block cache happens to hold.
static heap::Stats heap_without_caches()
{
    sync_all_filesystems();
    VirtualFileSystem::the().for_each_mount([](const MountEntry& mount) { mount.fs.drop_caches(); });
    return heap::stats();
}

int run_init()
{
    {
        // Opening the console the first time allocates the tty's buffers for good: do it
        // before the baseline so the leak check sees only what init's programs leave.
        auto& vfs = VirtualFileSystem::the();
        (void)vfs.open(*vfs.root_custody(), "/dev/console", O_RDWR, 0, Credentials::root(), 0);
    }
    auto heap_before = heap_without_caches();
    u64 sockets_before = UnixSocket::live_count();
    u64 files_before = OpenFile::live_count();
    u32 processes_before = Process::count();
    auto spaces_before = AddressSpace::statistics();

    auto created = Process::try_create_init();
    if (created.is_error()) {
        kprintf("sockeye: cannot create init: error %d\n", created.error().code);
        return 1;
    }
    RefPtr<Process> init = created.release_value();
    set_init_process(init.ptr());
    init->set_cwd(VirtualFileSystem::the().root_custody());
    init->set_root(VirtualFileSystem::the().root_custody());
    if (auto result = open_console(*init); result.is_error())
        kprintf("sockeye: warning: no /dev/console for init (error %d)\n", result.error().code);

    static InitStart start;
    start = { init.ptr(), 0 };
    TrapFrame frame {};
    auto thread = Thread::try_create_user(*init, frame, static_cast<u32>(init->pid()));
    if (thread.is_error()) {
        kprintf("sockeye: cannot create init's thread\n");
        return 1;
    }
    thread.value()->set_prelude(exec_init, &start);
    init->ref(); // the thread's reference
    {
        SpinlockGuard guard(g_process_table_lock);
        init->threads.append(*thread.value());
        init->thread_count = 1;
    }
    scheduler::enqueue(thread.value());

    {
        SpinlockGuard guard(init->lock());
        (void)init->vfork_wait.wait_until(guard, [&] { return __atomic_load_n(&init->is_zombie, __ATOMIC_ACQUIRE); }, {}, true);
    }
    // The zombie is announced before init's thread drops its own reference on the way out:
    // let it finish, so the leak check below sees the process gone.
    while (init->ref_count() > 1)
        scheduler::yield();
    int code = status_to_exit_code(init->exit_status);
    set_init_process(nullptr);
    init = nullptr;
    auto heap_after = heap_without_caches();
    // The harness reads these two lines on the console: KERN_EMERG shows them whatever the
    // console log level (as Linux's "reboot: Power down").
    kprintf(KERN_EMERG "sockeye: init exited with status %d\n", code);
    // The heap is compared without the disk caches; files a test leaves in tmpfs count (a
    // test cleans up after itself).
    auto spaces_after = AddressSpace::statistics();
    kprintf(KERN_EMERG "sockeye: leakcheck heap=%lu/%lu sockets=%lu/%lu files=%lu/%lu processes=%u/%u address_spaces=%lu/%lu page_tables=%lu/%lu\n",
        heap_before.bytes_in_use, heap_after.bytes_in_use, sockets_before, UnixSocket::live_count(), files_before,
        OpenFile::live_count(), processes_before,
        Process::count(), spaces_before.spaces, spaces_after.spaces, spaces_before.page_table_pages,
        spaces_after.page_table_pages);
    return code;
}

} // namespace sk
