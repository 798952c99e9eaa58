// Console output: one spinlock serialises whole kprintf calls so lines never interleave.
#include <arch/riscv64/Sbi.h>
#include <drivers/Console.h>
#include <lib/Format.h>
#include <lib/Spinlock.h>

namespace sk {

static Spinlock s_console_lock;
static ConsoleOutput s_output;

void set_console_output(ConsoleOutput output) { s_output = output; }

static void write_unlocked(const char* chars, size_t length)
{
    if (s_output) {
        s_output(chars, length);
        return;
    }
    for (size_t i = 0; i < length; ++i)
        sbi::console_putchar(chars[i]);
}

void console_write(const char* chars, size_t length)
{
    SpinlockGuard guard(s_console_lock);
    write_unlocked(chars, length);
}

void vkprintf(const char* fmt, va_list ap)
{
    SpinlockGuard guard(s_console_lock);
    vformat_to([](void*, const char* chars, size_t length) { write_unlocked(chars, length); }, nullptr, fmt, ap);
}

void kprintf(const char* fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vkprintf(fmt, ap);
    va_end(ap);
}

} // namespace sk
