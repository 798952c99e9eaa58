// execve: replace the calling process's program. Everything that can fail is checked before
// the point of no return, so a failing exec (ENOENT, EACCES, ENOEXEC, E2BIG, ENOMEM) leaves
// the caller intact.
#pragma once

#include <lib/Result.h>
#include <lib/StringView.h>
#include <lib/Vector.h>
#include <lib/KString.h>
#include <proc/Process.h>

namespace sk {

// argv/envp already copied into the kernel.
struct ExecArguments {
    Vector<KString> argv;
    Vector<KString> envp;
};

// On success the current thread's trap frame is set to enter the new program.
Result<void> exec(Process& process, Custody& base, StringView path, ExecArguments& arguments);

// The sigreturn trampoline every address space has (signal handlers return through it).
constexpr uptr sigreturn_trampoline = 0x3ffffff000ul;

} // namespace sk
