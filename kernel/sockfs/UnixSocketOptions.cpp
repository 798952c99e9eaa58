// UnixSocket options: getsockopt/setsockopt at SOL_SOCKET (Linux's sk_getsockopt and
// sk_setsockopt, for what a Unix socket uses).
#include <asm-generic/socket.h>
#include <sockfs/UnixSocket.h>
#include <string.h>

namespace sk {

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
    default:
        // FIXME: SO_RCVTIMEO/SO_SNDTIMEO, SO_PEEK_OFF, SO_LINGER... are not implemented.
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
        // FIXME: SO_RCVTIMEO/SO_SNDTIMEO, SO_PEEK_OFF, SO_LINGER... are not implemented.
        return Error { ENOPROTOOPT };
    }
}

} // namespace sk
