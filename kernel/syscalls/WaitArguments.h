// WaitArguments: what the waiting syscalls — ppoll, pselect6, epoll_pwait, epoll_pwait2 —
// share at the user boundary: the timeout (a relative timespec or milliseconds, turned into
// a monotonic deadline) and the temporary signal mask installed for the call.
//
// The mask follows Linux's saved-mask rule: it is restored at once when the call ends, unless
// the call was interrupted by a signal, in which case the signal delivery restores it (after
// the handler has run with the temporary mask, if one runs).
#pragma once

#include <lib/Result.h>
#include <lib/Types.h>
#include <proc/WaitQueue.h>

namespace sk {

struct Timeout {
    bool infinite { true };
    u64 deadline_ns { 0 }; // monotonic, when neither infinite nor zero
    bool zero { false }; // poll once, never sleep

    Deadline deadline() const { return infinite || zero ? Deadline {} : Deadline { deadline_ns }; }
};

// A relative timeout (struct timespec) at `user`; null means infinite. EFAULT, EINVAL.
Result<Timeout> read_timeout(uptr user);
// epoll_wait's milliseconds: negative is infinite, 0 polls once.
Timeout timeout_from_milliseconds(int milliseconds);
// Writes the unslept time back to `user` (ppoll, pselect6), ignoring a fault: the call itself
// succeeded.
void write_remaining(uptr user, const Timeout& timeout);

class TemporarySignalMask {
public:
    // Installs the sigset_t at user_mask (size must be 8: EINVAL; EFAULT); null: no change.
    Result<void> install(uptr user_mask, size_t size);
    // The call ends: puts the mask back unless it was interrupted (see above).
    void finish(bool interrupted);

private:
    bool m_installed { false };
};

} // namespace sk
