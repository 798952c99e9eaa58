// Process and thread ids. Linux draws both from one number space: a process's pid is its main
// thread's tid, and a thread created with CLONE_THREAD takes a fresh number from the same
// pool. A number stays taken while a process or thread holds it (a zombie keeps its pid
// until it is reaped) and while a live process uses it as its process group or session id.
//
// Kernel threads are not in this space (their ids start above pid_max; user space never sees
// them).
//
// Locking: g_process_table_lock guards the pool (the callers hold it).
#pragma once

#include <lib/Result.h>
#include <lib/Types.h>

namespace sk {

constexpr int pid_max = 32768;

// A free number in [2, pid_max) after the last one handed out (1 is init's, taken first);
// EAGAIN when the pool is exhausted. Caller holds g_process_table_lock.
Result<int> allocate_pid_locked();
void release_pid_locked(int pid);

// How many processes in the process table (zombies until freed included) use a number as
// their process group or session id: such a number is not handed out (Linux keeps struct
// pid alive for it). Process::set_pgid_locked/set_sid_locked and ~Process keep the counts;
// ids outside [1, pid_max) are not counted. Caller holds g_process_table_lock.
enum class IdUse { Group, Session };
void add_id_use_locked(IdUse use, int id);
void remove_id_use_locked(IdUse use, int id);
u32 id_use_count_locked(IdUse use, int id);

} // namespace sk
