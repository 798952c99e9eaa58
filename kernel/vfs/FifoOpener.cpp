#include <atomic>
#include <vfs/FifoOpener.h>

namespace sk {

static std::atomic<FifoOpener> s_fifo_opener { nullptr };

void set_fifo_opener(FifoOpener opener) { s_fifo_opener.store(opener, std::memory_order_release); }

Result<RefPtr<FileOperations>> open_fifo(Inode& fifo, u32 flags)
{
    auto opener = s_fifo_opener.load(std::memory_order_acquire);
    if (!opener)
        return Error { ENXIO }; // FIXME: FIFOs open once the pipe code installs its opener.
    return opener(fifo, flags);
}

} // namespace sk
