// Process and thread lifecycle: clone (fork, vfork, threads), exit, exit_group, and exec's
// ending of the other threads. wait4/waitid are in Wait.h.
#pragma once

#include <proc/ProcessHandle.h>

#include <lib/Result.h>
#include <proc/Process.h>

namespace sk {

// Linux clone flags
enum : u64 {
    CloneFlag_VM = 0x100, CloneFlag_FS = 0x200, CloneFlag_FILES = 0x400, CloneFlag_SIGHAND = 0x800, CloneFlag_PIDFD = 0x1000,
    CloneFlag_PTRACE = 0x2000, CloneFlag_VFORK = 0x4000, CloneFlag_PARENT = 0x8000, CloneFlag_THREAD = 0x10000,
    CloneFlag_NEWNS = 0x20000, CloneFlag_SYSVSEM = 0x40000, CloneFlag_SETTLS = 0x80000, CloneFlag_PARENT_SETTID = 0x100000,
    CloneFlag_CHILD_CLEARTID = 0x200000, CloneFlag_DETACHED = 0x400000, CloneFlag_UNTRACED = 0x800000,
    CloneFlag_CHILD_SETTID = 0x1000000, CloneFlag_NEWCGROUP = 0x2000000, CloneFlag_NEWUTS = 0x4000000,
    CloneFlag_NEWIPC = 0x8000000, CloneFlag_NEWUSER = 0x10000000, CloneFlag_NEWPID = 0x20000000,
    CloneFlag_NEWNET = 0x40000000, CloneFlag_IO = 0x80000000ull, CloneFlag_CLEAR_SIGHAND = 0x100000000ull,
    CloneFlag_INTO_CGROUP = 0x200000000ull,
};

struct CloneRequest {
    u64 flags { 0 };
    int exit_signal { 0 }; // clone: the low byte of flags; clone3: its own field
    uptr stack { 0 };      // the child's sp (0: the caller's)
    uptr parent_tid { 0 };
    uptr tls { 0 };
    uptr child_tid { 0 };
    RefPtr<ProcessHandle> pidfd_handle; // CLONE_PIDFD: attached to the child as it is made
};

// Returns the new thread id (the child's pid for a new process) to the parent. EAGAIN past
// RLIMIT_NPROC (counted per real user, root exempt) or when the pid pool is empty.
Result<int> clone(const CloneRequest& request);

// Ends the calling thread; the process ends with it when it is the last one.
[[noreturn]] void exit_thread(int status_word);
// exit_group and fatal signals: every thread of the process ends; status_word as wait4 sees it.
[[noreturn]] void exit_process(int status_word);

// exec: ends every other thread of the calling process and makes the caller its main thread
// (its tid becomes the pid, as in Linux's de_thread). ERESTARTNOINTR if the process is dying.
Result<void> become_only_thread();

// Init's bookkeeping: orphans go to init.
Process* init_process();
void set_init_process(Process* process);

} // namespace sk
