// DevFileSystem: creates the boot-time device nodes on a fresh tmpfs instance.
#include <drivers/MemoryDevices.h>
#include <fs/devfs/DevFileSystem.h>
#include <new>
#include <vfs/CharacterDevices.h>
#include <vfs/FileMode.h>

namespace sk {

namespace {

struct DeviceNode {
    const char* name;
    u32 major;
    u32 minor;
    u32 mode;
};

constexpr DeviceNode boot_nodes[] = {
    { "console", 5, 1, 0600 },
    { "tty", 5, 0, 0666 },
    { "null", memory_devices_major, null_minor, 0666 },
    { "zero", memory_devices_major, zero_minor, 0666 },
    { "full", memory_devices_major, full_minor, 0666 },
    { "random", memory_devices_major, random_minor, 0666 },
    { "urandom", memory_devices_major, urandom_minor, 0666 },
};

}

DevFileSystem::DevFileSystem()
    : TmpfsFileSystem(0755, 0, 0, default_size_limit)
{
}

Result<RefPtr<DevFileSystem>> DevFileSystem::try_create()
{
    TRY(register_memory_devices());
    auto* raw = new (std::nothrow) DevFileSystem;
    if (!raw)
        return Error { ENOMEM };
    RefPtr<DevFileSystem> fs(raw);
    TRY(fs->create_root());
    RefPtr<Inode> root = fs->peek_root();
    for (auto& node : boot_nodes)
        TRY(root->mknod(StringView(node.name), S_IFCHR | node.mode, encode_device(node.major, node.minor), 0, 0));
    return fs;
}

} // namespace sk
