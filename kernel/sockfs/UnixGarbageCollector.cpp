// In-flight accounting (InFlightFiles) and the garbage collector for cycles of in-flight
// Unix sockets. See UnixGarbageCollector.h for the algorithm and the locking.
#include <sockfs/UnixGarbageCollector.h>

namespace sk {

Spinlock UnixGarbageCollector::s_lock;
IntrusiveList<UnixSocket, &UnixSocket::m_inflight_node> UnixGarbageCollector::s_inflight;
HashMap<u32, u64> UnixGarbageCollector::s_user_inflight;
u64 UnixGarbageCollector::s_inflight_sockets { 0 };
std::atomic<bool> UnixGarbageCollector::s_collecting { false };

// --- InFlightFiles ---

Result<InFlightFiles> InFlightFiles::try_create(Vector<RefPtr<OpenFile>> files, u32 uid, u64 limit, bool exempt)
{
    InFlightFiles flight;
    if (files.is_empty())
        return flight;
    SpinlockGuard guard(UnixGarbageCollector::s_lock);
    u64* count = UnixGarbageCollector::s_user_inflight.get(uid);
    u64 current = count ? *count : 0;
    // Linux's too_many_unix_fds(): the count before this message is compared.
    if (!exempt && current > limit)
        return Error { ETOOMANYREFS };
    TRY(UnixGarbageCollector::s_user_inflight.try_set(uid, current + files.size()));
    for (auto& file : files)
        UnixGarbageCollector::note_inflight(*file);
    flight.m_files = std::move(files);
    flight.m_uid = uid;
    return flight;
}

InFlightFiles::InFlightFiles(InFlightFiles&& other)
    : m_files(std::move(other.m_files))
    , m_uid(other.m_uid)
{
}

InFlightFiles& InFlightFiles::operator=(InFlightFiles&& other)
{
    if (this != &other) {
        clear();
        m_files = std::move(other.m_files);
        m_uid = other.m_uid;
    }
    return *this;
}

void InFlightFiles::uncharge()
{
    if (m_files.is_empty())
        return;
    SpinlockGuard guard(UnixGarbageCollector::s_lock);
    if (u64* count = UnixGarbageCollector::s_user_inflight.get(m_uid)) {
        VERIFY(*count >= m_files.size());
        *count -= m_files.size();
        if (*count == 0)
            UnixGarbageCollector::s_user_inflight.remove(m_uid);
        if (UnixGarbageCollector::s_user_inflight.is_empty())
            UnixGarbageCollector::s_user_inflight.clear_and_free();
    }
    for (auto& file : m_files)
        UnixGarbageCollector::note_landed(*file);
}

Vector<RefPtr<OpenFile>> InFlightFiles::take()
{
    uncharge();
    return std::move(m_files);
}

void InFlightFiles::clear()
{
    uncharge();
    m_files.clear_and_free(); // may release files (and with them sockets): never under a socket lock
}

Result<Vector<RefPtr<OpenFile>>> InFlightFiles::try_copy() const
{
    // FIXME: Linux takes the collector's lock here (unix_peek_fds) so that a collection never
    // sees a peeked socket as unreachable; a peek racing a collection may see its socket's
    // queue purged (never a dangling reference: everything is counted).
    Vector<RefPtr<OpenFile>> copy;
    TRY(copy.try_ensure_capacity(m_files.size()));
    for (auto& file : m_files)
        TRY(copy.try_append(file));
    return copy;
}

u64 InFlightFiles::inflight_for_user(u32 uid) { return UnixGarbageCollector::inflight_files_of_user(uid); }

// --- the collector ---

void UnixGarbageCollector::note_inflight(OpenFile& file)
{
    UnixSocket* socket = UnixSocket::from_file(file);
    if (!socket)
        return;
    if (socket->m_inflight++ == 0) {
        s_inflight.append(*socket);
        ++s_inflight_sockets;
    }
}

void UnixGarbageCollector::note_landed(OpenFile& file)
{
    UnixSocket* socket = UnixSocket::from_file(file);
    if (!socket)
        return;
    VERIFY(socket->m_inflight > 0);
    if (--socket->m_inflight == 0) {
        s_inflight.remove(*socket);
        --s_inflight_sockets;
    }
}

u64 UnixGarbageCollector::inflight_sockets()
{
    SpinlockGuard guard(s_lock);
    return s_inflight_sockets;
}

u64 UnixGarbageCollector::inflight_files_of_user(u32 uid)
{
    SpinlockGuard guard(s_lock);
    u64* count = s_user_inflight.get(uid);
    return count ? *count : 0;
}

void UnixGarbageCollector::collect_if_needed()
{
    if (inflight_sockets() > 0)
        collect();
}

void UnixGarbageCollector::collect()
{
    // One collection at a time; one released by a collection's purge need not start another.
    if (s_collecting.exchange(true, std::memory_order_acquire))
        return;

    UnixSocket::Queue garbage_segments;
    {
        SpinlockGuard guard(s_lock);

        // Visits every Unix socket whose file is in flight in socket's queue (and, for a
        // listener, in its pending connections' queues).
        auto for_each_child = [](UnixSocket& socket, auto visit) {
            auto scan = [&](UnixSocket& owner) {
                SpinlockGuard socket_guard(owner.m_lock);
                owner.m_queue.for_each([&](auto& segment) {
                    for (auto& file : segment.control().rights.files()) {
                        if (auto* child = UnixSocket::from_file(*file))
                            visit(*child);
                    }
                });
            };
            scan(socket);
            // FIXME: a pending connection's queue is read without its listener's lock held
            // across the scan; the listener is a candidate, so nobody can accept it meanwhile.
            Vector<UnixSocket*> pending;
            {
                SpinlockGuard socket_guard(socket.m_lock);
                for (auto& connection : socket.m_backlog)
                    (void)pending.try_append(&connection);
            }
            for (auto* connection : pending)
                scan(*connection);
        };

        // 1. Candidates: sockets whose open file only in-flight messages reference.
        Vector<UnixSocket*> candidates;
        for (auto& socket : s_inflight) {
            if (socket.m_file && socket.m_file->ref_count() == socket.m_inflight) {
                if (candidates.try_append(&socket).is_error())
                    break; // out of memory: collect what we have, conservatively
                socket.m_gc_candidate = true;
                socket.m_gc_refs = socket.m_inflight;
            }
        }
        if (candidates.is_empty()) {
            s_collecting.store(false, std::memory_order_release);
            return;
        }

        // 2. Subtract the references candidates hold on each other.
        for (auto* socket : candidates) {
            for_each_child(*socket, [](UnixSocket& child) {
                if (child.m_gc_candidate && child.m_gc_refs > 0)
                    --child.m_gc_refs;
            });
        }

        // 3. Candidates with references left are reachable from outside, and so is everything
        //    they hold: mark (m_gc_candidate = false) and propagate.
        Vector<UnixSocket*> work;
        for (auto* socket : candidates) {
            if (socket->m_gc_refs > 0 && socket->m_gc_candidate) {
                socket->m_gc_candidate = false;
                if (work.try_append(socket).is_error())
                    goto give_up;
            }
        }
        while (!work.is_empty()) {
            UnixSocket* socket = work.take_last();
            bool failed = false;
            for_each_child(*socket, [&](UnixSocket& child) {
                if (child.m_gc_candidate) {
                    child.m_gc_candidate = false;
                    if (work.try_append(&child).is_error())
                        failed = true;
                }
            });
            if (failed)
                goto give_up;
        }

        // 4. Sweep: what is still a candidate is garbage. Purge its queue (and its pending
        //    connections' queues); the segments die after the locks are released.
        for (auto* socket : candidates) {
            if (!socket->m_gc_candidate)
                continue;
            SpinlockGuard socket_guard(socket->m_lock);
            while (!socket->m_queue.is_empty())
                garbage_segments.append(socket->m_queue.take_first());
        }

    give_up:
        for (auto* socket : candidates)
            socket->m_gc_candidate = false;
    }
    garbage_segments.clear();
    s_collecting.store(false, std::memory_order_release);
}

} // namespace sk
