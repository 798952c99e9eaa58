#include <arch/Arch.h>
#include <drivers/Console.h>
#include <drivers/Uart16550.h>

namespace sk::uart {

enum Register : u32 { RBR_THR = 0, IER = 1, FCR_IIR = 2, LCR = 3, MCR = 4, LSR = 5 };
static constexpr u8 LSR_DATA_READY = 0x01, LSR_THR_EMPTY = 0x20;

static constexpr u8 IER_RECEIVE = 0x01;

static volatile u8* s_base;
static Receiver s_receiver;
static HasRoom s_has_room;

static u8 read_register(Register r) { return s_base[r]; }
static void write_register(Register r, u8 value) { s_base[r] = value; }

void initialize(uptr physical_base)
{
    s_base = static_cast<volatile u8*>(arch::phys_to_virt(physical_base));
    write_register(IER, 0);
    write_register(FCR_IIR, 0x07); // enable and clear FIFOs
    write_register(LCR, 0x03);     // 8N1
    write_register(MCR, 0x08);     // OUT2: route interrupts
    write_register(IER, IER_RECEIVE);
    set_console_output(write);
}

void write(const char* chars, size_t length)
{
    for (size_t i = 0; i < length; ++i) {
        if (chars[i] == '\n') {
            while (!(read_register(LSR) & LSR_THR_EMPTY)) { }
            write_register(RBR_THR, '\r');
        }
        while (!(read_register(LSR) & LSR_THR_EMPTY)) { }
        write_register(RBR_THR, static_cast<u8>(chars[i]));
    }
}

void write_raw(const char* chars, size_t length)
{
    for (size_t i = 0; i < length; ++i) {
        while (!(read_register(LSR) & LSR_THR_EMPTY)) { }
        write_register(RBR_THR, static_cast<u8>(chars[i]));
    }
}

void set_receiver(Receiver receiver, HasRoom has_room)
{
    s_receiver = receiver;
    s_has_room = has_room;
}

void handle_interrupt()
{
    while (read_register(LSR) & LSR_DATA_READY) {
        if (s_has_room && !s_has_room()) {
            write_register(IER, 0); // throttled: the FIFO keeps the rest
            // A reader on another hart may have made room (and unthrottled) just before.
            if (!s_has_room())
                return;
            write_register(IER, IER_RECEIVE);
        }
        u8 byte = read_register(RBR_THR);
        if (s_receiver)
            s_receiver(byte);
    }
}

void unthrottle()
{
    if (s_base)
        write_register(IER, IER_RECEIVE);
}

} // namespace sk::uart
