// UnixControl: what travels with a segment besides its bytes — the sender's credentials
// (struct ucred, reported as SCM_CREDENTIALS to a reader with SO_PASSCRED), the sender's
// address (for recvfrom on a datagram socket) and the SCM_RIGHTS files.
//
// The files are "in flight" while they sit in a queue: InFlightFiles charges them to the
// sending user (Linux's per-user unix_inflight count, bounded by RLIMIT_NOFILE) and counts
// every in-flight Unix socket for the garbage collector. Destroying a queued segment (the
// receiver closed, or the collector purged it) drops the files; take() hands them to the
// syscall layer, which installs them as descriptors.
#pragma once

#include <lib/RefPtr.h>
#include <lib/Vector.h>
#include <sockfs/logic/UnixAddress.h>
#include <vfs/OpenFile.h>

namespace sk {

class UnixSocket;

// struct ucred.
struct SocketCredentials {
    i32 pid { 0 };
    u32 uid { 65534 }; // overflowuid: what Linux reports when nothing is known
    u32 gid { 65534 };
    bool operator==(const SocketCredentials&) const = default;
};

class InFlightFiles {
public:
    InFlightFiles() = default;
    // Charges the files to uid; ETOOMANYREFS when that user already has more than limit
    // files in flight (unless exempt: CAP_SYS_RESOURCE/CAP_SYS_ADMIN, i.e. root here).
    static Result<InFlightFiles> try_create(Vector<RefPtr<OpenFile>> files, u32 uid, u64 limit, bool exempt);
    InFlightFiles(InFlightFiles&& other);
    InFlightFiles& operator=(InFlightFiles&& other);
    ~InFlightFiles() { clear(); }

    bool is_empty() const { return m_files.is_empty(); }
    size_t count() const { return m_files.size(); }
    const Vector<RefPtr<OpenFile>>& files() const { return m_files; }
    // New references to the same files (MSG_PEEK), not in flight themselves.
    Result<Vector<RefPtr<OpenFile>>> try_copy() const;
    // Ends the flight: uncharges and returns the files.
    Vector<RefPtr<OpenFile>> take();
    void clear();

    // Total files in flight for uid (tests, /proc).
    static u64 inflight_for_user(u32 uid);

private:
    void uncharge();

    Vector<RefPtr<OpenFile>> m_files;
    u32 m_uid { 0 };
};

struct UnixControl {
    SocketCredentials credentials;
    UnixAddress source;
    InFlightFiles rights;
    // Only the reader needs these; a peek gets a copy of the files.
    Vector<RefPtr<OpenFile>> peeked_rights;

    bool has_rights() const { return !rights.is_empty(); }
    UnixControl credentials_only() const
    {
        UnixControl copy;
        copy.credentials = credentials;
        copy.source = source;
        return copy;
    }
    Result<UnixControl> try_clone() const
    {
        UnixControl copy = credentials_only();
        copy.peeked_rights = TRY(rights.try_copy());
        return copy;
    }
    // The files a reader gets: taken out of flight, or the peeked copies.
    Vector<RefPtr<OpenFile>> take_files()
    {
        if (!rights.is_empty())
            return rights.take();
        return std::move(peeked_rights);
    }
};

} // namespace sk
