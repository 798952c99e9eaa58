#include "FileBlockDevice.h"
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

namespace sk::test {

RefPtr<FileBlockDevice> FileBlockDevice::open(const std::string& path)
{
    int fd = ::open(path.c_str(), O_RDWR);
    if (fd < 0)
        return nullptr;
    struct stat st;
    if (fstat(fd, &st) < 0) {
        ::close(fd);
        return nullptr;
    }
    return RefPtr<FileBlockDevice>(new FileBlockDevice(fd, u64(st.st_size) / sector_size));
}

FileBlockDevice::~FileBlockDevice() { ::close(m_fd); }

Result<void> FileBlockDevice::read_sectors(u64 sector, void* buffer, size_t count)
{
    if (sector + count > m_sectors)
        return Error { EIO };
    size_t length = count * sector_size;
    if (pread(m_fd, buffer, length, off_t(sector * sector_size)) != ssize_t(length))
        return Error { EIO };
    return {};
}

Result<void> FileBlockDevice::write_sectors(u64 sector, const void* buffer, size_t count)
{
    if (sector + count > m_sectors || fail_writes)
        return Error { EIO };
    size_t length = count * sector_size;
    if (pwrite(m_fd, buffer, length, off_t(sector * sector_size)) != ssize_t(length))
        return Error { EIO };
    return {};
}

Result<void> FileBlockDevice::flush()
{
    ++flushes;
    return {};
}

Result<void> MemoryBlockDevice::read_sectors(u64 sector, void* buffer, size_t count)
{
    if ((sector + count) * sector_size > m_data.size())
        return Error { EIO };
    memcpy(buffer, m_data.data() + sector * sector_size, count * sector_size);
    ++reads;
    return {};
}

Result<void> MemoryBlockDevice::write_sectors(u64 sector, const void* buffer, size_t count)
{
    if ((sector + count) * sector_size > m_data.size())
        return Error { EIO };
    memcpy(m_data.data() + sector * sector_size, buffer, count * sector_size);
    ++writes;
    return {};
}

} // namespace sk::test
