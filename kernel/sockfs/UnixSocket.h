// UnixSocket: one AF_UNIX socket (SOCK_STREAM, SOCK_DGRAM or SOCK_SEQPACKET), Linux's
// struct unix_sock. The syscall layer reaches it through the socket's OpenFile: sockfs's
// FileOperations (SocketFile) for read/write/poll/ioctl/release, and the socket-level calls
// below, which it finds with UnixSocket::from_file(). sockfs never touches the fd table or
// user memory except through IoBuffer: SCM_RIGHTS files travel as Vector<RefPtr<OpenFile>>
// and the syscall layer installs (or closes) descriptors.
//
// Lifecycle: try_create (socket, socketpair) or connect (the server side of a connection,
// handed out by accept) → release() at the last close of the OpenFile: the socket is dead,
// its names are gone, its peer sees EOF (and ECONNRESET if data was left unread), its queued
// segments and their files are dropped. The object itself lives on while a peer still
// references it.
//
// Ownership: the OpenFile (through SockInode and SocketFile) holds the socket strongly; a
// connected socket holds its peer strongly until it is released (so a stream peer's pointer
// stays valid after the other end closed); a listener holds its pending connections; a
// bound socket holds its filesystem node strongly, and the name tables (UnixNames) refer to
// the socket weakly.
//
// Locking: m_lock guards the state, the peer pointer, the receive queue and the backlog of
// this socket. A sender takes the receiver's lock to enqueue; two sockets are locked together
// only in address order (lock_pair). Nothing sleeps holding a lock except through
// WaitQueue::wait_until, which drops it. Files are never dropped under a lock (their release
// may run another socket's release). Readers also hold m_read_mutex (a sleeping lock, taken
// first): it lets a reader copy to user memory with m_lock dropped — a fault in that copy may
// sleep — knowing that no one else consumes or purges the segments it is reading (release
// cannot run while a reader holds the file; the collector never picks a socket whose file a
// reader holds; a datagram reconnect's purge takes the mutex).
//
// Blocking: m_wait wakes readers, acceptors, pollers and anyone waiting for a state change;
// m_space_wait wakes senders waiting for room in this socket's receive queue and connectors
// waiting for room in its backlog. Waits return ERESTARTSYS on a signal; it is propagated
// (the signal code turns it into EINTR or a restart).
#pragma once

#include <atomic>
#include <lib/Format.h>
#include <lib/IntrusiveList.h>
#include <lib/IoBuffer.h>
#include <lib/RefPtr.h>
#include <lib/Spinlock.h>
#include <proc/Credentials.h>
#include <proc/Mutex.h>
#include <proc/WaitQueue.h>
#include <sockfs/PeerGroups.h>
#include <sockfs/UnixControl.h>
#include <sockfs/logic/SegmentQueue.h>
#include <sockfs/logic/SocketAbi.h>
#include <sockfs/logic/UnixAddress.h>
#include <vfs/Custody.h>
#include <vfs/OpenFile.h>

namespace sk {

class PollTable;

// The calling process's struct ucred (tgid, euid, egid), for the credentials recorded on
// every segment. Implemented by the process layer; sockfs has a weak fallback.
SocketCredentials current_socket_credentials();

// What sockfs needs to know about the calling process; the syscall layer fills it.
struct SocketCaller {
    SocketCredentials ucred; // tgid, euid, egid: SO_PEERCRED and SCM_CREDENTIALS
    const Credentials& credentials; // permission checks (fs ids), in-flight accounting (uid)
    Custody& cwd; // base of a relative socket path
    u32 umask { 022 };
    u64 nofile_limit { 1024 }; // RLIMIT_NOFILE (soft), bounds the files a user has in flight
};

struct SocketSendRequest {
    const IoBuffer* data { nullptr };
    size_t length { 0 };
    const UnixAddress* destination { nullptr }; // sendto / msg_name (null: none given)
    Vector<RefPtr<OpenFile>> rights; // SCM_RIGHTS, in the sender's order
    const SocketCredentials* claimed_credentials { nullptr }; // SCM_CREDENTIALS, if sent
    int flags { 0 }; // MSG_*
};

// The time limit of one blocking socket call (SO_RCVTIMEO for receive and accept, SO_SNDTIMEO
// for send and connect; Linux's sock_rcvtimeo/sock_sndtimeo), fixed when the call starts.
// A wait that runs out of time fails with EAGAIN; a signal restarts the call (ERESTARTSYS)
// only when there is no limit, and is EINTR otherwise (sock_intr_errno).
class SocketTimeout {
public:
    explicit SocketTimeout(u64 timeout_ns); // 0: no limit
    Deadline deadline() const { return m_deadline; }
    bool expired() const;

    template<typename Predicate> Result<void> wait(WaitQueue& queue, SpinlockGuard& guard, Predicate predicate) const
    {
        auto waited = queue.wait_until(guard, predicate, m_deadline);
        if (waited.is_error())
            return translate(waited.error());
        return {};
    }

private:
    Error translate(Error error) const;
    Deadline m_deadline;
};

struct SocketReceiveResult {
    size_t copied { 0 }; // bytes written to the buffer
    size_t result { 0 }; // recvmsg's return value (the full length with MSG_TRUNC on a message socket)
    int message_flags { 0 }; // msg_flags: MSG_TRUNC (the syscall layer adds MSG_CTRUNC)
    UnixAddress source; // msg_name: the sender's address (unnamed: msg_namelen 0)
    bool has_source { false };
    bool has_credentials { false }; // SO_PASSCRED: report SCM_CREDENTIALS
    SocketCredentials credentials;
    Vector<RefPtr<OpenFile>> rights; // to install; MSG_CMSG_CLOEXEC is the syscall layer's
};

class UnixSocket : public RefCounted<UnixSocket> {
public:
    enum class State : u8 { Unconnected, Listening, Connected };

    // EINVAL/ESOCKTNOSUPPORT for an unknown type (the syscall layer masks SOCK_* flags off).
    static Result<RefPtr<UnixSocket>> try_create(int type, const SocketCredentials& creator);
    // socketpair(): two sockets connected to each other, each with the other's credentials
    // (ids and supplementary groups: the creator's).
    static Result<void> try_create_pair(int type, const SocketCredentials& creator, RefPtr<PeerGroups> groups,
        RefPtr<UnixSocket>& first, RefPtr<UnixSocket>& second);
    ~UnixSocket();

    // The socket behind an OpenFile, or null when the file is not a socket (ENOTSOCK).
    static UnixSocket* from_file(OpenFile& file);

    int type() const { return m_type; }
    bool is_connection_oriented() const { return m_type != net::sock_dgram; }

    // --- the socket calls; file is this socket's open file (O_NONBLOCK, the inode's mode) ---
    Result<void> bind(OpenFile& file, const UnixAddress& address, const SocketCaller& caller);
    Result<void> listen(int backlog, const SocketCaller& caller);
    Result<void> connect(OpenFile& file, const UnixAddress& address, const SocketCaller& caller);
    // connect(AF_UNSPEC) on a datagram socket.
    Result<void> disconnect();
    // The new connection's socket; the syscall layer wraps it with sockfs().try_open().
    Result<RefPtr<UnixSocket>> accept(OpenFile& file);
    // The number of bytes sent. EPIPE: raise SIGPIPE unless MSG_NOSIGNAL if raises_sigpipe().
    // caller may be null (write(2)) only when the request has no destination and no rights.
    Result<size_t> send(OpenFile& file, SocketSendRequest& request, const SocketCaller* caller);
    Result<SocketReceiveResult> receive(OpenFile& file, const IoBuffer& buffer, size_t length, int flags);
    Result<void> shutdown(int how);
    UnixAddress local_address();
    Result<UnixAddress> peer_address(); // ENOTCONN
    // getsockopt: writes the option's value (an int, a struct ucred, the peer's groups) into
    // out, which holds net::max_option_size bytes; returns its natural length (the syscall
    // layer copies min(optlen, it), except that SO_PEERGROUPS wants room for all: ERANGE).
    Result<size_t> get_option(int level, int name, void* out);
    // setsockopt with the caller's bytes already in kernel memory; privileged says whether the
    // caller may do what Linux reserves to CAP_NET_ADMIN (root here).
    Result<void> set_option(int level, int name, const void* value, size_t length, bool privileged);
    bool raises_sigpipe() const { return m_type == net::sock_stream; }

    // --- FileOperations, through SocketFile ---
    u32 poll(PollTable* table);
    Result<long> ioctl(unsigned long request, uptr argument);
    void release();

    // Live sockets in the system (for /proc and the leak check).
    static u64 live_count();
    // /proc/net/unix in Linux's format: one line per socket not yet released
    // (UnixSocketProc.cpp, which also publishes it and /proc/net/sockstat).
    static void describe_all(FormatSink sink, void* context);

    // The garbage collector: frees cycles of in-flight sockets that nothing else references.
    static void collect_garbage();

private:
    friend class UnixGarbageCollector;
    friend class InFlightFiles;
    using Queue = SegmentQueue<UnixControl>;

    UnixSocket(int type, const SocketCredentials& creator);

    // Connection setup and teardown.
    Result<RefPtr<UnixSocket>> find_peer(const UnixAddress& address, const SocketCaller& caller);
    Result<void> connect_stream(
        OpenFile& file, RefPtr<UnixSocket> listener, const SocketCaller& caller, const SocketTimeout& timeout);
    Result<void> connect_datagram(RefPtr<UnixSocket> peer);
    void datagram_disconnected(UnixSocket& old_peer);
    Result<void> autobind();
    void release(bool embryo);

    // Data transfer.
    Result<size_t> send_stream(
        OpenFile& file, SocketSendRequest& request, UnixControl& control, const SocketTimeout& timeout);
    Result<size_t> send_datagram(OpenFile& file, SocketSendRequest& request, UnixControl& control,
        const SocketCaller* caller, const SocketTimeout& timeout);
    Result<SocketReceiveResult> receive_stream(
        OpenFile& file, const IoBuffer& buffer, size_t length, int flags, const SocketTimeout& timeout);
    Result<SocketReceiveResult> receive_message(
        OpenFile& file, const IoBuffer& buffer, size_t length, int flags, const SocketTimeout& timeout);
    RefPtr<UnixSocket> peer();
    size_t send_capacity() const { return m_send_buffer.load(std::memory_order_relaxed); }
    void after_consume();
    void move_peek_offset(bool peek, size_t bytes);

    bool shutdown_bits(u8 bits) const { return m_shutdown.load(std::memory_order_acquire) & bits; }
    static constexpr u8 receive_shutdown = 1; // RCV_SHUTDOWN
    static constexpr u8 send_shutdown = 2; // SEND_SHUTDOWN

    const int m_type;
    IntrusiveListNode m_backlog_node; // in a listener's m_backlog
    IntrusiveListNode m_all_node; // in s_all
    std::atomic<u64> m_ino { 0 }; // its sockfs inode number; 0 until it has a file (never accepted)
    Spinlock m_lock;
    Mutex m_read_mutex; // taken before m_lock: serializes readers, held across their copies
    WaitQueue m_wait;
    WaitQueue m_space_wait;

    // Guarded by m_lock.
    State m_state { State::Unconnected };
    bool m_dead { false };
    bool m_bound { false };
    int m_error { 0 }; // sk_err: reported once, then cleared
    RefPtr<UnixSocket> m_peer; // strong: the other end of the connection
    Queue m_queue; // what this socket reads
    IntrusiveList<UnixSocket, &UnixSocket::m_backlog_node> m_backlog; // pending connections (each referenced)
    size_t m_backlog_length { 0 };
    size_t m_max_backlog { 0 };
    SocketCredentials m_peer_credentials; // SO_PEERCRED
    RefPtr<PeerGroups> m_peer_groups; // SO_PEERGROUPS (null: none)
    bool m_has_peer_credentials { false };

    UnixAddress m_address; // set once by bind/autobind (m_bound), then read-only
    RefPtr<Inode> m_node; // strong: the S_IFSOCK node of a path bind
    std::atomic<u8> m_shutdown { 0 };
    std::atomic<bool> m_pass_credentials { false };
    std::atomic<size_t> m_send_buffer { net::default_buffer_size };
    std::atomic<size_t> m_receive_buffer { net::default_buffer_size };
    std::atomic<u64> m_receive_timeout { 0 }; // SO_RCVTIMEO in ns, 0 = none
    std::atomic<u64> m_send_timeout { 0 }; // SO_SNDTIMEO in ns, 0 = none
    // Options Linux keeps for every socket; a Unix socket only reports them back
    // (UnixSocketOptions.cpp), except SO_RCVLOWAT and SO_PEEK_OFF, which reads honour.
    std::atomic<u32> m_option_flags { 0 }; // one bit per boolean option
    std::atomic<int> m_priority { 0 };
    std::atomic<int> m_mark { 0 };
    std::atomic<int> m_incoming_cpu { -1 };
    std::atomic<int> m_receive_lowat { 1 };
    std::atomic<int> m_peek_offset { -1 }; // -1: MSG_PEEK reads from the start
    std::atomic<u64> m_linger { 0 }; // l_onoff in the high half, l_linger in the low
    std::atomic<u64> m_cookie { 0 }; // SO_COOKIE, given on first request
    SocketCredentials m_creator;

    // The garbage collector's bookkeeping, guarded by its lock.
    OpenFile* m_file { nullptr }; // the one OpenFile of this socket (weak; set by sockfs)
    IntrusiveListNode m_inflight_node; // in the collector's list while m_inflight > 0
    u64 m_inflight { 0 }; // references to m_file sitting in queues
    u64 m_gc_refs { 0 };
    bool m_gc_candidate { false };

    friend class SockFileSystem;

    // Every socket object, from construction to destruction, for /proc/net/unix. s_all_lock
    // is taken before a socket's m_lock, never after it.
    static Spinlock s_all_lock;
    static IntrusiveList<UnixSocket, &UnixSocket::m_all_node> s_all;
};

} // namespace sk
