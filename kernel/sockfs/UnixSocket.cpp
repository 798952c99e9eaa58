// UnixSocket: creation, names (bind/autobind), connection setup (listen/connect/accept),
// shutdown and release. Data transfer is in UnixSocketIo.cpp, options in
// UnixSocketOptions.cpp, the in-flight garbage collector in UnixGarbageCollector.cpp.
#include <linux/stat.h>
#include <sockfs/SockFileSystem.h>
#include <sockfs/UnixGarbageCollector.h>
#include <sockfs/UnixNames.h>
#include <sockfs/UnixSocket.h>
#include <vfs/Permission.h>
#include <vfs/PollTable.h>
#include <vfs/VirtualFileSystem.h>

namespace sk {

static std::atomic<u64> s_live_sockets { 0 };

Spinlock UnixSocket::s_all_lock;
IntrusiveList<UnixSocket, &UnixSocket::m_all_node> UnixSocket::s_all;

u64 UnixSocket::live_count() { return s_live_sockets.load(std::memory_order_relaxed); }

__attribute__((weak)) SocketCredentials current_socket_credentials() { return {}; }

namespace {

// Two sockets locked together, always in address order.
class LockPair {
public:
    LockPair(Spinlock& a, Spinlock& b)
        : m_first(&a < &b ? a : b)
        , m_second(&a < &b ? b : a)
    {
        VERIFY(&a != &b);
    }

private:
    SpinlockGuard m_first;
    SpinlockGuard m_second;
};

} // namespace

UnixSocket::UnixSocket(int type, const SocketCredentials& creator)
    : m_type(type)
    , m_creator(creator)
{
    s_live_sockets.fetch_add(1, std::memory_order_relaxed);
    SpinlockGuard guard(s_all_lock);
    s_all.append(*this);
}

UnixSocket::~UnixSocket()
{
    // A socket dies released (its OpenFile went away) or as a never-accepted connection
    // whose listener released it; either way nothing is left pending.
    VERIFY(m_backlog.is_empty());
    VERIFY(m_inflight == 0);
    {
        SpinlockGuard guard(s_all_lock);
        s_all.remove(*this);
    }
    s_live_sockets.fetch_sub(1, std::memory_order_relaxed);
}

Result<RefPtr<UnixSocket>> UnixSocket::try_create(int type, const SocketCredentials& creator)
{
    // The syscall layer answers EINVAL for type >= SOCK_MAX (11) and unknown flag bits.
    if (type == net::sock_raw)
        type = net::sock_dgram; // as Linux's unix_create
    if (type != net::sock_stream && type != net::sock_dgram && type != net::sock_seqpacket)
        return Error { ESOCKTNOSUPPORT };
    auto* socket = new (std::nothrow) UnixSocket(type, creator);
    if (!socket)
        return Error { ENOMEM };
    return RefPtr<UnixSocket>(socket);
}

Result<void> UnixSocket::try_create_pair(int type, const SocketCredentials& creator, RefPtr<PeerGroups> groups,
    RefPtr<UnixSocket>& first, RefPtr<UnixSocket>& second)
{
    auto a = TRY(try_create(type, creator));
    auto b = TRY(try_create(type, creator));
    // Fresh sockets: nobody else can reach them yet, so no locks are needed.
    a->m_peer = b;
    b->m_peer = a;
    a->m_state = b->m_state = State::Connected;
    a->m_peer_credentials = b->m_peer_credentials = creator;
    a->m_peer_groups = b->m_peer_groups = std::move(groups);
    a->m_has_peer_credentials = b->m_has_peer_credentials = true;
    first = std::move(a);
    second = std::move(b);
    return {};
}

RefPtr<UnixSocket> UnixSocket::peer()
{
    SpinlockGuard guard(m_lock);
    return m_peer;
}

// --- names ---

Result<void> UnixSocket::bind(OpenFile& file, const UnixAddress& address, const SocketCaller& caller)
{
    if (address.is_unnamed())
        return autobind();

    RefPtr<UnixSocket> self(this);
    if (address.is_abstract()) {
        {
            SpinlockGuard guard(m_lock);
            if (m_bound)
                return Error { EINVAL };
        }
        TRY(unix_names().try_bind_abstract(address.bytes(), self));
        SpinlockGuard guard(m_lock);
        if (m_bound) { // a concurrent bind won
            guard.unlock();
            unix_names().unbind_abstract(address.bytes(), this);
            return Error { EINVAL };
        }
        m_address = address;
        m_bound = true;
        return {};
    }

    // A path: the VFS creates the node (parent MAY_WRITE|MAY_EXEC, EEXIST, ENOENT...) with the
    // socket inode's mode & ~umask, as Linux does, so fchmod before bind is honoured.
    auto& vfs = VirtualFileSystem::the();
    u32 mode = S_IFSOCK | (file.inode()->mode() & 0777);
    auto created = vfs.mknod(caller.cwd, address.bytes(), mode, 0, caller.credentials, caller.umask);
    if (created.is_error())
        return created.error().code == EEXIST ? Error { EADDRINUSE } : created.error();
    RefPtr<Inode> node = created.release_value();

    auto fail = [&](Error error) -> Result<void> {
        // Like Linux: a bind that fails after creating its node removes it again.
        (void)vfs.unlink(caller.cwd, address.bytes(), caller.credentials);
        return error;
    };
    {
        SpinlockGuard guard(m_lock);
        if (m_bound)
            return fail(Error { EINVAL });
    }
    auto key = std::make_pair(node->fs().device_id(), node->ino());
    if (auto result = unix_names().try_bind_node(key, self); result.is_error())
        return fail(result.error());
    SpinlockGuard guard(m_lock);
    if (m_bound) {
        guard.unlock();
        unix_names().unbind_node(key, this);
        return fail(Error { EINVAL });
    }
    m_address = address;
    m_node = std::move(node);
    m_bound = true;
    return {};
}

Result<void> UnixSocket::autobind()
{
    {
        SpinlockGuard guard(m_lock);
        if (m_bound)
            return {};
    }
    auto address = TRY(unix_names().try_autobind(RefPtr<UnixSocket>(this)));
    SpinlockGuard guard(m_lock);
    if (m_bound) {
        guard.unlock();
        unix_names().unbind_abstract(address.bytes(), this);
        return {};
    }
    m_address = address;
    m_bound = true;
    return {};
}

UnixAddress UnixSocket::local_address()
{
    SpinlockGuard guard(m_lock);
    return m_address;
}

Result<UnixAddress> UnixSocket::peer_address()
{
    auto other = peer();
    if (!other)
        return Error { ENOTCONN };
    return other->local_address();
}

// Finds the socket an address names: through the VFS for a path (following symlinks;
// MAY_WRITE on the node; S_ISSOCK), the abstract map otherwise; ECONNREFUSED when nothing
// live is bound there, EPROTOTYPE for a socket of another type.
Result<RefPtr<UnixSocket>> UnixSocket::find_peer(const UnixAddress& address, const SocketCaller& caller)
{
    RefPtr<UnixSocket> found;
    if (address.is_path()) {
        auto custody = TRY(VirtualFileSystem::the().resolve(caller.cwd, address.bytes(), caller.credentials));
        Inode& node = custody->inode();
        TRY(permission(node, MAY_WRITE, caller.credentials));
        if (mode_type(node.mode()) != S_IFSOCK)
            return Error { ECONNREFUSED };
        found = unix_names().find_node(std::make_pair(node.fs().device_id(), node.ino()));
    } else if (address.is_abstract()) {
        found = unix_names().find_abstract(address.bytes());
    } else {
        return Error { EINVAL };
    }
    if (!found)
        return Error { ECONNREFUSED };
    if (found->m_type != m_type)
        return Error { EPROTOTYPE };
    return found;
}

// --- connections ---

Result<void> UnixSocket::listen(int backlog, const SocketCaller& caller)
{
    if (!is_connection_oriented())
        return Error { EOPNOTSUPP };
    if (backlog < 0 || backlog > net::somaxconn)
        backlog = net::somaxconn;
    auto groups = TRY(PeerGroups::try_create(caller.credentials));
    SpinlockGuard guard(m_lock);
    if (!m_bound)
        return Error { EINVAL };
    if (m_state != State::Unconnected && m_state != State::Listening)
        return Error { EINVAL };
    bool grew = static_cast<size_t>(backlog) > m_max_backlog;
    m_max_backlog = backlog;
    m_state = State::Listening;
    // The listener's credentials become its connections' SO_PEERCRED and SO_PEERGROUPS.
    m_peer_credentials = caller.ucred;
    m_peer_groups = std::move(groups);
    m_has_peer_credentials = true;
    guard.unlock();
    if (grew)
        m_space_wait.wake_all();
    return {};
}

Result<void> UnixSocket::connect(OpenFile& file, const UnixAddress& address, const SocketCaller& caller)
{
    if (address.is_unnamed())
        return Error { EINVAL };
    if (!is_connection_oriented()) {
        auto other = TRY(find_peer(address, caller));
        return connect_datagram(std::move(other));
    }
    {
        SpinlockGuard guard(m_lock);
        if (m_state == State::Connected)
            return Error { EISCONN };
        if (m_state == State::Listening)
            return Error { EINVAL };
    }
    if (m_pass_credentials.load(std::memory_order_relaxed))
        TRY(autobind());
    SocketTimeout timeout(m_send_timeout.load(std::memory_order_relaxed));
    for (;;) {
        auto listener = TRY(find_peer(address, caller));
        auto result = connect_stream(file, std::move(listener), caller, timeout);
        if (result.is_error() && result.error().code == EAGAIN && !file.is_nonblocking() && !timeout.expired())
            continue; // woken with room in the backlog: look the name up again, as Linux does
        return result;
    }
}

// One attempt: EAGAIN (after waiting, when blocking) if the backlog was full.
Result<void> UnixSocket::connect_stream(
    OpenFile& file, RefPtr<UnixSocket> listener, const SocketCaller& caller, const SocketTimeout& timeout)
{
    if (listener.ptr() == this)
        return Error { EINVAL }; // only a listener can be found, and a listener cannot connect
    auto server = TRY(try_create(m_type, caller.ucred));
    auto groups = TRY(PeerGroups::try_create(caller.credentials));
    {
        SpinlockGuard guard(listener->m_lock);
        auto full = [&] { return listener->m_backlog_length > listener->m_max_backlog; };
        if (listener->m_dead || listener->m_state != State::Listening)
            return Error { ECONNREFUSED };
        if (full()) {
            if (file.is_nonblocking())
                return Error { EAGAIN };
            TRY(timeout.wait(listener->m_space_wait, guard,
                [&] { return listener->m_dead || listener->m_state != State::Listening || !full(); }));
            return Error { EAGAIN };
        }
    }

    LockPair locks(listener->m_lock, m_lock);
    if (m_state == State::Connected)
        return Error { EISCONN };
    if (m_state == State::Listening)
        return Error { EINVAL };
    if (listener->m_dead || listener->m_state != State::Listening)
        return Error { ECONNREFUSED };
    if (listener->m_backlog_length > listener->m_max_backlog)
        return Error { EAGAIN };

    // The server side: connected to us, named like the listener, our credentials as its peer's.
    server->m_state = State::Connected;
    server->m_peer = this;
    server->m_peer_credentials = caller.ucred;
    server->m_peer_groups = std::move(groups);
    server->m_has_peer_credentials = true;
    server->m_address = listener->m_address;
    server->m_bound = listener->m_bound;
    server->m_pass_credentials.store(
        listener->m_pass_credentials.load(std::memory_order_relaxed), std::memory_order_relaxed);
    server->m_send_buffer.store(listener->send_capacity(), std::memory_order_relaxed);

    m_state = State::Connected;
    m_peer = server;
    m_peer_credentials = listener->m_peer_credentials;
    m_peer_groups = listener->m_peer_groups;
    m_has_peer_credentials = listener->m_has_peer_credentials;

    listener->m_backlog.append(*server.leak()); // the backlog holds this reference
    ++listener->m_backlog_length;
    listener->m_wait.wake_all(readable_wake_key);
    return {};
}

Result<void> UnixSocket::connect_datagram(RefPtr<UnixSocket> other)
{
    if (m_pass_credentials.load(std::memory_order_relaxed))
        TRY(autobind());
    RefPtr<UnixSocket> old_peer;
    {
        SpinlockGuard guard(m_lock);
        if (other.ptr() != this) {
            guard.unlock();
            LockPair locks(m_lock, other->m_lock);
            if (other->m_dead)
                return Error { ECONNREFUSED };
            if (other->m_peer && other->m_peer.ptr() != this)
                return Error { EPERM }; // Linux's unix_may_send
            old_peer = std::exchange(m_peer, other);
            m_state = State::Connected;
        } else {
            old_peer = std::exchange(m_peer, other);
            m_state = State::Connected;
        }
    }
    if (old_peer && old_peer != other)
        datagram_disconnected(*old_peer);
    return {};
}

Result<void> UnixSocket::disconnect()
{
    RefPtr<UnixSocket> old_peer;
    {
        SpinlockGuard guard(m_lock);
        old_peer = std::exchange(m_peer, nullptr);
        m_state = State::Unconnected;
    }
    m_wait.wake_all();
    if (old_peer)
        datagram_disconnected(*old_peer);
    return {};
}

// unix_dgram_disconnected: a datagram socket that leaves its peer (connecting elsewhere or
// AF_UNSPEC) drops everything queued for it — from anyone — and, if it purged something while
// the old peer was connected back to it, that peer learns of the lost messages (ECONNRESET).
void UnixSocket::datagram_disconnected(UnixSocket& old_peer)
{
    Queue dropped; // destroyed after the locks: dropping files may release sockets
    {
        MutexGuard reader(m_read_mutex); // not under a reader's feet
        SpinlockGuard guard(m_lock);
        while (!m_queue.is_empty())
            dropped.append(m_queue.take_first());
    }
    if (dropped.is_empty())
        return;
    m_space_wait.wake_all();
    {
        SpinlockGuard guard(old_peer.m_lock);
        if (!old_peer.m_dead && old_peer.m_peer.ptr() == this)
            old_peer.m_error = ECONNRESET;
    }
    old_peer.m_wait.wake_all();
}

Result<RefPtr<UnixSocket>> UnixSocket::accept(OpenFile& file)
{
    if (!is_connection_oriented())
        return Error { EOPNOTSUPP };
    SpinlockGuard guard(m_lock);
    if (m_state != State::Listening)
        return Error { EINVAL };
    if (m_backlog.is_empty() && file.is_nonblocking())
        return Error { EAGAIN };
    SocketTimeout timeout(m_receive_timeout.load(std::memory_order_relaxed));
    TRY(timeout.wait(m_wait, guard, [&] { return !m_backlog.is_empty() || m_state != State::Listening; }));
    if (m_state != State::Listening)
        return Error { EINVAL };
    auto server = RefPtr<UnixSocket>::adopt(m_backlog.take_first());
    --m_backlog_length;
    guard.unlock();
    m_space_wait.wake_all();
    return server;
}

Result<void> UnixSocket::shutdown(int how)
{
    if (how < net::shut_rd || how > net::shut_rdwr)
        return Error { EINVAL };
    u8 mode = static_cast<u8>((how + 1) & (receive_shutdown | send_shutdown));
    RefPtr<UnixSocket> other;
    {
        SpinlockGuard guard(m_lock);
        m_shutdown.fetch_or(mode, std::memory_order_acq_rel);
        if (is_connection_oriented())
            other = m_peer;
    }
    m_wait.wake_all();
    m_space_wait.wake_all();
    if (other) {
        u8 peer_mode = 0;
        if (mode & receive_shutdown)
            peer_mode |= send_shutdown;
        if (mode & send_shutdown)
            peer_mode |= receive_shutdown;
        {
            SpinlockGuard guard(other->m_lock);
            if (other->m_peer.ptr() == this)
                other->m_shutdown.fetch_or(peer_mode, std::memory_order_acq_rel);
        }
        other->m_wait.wake_all();
        other->m_space_wait.wake_all();
    }
    return {};
}

// --- release ---

void UnixSocket::release() { release(false); }

// The last close (or, for a connection never accepted, its listener's release). embryo: the
// connection was never accepted, so its client sees ECONNRESET even with nothing unread.
void UnixSocket::release(bool embryo)
{
    RefPtr<UnixSocket> other;
    Queue dropped; // destroyed after every lock is released: dropping files may release sockets
    IntrusiveList<UnixSocket, &UnixSocket::m_backlog_node> pending;
    bool had_unread;
    {
        SpinlockGuard guard(m_lock);
        m_dead = true;
        m_shutdown.store(receive_shutdown | send_shutdown, std::memory_order_release);
        other = std::move(m_peer);
        had_unread = !m_queue.is_empty();
        while (!m_queue.is_empty())
            dropped.append(m_queue.take_first());
        while (auto* connection = m_backlog.take_first())
            pending.append(*connection);
        m_backlog_length = 0;
        if (m_state == State::Listening)
            m_state = State::Unconnected;
    }
    m_file = nullptr;
    m_wait.wake_all();
    m_space_wait.wake_all();

    if (other && is_connection_oriented()) {
        {
            SpinlockGuard guard(other->m_lock);
            if (other->m_peer.ptr() == this) {
                other->m_shutdown.store(receive_shutdown | send_shutdown, std::memory_order_release);
                if (had_unread || embryo)
                    other->m_error = ECONNRESET;
            }
        }
        other->m_wait.wake_all();
        other->m_space_wait.wake_all();
    }

    if (m_bound && !embryo) {
        if (m_address.is_abstract())
            unix_names().unbind_abstract(m_address.bytes(), this);
        else if (m_node)
            unix_names().unbind_node(std::make_pair(m_node->fs().device_id(), m_node->ino()), this);
    }
    m_node = nullptr;

    while (auto* connection = pending.take_first())
        RefPtr<UnixSocket>::adopt(connection)->release(true);
    dropped.clear();
    other = nullptr;
    UnixGarbageCollector::collect_if_needed();
}

void UnixSocket::collect_garbage() { UnixGarbageCollector::collect(); }

} // namespace sk
