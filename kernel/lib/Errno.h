// Errors are Linux errno values from the start (asm-generic numbering, as on riscv64);
// there is no private error space to translate at the syscall boundary.
#pragma once

#include <asm-generic/errno.h>

namespace sk {

struct Error {
    int code; // a positive Linux errno value
    constexpr bool operator==(const Error&) const = default;
};

constexpr Error errno_error(int code) { return Error { code }; }

} // namespace sk
