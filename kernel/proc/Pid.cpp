// The pid pool: a bitmap of numbers held by processes and threads, per-number counts of the
// processes using a number as their group or session id, and a cursor that moves forward
// (wrapping to 2) so that a number is not reused soon after it was released. Every check is
// O(1) per candidate number; the tables are static (4 KiB bitmap + 2 × 64 KiB of counts).
#include <lib/Bitmap.h>
#include <lib/Verify.h>
#include <proc/Pid.h>

namespace sk {

static u8 s_bits[pid_max / 8];
static BitmapView s_used { s_bits, pid_max };
static int s_next = 1;
// At most max_processes (4096) processes exist, so a count fits in 16 bits.
static u16 s_group_uses[pid_max];
static u16 s_session_uses[pid_max];

static u16* use_counts(IdUse use) { return use == IdUse::Group ? s_group_uses : s_session_uses; }
static bool countable(int id) { return id > 0 && id < pid_max; }

void add_id_use_locked(IdUse use, int id)
{
    if (!countable(id))
        return;
    u16& count = use_counts(use)[id];
    VERIFY(count != 0xffff);
    ++count;
}

void remove_id_use_locked(IdUse use, int id)
{
    if (!countable(id))
        return;
    u16& count = use_counts(use)[id];
    VERIFY(count != 0);
    --count;
}

u32 id_use_count_locked(IdUse use, int id) { return countable(id) ? use_counts(use)[id] : 0; }

Result<int> allocate_pid_locked()
{
    for (int tries = 0; tries < pid_max; ++tries) {
        int pid = s_next;
        s_next = s_next + 1 >= pid_max ? 2 : s_next + 1;
        if (pid < 1 || s_used.get(static_cast<size_t>(pid)) || s_group_uses[pid] || s_session_uses[pid])
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
