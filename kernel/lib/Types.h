// Fixed-width integer names used throughout the kernel. Builds freestanding and on the host.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace sk {

using u8 = uint8_t;
using u16 = uint16_t;
using u32 = uint32_t;
using u64 = uint64_t;
using i8 = int8_t;
using i16 = int16_t;
using i32 = int32_t;
using i64 = int64_t;
using uptr = uintptr_t;
using ssize = intptr_t;

template<typename T>
constexpr T align_up(T value, T alignment) { return (value + alignment - 1) & ~(alignment - 1); }
template<typename T>
constexpr T align_down(T value, T alignment) { return value & ~(alignment - 1); }
template<typename T>
constexpr T min(T a, T b) { return a < b ? a : b; }
template<typename T>
constexpr T max(T a, T b) { return a > b ? a : b; }

} // namespace sk
