// FileSystem: hands every instance a unique device number (st_dev) for its lifetime.
// Numbers come from one atomic counter and are never reused, so a (device, inode) pair
// identifies a file even after a umount and a new mount.
#include <atomic>
#include <vfs/FileSystem.h>

namespace sk {

static std::atomic<u32> s_next_device_id { 1 };

FileSystem::FileSystem()
    : m_device_id(s_next_device_id.fetch_add(1, std::memory_order_relaxed))
{
}

} // namespace sk
