// LogRing: appending with eviction, and the syslog(2) text of a record.
#include <lib/Format.h>
#include <lib/LogRing.h>
#include <string.h>

namespace sk {

void LogRing::drop_oldest()
{
    m_text_used -= m_descriptors[m_first % m_descriptor_count].length;
    ++m_first;
}

void LogRing::append(u8 level, u64 timestamp_ns, const char* text, size_t length)
{
    // No VERIFY here: kprintf feeds this, and a panic would come back through it.
    if (length > max_text_length)
        length = max_text_length;
    if (length > m_text_capacity)
        length = m_text_capacity;
    if (m_descriptor_count == 0 || m_text_capacity == 0)
        return; // a log without storage keeps nothing
    // Records are stored in sequence order, so the oldest text is always the next to go.
    while (m_first < m_next && (m_next - m_first >= m_descriptor_count || m_text_capacity - m_text_used < length))
        drop_oldest();
    Descriptor& descriptor = m_descriptors[m_next % m_descriptor_count];
    descriptor = Descriptor { timestamp_ns, static_cast<u32>(m_text_end), static_cast<u16>(length), level, 0 };
    size_t first_part = m_text_capacity - m_text_end;
    if (first_part > length)
        first_part = length;
    memcpy(m_text + m_text_end, text, first_part);
    memcpy(m_text, text + first_part, length - first_part);
    m_text_end = (m_text_end + length) % m_text_capacity;
    m_text_used += length;
    ++m_next;
}

size_t LogRing::format_prefix(const Descriptor& descriptor, char* out, size_t capacity) const
{
    u64 seconds = descriptor.timestamp_ns / 1'000'000'000;
    u64 microseconds = descriptor.timestamp_ns % 1'000'000'000 / 1000;
    return sk::format(
        out, capacity, "<%u>[%5lu.%06lu] ", static_cast<unsigned>(descriptor.level), seconds, microseconds);
}

static size_t decimal_digits(u64 value)
{
    size_t digits = 1;
    while (value >= 10) {
        value /= 10;
        ++digits;
    }
    return digits;
}

size_t LogRing::formatted_length(u64 sequence) const
{
    if (!contains(sequence))
        return 0;
    // What format_prefix writes, counted rather than formatted: readers add up whole logs.
    const Descriptor& descriptor = m_descriptors[sequence % m_descriptor_count];
    size_t seconds_digits = decimal_digits(descriptor.timestamp_ns / 1'000'000'000);
    size_t prefix = 2 + decimal_digits(descriptor.level) + 1 + (seconds_digits < 5 ? 5 : seconds_digits) + 1 + 6 + 2;
    return prefix + descriptor.length + 1;
}

size_t LogRing::format(u64 sequence, char* out, size_t capacity) const
{
    size_t length = formatted_length(sequence);
    if (length == 0 || length > capacity)
        return 0;
    const Descriptor& descriptor = m_descriptors[sequence % m_descriptor_count];
    size_t at = format_prefix(descriptor, out, capacity);
    if (at + descriptor.length + 1 != length)
        return 0; // formatted_length() miscounted: never show a torn record
    size_t first_part = m_text_capacity - descriptor.offset;
    if (first_part > descriptor.length)
        first_part = descriptor.length;
    memcpy(out + at, m_text + descriptor.offset, first_part);
    memcpy(out + at + first_part, m_text, descriptor.length - first_part);
    out[length - 1] = '\n';
    return length;
}

} // namespace sk
