// FileBlockDevice: a BlockDevice over a host file (for the ext2 and block cache tests), and
// MemoryBlockDevice: one over a byte array that counts transfers.
#pragma once

#include <drivers/BlockDevice.h>
#include <string>
#include <vector>

namespace sk::test {

class FileBlockDevice final : public BlockDevice {
public:
    static RefPtr<FileBlockDevice> open(const std::string& path);
    ~FileBlockDevice() override;

    u64 sector_count() const override { return m_sectors; }
    Result<void> read_sectors(u64 sector, void* buffer, size_t count) override;
    Result<void> write_sectors(u64 sector, const void* buffer, size_t count) override;
    Result<void> flush() override;
    const char* name() const override { return "file"; }

    size_t flushes { 0 };
    bool fail_writes { false };

private:
    FileBlockDevice(int fd, u64 sectors) : m_fd(fd), m_sectors(sectors) { }
    int m_fd;
    u64 m_sectors;
};

class MemoryBlockDevice final : public BlockDevice {
public:
    explicit MemoryBlockDevice(u64 sectors) : m_data(sectors * sector_size) { }
    u64 sector_count() const override { return m_data.size() / sector_size; }
    Result<void> read_sectors(u64 sector, void* buffer, size_t count) override;
    Result<void> write_sectors(u64 sector, const void* buffer, size_t count) override;
    Result<void> flush() override
    {
        ++flushes;
        return {};
    }
    const char* name() const override { return "memory"; }

    std::vector<u8> m_data;
    size_t reads { 0 }, writes { 0 }, flushes { 0 };
};

} // namespace sk::test
