// The kernel is built soft-float (-mabi=lp64), but Debian's riscv64 glibc headers exist only
// for lp64d, and libstdc++'s freestanding headers (<new>, <utility>, <atomic>) still reach
// <gnu/stubs.h>, which includes this file for lp64. It would only list the glibc functions
// that are stubs (__stub_* macros); the kernel links no libc, so it is empty. Found through
// -Ikernel ahead of the system include directories.
#pragma once
