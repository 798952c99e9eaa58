// Signal delivery interface used by blocking code: whether a sleeper must wake for a signal.
#pragma once

#include <proc/Thread.h>

namespace sk {

// True when a signal that is not blocked is pending for the thread (or its process).
bool signal_pending_for(Thread& thread);

} // namespace sk
