// Console output: one spinlock serialises whole kprintf calls so lines never interleave, in
// the kernel log as on the UART.
#include <arch/Arch.h>
#include <arch/riscv64/Sbi.h>
#include <drivers/Console.h>
#include <drivers/KernelLog.h>
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
    struct Message {
        u8 level { kernel_log::default_message_level };
        bool on_console { false };
    } message;
    if (fmt[0] == KERN_SOH[0] && fmt[1] >= '0' && fmt[1] <= '7') {
        message.level = static_cast<u8>(fmt[1] - '0');
        fmt += 2;
    }
    message.on_console = kernel_log::shows_on_console(message.level);
    // With interrupts off the caller may hold any spinlock, the scheduler's too: the readers
    // then find the message by themselves (KernelLog.h).
    bool may_wake = arch::interrupts_enabled();
    {
        SpinlockGuard guard(s_console_lock);
        vformat_to(
            [](void* context, const char* chars, size_t length) {
                auto& message = *static_cast<Message*>(context);
                kernel_log::write(message.level, chars, length);
                if (message.on_console)
                    write_unlocked(chars, length);
            },
            &message, fmt, ap);
    }
    if (may_wake)
        kernel_log::wake_readers();
}

void kprintf(const char* fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vkprintf(fmt, ap);
    va_end(ap);
}

} // namespace sk
