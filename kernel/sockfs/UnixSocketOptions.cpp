// UnixSocket options: getsockopt/setsockopt at SOL_SOCKET (Linux's sk_getsockopt and
// sk_setsockopt, for what a Unix socket uses). Linux keeps a set of generic options on every
// socket — SO_REUSEADDR, SO_KEEPALIVE, SO_PRIORITY, SO_LINGER... — that change nothing for
// AF_UNIX but are reported back as set; so do these.
#include <asm-generic/socket.h>
#include <sockfs/UnixSocket.h>
#include <string.h>

namespace sk {

// SO_RCVTIMEO/SO_SNDTIMEO are kept as Linux keeps them, in jiffies of Debian's HZ = 250 (so
// getsockopt reports the rounded value Linux reports), stored here as nanoseconds.
static constexpr u64 jiffy_ns = 4'000'000;
static constexpr u64 immediately = 1; // a negative timeout: Linux's timeo 0, "never wait"

struct Timeval {
    i64 seconds;
    i64 microseconds;
};

// The boolean options, one bit each in m_option_flags.
static int flag_bit(int name)
{
    switch (name) {
    case SO_DEBUG: return 0;
    case SO_REUSEADDR: return 1;
    case SO_KEEPALIVE: return 2;
    case SO_DONTROUTE: return 3;
    case SO_BROADCAST: return 4;
    case SO_OOBINLINE: return 5;
    case SO_NO_CHECK: return 6;
    case SO_PASSSEC: return 7;
    case SO_RXQ_OVFL: return 8;
    case SO_WIFI_STATUS: return 9;
    case SO_SELECT_ERR_QUEUE: return 10;
    case SO_LOCK_FILTER: return 11;
    default: return -1;
    }
}

// Linux's priorities above TC_PRIO_CONTROL need CAP_NET_ADMIN.
static constexpr int highest_unprivileged_priority = 6;
static std::atomic<u64> s_next_cookie { 1 };

struct Linger {
    i32 onoff;
    i32 seconds;
};

static Timeval timeval_of(u64 timeout_ns)
{
    u64 jiffies = timeout_ns / jiffy_ns;
    return Timeval { static_cast<i64>(jiffies / 250), static_cast<i64>((jiffies % 250) * 4000) };
}

// sock_set_timeout: EDOM for microseconds outside [0, 1e6); a negative time means never wait;
// zero means no limit; otherwise rounded up to whole jiffies.
static Result<u64> timeout_of(const void* data, size_t length)
{
    if (length < sizeof(Timeval))
        return Error { EINVAL };
    Timeval value;
    memcpy(&value, data, sizeof(value));
    if (value.microseconds < 0 || value.microseconds >= 1'000'000)
        return Error { EDOM };
    if (value.seconds < 0)
        return immediately;
    if (value.seconds == 0 && value.microseconds == 0)
        return 0;
    if (value.seconds >= static_cast<i64>(0x7fffffffffffffffull / 1'000'000'000ull / 2))
        return 0; // beyond MAX_SCHEDULE_TIMEOUT: no limit
    u64 jiffies = static_cast<u64>(value.seconds) * 250 + (static_cast<u64>(value.microseconds) + 3999) / 4000;
    return jiffies * jiffy_ns;
}

Result<size_t> UnixSocket::get_option(int level, int name, void* out)
{
    if (level != net::sol_socket)
        return Error { EOPNOTSUPP };
    int value = 0;
    switch (name) {
    case SO_TYPE:
        value = m_type;
        break;
    case SO_DOMAIN:
        value = net::af_unix;
        break;
    case SO_PROTOCOL:
        value = 0;
        break;
    case SO_ERROR: {
        SpinlockGuard guard(m_lock);
        value = std::exchange(m_error, 0);
        break;
    }
    case SO_ACCEPTCONN: {
        SpinlockGuard guard(m_lock);
        value = m_state == State::Listening;
        break;
    }
    case SO_SNDBUF:
        value = static_cast<int>(send_capacity());
        break;
    case SO_RCVBUF:
        value = static_cast<int>(m_receive_buffer.load(std::memory_order_relaxed));
        break;
    case SO_PASSCRED:
        value = m_pass_credentials.load(std::memory_order_relaxed);
        break;
    case SO_PEERCRED: {
        struct {
            i32 pid;
            u32 uid, gid;
        } ucred { 0, ~0u, ~0u };
        SpinlockGuard guard(m_lock);
        if (m_has_peer_credentials) {
            ucred.pid = m_peer_credentials.pid;
            ucred.uid = m_peer_credentials.uid;
            ucred.gid = m_peer_credentials.gid;
        }
        memcpy(out, &ucred, sizeof(ucred));
        return sizeof(ucred);
    }
    case SO_PEERGROUPS: {
        // Linux: ENODATA without a peer's credentials; the groups as gid_t values.
        SpinlockGuard guard(m_lock);
        if (!m_has_peer_credentials)
            return Error { ENODATA };
        size_t count = m_peer_groups ? m_peer_groups->count() : 0;
        if (count)
            memcpy(out, m_peer_groups->groups(), count * sizeof(u32));
        return count * sizeof(u32);
    }
    case SO_RCVTIMEO_OLD:
    case SO_RCVTIMEO_NEW:
    case SO_SNDTIMEO_OLD:
    case SO_SNDTIMEO_NEW: {
        bool receive = name == SO_RCVTIMEO_OLD || name == SO_RCVTIMEO_NEW;
        Timeval timeval = timeval_of((receive ? m_receive_timeout : m_send_timeout).load(std::memory_order_relaxed));
        memcpy(out, &timeval, sizeof(timeval));
        return sizeof(timeval);
    }
    case SO_REUSEPORT:
        value = 0;
        break;
    case SO_PRIORITY:
        value = m_priority.load(std::memory_order_relaxed);
        break;
    case SO_MARK:
        value = m_mark.load(std::memory_order_relaxed);
        break;
    case SO_INCOMING_CPU:
        value = m_incoming_cpu.load(std::memory_order_relaxed);
        break;
    case SO_RCVLOWAT:
        value = m_receive_lowat.load(std::memory_order_relaxed);
        break;
    case SO_SNDLOWAT:
        value = 1; // fixed in Linux
        break;
    case SO_PEEK_OFF:
        value = m_peek_offset.load(std::memory_order_relaxed);
        break;
    case SO_LINGER: {
        u64 packed = m_linger.load(std::memory_order_relaxed);
        Linger linger { static_cast<i32>(packed >> 32), static_cast<i32>(packed & 0xffffffffu) };
        memcpy(out, &linger, sizeof(linger));
        return sizeof(linger);
    }
    case SO_COOKIE: {
        u64 cookie = m_cookie.load(std::memory_order_relaxed);
        if (!cookie) {
            u64 fresh = s_next_cookie.fetch_add(1, std::memory_order_relaxed);
            cookie = m_cookie.compare_exchange_strong(cookie, fresh) ? fresh : cookie;
        }
        memcpy(out, &cookie, sizeof(cookie));
        return sizeof(cookie);
    }
    default: {
        int bit = flag_bit(name);
        // FIXME: SO_TIMESTAMP* (and their control messages), SO_PASSPIDFD and SO_PEERPIDFD
        // are not implemented.
        if (bit < 0)
            return Error { ENOPROTOOPT };
        value = (m_option_flags.load(std::memory_order_relaxed) >> bit) & 1;
        break;
    }
    }
    memcpy(out, &value, sizeof(value));
    return sizeof(value);
}

Result<void> UnixSocket::set_option(int level, int name, const void* data, size_t length, bool privileged)
{
    if (level != net::sol_socket)
        return Error { EOPNOTSUPP };
    if (length < sizeof(int))
        return Error { EINVAL };
    int value;
    memcpy(&value, data, sizeof(value));
    switch (name) {
    case SO_RCVTIMEO_OLD:
    case SO_RCVTIMEO_NEW:
        m_receive_timeout.store(TRY(timeout_of(data, length)), std::memory_order_relaxed);
        return {};
    case SO_SNDTIMEO_OLD:
    case SO_SNDTIMEO_NEW:
        m_send_timeout.store(TRY(timeout_of(data, length)), std::memory_order_relaxed);
        return {};
    case SO_PASSCRED:
        m_pass_credentials.store(value != 0, std::memory_order_relaxed);
        return {};
    case SO_SNDBUF: {
        // Linux doubles the request (for bookkeeping overhead) within [minimum, 2 * max].
        size_t wanted = min<size_t>(static_cast<u32>(value), net::max_buffer_size);
        m_send_buffer.store(max<size_t>(wanted * 2, net::min_sndbuf), std::memory_order_relaxed);
        m_space_wait.wake_all();
        if (auto other = peer())
            other->m_space_wait.wake_all();
        return {};
    }
    case SO_RCVBUF: {
        size_t wanted = min<size_t>(static_cast<u32>(value), net::max_buffer_size);
        m_receive_buffer.store(max<size_t>(wanted * 2, net::min_rcvbuf), std::memory_order_relaxed);
        return {};
    }
    case SO_SNDBUFFORCE:
    case SO_RCVBUFFORCE:
        // The same without the maximum, for CAP_NET_ADMIN.
        if (!privileged)
            return Error { EPERM };
        (name == SO_SNDBUFFORCE ? m_send_buffer : m_receive_buffer)
            .store(max<size_t>(static_cast<size_t>(max(value, 0)) * 2,
                       name == SO_SNDBUFFORCE ? net::min_sndbuf : net::min_rcvbuf),
                std::memory_order_relaxed);
        m_space_wait.wake_all();
        return {};
    case SO_REUSEPORT:
        return Error { EOPNOTSUPP }; // only for inet sockets
    case SO_PRIORITY:
        if ((value < 0 || value > highest_unprivileged_priority) && !privileged)
            return Error { EPERM };
        m_priority.store(value, std::memory_order_relaxed);
        return {};
    case SO_MARK:
        if (!privileged)
            return Error { EPERM };
        m_mark.store(value, std::memory_order_relaxed);
        return {};
    case SO_INCOMING_CPU:
        m_incoming_cpu.store(value, std::memory_order_relaxed);
        return {};
    case SO_RCVLOWAT:
        m_receive_lowat.store(value < 0 ? 0x7fffffff : (value ? value : 1), std::memory_order_relaxed);
        return {};
    case SO_PEEK_OFF: {
        SpinlockGuard guard(m_lock); // a reader adjusts it under the lock
        m_peek_offset.store(value, std::memory_order_relaxed);
        return {};
    }
    case SO_LINGER: {
        if (length < sizeof(Linger))
            return Error { EINVAL };
        Linger linger;
        memcpy(&linger, data, sizeof(linger));
        // Kept and reported only: closing a Unix socket never lingers (its data is in the
        // peer's queue already), on Linux too. Turning it off keeps the old time (Linux).
        u64 old = m_linger.load(std::memory_order_relaxed);
        u32 seconds = linger.onoff ? static_cast<u32>(max(linger.seconds, 0)) : static_cast<u32>(old);
        m_linger.store((static_cast<u64>(linger.onoff ? 1 : 0) << 32) | seconds, std::memory_order_relaxed);
        return {};
    }
    default: {
        int bit = flag_bit(name);
        if (bit < 0)
            return Error { ENOPROTOOPT };
        if (name == SO_DEBUG && value && !privileged)
            return Error { EACCES };
        if (value)
            m_option_flags.fetch_or(1u << bit, std::memory_order_relaxed);
        else
            m_option_flags.fetch_and(~(1u << bit), std::memory_order_relaxed);
        return {};
    }
    }
}

} // namespace sk
