// StringView: a non-owning (pointer, length) byte string. Names inside the kernel are
// length-delimited, never NUL-terminated by assumption (abstract socket names contain NULs).
#pragma once

#include <lib/Types.h>

namespace sk {

size_t string_length(const char* s);
int memory_compare(const void* a, const void* b, size_t n);

class StringView {
public:
    constexpr StringView() = default;
    constexpr StringView(const char* chars, size_t length) : m_chars(chars), m_length(length) { }
    StringView(const char* cstring) : m_chars(cstring), m_length(cstring ? string_length(cstring) : 0) { }

    const char* chars() const { return m_chars; }
    size_t length() const { return m_length; }
    bool is_empty() const { return m_length == 0; }
    char operator[](size_t i) const { return m_chars[i]; }

    bool operator==(const StringView& other) const
    {
        return m_length == other.m_length && memory_compare(m_chars, other.m_chars, m_length) == 0;
    }
    bool starts_with(StringView prefix) const
    {
        return prefix.m_length <= m_length && memory_compare(m_chars, prefix.m_chars, prefix.m_length) == 0;
    }
    StringView substring(size_t start, size_t length) const { return StringView(m_chars + start, length); }
    StringView substring(size_t start) const { return StringView(m_chars + start, m_length - start); }

private:
    const char* m_chars { nullptr };
    size_t m_length { 0 };
};

} // namespace sk
