// EventPoll: an epoll instance (Linux's struct eventpoll, fs/eventpoll.c) — the file behind
// epoll_create1, changed by epoll_ctl and waited on by epoll_pwait/epoll_pwait2.
//
// Interest items. An item is keyed by (fd number, open file description) and holds the events
// asked for (EPOLLERR and EPOLLHUP always added) and the user's 64-bit data. It registers a
// WaitHook on every wait queue the file's poll() names; a wake-up of any of them runs the
// hook's callback, which puts the item on the ready list (if not there yet) and wakes this
// instance's sleepers and pollers — no scan over the items, ever. A wake-up that names what
// changed (its key: data arrived, room was made) leaves alone the items asking for neither,
// as Linux's do. A ready item is only a hint: the file's poll() is asked again when events are
// collected, so nothing stale is reported.
//
// Reporting. Level-triggered items go back to the end of the ready list after being reported
// (and are reported while poll() still says so); EPOLLET items leave it until the next
// wake-up; EPOLLONESHOT items are disarmed (their events cleared) until EPOLL_CTL_MOD. Items
// not collected for lack of room stay at the front, so every ready item gets its turn.
//
// Lifetime. An item does not keep its file alive: closing the last descriptor of a socket
// still releases it. The file lists the items watching it (OpenFile::epoll_watches) and its
// destructor calls release_watched_file(), which removes them (Linux's eventpoll_release) —
// so closing one of two dup'ed descriptors keeps the item, as on Linux. An item holds its
// instance strongly; the instance's own file going away (release) removes every item whose
// file it can pin with a reference, and leaves those whose file is already dying to that
// file's release_watched_file, which owns them from then on (Linux's epi_fget hand-off).
//
// Nesting. An epoll file may be watched by another; poll() on an instance says EPOLLIN when
// one of its ready items really is ready. Adding an epoll file checks for loops and depth
// (ELOOP) as Linux does now: the chain below the target plus the chain above this instance
// may hold at most 4 links (EP_MAX_NESTS), and the target may not reach this instance.
//
// Known gaps:
// FIXME: EPOLLEXCLUSIVE is checked as Linux checks it but wakes every instance (epoll_ctl(2)
//        promises "one or more"); there is no per-user max_user_watches (ENOSPC) and no limit
//        on wake-up paths through nested instances (Linux's reverse_path_check, EINVAL).
//
// Locking, outermost first:
//   s_nesting_mutex (global): every creation or removal of an epoll→epoll link, and the loop
//     check; it guards m_nested_items, m_file, the check marks, and the watch lists of epoll
//     files (which only such links are on).
//   m_mutex (sleeping): control, event collection, poll() and removal; guards m_items,
//     m_index and the items' data and hooks. An outer instance's m_mutex comes before an inner
//     one's (a chain: loops are refused).
//   a watched file's epoll_lock(): its watch list.
//   m_lock (spinlock): the ready list, m_scanners and the items' events, which the callbacks
//     read under it — from inside the watched file's wait-queue lock, possibly in an interrupt.
// A file's poll() is called with m_mutex held and never with m_lock held. No reference to a
// file is dropped while any of these is held: its destructor takes them.
#pragma once

#include <lib/HashMap.h>
#include <lib/IntrusiveList.h>
#include <proc/Mutex.h>
#include <proc/WaitQueue.h>
#include <vfs/FileOperations.h>
#include <vfs/OpenFile.h>

namespace sk {

class EventPoll;
class IoBuffer;
struct WaitHook;

// Linux's struct epoll_event on riscv64 (not packed): 16 bytes.
struct EpollEvent {
    u32 events;
    u32 padding;
    u64 data;
};
static_assert(sizeof(EpollEvent) == 16);

// The epoll ABI's numbers (EPOLLIN... may be glibc macros, hence these spellings).
namespace epoll {
constexpr int ctl_add = 1;
constexpr int ctl_del = 2;
constexpr int ctl_mod = 3;
constexpr u32 in = 0x001;
constexpr u32 out = 0x004;
constexpr u32 err = 0x008;
constexpr u32 hup = 0x010;
constexpr u32 rdnorm = 0x040;
constexpr u32 exclusive = 1u << 28;
constexpr u32 wakeup = 1u << 29;
constexpr u32 oneshot = 1u << 30;
constexpr u32 edge_triggered = 1u << 31;
constexpr u32 private_bits = exclusive | wakeup | oneshot | edge_triggered; // not events
constexpr int max_nests = 4; // EP_MAX_NESTS
constexpr int max_events = 0x7fffffff / sizeof(EpollEvent); // EP_MAX_EVENTS
} // namespace epoll

// One interest item (Linux's struct epitem).
struct EpollItem : EpollWatch {
    RefPtr<EventPoll> epoll; // strong: the instance lives while its items do
    OpenFile* file { nullptr }; // never a reference (see Lifetime above)
    int fd { -1 };
    u32 events { 0 }; // written under m_mutex and m_lock, read by callbacks under m_lock
    u64 data { 0 }; // m_mutex
    WaitHook* hooks { nullptr }; // m_mutex
    IntrusiveListNode ready_node; // m_lock: on the ready list, or in a scan's batch
    IntrusiveListNode item_node; // m_mutex: on m_items
    IntrusiveListNode nested_node; // s_nesting_mutex: on m_nested_items (file is an epoll)
};

class EventPoll final : public FileOperations {
public:
    // A new, empty instance behind a new file (on the anonymous inode) with these flags.
    static Result<RefPtr<OpenFile>> try_create_file(u32 flags);
    // The instance behind an epoll file; null for any other file.
    static EventPoll* from_file(OpenFile& file);

    // epoll_ctl: EPOLL_CTL_ADD/MOD/DEL of (fd, target). The caller has checked what Linux
    // checks before (the descriptors, EPERM for a file that cannot poll, EINVAL for target
    // being this very file). EINVAL for a bad op and misused EPOLLEXCLUSIVE, EEXIST, ENOENT,
    // ELOOP, ENOMEM.
    Result<void> control(int op, int fd, OpenFile& target, u32 events, u64 data);

    // epoll_pwait: collects at most max (> 0) events into `out` (an array of EpollEvent),
    // sleeping while there are none — not at all with no_wait, until the deadline otherwise.
    // Returns how many (0 at the deadline); EINTR when a signal comes first (never a restart,
    // as on Linux); EFAULT when not even the first event could be written (it stays ready).
    Result<int> wait(const IoBuffer& out, int max, Deadline deadline, bool no_wait);

    // For OpenFile's destructor: removes the items still watching `file`.
    static void release_watched_file(OpenFile& file);

    u32 poll(OpenFile& file, PollTable* table) override;
    bool can_poll() const override { return true; }
    Result<i64> seek(OpenFile& file, i64 offset, int whence) override;
    Result<long> ioctl(OpenFile& file, unsigned long request, uptr argument) override;
    void release(OpenFile& file) override;
    const char* anonymous_name() const override;

    ~EventPoll() override;

private:
    EventPoll() = default;

    struct ItemKey {
        OpenFile* file;
        int fd;
    };
    struct ItemKeyHash {
        static u64 hash(const ItemKey& key);
        static bool equals(const ItemKey& a, const ItemKey& b) { return a.file == b.file && a.fd == b.fd; }
    };

    Result<void> insert(int fd, OpenFile& target, u32 events, u64 data);
    void modify(EpollItem& item, u32 events, u64 data);
    // Unhooks and frees the item (m_mutex held, and s_nesting_mutex for an epoll target);
    // returns the item's reference to its instance, to be dropped once the locks are released.
    RefPtr<EventPoll> remove_locked(EpollItem& item);
    // Puts an item found ready on the ready list and wakes whoever waits for this instance;
    // `events` is the wake-up's key (0: any), ignored unless the item asks for one of them.
    void mark_ready(EpollItem& item, u32 events = 0);
    static void item_woken(WaitEntry& entry, u32 events);
    // What the item's file reports now of what the item asks for.
    static u32 ready_events(EpollItem& item);

    // A scan takes the ready list aside; the callbacks see its items as linked meanwhile.
    using ReadyList = IntrusiveList<EpollItem, &EpollItem::ready_node>;
    void start_scan(ReadyList& batch);
    EpollItem* next_in_scan(ReadyList& batch);
    void finish_scan(ReadyList& batch);
    Result<int> collect(const IoBuffer& out, int max);
    bool events_available();

    // The loop and depth check of adding `target` into this instance (s_nesting_mutex held).
    bool would_loop_or_nest_too_deep(EventPoll& target);
    int depth_below(EventPoll& inserting_into, int depth, u64 generation);
    int depth_above(u64 generation);

    static Mutex s_nesting_mutex;
    static u64 s_check_generation; // guarded by s_nesting_mutex

    Mutex m_mutex;
    IntrusiveList<EpollItem, &EpollItem::item_node> m_items; // m_mutex
    HashMap<ItemKey, EpollItem*, ItemKeyHash> m_index; // m_mutex: owns the items
    IntrusiveList<EpollItem, &EpollItem::nested_node> m_nested_items; // s_nesting_mutex
    OpenFile* m_file { nullptr }; // this instance's file until its release (s_nesting_mutex)
    u64 m_check_generation { 0 }; // s_nesting_mutex
    int m_check_depth { 0 }; // s_nesting_mutex

    Spinlock m_lock;
    ReadyList m_ready; // m_lock
    u32 m_scanners { 0 }; // m_lock: scans holding items aside
    WaitQueue m_wait; // epoll_pwait sleepers
    WaitQueue m_poll_wait; // poll/select on this file, and outer instances watching it
};

} // namespace sk
