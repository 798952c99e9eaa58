// ProcText: a growable heap buffer that procfs files print into (printf-style), then copy the
// reader's range out of. Fallible: an allocation failure is remembered and reported as ENOMEM.
#pragma once

#include <lib/Format.h>
#include <lib/Result.h>
#include <lib/StringView.h>
#include <lib/Types.h>
#include <stdarg.h>

namespace sk {

class ProcText {
public:
    ProcText() = default;
    ProcText(const ProcText&) = delete;
    ProcText& operator=(const ProcText&) = delete;
    ~ProcText() { delete[] m_data; }

    void append(const char* fmt, ...) __attribute__((format(printf, 2, 3)));
    void append_bytes(const void* bytes, size_t length);

    Result<void> status() const { return m_failed ? Result<void>(Error { ENOMEM }) : Result<void>(); }
    const char* data() const { return m_data; }
    size_t length() const { return m_length; }

private:
    bool reserve(size_t wanted);

    char* m_data { nullptr };
    size_t m_length { 0 };
    size_t m_capacity { 0 };
    bool m_failed { false };
};

} // namespace sk
