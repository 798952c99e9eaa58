// KString: an owning, immutable, heap-allocated byte string (may contain NULs). Creation is
// fallible (ENOMEM). Always followed by a NUL in memory for convenience.
#pragma once

#include <lib/Result.h>
#include <lib/StringView.h>
#include <utility>

namespace sk {

class KString {
public:
    KString() = default;
    static Result<KString> try_create(StringView view);
    KString(KString&& other) : m_chars(std::exchange(other.m_chars, nullptr)), m_length(std::exchange(other.m_length, 0)) { }
    KString& operator=(KString&& other)
    {
        if (this != &other) {
            delete[] m_chars;
            m_chars = std::exchange(other.m_chars, nullptr);
            m_length = std::exchange(other.m_length, 0);
        }
        return *this;
    }
    KString(const KString&) = delete;
    KString& operator=(const KString&) = delete;
    ~KString() { delete[] m_chars; }

    StringView view() const { return StringView(m_chars ? m_chars : "", m_length); }
    const char* chars() const { return m_chars ? m_chars : ""; }
    size_t length() const { return m_length; }
    Result<KString> try_clone() const { return try_create(view()); }

private:
    char* m_chars { nullptr };
    size_t m_length { 0 };
};

} // namespace sk
