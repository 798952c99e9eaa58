// sockaddr_un parsing and encoding with Linux's length and NUL rules (see UnixAddress.h).
#include <sockfs/logic/UnixAddress.h>
#include <string.h>

namespace sk {

static u16 read_family(const void* sockaddr)
{
    u16 family;
    memcpy(&family, sockaddr, sizeof(family));
    return family;
}

Result<UnixAddress> UnixAddress::parse(const void* sockaddr, size_t addrlen)
{
    if (addrlen < net::sun_path_offset || addrlen > net::sockaddr_storage_size)
        return Error { EINVAL };
    if (read_family(sockaddr) != net::af_unix)
        return Error { EINVAL };
    if (addrlen == net::sun_path_offset)
        return UnixAddress();
    if (addrlen > net::sockaddr_un_size)
        return Error { EINVAL };

    auto* path = static_cast<const u8*>(sockaddr) + net::sun_path_offset;
    size_t available = addrlen - net::sun_path_offset;
    UnixAddress address;
    if (path[0] == '\0') {
        address.m_kind = Kind::Abstract;
        address.m_length = static_cast<u8>(available);
        memcpy(address.m_bytes, path, available);
        return address;
    }
    size_t length = 0;
    while (length < available && path[length] != '\0')
        ++length;
    address.m_kind = Kind::Path;
    address.m_length = static_cast<u8>(length);
    memcpy(address.m_bytes, path, length);
    return address;
}

UnixAddress UnixAddress::path(StringView path)
{
    VERIFY(!path.is_empty() && path.length() <= net::sun_path_max && path[0] != '\0');
    UnixAddress address;
    address.m_kind = Kind::Path;
    address.m_length = static_cast<u8>(path.length());
    memcpy(address.m_bytes, path.chars(), path.length());
    return address;
}

UnixAddress UnixAddress::abstract(StringView name)
{
    VERIFY(name.length() < net::sun_path_max);
    UnixAddress address;
    address.m_kind = Kind::Abstract;
    address.m_length = static_cast<u8>(name.length() + 1);
    address.m_bytes[0] = '\0';
    if (name.length())
        memcpy(address.m_bytes + 1, name.chars(), name.length());
    return address;
}

bool UnixAddress::is_unspec(const void* sockaddr, size_t addrlen)
{
    return addrlen >= sizeof(u16) && read_family(sockaddr) == net::af_unspec;
}

size_t UnixAddress::encoded_length() const
{
    switch (m_kind) {
    case Kind::Unnamed:
        return net::sun_path_offset;
    case Kind::Path:
        return net::sun_path_offset + m_length + 1;
    case Kind::Abstract:
        return net::sun_path_offset + m_length;
    }
    VERIFY_NOT_REACHED();
}

size_t UnixAddress::encode(u8* out) const
{
    u16 family = net::af_unix;
    memcpy(out, &family, sizeof(family));
    if (m_length)
        memcpy(out + net::sun_path_offset, m_bytes, m_length);
    if (m_kind == Kind::Path)
        out[net::sun_path_offset + m_length] = '\0';
    return encoded_length();
}

UnixAddress autobind_address(u32 counter)
{
    static constexpr char digits[] = "0123456789abcdef";
    char name[5];
    for (int i = 4; i >= 0; --i) {
        name[i] = digits[counter & 0xf];
        counter >>= 4;
    }
    return UnixAddress::abstract(StringView(name, sizeof(name)));
}

} // namespace sk
