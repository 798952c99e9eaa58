// UnixSocket data transfer: send and receive for the three socket types, poll and ioctl.
//
// Streams copy the writer's bytes into segments of at most half the send buffer and block
// while the peer's receive queue holds more than the send buffer (Linux bounds the writer's
// unconsumed memory the same way). Datagram and seqpacket messages are one segment each; a
// datagram receiver with a peer other than the sender admits at most max_dgram_qlen + 1
// queued messages (Linux's unix_recvq_full).
#include <arch/Arch.h>
#include <asm-generic/poll.h>
#include <lib/IoBuffer.h>
#include <linux/sockios.h>
#include <sockfs/UnixSocket.h>
#include <vfs/PollTable.h>

namespace sk {

static constexpr int fionread = 0x541B; // FIONREAD == SIOCINQ
static constexpr int siocoutq = 0x5411; // SIOCOUTQ == TIOCOUTQ

static bool is_nonblocking(OpenFile& file, int flags) { return file.is_nonblocking() || (flags & net::msg_dontwait); }

SocketTimeout::SocketTimeout(u64 timeout_ns)
{
    if (timeout_ns)
        m_deadline.monotonic_ns = arch::monotonic_ns() + timeout_ns;
}

bool SocketTimeout::expired() const { return !m_deadline.is_none() && arch::monotonic_ns() >= m_deadline.monotonic_ns; }

Error SocketTimeout::translate(Error error) const
{
    if (error.code == ETIMEDOUT)
        return Error { EAGAIN };
    if (error.code == ERESTARTSYS && !m_deadline.is_none())
        return Error { EINTR };
    return error;
}

Result<size_t> UnixSocket::send(OpenFile& file, SocketSendRequest& request, const SocketCaller* caller)
{
    if (request.flags & net::msg_oob)
        return Error { EOPNOTSUPP }; // FIXME: Linux supports MSG_OOB on streams (one byte)
    VERIFY(caller || (!request.destination && request.rights.is_empty()));

    UnixControl control;
    control.credentials = caller ? caller->ucred : current_socket_credentials();
    if (request.claimed_credentials)
        control.credentials = *request.claimed_credentials; // checked by the syscall layer (EPERM)
    if (!request.rights.is_empty()) {
        if (request.rights.size() > net::scm_max_fd)
            return Error { EINVAL };
        bool exempt = caller->credentials.is_superuser();
        control.rights = TRY(InFlightFiles::try_create(
            std::move(request.rights), caller->credentials.uid, caller->nofile_limit, exempt));
    }
    SocketTimeout timeout(m_send_timeout.load(std::memory_order_relaxed));
    if (m_type == net::sock_stream)
        return send_stream(file, request, control, timeout);
    return send_datagram(file, request, control, caller, timeout);
}

Result<size_t> UnixSocket::send_stream(
    OpenFile& file, SocketSendRequest& request, UnixControl& control, const SocketTimeout& timeout)
{
    RefPtr<UnixSocket> other;
    {
        SpinlockGuard guard(m_lock);
        if (request.destination)
            return Error { m_state == State::Connected ? EISCONN : EOPNOTSUPP };
        if (m_state != State::Connected || !m_peer)
            return Error { ENOTCONN };
        other = m_peer;
    }
    if (shutdown_bits(send_shutdown))
        return Error { EPIPE };
    {
        SpinlockGuard guard(m_lock);
        control.source = m_address;
    }

    bool nonblocking = is_nonblocking(file, request.flags);
    size_t sent = 0;
    while (sent < request.length) {
        size_t capacity = send_capacity();
        size_t chunk;
        {
            SpinlockGuard guard(other->m_lock);
            auto broken = [&] {
                return other->m_dead || other->shutdown_bits(receive_shutdown) || shutdown_bits(send_shutdown);
            };
            auto has_room = [&] { return other->m_queue.charge() < capacity; };
            if (!broken() && !has_room()) {
                if (nonblocking)
                    return sent ? Result<size_t>(sent) : Error { EAGAIN };
                auto waited = timeout.wait(other->m_space_wait, guard, [&] { return broken() || has_room(); });
                if (waited.is_error())
                    return sent ? Result<size_t>(sent) : waited.error();
            }
            if (broken())
                return sent ? Result<size_t>(sent) : Error { EPIPE };
            size_t room = capacity - other->m_queue.charge();
            size_t max_segment = capacity / 2 - 64;
            chunk = min(request.length - sent, min(max_segment, max<size_t>(room, 1)));
        }
        // Only the first segment carries the control data (rights included).
        UnixControl segment_control
            = sent ? control.credentials_only() : std::exchange(control, control.credentials_only());
        auto segment = Queue::try_create_segment(*request.data, sent, chunk, std::move(segment_control));
        if (segment.is_error())
            return sent ? Result<size_t>(sent) : segment.error();
        {
            SpinlockGuard guard(other->m_lock);
            if (other->m_dead || other->shutdown_bits(receive_shutdown)) {
                guard.unlock();
                return sent ? Result<size_t>(sent) : Error { EPIPE };
            }
            other->m_queue.append(segment.release_value());
        }
        other->m_wait.wake_all(readable_wake_key);
        sent += chunk;
    }
    return sent;
}

Result<size_t> UnixSocket::send_datagram(OpenFile& file, SocketSendRequest& request, UnixControl& control,
    const SocketCaller* caller, const SocketTimeout& timeout)
{
    RefPtr<UnixSocket> other;
    {
        SpinlockGuard guard(m_lock);
        if (m_type == net::sock_seqpacket) {
            if (m_state != State::Connected)
                return Error { ENOTCONN };
            request.destination = nullptr; // Linux ignores a seqpacket's msg_name
        }
    }
    if (request.length + 32 > send_capacity())
        return Error { EMSGSIZE };
    if (shutdown_bits(send_shutdown))
        return Error { EPIPE };
    if (m_pass_credentials.load(std::memory_order_relaxed))
        TRY(autobind());
    if (request.destination) {
        other = TRY(find_peer(*request.destination, *caller));
    } else {
        other = peer();
        if (!other)
            return Error { ENOTCONN };
    }
    control.source = local_address();

    auto segment = TRY(Queue::try_create_segment(*request.data, 0, request.length, std::move(control)));
    bool nonblocking = is_nonblocking(file, request.flags);
    size_t capacity = send_capacity();
    SpinlockGuard guard(other->m_lock);
    for (;;) {
        if (other->m_dead) {
            guard.unlock();
            // Sending to a connected peer that is gone dissolves the association.
            SpinlockGuard self(m_lock);
            if (m_peer == other) {
                m_peer = nullptr;
                if (m_type == net::sock_dgram)
                    m_state = State::Unconnected;
            }
            return Error { m_type == net::sock_seqpacket ? EPIPE : ECONNREFUSED };
        }
        if (m_type == net::sock_dgram && other->m_peer && other->m_peer.ptr() != this)
            return Error { EPERM };
        if (other->shutdown_bits(receive_shutdown))
            return Error { EPIPE };
        bool queue_full = other.ptr() != this && other->m_peer.ptr() != this
            && other->m_queue.count() > net::default_max_dgram_qlen;
        bool memory_full = other->m_queue.charge() + segment->charge() > capacity && !other->m_queue.is_empty();
        if (!queue_full && !memory_full)
            break;
        if (nonblocking)
            return Error { EAGAIN };
        TRY(timeout.wait(other->m_space_wait, guard, [&] {
            return other->m_dead || other->shutdown_bits(receive_shutdown)
                || other->m_queue.count() <= net::default_max_dgram_qlen;
        }));
    }
    other->m_queue.append(std::move(segment));
    guard.unlock();
    other->m_wait.wake_all(readable_wake_key);
    return request.length;
}

// Space was freed in our queue: wake blocked writers, and the peer's pollers (POLLOUT).
void UnixSocket::after_consume()
{
    m_space_wait.wake_all();
    if (auto other = peer())
        other->m_wait.wake_all(writable_wake_key);
}

Result<SocketReceiveResult> UnixSocket::receive(OpenFile& file, const IoBuffer& buffer, size_t length, int flags)
{
    if (flags & net::msg_oob)
        return Error { EOPNOTSUPP };
    SocketTimeout timeout(m_receive_timeout.load(std::memory_order_relaxed));
    if (m_type == net::sock_stream)
        return receive_stream(file, buffer, length, flags, timeout);
    return receive_message(file, buffer, length, flags, timeout);
}

static void deliver_control(SocketReceiveResult& result, UnixControl& control, bool pass_credentials)
{
    if (!control.source.is_unnamed()) {
        result.source = control.source;
        result.has_source = true;
    }
    if (pass_credentials) {
        result.has_credentials = true;
        result.credentials = control.credentials;
    }
    result.rights = control.take_files();
}

// The reader's side of the locking: m_read_mutex serializes readers and is held while bytes are
// copied out with m_lock dropped (ReaderCopy), so the copy may fault and sleep; it is released
// while the reader waits for data, as Linux releases u->iolock.
namespace {

class ReaderLock {
public:
    explicit ReaderLock(Mutex& mutex)
        : m_mutex(mutex)
    {
        m_mutex.lock();
    }
    ~ReaderLock()
    {
        if (m_held)
            m_mutex.unlock();
    }
    // Waits on queue with the mutex released, then takes the mutex and the spinlock back
    // (in that order: the mutex may sleep).
    template<typename Predicate>
    Result<void> wait(const SocketTimeout& timeout, WaitQueue& queue, SpinlockGuard& guard, Predicate predicate)
    {
        m_mutex.unlock();
        m_held = false;
        auto waited = timeout.wait(queue, guard, predicate);
        guard.unlock();
        m_mutex.lock();
        m_held = true;
        guard.relock();
        return waited;
    }

private:
    Mutex& m_mutex;
    bool m_held { true };
};

// SegmentQueue's copy hook: the copy to the reader's buffer runs without the spinlock.
struct ReaderCopy {
    SpinlockGuard& guard;
    template<typename Fn> Result<void> operator()(Fn fn) const
    {
        guard.unlock();
        auto copied = fn();
        guard.relock();
        return copied;
    }
};

} // namespace

// SO_PEEK_OFF follows the reads (sk_peek_offset_fwd/bwd): a peek moves it past what it
// copied, a read moves it back by what it consumed (not below 0). Called with m_lock held.
void UnixSocket::move_peek_offset(bool peek, size_t bytes)
{
    int offset = m_peek_offset.load(std::memory_order_relaxed);
    if (offset < 0 || bytes == 0)
        return;
    i64 moved = peek ? static_cast<i64>(offset) + static_cast<i64>(bytes) : max<i64>(static_cast<i64>(offset) - static_cast<i64>(bytes), 0);
    m_peek_offset.store(static_cast<int>(min<i64>(moved, 0x7fffffff)), std::memory_order_relaxed);
}

Result<SocketReceiveResult> UnixSocket::receive_stream(
    OpenFile& file, const IoBuffer& buffer, size_t length, int flags, const SocketTimeout& timeout)
{
    bool peek = flags & net::msg_peek;
    bool nonblocking = is_nonblocking(file, flags);
    // sock_rcvlowat: MSG_WAITALL wants everything, otherwise SO_RCVLOWAT bytes (default 1).
    size_t lowat = static_cast<size_t>(max(m_receive_lowat.load(std::memory_order_relaxed), 1));
    size_t target = (flags & net::msg_waitall) ? length : min(lowat, length);
    bool pass_credentials = m_pass_credentials.load(std::memory_order_relaxed);
    auto same_writer = [&](const UnixControl& a, const UnixControl& b) {
        return !pass_credentials || a.credentials == b.credentials;
    };

    SocketReceiveResult result;
    UnixControl control;
    bool got_control = false;
    bool consumed = false;
    {
        ReaderLock reader(m_read_mutex);
        SpinlockGuard guard(m_lock);
        if (m_state != State::Connected)
            return Error { EINVAL };
        // SO_PEEK_OFF: a peek starts that far into the queue (sk_peek_offset).
        int peek_offset = peek ? m_peek_offset.load(std::memory_order_relaxed) : -1;
        size_t skip = peek_offset > 0 ? static_cast<size_t>(peek_offset) : 0;
        for (;;) {
            if (m_queue.has_stream_bytes_past(skip) && result.copied < length) {
                // With credentials passed, never glue bytes of another writer onto a read.
                if (got_control && pass_credentials && !same_writer(control, m_queue.first()->control()))
                    break;
                auto read = m_queue.read_stream(buffer, result.copied, length - result.copied, peek, same_writer,
                    ReaderCopy { guard }, skip);
                if (read.is_error()) {
                    if (result.copied)
                        break;
                    return read.error();
                }
                auto value = read.release_value();
                result.copied += value.copied;
                consumed |= !peek && value.copied;
                bool carried_rights = value.control.has_rights() || !value.control.peeked_rights.is_empty();
                if (!got_control) {
                    control = std::move(value.control);
                    got_control = true;
                } else if (carried_rights) {
                    control.rights = std::move(value.control.rights);
                    control.peeked_rights = std::move(value.control.peeked_rights);
                }
                if (carried_rights || peek)
                    break;
                continue;
            }
            if (result.copied >= target)
                break;
            if (m_error) {
                if (result.copied)
                    break;
                return Error { std::exchange(m_error, 0) };
            }
            if (shutdown_bits(receive_shutdown))
                break;
            if (nonblocking) {
                if (result.copied)
                    break;
                return Error { EAGAIN };
            }
            if (consumed) {
                // Let blocked writers refill while we sleep.
                guard.unlock();
                after_consume();
                consumed = false;
                guard.relock();
                continue;
            }
            auto waited = reader.wait(timeout, m_wait, guard,
                [&] { return m_queue.has_stream_bytes_past(skip) || m_error || shutdown_bits(receive_shutdown); });
            if (waited.is_error()) {
                if (result.copied)
                    break;
                return waited.error();
            }
        }
        move_peek_offset(peek, result.copied);
    }
    if (consumed)
        after_consume();
    if (got_control)
        deliver_control(result, control, pass_credentials);
    result.result = result.copied;
    return result;
}

Result<SocketReceiveResult> UnixSocket::receive_message(
    OpenFile& file, const IoBuffer& buffer, size_t length, int flags, const SocketTimeout& timeout)
{
    bool peek = flags & net::msg_peek;
    bool nonblocking = is_nonblocking(file, flags);
    SocketReceiveResult result;
    Queue::MessageRead read;
    {
        ReaderLock reader(m_read_mutex);
        SpinlockGuard guard(m_lock);
        if (m_type == net::sock_seqpacket && m_state != State::Connected)
            return Error { m_state == State::Listening ? EINVAL : ENOTCONN };
        int peek_offset = peek ? m_peek_offset.load(std::memory_order_relaxed) : -1;
        size_t skip = peek_offset > 0 ? static_cast<size_t>(peek_offset) : 0;
        for (;;) {
            // A datagram socket reports a pending error before queued data (sock_error first).
            if (m_error)
                return Error { std::exchange(m_error, 0) };
            if (m_queue.has_message_past(skip))
                break;
            if (shutdown_bits(receive_shutdown))
                return result; // EOF: 0
            if (nonblocking)
                return Error { EAGAIN };
            TRY(reader.wait(timeout, m_wait, guard,
                [&] { return m_queue.has_message_past(skip) || m_error || shutdown_bits(receive_shutdown); }));
        }
        size_t whole = peek ? 0 : m_queue.first()->length();
        read = TRY(m_queue.read_message(buffer, length, peek, ReaderCopy { guard }, skip));
        move_peek_offset(peek, peek ? read.copied : whole);
    }
    if (!peek)
        after_consume();
    result.copied = read.copied;
    if (read.message_length > read.copied)
        result.message_flags |= net::msg_trunc;
    result.result = (flags & net::msg_trunc) ? read.message_length : read.copied;
    deliver_control(result, read.control, m_pass_credentials.load(std::memory_order_relaxed));
    return result;
}

u32 UnixSocket::poll(PollTable* table)
{
    if (table)
        table->wait_on(m_wait);
    u32 mask = 0;
    RefPtr<UnixSocket> other;
    State state;
    {
        SpinlockGuard guard(m_lock);
        state = m_state;
        u8 shutdown = m_shutdown.load(std::memory_order_acquire);
        if (m_error)
            mask |= POLLERR;
        if (shutdown == (receive_shutdown | send_shutdown))
            mask |= POLLHUP;
        if (shutdown & receive_shutdown)
            mask |= POLLRDHUP | POLLIN | POLLRDNORM;
        if (!m_queue.is_empty() || !m_backlog.is_empty())
            mask |= POLLIN | POLLRDNORM;
        if (is_connection_oriented() && state == State::Unconnected)
            mask |= POLLHUP;
        other = m_peer;
    }
    if (state == State::Listening)
        return mask;
    bool writable = true;
    if (other) {
        SpinlockGuard guard(other->m_lock);
        writable = (other->m_queue.charge() << 2) <= send_capacity();
        if (m_type == net::sock_dgram && other->m_peer.ptr() != this && other.ptr() != this
            && other->m_queue.count() > net::default_max_dgram_qlen)
            writable = false;
    }
    if (writable)
        mask |= POLLOUT | POLLWRNORM | POLLWRBAND;
    return mask;
}

Result<long> UnixSocket::ioctl(unsigned long request, uptr argument)
{
    int value = 0;
    switch (request) {
    case fionread: {
        SpinlockGuard guard(m_lock);
        if (m_state == State::Listening)
            return Error { EINVAL };
        if (m_type == net::sock_dgram)
            value = m_queue.is_empty() ? 0 : static_cast<int>(m_queue.first()->length());
        else
            value = static_cast<int>(m_queue.bytes());
        break;
    }
    case siocoutq: {
        auto other = peer();
        if (other) {
            SpinlockGuard guard(other->m_lock);
            value = static_cast<int>(other->m_queue.bytes());
        }
        break;
    }
    default:
        return Error { ENOTTY };
    }
    TRY(IoBuffer::user(argument, sizeof(value)).write(0, &value, sizeof(value)));
    return 0;
}

} // namespace sk
