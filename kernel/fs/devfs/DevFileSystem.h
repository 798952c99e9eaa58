// DevFileSystem: /dev — a tmpfs (root 0755) populated at creation with the standard device
// nodes: console (c 5:1, 0600), tty (c 5:0), null (1:3), zero (1:5), full (1:7),
// random (1:8), urandom (1:9), the others 0666, all owned by root. Creating it registers the
// memory devices' drivers; the tty drivers (major 5) are registered by the console driver.
// Nodes can be added (mknod) and removed like in any tmpfs, as with Linux's devtmpfs.
#pragma once

#include <fs/tmpfs/TmpfsFileSystem.h>

namespace sk {

class DevFileSystem final : public TmpfsFileSystem {
public:
    static Result<RefPtr<DevFileSystem>> try_create();

    const char* name() const override { return "devtmpfs"; }

private:
    DevFileSystem();
};

} // namespace sk
