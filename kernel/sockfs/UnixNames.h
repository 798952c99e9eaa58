// The kernel's one table of Unix socket names: the bound-socket registry (filesystem node →
// socket) and the abstract namespace. See logic/SocketNameTable.h.
#pragma once

#include <sockfs/logic/SocketNameTable.h>

namespace sk {

class UnixSocket;
SocketNameTable<UnixSocket>& unix_names();

} // namespace sk
