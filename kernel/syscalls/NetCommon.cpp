// NetCommon: descriptor look-up, caller context, address copies and socket installation for
// the socket syscalls (see NetCommon.h). Also the process side of sockfs's credentials hook.
#include <lib/UserCopy.h>
#include <string.h>
#include <syscalls/FsCommon.h>
#include <syscalls/NetCommon.h>

namespace sk {

// struct ucred of the caller: tgid, euid, egid (what SO_PEERCRED reports; Linux's
// SCM_CREDENTIALS default uses the real ids, which differ only in set-id programs).
SocketCredentials current_socket_credentials()
{
    Process& process = Process::current();
    Credentials credentials = process.credentials();
    return SocketCredentials { process.pid(), credentials.euid, credentials.egid };
}

Result<SocketDescriptor> socket_descriptor(int fd)
{
    auto file = TRY(open_file(fd));
    UnixSocket* socket = UnixSocket::from_file(*file);
    if (!socket)
        return Error { ENOTSOCK };
    return SocketDescriptor { std::move(file), socket };
}

static RefPtr<Custody> cwd_of(Process& process)
{
    auto cwd = process.cwd();
    return cwd ? cwd : VirtualFileSystem::the().root_custody();
}

CurrentSocketCaller::CurrentSocketCaller()
    : CurrentSocketCaller(Process::current())
{
}

CurrentSocketCaller::CurrentSocketCaller(Process& process)
    : m_credentials(process.credentials())
    , m_cwd(cwd_of(process))
    , m_caller { SocketCredentials { process.pid(), m_credentials.euid, m_credentials.egid }, m_credentials, *m_cwd,
        process.umask(), static_cast<u64>(process.fd_limit()) }
{
}

Result<void> copy_address_in(KernelSockaddr& out, uptr user_address, i64 length)
{
    if (length < 0 || static_cast<u64>(length) > net::sockaddr_storage_size)
        return Error { EINVAL };
    out.length = static_cast<size_t>(length);
    if (length)
        TRY(copy_from_user(out.bytes, user_address, out.length));
    return {};
}

Result<void> copy_encoded_address_out(const u8* encoded, size_t length, uptr user_address, uptr user_length)
{
    int room;
    TRY(copy_from_user(&room, user_length, sizeof room));
    if (room < 0)
        return Error { EINVAL };
    size_t copied = min(static_cast<size_t>(room), length);
    if (copied)
        TRY(copy_to_user(user_address, encoded, copied));
    int full = static_cast<int>(length);
    return copy_to_user(user_length, &full, sizeof full);
}

Result<void> copy_address_out(const UnixAddress& address, uptr user_address, uptr user_length)
{
    u8 encoded[UnixAddress::max_encoded_length];
    size_t length = address.encode(encoded);
    return copy_encoded_address_out(encoded, length, user_address, user_length);
}

Result<RefPtr<OpenFile>> open_socket_file(RefPtr<UnixSocket> socket, int sock_flags)
{
    auto* sockfs = TRY(SockFileSystem::try_the());
    Credentials credentials = Process::current().credentials();
    u32 flags = O_RDWR | ((sock_flags & net::sock_nonblock) ? O_NONBLOCK : 0);
    return sockfs->try_open(std::move(socket), credentials.fsuid, credentials.fsgid, flags);
}

Result<int> install_socket_file(RefPtr<OpenFile> file, int sock_flags)
{
    Process& process = Process::current();
    return process.fds().allocate(std::move(file), sock_flags & net::sock_cloexec, process.fd_limit());
}

} // namespace sk
