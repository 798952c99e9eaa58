// Robust futex lists (set_robust_list): glibc links every robust mutex a thread holds into a
// list whose head the thread registered. When the thread exits (or execs) still holding
// some, the kernel marks each one FUTEX_OWNER_DIED and wakes a waiter, who then gets
// EOWNERDEAD from pthread_mutex_lock. Linux's kernel/futex/core.c exit_robust_list.
#pragma once

#include <proc/Thread.h>

namespace sk {

// Walks the calling thread's list (in its own address space) and forgets it.
void exit_robust_list(Thread& thread);

} // namespace sk
