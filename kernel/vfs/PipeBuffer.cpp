// PipeBuffer: see PipeBuffer.h for the slot rules.
#include <new>
#include <vfs/PipeBuffer.h>

namespace sk {

Result<PipeBuffer> PipeBuffer::try_create()
{
    auto* pages = new (std::nothrow) u8[capacity];
    if (!pages)
        return Error { ENOMEM };
    return PipeBuffer(pages);
}

PipeBuffer::PipeBuffer(PipeBuffer&& other)
    : m_pages(std::exchange(other.m_pages, nullptr))
    , m_oldest(other.m_oldest)
    , m_used(other.m_used)
    , m_bytes(other.m_bytes)
{
    for (size_t i = 0; i < slot_count; ++i)
        m_slots[i] = other.m_slots[i];
    other.clear();
}

PipeBuffer::~PipeBuffer() { delete[] m_pages; }

Result<bool> PipeBuffer::try_merge(const IoBuffer& source, size_t source_offset, size_t n)
{
    if (m_used == 0)
        return false;
    size_t newest = slot_at(m_used - 1);
    Slot& slot = m_slots[newest];
    size_t end = slot.offset + slot.length;
    if (end + n > page_size)
        return false;
    TRY(source.read(source_offset, page(newest) + end, n));
    slot.length += static_cast<u32>(n);
    m_bytes += n;
    return true;
}

Result<size_t> PipeBuffer::append_page(const IoBuffer& source, size_t source_offset, size_t n)
{
    VERIFY(!is_full());
    n = min(n, page_size);
    size_t index = slot_at(m_used);
    TRY(source.read(source_offset, page(index), n));
    m_slots[index] = Slot { 0, static_cast<u32>(n) };
    ++m_used;
    m_bytes += n;
    return n;
}

Result<size_t> PipeBuffer::read(const IoBuffer& destination, size_t n)
{
    // Copy first, consume after: a fault leaves the buffer as it was.
    size_t copied = 0;
    size_t slots_done = 0;
    for (size_t age = 0; age < m_used && copied < n; ++age) {
        size_t index = slot_at(age);
        Slot& slot = m_slots[index];
        size_t chunk = min<size_t>(slot.length, n - copied);
        TRY(destination.write(copied, page(index) + slot.offset, chunk));
        copied += chunk;
        if (chunk == slot.length)
            ++slots_done;
    }
    // Consume: whole slots, then the front of the next one.
    size_t remaining = copied;
    for (size_t i = 0; i < slots_done; ++i) {
        remaining -= m_slots[m_oldest].length;
        m_slots[m_oldest] = Slot {};
        m_oldest = (m_oldest + 1) % slot_count;
        --m_used;
    }
    if (remaining) {
        Slot& slot = m_slots[m_oldest];
        slot.offset += static_cast<u32>(remaining);
        slot.length -= static_cast<u32>(remaining);
    }
    m_bytes -= copied;
    if (m_used == 0)
        m_oldest = 0;
    return copied;
}

void PipeBuffer::clear()
{
    for (auto& slot : m_slots)
        slot = Slot {};
    m_oldest = 0;
    m_used = 0;
    m_bytes = 0;
}

} // namespace sk
