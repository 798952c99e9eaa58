// Process and thread lifecycle: clone (fork, vfork, threads), exit, exit_group, wait.
#pragma once

#include <lib/Result.h>
#include <proc/Process.h>

namespace sk {

struct CloneRequest {
    u64 flags { 0 };
    uptr stack { 0 };
    uptr parent_tid { 0 };
    uptr tls { 0 };
    uptr child_tid { 0 };
};

// Returns the new thread id (the child's pid for a new process) to the parent.
Result<int> clone(const CloneRequest& request);

// Ends the calling thread; the process ends with it when it is the last one.
[[noreturn]] void exit_thread(int status_word);
// exit_group and fatal signals: every thread of the process ends; status_word as wait4 sees it.
[[noreturn]] void exit_process(int status_word);

// wait4: id as wait4's pid argument; options WNOHANG/WUNTRACED/WCONTINUED/__WALL...
// Returns the reaped pid (0 with WNOHANG and nothing ready); status in *status.
Result<int> wait_for_child(int id, int options, int* status, u64* child_ns);

// Init's bookkeeping: orphans go to init.
Process* init_process();
void set_init_process(Process* process);

} // namespace sk
