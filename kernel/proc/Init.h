// Starting and ending userspace: exec init (bootarg init=, default /sbin/init, with the words
// after "--" as its arguments) as pid 1 with the console on fds 0-2, wait for it to exit,
// and report the leak check line the test harness reads.
#pragma once

namespace sk {

// Returns init's exit status (the process's exit code, or 128 + signal).
int run_init();
void sync_all_filesystems();

} // namespace sk
