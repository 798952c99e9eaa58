// The kernel's instance of the Unix socket name tables.
#include <sockfs/UnixNames.h>
#include <sockfs/UnixSocket.h>

namespace sk {

static SocketNameTable<UnixSocket> s_unix_names;

SocketNameTable<UnixSocket>& unix_names() { return s_unix_names; }

} // namespace sk
