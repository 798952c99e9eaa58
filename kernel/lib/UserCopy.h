// The one copy-to/from-user primitive pair. A bad user address yields EFAULT, never a
// kernel fault. Implemented by the architecture (kernel/arch/riscv64/UserCopy.*); the host
// test support implements it as "no user memory exists" (EFAULT).
#pragma once

#include <lib/Result.h>
#include <lib/Types.h>

namespace sk {

Result<void> copy_from_user(void* dst, uptr user_src, size_t n);
Result<void> copy_to_user(uptr user_dst, const void* src, size_t n);
Result<void> clear_user(uptr user_dst, size_t n);
// Copies a NUL-terminated string of at most max_length bytes (without the NUL) into dst,
// which must hold max_length + 1 bytes. ENAMETOOLONG if no NUL within max_length.
Result<size_t> copy_string_from_user(char* dst, uptr user_src, size_t max_length);

} // namespace sk
