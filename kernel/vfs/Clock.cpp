#include <atomic>
#include <vfs/Clock.h>

namespace sk {

static std::atomic<ClockSource> s_clock_source { nullptr };

void set_filesystem_clock(ClockSource source) { s_clock_source.store(source, std::memory_order_release); }

Timespec filesystem_now()
{
    auto source = s_clock_source.load(std::memory_order_acquire);
    return source ? source() : Timespec {};
}

} // namespace sk
