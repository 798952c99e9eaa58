// PeerGroups: the supplementary groups of a connection's other end as they were when the
// connection was made (SO_PEERGROUPS), next to SO_PEERCRED's ids. Immutable and shared: a
// listener's groups go to every client that connects to it. A process without supplementary
// groups (root's usual case) needs no allocation: its PeerGroups is null.
#pragma once

#include <lib/RefPtr.h>
#include <lib/Result.h>
#include <new>
#include <proc/Credentials.h>
#include <string.h>

namespace sk {

class PeerGroups : public RefCounted<PeerGroups> {
public:
    static Result<RefPtr<PeerGroups>> try_create(const Credentials& credentials)
    {
        if (credentials.group_count == 0)
            return RefPtr<PeerGroups>();
        auto* groups = new (std::nothrow) PeerGroups(credentials);
        if (!groups)
            return Error { ENOMEM };
        return RefPtr<PeerGroups>(groups);
    }

    size_t count() const { return m_count; }
    const u32* groups() const { return m_groups; }

private:
    explicit PeerGroups(const Credentials& credentials)
        : m_count(credentials.group_count)
    {
        memcpy(m_groups, credentials.groups, m_count * sizeof(u32));
    }

    size_t m_count;
    u32 m_groups[Credentials::max_groups];
};

} // namespace sk
