// NetCommon: what the socket syscall families (NetSockets.cpp, NetMessages.cpp) share at the
// user boundary — finding the socket behind a descriptor (EBADF, ENOTSOCK), the caller
// context sockfs needs (SocketCaller), socket addresses copied in and out with Linux's
// move_addr_to_kernel/move_addr_to_user rules, and installing a new socket as a descriptor.
//
// Only AF_UNIX exists: every socket is a sockfs UnixSocket.
#pragma once

#include <lib/RefPtr.h>
#include <lib/Result.h>
#include <proc/Credentials.h>
#include <sockfs/SockFileSystem.h>
#include <sockfs/UnixSocket.h>
#include <vfs/Custody.h>
#include <vfs/OpenFile.h>

namespace sk {

// The open file at fd and the socket behind it. The file reference keeps the socket alive.
struct SocketDescriptor {
    RefPtr<OpenFile> file;
    UnixSocket* socket { nullptr };
};
Result<SocketDescriptor> socket_descriptor(int fd);

// The calling process as sockfs sees it: a snapshot of its credentials, its cwd (the base of
// a relative socket path), umask and RLIMIT_NOFILE. Not copyable: SocketCaller refers into it.
class CurrentSocketCaller {
public:
    CurrentSocketCaller();
    CurrentSocketCaller(const CurrentSocketCaller&) = delete;
    CurrentSocketCaller& operator=(const CurrentSocketCaller&) = delete;

    const SocketCaller& get() const { return m_caller; }
    const Credentials& credentials() const { return m_credentials; }

private:
    explicit CurrentSocketCaller(Process& process);

    Credentials m_credentials;
    RefPtr<Custody> m_cwd;
    SocketCaller m_caller;
};

// A socket address copied in from user memory (Linux's move_addr_to_kernel): EINVAL for a
// length below 0 or above sizeof(sockaddr_storage), EFAULT for a bad pointer. The bytes past
// length are zero.
struct KernelSockaddr {
    u8 bytes[net::sockaddr_storage_size] {};
    size_t length { 0 };
};
Result<void> copy_address_in(KernelSockaddr& out, uptr user_address, i64 length);

// Writes an address back as Linux's move_addr_to_user does: reads the caller's buffer size
// from *user_length (EFAULT; EINVAL if negative), copies at most that much, and stores the
// address's full length in *user_length.
Result<void> copy_address_out(const UnixAddress& address, uptr user_address, uptr user_length);
// The same for an address that is already encoded (length bytes at encoded).
Result<void> copy_encoded_address_out(const u8* encoded, size_t length, uptr user_address, uptr user_length);

// Wraps a socket in a sockfs open file owned by the caller's fs ids and installs it at the
// lowest free descriptor. sock_flags: SOCK_NONBLOCK and SOCK_CLOEXEC.
Result<RefPtr<OpenFile>> open_socket_file(RefPtr<UnixSocket> socket, int sock_flags);
Result<int> install_socket_file(RefPtr<OpenFile> file, int sock_flags);

} // namespace sk
