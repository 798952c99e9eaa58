#include <lib/RingBuffer.h>
#include <new>
#include <string.h>

namespace sk {

Result<RingBuffer> RingBuffer::try_create(size_t capacity)
{
    if (capacity == 0)
        return Error { EINVAL };
    auto* data = new (std::nothrow) u8[capacity];
    if (!data)
        return Error { ENOMEM };
    return RingBuffer(data, capacity);
}

RingBuffer& RingBuffer::operator=(RingBuffer&& other)
{
    if (this != &other) {
        delete[] m_data;
        m_data = std::exchange(other.m_data, nullptr);
        m_capacity = std::exchange(other.m_capacity, 0);
        m_head = std::exchange(other.m_head, 0);
        m_used = std::exchange(other.m_used, 0);
    }
    return *this;
}

RingBuffer::~RingBuffer() { delete[] m_data; }

// Requires start < capacity and offset + n <= capacity.
RingBuffer::Pieces RingBuffer::pieces(size_t start, size_t offset, size_t n) const
{
    size_t first_index = wrap(start + offset);
    size_t first_length = min(n, m_capacity - first_index);
    return { first_index, first_length, n - first_length };
}

size_t RingBuffer::write(const u8* data, size_t n)
{
    n = min(n, free_space());
    Pieces p = pieces(tail(), 0, n);
    if (p.first_length)
        memcpy(m_data + p.first_index, data, p.first_length);
    if (p.second_length)
        memcpy(m_data, data + p.first_length, p.second_length);
    m_used += n;
    return n;
}

size_t RingBuffer::peek(size_t offset, u8* out, size_t n) const
{
    if (offset >= m_used)
        return 0;
    n = min(n, m_used - offset);
    Pieces p = pieces(m_head, offset, n);
    if (p.first_length)
        memcpy(out, m_data + p.first_index, p.first_length);
    if (p.second_length)
        memcpy(out + p.first_length, m_data, p.second_length);
    return n;
}

size_t RingBuffer::read(u8* out, size_t n) { return discard(peek(0, out, n)); }

size_t RingBuffer::discard(size_t n)
{
    n = min(n, m_used);
    m_head = wrap(m_head + n);
    m_used -= n;
    // An empty ring restarts at 0 so that the next write is one contiguous piece.
    if (m_used == 0)
        m_head = 0;
    return n;
}

Result<size_t> RingBuffer::write_from(const IoBuffer& source, size_t buffer_offset, size_t n)
{
    n = min(n, free_space());
    Pieces p = pieces(tail(), 0, n);
    if (p.first_length)
        TRY(source.read(buffer_offset, m_data + p.first_index, p.first_length));
    if (p.second_length)
        TRY(source.read(buffer_offset + p.first_length, m_data, p.second_length));
    m_used += n;
    return n;
}

Result<size_t> RingBuffer::peek_into(const IoBuffer& destination, size_t buffer_offset, size_t offset, size_t n) const
{
    if (offset >= m_used)
        return size_t(0);
    n = min(n, m_used - offset);
    Pieces p = pieces(m_head, offset, n);
    if (p.first_length)
        TRY(destination.write(buffer_offset, m_data + p.first_index, p.first_length));
    if (p.second_length)
        TRY(destination.write(buffer_offset + p.first_length, m_data, p.second_length));
    return n;
}

Result<size_t> RingBuffer::read_into(const IoBuffer& destination, size_t buffer_offset, size_t n)
{
    size_t copied = TRY(peek_into(destination, buffer_offset, 0, n));
    return discard(copied);
}

} // namespace sk
