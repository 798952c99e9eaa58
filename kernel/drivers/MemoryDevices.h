// MemoryDevices: the character devices of major 1 — /dev/null (1:3), /dev/zero (1:5),
// /dev/full (1:7), /dev/random (1:8) and /dev/urandom (1:9) — registered in the VFS's
// character-device registry by register_memory_devices().
//
// random and urandom share one fast, never-blocking generator (xoshiro256**), seeded at boot
// through seed_random_devices(). FIXME: it is NOT cryptographically secure; a ChaCha20-based
// generator with an entropy pool is needed before anything security-relevant relies on it.
#pragma once

#include <lib/Result.h>
#include <lib/Types.h>

namespace sk {

constexpr u32 memory_devices_major = 1;
constexpr u32 null_minor = 3, zero_minor = 5, full_minor = 7, random_minor = 8, urandom_minor = 9;

Result<void> register_memory_devices();

// Boot code mixes whatever entropy it has (timer counter, device tree rng-seed, ...) in here.
void seed_random_devices(const void* seed, size_t length);
// The same generator for kernel users (AT_RANDOM, autobind names). Not cryptographic.
void get_random_bytes(void* buffer, size_t length);

} // namespace sk
