// KernelLog: the kernel's message log, Linux's printk ring. kprintf feeds it (one record per
// line, at the level the format's KERN_* prefix gives, else the default message level) and
// syslog(2) reads it; the console shows a message only while its level is below the console
// log level, which syslog(2) can lower and raise again.
//
// Readers: syslog(2)'s READ_ALL shows the newest records that fit, from the last CLEAR on;
// READ consumes them (one position shared by every reader, as on Linux), may stop inside a
// record, and blocks while nothing is unread.
//
// Locking: one spinlock guards the ring and the read positions; kprintf appends under it from
// any context. Copies to user memory happen with it released, one formatted record at a time.
// Waking: kprintf wakes blocked readers only when it runs with interrupts enabled (otherwise
// it might hold the scheduler's lock); a reader also re-checks the ring periodically, so a
// message logged with interrupts off is still seen promptly.
#pragma once

#include <lib/IoBuffer.h>
#include <lib/Result.h>
#include <lib/Types.h>

namespace sk::kernel_log {

// Linux's log levels (<linux/kern_levels.h>): 0 emergency ... 7 debug.
constexpr u8 level_emergency = 0, level_warning = 4, level_notice = 5, level_info = 6, level_debug = 7;
// A message without a level (Debian's CONFIG_MESSAGE_LOGLEVEL_DEFAULT).
constexpr u8 default_message_level = level_warning;

// --- the writer side (kprintf, under the console lock) ---
// Appends text at level; a record ends at each newline (a line longer than a record can hold
// becomes several records).
void write(u8 level, const char* chars, size_t length);
// Whether a message at level goes to the console too.
bool shows_on_console(u8 level);
// Wakes readers blocked in read(). Call with no spinlock held and interrupts enabled.
void wake_readers();

// --- syslog(2) ---
// The size of the log's text storage (SYSLOG_ACTION_SIZE_BUFFER).
size_t buffer_size();
// The newest records that fit into buffer, from the last clear on; clear also moves that
// point past what was returned. EFAULT if nothing could be copied; ENOMEM.
Result<size_t> read_all(const IoBuffer& buffer, bool clear);
// Unread text, consumed. Blocks until there is some (ERESTARTSYS on a signal); EFAULT if
// nothing could be copied.
Result<size_t> read(const IoBuffer& buffer);
// Bytes read() would return with an unlimited buffer.
size_t unread_size();
// READ_ALL starts after the records held now.
void clear();

// The console log level: console_off() saves it and shows only emergencies, console_on()
// restores it, set_console_level(1..8) sets it (EINVAL otherwise; below 1 is 1).
void console_off();
void console_on();
Result<void> set_console_level(int level);
// Every message from now on goes to the console too (Linux's console_verbose, for a panic).
void console_verbose();

} // namespace sk::kernel_log
