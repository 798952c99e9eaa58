#include <lib/KString.h>
#include <new>
#include <string.h>

namespace sk {

Result<KString> KString::try_create(StringView view)
{
    KString string;
    string.m_chars = new (std::nothrow) char[view.length() + 1];
    if (!string.m_chars)
        return Error { ENOMEM };
    if (view.length())
        memcpy(string.m_chars, view.chars(), view.length());
    string.m_chars[view.length()] = '\0';
    string.m_length = view.length();
    return string;
}

size_t string_length(const char* s) { return strlen(s); }
int memory_compare(const void* a, const void* b, size_t n) { return n ? memcmp(a, b, n) : 0; }

} // namespace sk
