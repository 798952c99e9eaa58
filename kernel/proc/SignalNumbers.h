// Linux signal numbers and siginfo codes (asm-generic ABI). Defined here because the UAPI
// <asm/signal.h> clashes with the C library types that the C++ headers pull in.
#pragma once

namespace sk {

enum : int {
    SIGHUP = 1, SIGINT = 2, SIGQUIT = 3, SIGILL = 4, SIGTRAP = 5, SIGABRT = 6, SIGBUS = 7, SIGFPE = 8,
    SIGKILL = 9, SIGUSR1 = 10, SIGSEGV = 11, SIGUSR2 = 12, SIGPIPE = 13, SIGALRM = 14, SIGTERM = 15,
    SIGSTKFLT = 16, SIGCHLD = 17, SIGCONT = 18, SIGSTOP = 19, SIGTSTP = 20, SIGTTIN = 21, SIGTTOU = 22,
    SIGURG = 23, SIGXCPU = 24, SIGXFSZ = 25, SIGVTALRM = 26, SIGPROF = 27, SIGWINCH = 28, SIGIO = 29,
    SIGPWR = 30, SIGSYS = 31, SIGRTMIN = 32, NSIG = 64,
};

// si_code values
enum : int {
    SI_USER = 0, SI_KERNEL = 0x80, SI_TKILL = -6,
    ILL_ILLOPC = 1, ILL_ILLTRP = 4,
    SEGV_MAPERR = 1, SEGV_ACCERR = 2,
    BUS_ADRALN = 1, BUS_ADRERR = 2,
    TRAP_BRKPT = 1,
    CLD_EXITED = 1, CLD_KILLED = 2, CLD_DUMPED = 3, CLD_TRAPPED = 4, CLD_STOPPED = 5, CLD_CONTINUED = 6,
};

constexpr unsigned long long signal_bit(int signal) { return 1ull << (signal - 1); }

} // namespace sk
