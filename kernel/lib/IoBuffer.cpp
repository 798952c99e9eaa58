// IoBuffer: walks the (possibly scattered) segments and copies piecewise through the one
// user-copy primitive pair.
#include <lib/IoBuffer.h>
#include <lib/UserCopy.h>
#include <string.h>

namespace sk {

template<typename Fn>
Result<void> IoBuffer::for_each_piece(size_t offset, size_t n, Fn fn) const
{
    if (offset > m_size || n > m_size - offset)
        return Error { EFAULT };
    const IoSegment* segments = m_segments ? m_segments : &m_single;
    size_t count = m_segments ? m_segment_count : 1;
    size_t done = 0;
    for (size_t i = 0; i < count && done < n; ++i) {
        const IoSegment& segment = segments[i];
        if (offset >= segment.length) {
            offset -= segment.length;
            continue;
        }
        size_t chunk = min(segment.length - offset, n - done);
        TRY(fn(segment.base + offset, done, chunk));
        done += chunk;
        offset = 0;
    }
    // Segments shorter than the advertised total: never report a short copy as success.
    if (done < n)
        return Error { EFAULT };
    return {};
}

Result<void> IoBuffer::read(size_t offset, void* dst, size_t n) const
{
    auto* out = static_cast<u8*>(dst);
    return for_each_piece(offset, n, [&](uptr address, size_t done, size_t chunk) -> Result<void> {
        if (m_is_user)
            return copy_from_user(out + done, address, chunk);
        memcpy(out + done, reinterpret_cast<const void*>(address), chunk);
        return {};
    });
}

Result<void> IoBuffer::write(size_t offset, const void* src, size_t n) const
{
    auto* in = static_cast<const u8*>(src);
    return for_each_piece(offset, n, [&](uptr address, size_t done, size_t chunk) -> Result<void> {
        if (m_is_user)
            return copy_to_user(address, in + done, chunk);
        memcpy(reinterpret_cast<void*>(address), in + done, chunk);
        return {};
    });
}

Result<void> IoBuffer::fill_zero(size_t offset, size_t n) const
{
    return for_each_piece(offset, n, [&](uptr address, size_t, size_t chunk) -> Result<void> {
        if (m_is_user)
            return clear_user(address, chunk);
        memset(reinterpret_cast<void*>(address), 0, chunk);
        return {};
    });
}

Result<void> IoBuffer::copy(const IoBuffer& dst, size_t dst_offset, const IoBuffer& src, size_t src_offset, size_t n)
{
    if (!src.m_is_user)
        return src.for_each_piece(src_offset, n, [&](uptr address, size_t done, size_t chunk) {
            return dst.write(dst_offset + done, reinterpret_cast<const void*>(address), chunk);
        });
    if (!dst.m_is_user)
        return dst.for_each_piece(dst_offset, n, [&](uptr address, size_t done, size_t chunk) {
            return src.read(src_offset + done, reinterpret_cast<void*>(address), chunk);
        });
    // User to user (another address space is never mapped here): bounce through the stack.
    u8 bounce[256];
    for (size_t done = 0; done < n;) {
        size_t chunk = min(n - done, sizeof(bounce));
        TRY(src.read(src_offset + done, bounce, chunk));
        TRY(dst.write(dst_offset + done, bounce, chunk));
        done += chunk;
    }
    return {};
}

} // namespace sk
