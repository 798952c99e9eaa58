// The kernel console: kprintf and friends write synchronously to the UART (or, before the
// UART is known, through the SBI firmware console). Safe from any context, including traps.
#pragma once

#include <lib/Types.h>
#include <stdarg.h>

namespace sk {

void kprintf(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
void vkprintf(const char* fmt, va_list ap);
void console_write(const char* chars, size_t length);

// Set by the UART driver once it is initialised.
using ConsoleOutput = void (*)(const char* chars, size_t length);
void set_console_output(ConsoleOutput output);

} // namespace sk
