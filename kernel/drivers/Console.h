// The kernel console: kprintf and friends write synchronously to the UART (or, before the
// UART is known, through the SBI firmware console). Safe from any context, including traps.
// Every kprintf also goes to the kernel log (KernelLog.h, what dmesg shows); a format may
// start with a KERN_* level as Linux's printk does, else it is at the default message level.
// The console shows it only while its level is below the console log level.
#pragma once

#include <lib/Types.h>
#include <stdarg.h>

// Linux's printk level prefixes (<linux/kern_levels.h>): kprintf(KERN_NOTICE "text\n").
#define KERN_SOH "\001"
#define KERN_EMERG KERN_SOH "0"
#define KERN_ALERT KERN_SOH "1"
#define KERN_CRIT KERN_SOH "2"
#define KERN_ERR KERN_SOH "3"
#define KERN_WARNING KERN_SOH "4"
#define KERN_NOTICE KERN_SOH "5"
#define KERN_INFO KERN_SOH "6"
#define KERN_DEBUG KERN_SOH "7"

namespace sk {

void kprintf(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
void vkprintf(const char* fmt, va_list ap);
void console_write(const char* chars, size_t length);

// Set by the UART driver once it is initialised.
using ConsoleOutput = void (*)(const char* chars, size_t length);
void set_console_output(ConsoleOutput output);

} // namespace sk
