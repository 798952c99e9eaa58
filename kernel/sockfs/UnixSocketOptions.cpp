// UnixSocket options: getsockopt/setsockopt at SOL_SOCKET (Linux's sk_getsockopt and
// sk_setsockopt, for what a Unix socket uses).
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
    case SO_RCVTIMEO_OLD:
    case SO_RCVTIMEO_NEW:
    case SO_SNDTIMEO_OLD:
    case SO_SNDTIMEO_NEW: {
        bool receive = name == SO_RCVTIMEO_OLD || name == SO_RCVTIMEO_NEW;
        Timeval timeval = timeval_of((receive ? m_receive_timeout : m_send_timeout).load(std::memory_order_relaxed));
        memcpy(out, &timeval, sizeof(timeval));
        return sizeof(timeval);
    }
    default:
        // FIXME: SO_PEEK_OFF, SO_LINGER... are not implemented.
        return Error { ENOPROTOOPT };
    }
    memcpy(out, &value, sizeof(value));
    return sizeof(value);
}

Result<void> UnixSocket::set_option(int level, int name, const void* data, size_t length)
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
    default:
        // FIXME: SO_PEEK_OFF, SO_LINGER... are not implemented.
        return Error { ENOPROTOOPT };
    }
}

} // namespace sk
