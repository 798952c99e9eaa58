// Kernel command line (device tree /chosen/bootargs), Linux style: `key=value` words, and
// everything after a lone `--` becomes init's arguments.
//   init=PATH       the first program (default /sbin/init)
//   selftest=NAME   run an in-kernel self-test instead of init, then power off
// Unknown words are ignored with one warning line. Double quotes group words with spaces.
#pragma once

#include <lib/Types.h>

namespace sk::bootargs {

constexpr size_t max_init_arguments = 32;

void parse(char* command_line);
const char* init_path();
const char* selftest();
// init's argv after argv[0] (the words after "--"); count in *count.
const char* const* init_arguments(size_t* count);

} // namespace sk::bootargs
