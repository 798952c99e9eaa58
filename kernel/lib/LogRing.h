// LogRing: the storage of the kernel log — records of one line each (a level, a timestamp and
// the text), numbered by a sequence number that only grows. The text lives in a byte ring
// and the records' descriptors in a table indexed by sequence number, so a record is found in
// constant time; when either is full the oldest records are dropped. Both arrays are the
// owner's (the kernel's are static, so the log needs no allocation).
//
// A record is shown as syslog(2) shows it: "<level>[seconds.microseconds] text\n", with the
// seconds right-aligned in five columns, as Linux prints them.
//
// No locking here: the owner (KernelLog) serialises every call.
#pragma once

#include <lib/Types.h>

namespace sk {

class LogRing {
public:
    struct Descriptor {
        u64 timestamp_ns;
        u32 offset; // of the text in the byte ring
        u16 length;
        u8 level;
        u8 unused;
    };

    // The longest text of one record; a longer line is cut into several records.
    static constexpr size_t max_text_length = 1000;
    // Room formatted_length() may need for any record.
    static constexpr size_t max_formatted_length = max_text_length + 48;

    // A text_capacity below max_text_length cuts longer records further. constexpr,
    // so that the kernel's log exists before any constructor runs (kprintf may come first).
    constexpr LogRing(char* text, size_t text_capacity, Descriptor* descriptors, size_t descriptor_count)
        : m_text(text)
        , m_text_capacity(text_capacity)
        , m_descriptors(descriptors)
        , m_descriptor_count(descriptor_count)
    {
    }

    // Adds a record (length is clamped to max_text_length), dropping the oldest as needed.
    void append(u8 level, u64 timestamp_ns, const char* text, size_t length);

    // The records held are first_sequence() .. next_sequence() - 1.
    u64 first_sequence() const { return m_first; }
    u64 next_sequence() const { return m_next; }
    bool contains(u64 sequence) const { return sequence >= m_first && sequence < m_next; }
    size_t text_capacity() const { return m_text_capacity; }

    // The record's length as format() writes it; 0 if it is no longer (or not yet) held.
    size_t formatted_length(u64 sequence) const;
    // Writes the record as syslog(2) shows it into out (max_formatted_length bytes suffice);
    // returns its length, 0 if the record is not held or out is too small.
    size_t format(u64 sequence, char* out, size_t capacity) const;

private:
    size_t format_prefix(const Descriptor&, char* out, size_t capacity) const;
    void drop_oldest();

    char* m_text;
    size_t m_text_capacity;
    Descriptor* m_descriptors;
    size_t m_descriptor_count;
    size_t m_text_used { 0 }; // bytes of the ring the held records use
    size_t m_text_end { 0 }; // where the next record's text goes
    u64 m_first { 0 };
    u64 m_next { 0 };
};

} // namespace sk
