// SocketNameTable: where Unix socket names live, both weak (a name never keeps a socket
// alive):
//   - the bound-socket registry: (filesystem device id, inode number) of a path bind's
//     S_IFSOCK node → socket. connect/sendto resolve the path through the VFS and look the
//     node up here; a node whose socket is gone (or that was never a bound socket) has no
//     live entry — ECONNREFUSED;
//   - the abstract namespace: name bytes (leading NUL included) → socket, no filesystem.
// Entries are removed when the socket is released; an entry whose socket died without that
// (it cannot happen in the kernel, but the table does not rely on it) counts as absent.
//
// Locking: m_lock guards both maps. A strong reference taken from an entry is always dropped
// after the lock (a last unref runs the socket's release, which comes back here).
//
// T is the socket type (UnixSocket in the kernel; a stub in the host tests).
#pragma once

#include <lib/HashMap.h>
#include <lib/KString.h>
#include <lib/RefPtr.h>
#include <lib/Spinlock.h>
#include <sockfs/logic/UnixAddress.h>
#include <utility>

namespace sk {

template<typename T> class SocketNameTable {
public:
    using NodeKey = std::pair<u32, u64>;

    // EADDRINUSE if a live socket already holds the key.
    Result<void> try_bind_node(NodeKey key, const RefPtr<T>& socket)
    {
        WeakPtr<T> weak(socket);
        RefPtr<T> existing; // dropped after the guard
        SpinlockGuard guard(m_lock);
        if (auto* entry = m_nodes.get(key); entry && (existing = entry->strong_ref()))
            return Error { EADDRINUSE };
        return m_nodes.try_set(key, std::move(weak));
    }
    RefPtr<T> find_node(NodeKey key)
    {
        SpinlockGuard guard(m_lock);
        auto* entry = m_nodes.get(key);
        return entry ? entry->strong_ref() : nullptr;
    }
    // Removes the entry if it still belongs to socket (a dead entry is replaced by the next bind).
    void unbind_node(NodeKey key, const T* socket)
    {
        WeakPtr<T> removed;
        SpinlockGuard guard(m_lock);
        auto* entry = m_nodes.get(key);
        if (entry && entry->points_to(socket))
            m_nodes.take(key, removed);
        if (m_nodes.is_empty())
            m_nodes.clear_and_free(); // an empty table holds no memory
    }

    Result<void> try_bind_abstract(StringView name, const RefPtr<T>& socket)
    {
        auto key = TRY(KString::try_create(name));
        WeakPtr<T> weak(socket);
        RefPtr<T> existing;
        SpinlockGuard guard(m_lock);
        if (auto* entry = m_abstract.get(name); entry && (existing = entry->strong_ref()))
            return Error { EADDRINUSE };
        return m_abstract.try_set(std::move(key), std::move(weak));
    }
    RefPtr<T> find_abstract(StringView name)
    {
        SpinlockGuard guard(m_lock);
        auto* entry = m_abstract.get(name);
        return entry ? entry->strong_ref() : nullptr;
    }
    void unbind_abstract(StringView name, const T* socket)
    {
        WeakPtr<T> removed;
        SpinlockGuard guard(m_lock);
        auto* entry = m_abstract.get(name);
        if (entry && entry->points_to(socket))
            m_abstract.take(name, removed);
        if (m_abstract.is_empty())
            m_abstract.clear_and_free();
    }

    // Binds socket to a free 5-hex-digit abstract name (Linux's unix_autobind); ENOSPC when
    // all 2^20 are taken.
    Result<UnixAddress> try_autobind(const RefPtr<T>& socket)
    {
        for (u32 attempt = 0; attempt < autobind_name_space; ++attempt) {
            u32 counter;
            {
                SpinlockGuard guard(m_lock);
                counter = m_autobind_counter++ % autobind_name_space;
            }
            UnixAddress address = autobind_address(counter);
            auto result = try_bind_abstract(address.bytes(), socket);
            if (!result.is_error())
                return address;
            if (result.error().code != EADDRINUSE)
                return result.error();
        }
        return Error { ENOSPC };
    }

    size_t node_count()
    {
        SpinlockGuard guard(m_lock);
        return m_nodes.size();
    }
    size_t abstract_count()
    {
        SpinlockGuard guard(m_lock);
        return m_abstract.size();
    }

private:
    Spinlock m_lock;
    HashMap<NodeKey, WeakPtr<T>> m_nodes;
    HashMap<KString, WeakPtr<T>> m_abstract;
    u32 m_autobind_counter { 0 };
};

} // namespace sk
