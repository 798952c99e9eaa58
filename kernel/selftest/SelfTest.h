// In-kernel self-tests, chosen with selftest=NAME on the command line. Each returns true on
// success and prints its own diagnostics; the kernel prints `selftest NAME: PASS|FAIL` and
// powers off with 0 or 1.
#pragma once

namespace sk::selftest {

bool memory();
bool threads();
bool fault(); // deliberately faults: never returns
bool storage();
bool address_space(); // selftest=vm

// Runs the named test; false if the name is unknown.
bool run(const char* name, bool& passed);

} // namespace sk::selftest
