// UnixAddress: a parsed sockaddr_un, in the three forms Linux knows — unnamed (only
// sun_family), a filesystem path, or an abstract name (sun_path[0] == '\0', the rest of the
// addrlen-delimited bytes, NULs included).
//
// Parsing follows net/unix/af_unix.c (unix_validate_addr, unix_mkname_bsd): addrlen must be
// in (2, sizeof(sockaddr_un)] (exactly 2 is "unnamed", which bind turns into an autobind),
// sun_family must be AF_UNIX, and a path ends at its first NUL or at addrlen — so a 108-byte
// path without a NUL is valid. Lengths reported back (getsockname, getpeername, recvfrom)
// are Linux's: 2 unnamed, offsetof(sun_path) + strlen + 1 for a path (111 for a 108-byte
// one: Linux counts the NUL it appended past sun_path), offsetof(sun_path) + name length for
// an abstract name.
#pragma once

#include <lib/Result.h>
#include <lib/StringView.h>
#include <lib/Types.h>
#include <sockfs/logic/SocketAbi.h>

namespace sk {

class UnixAddress {
public:
    enum class Kind : u8 { Unnamed, Path, Abstract };

    // The largest sockaddr Linux reports: a full sun_path plus the NUL it appends.
    static constexpr size_t max_encoded_length = net::sockaddr_un_size + 1;

    UnixAddress() = default;

    // Parses the bytes the caller passed (already copied into kernel memory; the syscall
    // layer rejects addrlen > sizeof(sockaddr_storage) before copying). EINVAL for a bad
    // length or family.
    static Result<UnixAddress> parse(const void* sockaddr, size_t addrlen);
    static UnixAddress path(StringView path);
    static UnixAddress abstract(StringView name_without_leading_nul);

    // connect/sendto on a datagram socket with sa_family == AF_UNSPEC dissolve the association.
    static bool is_unspec(const void* sockaddr, size_t addrlen);

    Kind kind() const { return m_kind; }
    bool is_unnamed() const { return m_kind == Kind::Unnamed; }
    bool is_path() const { return m_kind == Kind::Path; }
    bool is_abstract() const { return m_kind == Kind::Abstract; }

    // Path: the path without a NUL. Abstract: the name including its leading NUL.
    StringView bytes() const { return StringView(reinterpret_cast<const char*>(m_bytes), m_length); }

    // The addrlen Linux reports for this address.
    size_t encoded_length() const;
    // Writes the sockaddr_un (family, name, trailing NUL for a path) into out, which holds
    // max_encoded_length bytes; returns encoded_length().
    size_t encode(u8* out) const;

    bool operator==(const UnixAddress& other) const { return m_kind == other.m_kind && bytes() == other.bytes(); }

private:
    Kind m_kind { Kind::Unnamed };
    u8 m_length { 0 };
    u8 m_bytes[net::sun_path_max] {};
};

// The 5-hex-digit autobind name for a counter value ("\0" + "%05x" of its low 20 bits).
UnixAddress autobind_address(u32 counter);
constexpr u32 autobind_name_space = 0x100000;

} // namespace sk
