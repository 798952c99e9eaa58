// BlockDevice: a disk addressed in 512-byte sectors. virtio-blk implements it in the kernel;
// the host tests implement it over a file. Callers may sleep until the transfer completes.
#pragma once

#include <lib/RefPtr.h>
#include <lib/Result.h>
#include <lib/Types.h>

namespace sk {

class BlockDevice : public RefCounted<BlockDevice> {
public:
    static constexpr size_t sector_size = 512;
    virtual ~BlockDevice() = default;

    virtual u64 sector_count() const = 0;
    virtual Result<void> read_sectors(u64 sector, void* buffer, size_t count) = 0;
    virtual Result<void> write_sectors(u64 sector, const void* buffer, size_t count) = 0;
    virtual Result<void> flush() = 0;
    virtual const char* name() const = 0;
};

} // namespace sk
