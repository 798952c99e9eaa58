// VERIFY(cond): a kernel invariant. Failure is a kernel bug: panic with the location.
// User input is validated and answered with an Error, never VERIFY'd.
#pragma once

namespace sk {
[[noreturn]] void verify_failed(const char* expr, const char* file, int line);
[[noreturn]] void panic(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
}

#define VERIFY(cond)                                             \
    do {                                                         \
        if (!(cond)) [[unlikely]]                                \
            ::sk::verify_failed(#cond, __FILE__, __LINE__);      \
    } while (0)
#define VERIFY_NOT_REACHED() ::sk::verify_failed("not reached", __FILE__, __LINE__)
