// Socket data transfer: sendto, recvfrom, sendmsg, recvmsg, sendmmsg, recvmmsg. This is where
// struct msghdr and its control messages are decoded (Linux's net/socket.c and
// net/core/scm.c): the sender's cmsgs are validated and turned into files and claimed
// credentials before sockfs sees them; on receive, the files sockfs hands back are installed
// as descriptors (or closed when the control buffer has no room for them) and the cmsgs are
// written back with Linux's truncation rules.
#include <arch/Arch.h>
#include <lib/UserCopy.h>
#include <linux/uio.h>
#include <proc/SignalDelivery.h>
#include <proc/SignalNumbers.h>
#include <string.h>
#include <syscalls/FsCommon.h>
#include <syscalls/NetCommon.h>
#include <syscalls/Syscall.h>

namespace sk {

// struct user_msghdr, struct mmsghdr and struct cmsghdr on a 64-bit Linux.
struct UserMessageHeader {
    u64 name;
    i32 name_length;
    u32 padding;
    u64 iov;
    u64 iov_length;
    u64 control;
    u64 control_length;
    u32 flags;
    u32 padding2;
};
static_assert(sizeof(UserMessageHeader) == 56);
static constexpr size_t name_length_offset = 8;
static constexpr size_t control_length_offset = 40;
static constexpr size_t flags_offset = 48;

struct UserMultiMessageHeader {
    UserMessageHeader header;
    u32 length;
    u32 padding;
};
static_assert(sizeof(UserMultiMessageHeader) == 64);
static constexpr size_t message_length_offset = 56;

struct ControlHeader {
    u64 length;
    i32 level;
    i32 type;
};
static_assert(sizeof(ControlHeader) == 16);

static constexpr size_t cmsg_align(size_t length) { return (length + sizeof(long) - 1) & ~(sizeof(long) - 1); }
static constexpr size_t cmsg_len(size_t length) { return sizeof(ControlHeader) + length; }
static constexpr size_t cmsg_space(size_t length) { return sizeof(ControlHeader) + cmsg_align(length); }

struct UserCredentials {
    i32 pid;
    u32 uid;
    u32 gid;
};
static_assert(sizeof(UserCredentials) == 12);

static constexpr size_t optmem_max = 131072; // net.core.optmem_max: the largest control buffer
static constexpr int msg_waitforone = 0x10000;
static constexpr u32 invalid_id = ~0u;

// --- sending ---

// What the sender's control messages asked for.
struct SendControl {
    Vector<RefPtr<OpenFile>> rights;
    SocketCredentials claimed;
    bool has_claimed { false };
};

// scm_check_creds: a process may claim its own tgid and any of its real, effective or saved
// ids; root may claim anything. Then the pid must exist (ESRCH) and the ids be valid (EINVAL).
static Result<void> check_claimed_credentials(const UserCredentials& claim, const CurrentSocketCaller& caller)
{
    const Credentials& own = caller.credentials();
    bool root = own.is_superuser();
    bool pid_ok = claim.pid == caller.get().ucred.pid || root;
    bool uid_ok = claim.uid == own.uid || claim.uid == own.euid || claim.uid == own.suid || root;
    bool gid_ok = claim.gid == own.gid || claim.gid == own.egid || claim.gid == own.sgid || root;
    if (!pid_ok || !uid_ok || !gid_ok)
        return Error { EPERM };
    if (claim.pid <= 0 || !Process::from_pid(claim.pid))
        return Error { ESRCH };
    if (claim.uid == invalid_id || claim.gid == invalid_id)
        return Error { EINVAL };
    return {};
}

// __scm_send over the control bytes (already in kernel memory): every cmsg must fit its header
// and the buffer (CMSG_OK, EINVAL); SOL_SOCKET ones must be SCM_RIGHTS (at most SCM_MAX_FD
// descriptors in all, EINVAL; each open, EBADF) or SCM_CREDENTIALS (exactly one ucred); other
// levels are ignored, as Linux does for Unix sockets.
static Result<void> parse_send_control(
    const u8* control, size_t length, SendControl& out, const CurrentSocketCaller& caller)
{
    size_t offset = 0;
    while (length - offset >= sizeof(ControlHeader)) {
        ControlHeader header;
        memcpy(&header, control + offset, sizeof header);
        if (header.length < sizeof(ControlHeader) || header.length > length - offset)
            return Error { EINVAL };
        const u8* data = control + offset + sizeof(ControlHeader);
        size_t data_length = header.length - sizeof(ControlHeader);
        if (header.level == net::sol_socket) {
            switch (header.type) {
            case net::scm_rights: {
                size_t count = data_length / sizeof(int);
                if (count > net::scm_max_fd || out.rights.size() + count > net::scm_max_fd)
                    return Error { EINVAL };
                TRY(out.rights.try_ensure_capacity(out.rights.size() + count));
                for (size_t i = 0; i < count; ++i) {
                    int fd;
                    memcpy(&fd, data + i * sizeof(int), sizeof fd);
                    TRY(out.rights.try_append(TRY(open_file(fd)))); // O_PATH files travel too (fget_raw)
                }
                break;
            }
            case net::scm_credentials: {
                if (header.length != cmsg_len(sizeof(UserCredentials)))
                    return Error { EINVAL };
                UserCredentials claim;
                memcpy(&claim, data, sizeof claim);
                TRY(check_claimed_credentials(claim, caller));
                out.claimed = SocketCredentials { claim.pid, claim.uid, claim.gid };
                out.has_claimed = true;
                break;
            }
            default:
                return Error { EINVAL };
            }
        }
        // CMSG_NXTHDR: the next header must fit whole.
        size_t next = offset + cmsg_align(header.length);
        if (next > length || length - next < sizeof(ControlHeader))
            break;
        offset = next;
    }
    return {};
}

// The control buffer copied in (ENOBUFS beyond optmem_max or INT_MAX, EFAULT), then parsed.
static Result<void> copy_in_send_control(
    uptr user_control, u64 length, SendControl& out, const CurrentSocketCaller& caller)
{
    if (length > 0x7fffffff || length > optmem_max)
        return Error { ENOBUFS };
    if (length < sizeof(ControlHeader))
        return {}; // no room for a header: CMSG_FIRSTHDR is null, nothing to look at
    Vector<u8> control;
    TRY(control.try_resize(length));
    TRY(copy_from_user(control.data(), user_control, length));
    return parse_send_control(control.data(), length, out, caller);
}

// A destination from msg_name/sendto's address. Only a datagram socket looks at it: a stream
// socket refuses any address (EISCONN/EOPNOTSUPP, from sockfs) and a seqpacket socket
// ignores it, so neither parses it.
static Result<void> parse_destination(UnixSocket& socket, const KernelSockaddr& name, UnixAddress& out)
{
    if (socket.type() == net::sock_dgram)
        out = TRY(UnixAddress::parse(name.bytes, name.length));
    return {};
}

static Result<size_t> send_on(
    SocketDescriptor& descriptor, SocketSendRequest& request, const CurrentSocketCaller& caller)
{
    auto sent = descriptor.socket->send(*descriptor.file, request, &caller.get());
    if (sent.is_error() && sent.error().code == EPIPE && descriptor.socket->raises_sigpipe()
        && !(request.flags & net::msg_nosignal))
        send_signal_to_current_thread(SIGPIPE);
    return sent;
}

static Result<long> sys_sendto(const SyscallArguments& a)
{
    uptr user_buffer = a.a1;
    size_t length = min(static_cast<size_t>(a.a2), max_rw_count);
    int flags = static_cast<int>(a.a3);
    uptr user_address = a.a4;
    int address_length = static_cast<int>(a.a5);
    TRY(check_user_range(user_buffer, length));
    auto descriptor = TRY(socket_descriptor(static_cast<int>(a.a0)));
    KernelSockaddr name;
    if (user_address)
        TRY(copy_address_in(name, user_address, address_length));

    CurrentSocketCaller caller;
    UnixAddress destination;
    auto data = IoBuffer::user(user_buffer, length);
    SocketSendRequest request;
    request.data = &data;
    request.length = length;
    request.flags = flags;
    if (name.length) {
        TRY(parse_destination(*descriptor.socket, name, destination));
        request.destination = &destination;
    }
    return static_cast<long>(TRY(send_on(descriptor, request, caller)));
}
REGISTER_SYSCALL(__NR_sendto, sys_sendto);

// ___sys_sendmsg for one header already copied in.
static Result<size_t> send_message(SocketDescriptor& descriptor, const UserMessageHeader& header, int flags)
{
    i64 name_length = header.name ? header.name_length : 0;
    if (name_length < 0)
        return Error { EINVAL };
    name_length = min<i64>(name_length, net::sockaddr_storage_size);
    KernelSockaddr name;
    if (name_length)
        TRY(copy_address_in(name, header.name, name_length));
    if (header.iov_length > UIO_MAXIOV)
        return Error { EMSGSIZE };
    UserIoVector vector;
    TRY(UserIoVector::copy_in(vector, header.iov, header.iov_length));

    CurrentSocketCaller caller;
    SendControl control;
    if (header.control_length)
        TRY(copy_in_send_control(header.control, header.control_length, control, caller));

    UnixAddress destination;
    auto data = vector.buffer();
    SocketSendRequest request;
    request.data = &data;
    request.length = vector.total();
    request.flags = flags;
    request.rights = std::move(control.rights);
    if (control.has_claimed)
        request.claimed_credentials = &control.claimed;
    if (name.length) {
        TRY(parse_destination(*descriptor.socket, name, destination));
        request.destination = &destination;
    }
    return send_on(descriptor, request, caller);
}

static Result<long> sys_sendmsg(const SyscallArguments& a)
{
    auto descriptor = TRY(socket_descriptor(static_cast<int>(a.a0)));
    UserMessageHeader header;
    TRY(copy_from_user(&header, a.a1, sizeof header));
    return static_cast<long>(TRY(send_message(descriptor, header, static_cast<int>(a.a2))));
}
REGISTER_SYSCALL(__NR_sendmsg, sys_sendmsg);

// sendmmsg: as many messages as go (at most UIO_MAXIOV); an error after the first is not
// reported, the count of sent messages is.
static Result<long> sys_sendmmsg(const SyscallArguments& a)
{
    auto descriptor = TRY(socket_descriptor(static_cast<int>(a.a0)));
    uptr vector = a.a1;
    u32 count = min<u32>(static_cast<u32>(a.a2), UIO_MAXIOV);
    int flags = static_cast<int>(a.a3);
    u32 done = 0;
    int error = 0;
    while (done < count) {
        uptr entry = vector + done * sizeof(UserMultiMessageHeader);
        UserMessageHeader header;
        if (auto copied = copy_from_user(&header, entry, sizeof header); copied.is_error()) {
            error = copied.error().code;
            break;
        }
        auto sent = send_message(descriptor, header, flags);
        if (sent.is_error()) {
            error = sent.error().code;
            break;
        }
        u32 length = static_cast<u32>(sent.value());
        if (auto stored = copy_to_user(entry + message_length_offset, &length, sizeof length); stored.is_error()) {
            error = stored.error().code;
            break;
        }
        ++done;
    }
    if (done || !error)
        return done;
    return Error { error };
}
REGISTER_SYSCALL(__NR_sendmmsg, sys_sendmmsg);

// --- receiving ---

// The caller's control buffer as Linux's msghdr tracks it while cmsgs are written: the
// pointer and the room advance past each one.
struct ControlWriter {
    uptr cursor { 0 };
    size_t room { 0 };
    size_t used { 0 };
    int flags { 0 };

    void advance(size_t length)
    {
        length = min(length, room);
        cursor += length;
        room -= length;
        used += length;
    }

    // put_cmsg: a truncated cmsg sets MSG_CTRUNC; a fault ends the writing silently, as the
    // callers in Linux's scm_recv ignore it.
    void put(int level, int type, const void* data, size_t length)
    {
        if (!cursor || room < sizeof(ControlHeader)) {
            flags |= net::msg_ctrunc;
            return;
        }
        size_t total = cmsg_len(length);
        if (room < total) {
            flags |= net::msg_ctrunc;
            total = room;
        }
        ControlHeader header { total, level, type };
        if (copy_to_user(cursor, &header, sizeof header).is_error())
            return;
        if (copy_to_user(cursor + sizeof header, data, total - sizeof header).is_error())
            return;
        advance(cmsg_space(length));
    }
};

// scm_detach_fds: installs as many files as the room holds (lowest free descriptors), writes
// one SCM_RIGHTS cmsg, and closes the rest with MSG_CTRUNC.
static void install_rights(ControlWriter& writer, Vector<RefPtr<OpenFile>>& rights, bool close_on_exec)
{
    Process& process = Process::current();
    size_t fit = writer.room > sizeof(ControlHeader) ? (writer.room - sizeof(ControlHeader)) / sizeof(int) : 0;
    size_t limit = min(fit, rights.size());
    size_t installed = 0;
    for (; installed < limit; ++installed) {
        auto fd = process.fds().allocate(rights[installed], close_on_exec, process.fd_limit());
        if (fd.is_error())
            break;
        int number = fd.value();
        uptr slot = writer.cursor + sizeof(ControlHeader) + installed * sizeof(int);
        if (copy_to_user(slot, &number, sizeof number).is_error()) {
            (void)process.fds().remove(number);
            break;
        }
    }
    if (installed) {
        ControlHeader header { cmsg_len(installed * sizeof(int)), net::sol_socket, net::scm_rights };
        if (!copy_to_user(writer.cursor, &header, sizeof header).is_error())
            writer.advance(cmsg_space(installed * sizeof(int)));
    }
    if (installed < rights.size())
        writer.flags |= net::msg_ctrunc;
    rights.clear(); // the files not installed are closed here, outside every lock
}

// scm_recv: credentials first (SO_PASSCRED), then the files. Without a control buffer
// pointer, anything to report only sets MSG_CTRUNC.
static void write_control(ControlWriter& writer, SocketReceiveResult& received, int flags)
{
    if (!writer.cursor) {
        if (received.has_credentials || !received.rights.is_empty())
            writer.flags |= net::msg_ctrunc;
        received.rights.clear();
        return;
    }
    if (received.has_credentials) {
        UserCredentials credentials { received.credentials.pid, received.credentials.uid, received.credentials.gid };
        writer.put(net::sol_socket, net::scm_credentials, &credentials, sizeof credentials);
    }
    if (!received.rights.is_empty())
        install_rights(writer, received.rights, flags & net::msg_cmsg_cloexec);
}

static Result<void> copy_source_out(const SocketReceiveResult& received, uptr user_address, uptr user_length)
{
    if (received.has_source)
        return copy_address_out(received.source, user_address, user_length);
    return copy_encoded_address_out(nullptr, 0, user_address, user_length);
}

static Result<long> sys_recvfrom(const SyscallArguments& a)
{
    uptr user_buffer = a.a1;
    size_t length = min(static_cast<size_t>(a.a2), max_rw_count);
    int flags = static_cast<int>(a.a3);
    uptr user_address = a.a4;
    uptr user_address_length = a.a5;
    TRY(check_user_range(user_buffer, length));
    auto descriptor = TRY(socket_descriptor(static_cast<int>(a.a0)));
    auto received
        = TRY(descriptor.socket->receive(*descriptor.file, IoBuffer::user(user_buffer, length), length, flags));
    received.rights.clear(); // no control buffer: passed files are closed
    if (user_address)
        TRY(copy_source_out(received, user_address, user_address_length));
    return static_cast<long>(received.result);
}
REGISTER_SYSCALL(__NR_recvfrom, sys_recvfrom);

// ____sys_recvmsg for the header at user_header (already copied in): receives, writes the
// control messages, then msg_name/msg_namelen, msg_flags and msg_controllen.
static Result<size_t> receive_message(
    SocketDescriptor& descriptor, uptr user_header, const UserMessageHeader& header, int flags)
{
    if (header.name && header.name_length < 0)
        return Error { EINVAL };
    if (header.iov_length > UIO_MAXIOV)
        return Error { EMSGSIZE };
    UserIoVector vector;
    TRY(UserIoVector::copy_in(vector, header.iov, header.iov_length));

    auto received = TRY(descriptor.socket->receive(*descriptor.file, vector.buffer(), vector.total(), flags));

    ControlWriter writer { header.control, header.control_length };
    writer.flags = (flags & net::msg_cmsg_cloexec) | received.message_flags;
    write_control(writer, received, flags);
    if (header.name)
        TRY(copy_source_out(received, header.name, user_header + name_length_offset));
    u32 message_flags = static_cast<u32>(writer.flags);
    TRY(copy_to_user(user_header + flags_offset, &message_flags, sizeof message_flags));
    u64 used = writer.used;
    TRY(copy_to_user(user_header + control_length_offset, &used, sizeof used));
    return received.result;
}

static Result<long> sys_recvmsg(const SyscallArguments& a)
{
    auto descriptor = TRY(socket_descriptor(static_cast<int>(a.a0)));
    UserMessageHeader header;
    TRY(copy_from_user(&header, a.a1, sizeof header));
    return static_cast<long>(TRY(receive_message(descriptor, a.a1, header, static_cast<int>(a.a2))));
}
REGISTER_SYSCALL(__NR_recvmsg, sys_recvmsg);

// recvmmsg: like Linux, the timeout is only looked at between messages (a receive that blocks
// is not cut short by it); MSG_WAITFORONE turns on MSG_DONTWAIT after the first message.
static Result<long> sys_recvmmsg(const SyscallArguments& a)
{
    uptr vector = a.a1;
    u32 count = min<u32>(static_cast<u32>(a.a2), UIO_MAXIOV);
    int flags = static_cast<int>(a.a3);
    uptr user_timeout = a.a4;
    u64 deadline = 0;
    if (user_timeout) {
        struct {
            i64 seconds;
            i64 nanoseconds;
        } timeout;
        TRY(copy_from_user(&timeout, user_timeout, sizeof timeout));
        if (timeout.seconds < 0 || timeout.nanoseconds < 0 || timeout.nanoseconds >= 1000000000)
            return Error { EINVAL };
        deadline = arch::monotonic_ns() + static_cast<u64>(timeout.seconds) * 1000000000
            + static_cast<u64>(timeout.nanoseconds);
    }
    auto descriptor = TRY(socket_descriptor(static_cast<int>(a.a0)));
    u32 done = 0;
    int error = 0;
    while (done < count) {
        uptr entry = vector + done * sizeof(UserMultiMessageHeader);
        UserMessageHeader header;
        if (auto copied = copy_from_user(&header, entry, sizeof header); copied.is_error()) {
            error = copied.error().code;
            break;
        }
        auto received = receive_message(descriptor, entry, header, flags & ~msg_waitforone);
        if (received.is_error()) {
            error = received.error().code;
            break;
        }
        u32 length = static_cast<u32>(received.value());
        if (auto stored = copy_to_user(entry + message_length_offset, &length, sizeof length); stored.is_error()) {
            error = stored.error().code;
            break;
        }
        ++done;
        if (flags & msg_waitforone)
            flags |= net::msg_dontwait;
        if (user_timeout) {
            u64 now = arch::monotonic_ns();
            u64 left = now < deadline ? deadline - now : 0;
            struct {
                i64 seconds;
                i64 nanoseconds;
            } remaining { static_cast<i64>(left / 1000000000), static_cast<i64>(left % 1000000000) };
            TRY(copy_to_user(user_timeout, &remaining, sizeof remaining));
            if (!left)
                break;
        }
    }
    // FIXME: Linux keeps an error other than EAGAIN that ends a partial batch in sk_err, for
    // the next call to report; it is dropped here.
    if (done || !error)
        return done;
    return Error { error };
}
REGISTER_SYSCALL(__NR_recvmmsg, sys_recvmmsg);

} // namespace sk
