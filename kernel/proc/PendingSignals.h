// PendingSignals: the signals generated for one thread (tgkill, faults) or one process (kill)
// and not yet delivered, each with its siginfo.
//
// A standard signal (1-31) is pending at most once: another one sent while it waits is
// merged into it and the first one's siginfo stays (Linux's legacy_queue). A real-time signal
// (32-64) queues every instance with its own siginfo, delivered in the order sent; when an
// instance cannot be queued it still becomes pending, with the last siginfo (as Linux does for
// kill), except for sigqueue, which then fails with EAGAIN.
//
// The bit set lives in the owner (Thread::pending_signals, Process::pending_signals: what
// /proc shows); this object keeps it in step. Locking: g_process_table_lock.
#pragma once

#include <lib/IntrusiveList.h>
#include <lib/Types.h>

namespace sk {

// What the kernel knows of one signal instance; written to user space as Linux's siginfo_t.
struct SignalInfo {
    int signal { 0 };
    int code { 0 };     // SI_USER, SI_KERNEL, SI_TKILL, SI_QUEUE, CLD_*, SEGV_*, ...
    int pid { 0 };      // the sender (SIGCHLD: the child)
    u32 uid { 0 };
    int status { 0 };   // SIGCHLD: the exit code or signal
    uptr address { 0 }; // faults: the address
    u64 value { 0 };    // sigqueue: the sigval
    u64 user_ticks { 0 }, system_ticks { 0 }; // SIGCHLD: the child's CPU time
};

constexpr int first_realtime_signal = 32;
constexpr size_t max_queued_signals = 1024; // real-time instances per queue (RLIMIT_SIGPENDING-like)

class PendingSignals {
public:
    explicit PendingSignals(u64& set)
        : m_set(set)
    {
    }
    ~PendingSignals();
    PendingSignals(const PendingSignals&) = delete;
    PendingSignals& operator=(const PendingSignals&) = delete;

    u64 set() const { return m_set; }
    bool has(int signal) const { return m_set & (1ull << (signal - 1)); }
    // Adds an instance of info.signal. With must_queue (sigqueue), a real-time instance that
    // finds no room is refused (false) instead of merged.
    bool add(const SignalInfo& info, bool must_queue = false);
    // Takes the lowest pending signal of `allowed` with its siginfo; 0 if none.
    int take(u64 allowed, SignalInfo& info);
    // Forgets every instance of the signals in `set`.
    void discard(u64 set);

private:
    struct Queued {
        SignalInfo info;
        IntrusiveListNode node;
    };
    bool queued(int signal);

    u64& m_set;
    SignalInfo m_last[64]; // a standard signal's pending instance; a real-time one's last siginfo
    IntrusiveList<Queued, &Queued::node> m_queue;
    size_t m_queued { 0 };
};

} // namespace sk
