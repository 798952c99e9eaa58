// Format: printf-style formatting into a caller's buffer, with snprintf semantics, for the
// console, panic messages, procfs and autobind names. Freestanding: no floating point, no
// allocation, no libc.
//
// Supported: %s (null prints "(null)") %c %d %i %u %x %X %o %p %%; flags '-' '0' '+' ' ' '#';
// width and precision as digits or '*'; length modifiers hh h l ll z t j. %p prints like
// glibc ("0x1f", "(nil)"). An unknown conversion is copied through verbatim; %n is refused
// (printed verbatim) because it writes through an argument.
#pragma once

#include <lib/Types.h>
#include <stdarg.h>

namespace sk {

// Writes at most size - 1 characters and a NUL (nothing at all when size is 0); returns the
// length the full output would have had, so `format(...) >= size` means it was truncated.
size_t vformat(char* buf, size_t size, const char* fmt, va_list ap);
size_t format(char* buf, size_t size, const char* fmt, ...) __attribute__((format(printf, 3, 4)));

// Streams the output in pieces to sink(context, chars, length) instead of a buffer (the
// console writes straight to the UART this way). Returns the total length.
using FormatSink = void (*)(void* context, const char* chars, size_t length);
size_t vformat_to(FormatSink sink, void* context, const char* fmt, va_list ap);

} // namespace sk
