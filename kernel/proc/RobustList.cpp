// The list lives in user memory and may be garbage: every read is checked, the walk is
// bounded, and a bad entry ends it quietly (as in Linux).
#include <lib/UserCopy.h>
#include <proc/Futex.h>
#include <proc/RobustList.h>

namespace sk {

namespace {

constexpr u32 FUTEX_WAITERS = 0x80000000, FUTEX_OWNER_DIED = 0x40000000, FUTEX_TID_MASK = 0x3fffffff;
constexpr int robust_list_limit = 2048;

// struct robust_list_head
struct RobustListHead {
    uptr next;          // the first entry (a struct robust_list *), or the head itself
    i64 futex_offset;   // from an entry to its futex word
    uptr pending;       // an entry being locked or unlocked right now
};

void handle_futex_death(uptr word_address, u32 tid, bool pi, bool pending)
{
    if (word_address % 4)
        return;
    u32 value;
    if (copy_from_user(&value, word_address, sizeof(value)).is_error())
        return;
    // Died between taking the lock and writing its tid: a waiter may have to be woken.
    if (pending && !pi && value == 0) {
        (void)futex_wake(word_address, 1, FUTEX_BITSET_MATCH_ANY, true);
        return;
    }
    if ((value & FUTEX_TID_MASK) != tid)
        return;
    // FIXME: Linux writes this with a compare-and-exchange against the value it read; a
    // user thread on another hart could change the word in between.
    u32 died = (value & FUTEX_WAITERS) | FUTEX_OWNER_DIED;
    if (copy_to_user(word_address, &died, sizeof(died)).is_error())
        return;
    if (!pi && (value & FUTEX_WAITERS))
        (void)futex_wake(word_address, 1, FUTEX_BITSET_MATCH_ANY, true);
}

} // namespace

void exit_robust_list(Thread& thread)
{
    uptr head_address = thread.robust_list;
    thread.robust_list = 0;
    if (!head_address)
        return;
    RobustListHead head;
    if (copy_from_user(&head, head_address, sizeof(head)).is_error())
        return;
    u32 tid = thread.tid();
    uptr entry = head.next;
    for (int i = 0; entry != head_address && i < robust_list_limit; ++i) {
        uptr next;
        if (copy_from_user(&next, entry & ~uptr(1), sizeof(next)).is_error())
            return;
        // The pending entry is handled last, whatever its place in the list.
        if (entry != head.pending)
            handle_futex_death((entry & ~uptr(1)) + static_cast<uptr>(head.futex_offset), tid, entry & 1, false);
        entry = next;
    }
    if (head.pending)
        handle_futex_death((head.pending & ~uptr(1)) + static_cast<uptr>(head.futex_offset), tid, head.pending & 1, true);
}

} // namespace sk
