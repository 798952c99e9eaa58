// The pid pool: a bitmap of numbers held by processes and threads, and a cursor that moves
// forward (wrapping to 2) so that a number is not reused soon after it was released.
#include <lib/Bitmap.h>
#include <proc/Pid.h>
#include <proc/Process.h>

namespace sk {

static u8 s_bits[pid_max / 8];
static BitmapView s_used { s_bits, pid_max };
static int s_next = 1;

// A number in use as a group or session id is not free either (Linux keeps struct pid alive
// while a group or session refers to it).
static bool used_as_group_or_session(int pid)
{
    for (auto& process : process_table()) {
        if (process.pgid() == pid || process.sid() == pid)
            return true;
    }
    return false;
}

Result<int> allocate_pid_locked()
{
    for (int tries = 0; tries < pid_max; ++tries) {
        int pid = s_next;
        s_next = s_next + 1 >= pid_max ? 2 : s_next + 1;
        if (pid < 1 || s_used.get(static_cast<size_t>(pid)) || used_as_group_or_session(pid))
            continue;
        s_used.set(static_cast<size_t>(pid));
        return pid;
    }
    return Error { EAGAIN };
}

void release_pid_locked(int pid)
{
    if (pid > 0 && pid < pid_max)
        s_used.clear(static_cast<size_t>(pid));
}

} // namespace sk
