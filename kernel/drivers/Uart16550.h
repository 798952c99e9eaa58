// ns16550a UART: polled output for the console, interrupt-driven input handed to a receiver
// (the tty line discipline).
#pragma once

#include <lib/Types.h>

namespace sk::uart {

void initialize(uptr physical_base);
// The kernel console's output: \n becomes \r\n.
void write(const char* chars, size_t length);
// Bytes as they are (the tty does its own output processing, OPOST).
void write_raw(const char* chars, size_t length);
// Called from the UART interrupt: drains the receive FIFO into the receiver while it has room.
// When it has none the receive interrupt is turned off: the bytes wait in the FIFO (and QEMU
// holds back what is typed after them) until the receiver calls unthrottle() — Linux's tty
// throttling, so that typing faster than a program reads loses nothing.
void handle_interrupt();
using Receiver = void (*)(u8 byte);
using HasRoom = bool (*)();
void set_receiver(Receiver receiver, HasRoom has_room);
// Room again: receive interrupts resume (at once, if bytes are waiting).
void unthrottle();

} // namespace sk::uart
