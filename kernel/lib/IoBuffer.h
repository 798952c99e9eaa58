// IoBuffer: the memory a read or write moves bytes to or from — kernel memory, or user memory
// given as one range or as an iovec array (readv/writev/sendmsg). FileOperations take it so
// that every kind of file copies straight between the user's buffer and its own storage, once.
//
// Offsets are relative to the start of the (possibly scattered) buffer. User-memory copies go
// through copy_{from,to}_user and yield EFAULT for a bad address.
#pragma once

#include <lib/Result.h>
#include <lib/Types.h>

namespace sk {

struct IoSegment {
    uptr base;
    size_t length;
};

class IoBuffer {
public:
    static IoBuffer kernel(void* data, size_t length) { return IoBuffer(false, data, length); }
    static IoBuffer kernel(const void* data, size_t length) { return IoBuffer(false, const_cast<void*>(data), length); }
    static IoBuffer user(uptr address, size_t length) { return IoBuffer(true, reinterpret_cast<void*>(address), length); }
    // The segment array must outlive the buffer. total is the sum of the segment lengths.
    static IoBuffer user_vector(const IoSegment* segments, size_t count, size_t total)
    {
        IoBuffer buffer(true, nullptr, total);
        buffer.m_segments = segments;
        buffer.m_segment_count = count;
        return buffer;
    }

    // Scattered kernel memory: each segment's base is a kernel address. Same lifetime rule.
    static IoBuffer kernel_vector(const IoSegment* segments, size_t count, size_t total)
    {
        IoBuffer buffer(false, nullptr, total);
        buffer.m_segments = segments;
        buffer.m_segment_count = count;
        return buffer;
    }

    size_t size() const { return m_size; }
    bool is_user() const { return m_is_user; }

    // Copy n bytes out of this buffer (at offset) into kernel memory.
    Result<void> read(size_t offset, void* dst, size_t n) const;
    // Copy n bytes from kernel memory into this buffer (at offset).
    Result<void> write(size_t offset, const void* src, size_t n) const;
    Result<void> fill_zero(size_t offset, size_t n) const;
    // Move n bytes between two buffers (e.g. a writer's buffer straight into a reader's).
    static Result<void> copy(const IoBuffer& dst, size_t dst_offset, const IoBuffer& src, size_t src_offset, size_t n);

private:
    IoBuffer(bool is_user, void* data, size_t size) : m_is_user(is_user), m_single { reinterpret_cast<uptr>(data), size }, m_size(size) { }
    template<typename Fn>
    Result<void> for_each_piece(size_t offset, size_t n, Fn fn) const;

    bool m_is_user;
    IoSegment m_single;
    const IoSegment* m_segments { nullptr };
    size_t m_segment_count { 0 };
    size_t m_size;
};

} // namespace sk
