// Socket set-up syscalls: socket, socketpair, bind, listen, connect, accept/accept4,
// getsockname/getpeername, shutdown, getsockopt/setsockopt. Data transfer is in
// NetMessages.cpp. The checks come in Linux's order (net/socket.c): flags and user-supplied
// lengths first, then the descriptor (EBADF, ENOTSOCK), then the protocol (af_unix.c, here
// sockfs's UnixSocket).
//
// Only AF_UNIX exists; every other family answers EAFNOSUPPORT.
#include <asm-generic/socket.h>
#include <lib/UserCopy.h>
#include <syscalls/FsCommon.h>
#include <syscalls/NetCommon.h>
#include <syscalls/Syscall.h>

namespace sk {

static constexpr int af_max = 46; // NPROTO: family numbers Linux knows at all
static constexpr int sock_creation_flags = net::sock_nonblock | net::sock_cloexec;

// __sys_socket/__sock_create's checks, shared with socketpair: the SOCK_* flags split off
// (EINVAL for unknown bits), then family (EAFNOSUPPORT), type range (EINVAL), protocol
// (unix_create: 0 or PF_UNIX, else EPROTONOSUPPORT). Unknown types below SOCK_MAX are
// ESOCKTNOSUPPORT, from UnixSocket::try_create.
struct SocketKind {
    int type;
    int flags;
};

static Result<SocketKind> check_socket_arguments(int domain, int type_and_flags, int protocol)
{
    int flags = type_and_flags & ~net::sock_type_mask;
    if (flags & ~sock_creation_flags)
        return Error { EINVAL };
    int type = type_and_flags & net::sock_type_mask;
    if (domain < 0 || domain >= af_max)
        return Error { EAFNOSUPPORT };
    if (type >= net::sock_max)
        return Error { EINVAL };
    if (domain != net::af_unix)
        return Error { EAFNOSUPPORT };
    if (protocol != 0 && protocol != net::af_unix)
        return Error { EPROTONOSUPPORT };
    return SocketKind { type, flags };
}

static Result<long> sys_socket(const SyscallArguments& a)
{
    auto kind = TRY(check_socket_arguments(static_cast<int>(a.a0), static_cast<int>(a.a1), static_cast<int>(a.a2)));
    auto socket = TRY(UnixSocket::try_create(kind.type, current_socket_credentials()));
    auto file = TRY(open_socket_file(std::move(socket), kind.flags));
    return TRY(install_socket_file(std::move(file), kind.flags));
}
REGISTER_SYSCALL(__NR_socket, sys_socket);

static Result<long> sys_socketpair(const SyscallArguments& a)
{
    int domain = static_cast<int>(a.a0);
    uptr user_fds = a.a3;
    auto checked = check_socket_arguments(domain, static_cast<int>(a.a1), static_cast<int>(a.a2));
    // Linux has other families, but none of the common ones makes pairs (sock_no_socketpair):
    // a family Sockeye lacks answers what Linux's would, EOPNOTSUPP, not EAFNOSUPPORT.
    if (checked.is_error() && checked.error().code == EAFNOSUPPORT && domain > 0 && domain < af_max)
        return Error { EOPNOTSUPP };
    auto kind = TRY(std::move(checked));

    RefPtr<UnixSocket> first, second;
    auto groups = TRY(PeerGroups::try_create(Process::current().credentials()));
    TRY(UnixSocket::try_create_pair(kind.type, current_socket_credentials(), std::move(groups), first, second));
    auto first_file = TRY(open_socket_file(std::move(first), kind.flags));
    auto second_file = TRY(open_socket_file(std::move(second), kind.flags));

    FdTable& fds = Process::current().fds();
    int fd[2];
    fd[0] = TRY(install_socket_file(std::move(first_file), kind.flags));
    auto installed = install_socket_file(std::move(second_file), kind.flags);
    if (installed.is_error()) {
        (void)fds.remove(fd[0]);
        return installed.error();
    }
    fd[1] = installed.value();
    // Linux stores the numbers before installing the files: a fault leaves nothing open.
    if (auto copied = copy_to_user(user_fds, fd, sizeof fd); copied.is_error()) {
        (void)fds.remove(fd[0]);
        (void)fds.remove(fd[1]);
        return copied.error();
    }
    return 0;
}
REGISTER_SYSCALL(__NR_socketpair, sys_socketpair);

static Result<long> sys_bind(const SyscallArguments& a)
{
    auto descriptor = TRY(socket_descriptor(static_cast<int>(a.a0)));
    KernelSockaddr sockaddr;
    TRY(copy_address_in(sockaddr, a.a1, static_cast<int>(a.a2)));
    auto address = TRY(UnixAddress::parse(sockaddr.bytes, sockaddr.length));
    CurrentSocketCaller caller;
    TRY(descriptor.socket->bind(*descriptor.file, address, caller.get()));
    return 0;
}
REGISTER_SYSCALL(__NR_bind, sys_bind);

static Result<long> sys_listen(const SyscallArguments& a)
{
    auto descriptor = TRY(socket_descriptor(static_cast<int>(a.a0)));
    CurrentSocketCaller caller;
    TRY(descriptor.socket->listen(static_cast<int>(a.a1), caller.get()));
    return 0;
}
REGISTER_SYSCALL(__NR_listen, sys_listen);

static Result<long> sys_connect(const SyscallArguments& a)
{
    auto descriptor = TRY(socket_descriptor(static_cast<int>(a.a0)));
    KernelSockaddr sockaddr;
    TRY(copy_address_in(sockaddr, a.a1, static_cast<int>(a.a2)));
    UnixSocket& socket = *descriptor.socket;
    // unix_dgram_connect: AF_UNSPEC dissolves the association (after the length check).
    if (socket.type() == net::sock_dgram) {
        if (sockaddr.length < net::sun_path_offset)
            return Error { EINVAL };
        if (UnixAddress::is_unspec(sockaddr.bytes, sockaddr.length)) {
            TRY(socket.disconnect());
            return 0;
        }
    }
    auto address = TRY(UnixAddress::parse(sockaddr.bytes, sockaddr.length));
    CurrentSocketCaller caller;
    TRY(socket.connect(*descriptor.file, address, caller.get()));
    return 0;
}
REGISTER_SYSCALL(__NR_connect, sys_connect);

// accept4 as Linux orders it: the flags are checked, then a descriptor is reserved before a
// connection is dequeued (a full table is EMFILE and the connection stays queued for the
// next accept); the peer's address (when asked for) is written before the descriptor is
// filled, so a fault leaves nothing open (the connection is dropped, as in Linux).
static Result<RefPtr<OpenFile>> accept_file(const SocketDescriptor& descriptor, uptr user_address, uptr user_length, int flags)
{
    auto connection = TRY(descriptor.socket->accept(*descriptor.file));
    auto file = TRY(open_socket_file(connection, flags));
    if (user_address) {
        auto peer = connection->peer_address();
        if (peer.is_error())
            return Error { ECONNABORTED };
        TRY(copy_address_out(peer.value(), user_address, user_length));
    }
    return file;
}

static Result<long> do_accept(int fd, uptr user_address, uptr user_length, int flags)
{
    if (flags & ~sock_creation_flags)
        return Error { EINVAL };
    auto descriptor = TRY(socket_descriptor(fd));
    Process& process = Process::current();
    RefPtr<FdTable> fds = process.fd_table();
    int new_fd = TRY(fds->reserve(flags & net::sock_cloexec, process.fd_limit()));
    auto file = accept_file(descriptor, user_address, user_length, flags);
    if (file.is_error()) {
        fds->release_reserved(new_fd);
        return file.error();
    }
    fds->fill_reserved(new_fd, file.release_value());
    return new_fd;
}

static Result<long> sys_accept(const SyscallArguments& a) { return do_accept(static_cast<int>(a.a0), a.a1, a.a2, 0); }
REGISTER_SYSCALL(__NR_accept, sys_accept);

static Result<long> sys_accept4(const SyscallArguments& a)
{
    return do_accept(static_cast<int>(a.a0), a.a1, a.a2, static_cast<int>(a.a3));
}
REGISTER_SYSCALL(__NR_accept4, sys_accept4);

static Result<long> sys_getsockname(const SyscallArguments& a)
{
    auto descriptor = TRY(socket_descriptor(static_cast<int>(a.a0)));
    TRY(copy_address_out(descriptor.socket->local_address(), a.a1, a.a2));
    return 0;
}
REGISTER_SYSCALL(__NR_getsockname, sys_getsockname);

static Result<long> sys_getpeername(const SyscallArguments& a)
{
    auto descriptor = TRY(socket_descriptor(static_cast<int>(a.a0)));
    auto address = TRY(descriptor.socket->peer_address());
    TRY(copy_address_out(address, a.a1, a.a2));
    return 0;
}
REGISTER_SYSCALL(__NR_getpeername, sys_getpeername);

static Result<long> sys_shutdown(const SyscallArguments& a)
{
    auto descriptor = TRY(socket_descriptor(static_cast<int>(a.a0)));
    TRY(descriptor.socket->shutdown(static_cast<int>(a.a1)));
    return 0;
}
REGISTER_SYSCALL(__NR_shutdown, sys_shutdown);

// getsockopt: *optlen is read first (EFAULT), negative is EINVAL at SOL_SOCKET; the value is
// truncated to *optlen and *optlen gets what was copied (sk_getsockopt) — except that
// SO_PEERGROUPS is all or nothing: ERANGE, with *optlen set to the room needed.
static Result<long> sys_getsockopt(const SyscallArguments& a)
{
    auto descriptor = TRY(socket_descriptor(static_cast<int>(a.a0)));
    int level = static_cast<int>(a.a1);
    int name = static_cast<int>(a.a2);
    uptr user_value = a.a3;
    uptr user_length = a.a4;
    int room;
    TRY(copy_from_user(&room, user_length, sizeof room));
    if (level == net::sol_socket && room < 0)
        return Error { EINVAL };
    alignas(8) u8 value[net::max_option_size] {};
    size_t natural = TRY(descriptor.socket->get_option(level, name, value));
    if (level == net::sol_socket && name == SO_PEERGROUPS && natural > static_cast<size_t>(max(room, 0))) {
        int needed = static_cast<int>(natural);
        TRY(copy_to_user(user_length, &needed, sizeof needed));
        return Error { ERANGE };
    }
    size_t copied = min(natural, static_cast<size_t>(room < 0 ? 0 : room));
    if (copied)
        TRY(copy_to_user(user_value, value, copied));
    int written = static_cast<int>(copied);
    TRY(copy_to_user(user_length, &written, sizeof written));
    return 0;
}
REGISTER_SYSCALL(__NR_getsockopt, sys_getsockopt);

// setsockopt: a negative optlen is EINVAL before anything else; every SOL_SOCKET option a
// Unix socket has takes at least an int (EINVAL before the copy, as sk_setsockopt).
static Result<long> sys_setsockopt(const SyscallArguments& a)
{
    int length = static_cast<int>(a.a4);
    if (length < 0)
        return Error { EINVAL };
    auto descriptor = TRY(socket_descriptor(static_cast<int>(a.a0)));
    int level = static_cast<int>(a.a1);
    int name = static_cast<int>(a.a2);
    if (level != net::sol_socket)
        return Error { EOPNOTSUPP }; // unix sockets have no options of their own
    if (static_cast<size_t>(length) < sizeof(int))
        return Error { EINVAL };
    alignas(8) u8 value[16] {};
    size_t copied = min(static_cast<size_t>(length), sizeof value);
    TRY(copy_from_user(value, a.a3, copied));
    TRY(descriptor.socket->set_option(level, name, value, copied, Process::current().credentials().is_superuser()));
    return 0;
}
REGISTER_SYSCALL(__NR_setsockopt, sys_setsockopt);

} // namespace sk
