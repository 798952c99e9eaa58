// RingBuffer: a fixed-capacity byte FIFO (pipes, the tty's input queue, socket byte queues).
//
// The storage is allocated once by try_create and never grows. Bytes live in
// [m_head, m_head + m_used) modulo capacity. Not synchronized: the owner's lock guards it.
//
// The IoBuffer variants copy straight between the ring and a user's (possibly scattered)
// buffer. They are all-or-nothing: when a copy faults (EFAULT) nothing is committed
// (write_from) or consumed (read_into), so the caller can report the fault with the queue
// unchanged.
#pragma once

#include <lib/IoBuffer.h>
#include <lib/Result.h>
#include <lib/Types.h>
#include <utility>

namespace sk {

class RingBuffer {
public:
    // EINVAL for a zero capacity, ENOMEM if the storage cannot be allocated.
    static Result<RingBuffer> try_create(size_t capacity);

    RingBuffer(RingBuffer&& other)
        : m_data(std::exchange(other.m_data, nullptr))
        , m_capacity(std::exchange(other.m_capacity, 0))
        , m_head(std::exchange(other.m_head, 0))
        , m_used(std::exchange(other.m_used, 0))
    {
    }
    RingBuffer& operator=(RingBuffer&& other);
    RingBuffer(const RingBuffer&) = delete;
    RingBuffer& operator=(const RingBuffer&) = delete;
    ~RingBuffer();

    size_t capacity() const { return m_capacity; }
    size_t used() const { return m_used; }
    size_t free_space() const { return m_capacity - m_used; }
    bool is_empty() const { return m_used == 0; }
    bool is_full() const { return m_used == m_capacity; }

    // Each returns the number of bytes moved: min(n, what is there / what fits).
    size_t write(const u8* data, size_t n);
    size_t read(u8* out, size_t n);
    // Copies without consuming, starting `offset` bytes past the oldest byte.
    size_t peek(size_t offset, u8* out, size_t n) const;
    size_t discard(size_t n);
    void clear() { m_head = m_used = 0; }

    // As write/read/peek, with `buffer_offset` into the IoBuffer; EFAULT leaves the ring as it was.
    Result<size_t> write_from(const IoBuffer& source, size_t buffer_offset, size_t n);
    Result<size_t> read_into(const IoBuffer& destination, size_t buffer_offset, size_t n);
    Result<size_t> peek_into(const IoBuffer& destination, size_t buffer_offset, size_t offset, size_t n) const;

private:
    RingBuffer(u8* data, size_t capacity)
        : m_data(data)
        , m_capacity(capacity)
    {
    }

    // The (at most two) contiguous pieces of `n` bytes starting `offset` bytes past `start`.
    struct Pieces {
        size_t first_index;
        size_t first_length;
        size_t second_length; // always starts at index 0
    };
    Pieces pieces(size_t start, size_t offset, size_t n) const;
    size_t tail() const { return wrap(m_head + m_used); }
    size_t wrap(size_t index) const { return index >= m_capacity ? index - m_capacity : index; }

    u8* m_data { nullptr };
    size_t m_capacity { 0 };
    size_t m_head { 0 }; // index of the oldest byte
    size_t m_used { 0 };
};

} // namespace sk
