// UnixGarbageCollector: frees Unix sockets that are reachable only from in-flight SCM_RIGHTS
// messages queued on each other (a socket sent over itself, or two sockets sent over each
// other, and then closed) — Linux's unix_gc.
//
// Bookkeeping: every queued SCM_RIGHTS file is charged to the sending user (the per-user
// in-flight count, checked against RLIMIT_NOFILE) and, if it is a Unix socket, counted in
// that socket's m_inflight; sockets with m_inflight > 0 sit on the in-flight list.
//
// Collection (mark and sweep over the in-flight list): a candidate is a socket whose open
// file is referenced only by in-flight messages (file refs == m_inflight). For each
// candidate, the references coming from other candidates' queues are subtracted; a candidate
// with references left is reachable from outside, and so is everything its queue holds
// (propagated). The remaining candidates are garbage: their receive queues are purged, which
// drops the files and breaks the cycle. It runs after a socket is released while anything is
// in flight.
//
// Locking: s_lock (the collector's) guards the bookkeeping and is taken before a socket's
// lock, never after it. The purged segments are destroyed after both are released.
#pragma once

#include <lib/HashMap.h>
#include <lib/IntrusiveList.h>
#include <lib/Spinlock.h>
#include <sockfs/UnixSocket.h>

namespace sk {

class UnixGarbageCollector {
public:
    static void collect();
    static void collect_if_needed();
    static u64 inflight_sockets();
    static u64 inflight_files_of_user(u32 uid);

private:
    friend class InFlightFiles;

    static void note_inflight(OpenFile& file);
    static void note_landed(OpenFile& file);

    static Spinlock s_lock;
    static IntrusiveList<UnixSocket, &UnixSocket::m_inflight_node> s_inflight; // sockets with m_inflight > 0
    static HashMap<u32, u64> s_user_inflight; // uid → files in flight
    static u64 s_inflight_sockets;
    static std::atomic<bool> s_collecting;
};

} // namespace sk
