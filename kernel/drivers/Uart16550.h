// ns16550a UART: polled output for the console, interrupt-driven input handed to a receiver
// (the tty line discipline).
#pragma once

#include <lib/Types.h>

namespace sk::uart {

void initialize(uptr physical_base);
void write(const char* chars, size_t length);
// Called from the UART interrupt: drains the receive FIFO into the receiver.
void handle_interrupt();
using Receiver = void (*)(u8 byte);
void set_receiver(Receiver receiver);

} // namespace sk::uart
