// The syscall boundary. Each family file (Fs*.cpp, Process.cpp, Memory.cpp, Signal.cpp,
// Net.cpp, Time.cpp, Misc.cpp) defines handlers and registers them next to their code:
//
//   static Result<long> sys_getppid(const SyscallArguments&) { return Process::current().ppid(); }
//   REGISTER_SYSCALL(__NR_getppid, sys_getppid);
//
// A handler returns a value or an Error; the dispatcher writes value or -errno into a0.
// ERESTARTSYS is left for the signal code, which restarts the call or turns it into EINTR.
// Handlers are the only kernel code that decodes user memory (through UserCopy/IoBuffer) and
// Linux structs; they call down into proc, vfs and sockfs.
#pragma once

#include <arch/riscv64/TrapFrame.h>
#include <asm/unistd.h>
#include <lib/Result.h>
#include <lib/Types.h>

namespace sk {

struct SyscallArguments {
    u64 a0, a1, a2, a3, a4, a5;
    TrapFrame* frame;
};

using SyscallHandler = Result<long> (*)(const SyscallArguments&);

struct SyscallRegistration {
    long number;
    SyscallHandler handler;
    const char* name;
};

#define REGISTER_SYSCALL(number, handler)                                                               \
    [[gnu::used, gnu::section("syscall_table"), gnu::aligned(8)]] static const ::sk::SyscallRegistration \
        handler##_registration { number, handler, #handler }

// Builds the dispatch table from the registrations (at boot).
void initialize_syscalls();

} // namespace sk
