// The load average of /proc/loadavg and sysinfo(2): Linux's exponentially decaying averages of
// the number of runnable threads over 1, 5 and 15 minutes, sampled every 5 seconds, in fixed
// point with 11 fraction bits (Linux's FSHIFT).
#pragma once

#include <lib/Types.h>

namespace sk::load_average {

constexpr u32 fraction_bits = 11;
constexpr u64 one = 1ull << fraction_bits;

// One step of an average: load decays by factor (a fixed-point e^(-5s/period)) toward active
// (a whole count), rounding up while the load rises as Linux's calc_load does.
constexpr u64 decay(u64 load, u64 factor, u64 active)
{
    u64 target = active * one;
    u64 next = load * factor + target * (one - factor);
    if (target >= load)
        next += one - 1;
    return next / one;
}

// Arms the 5-second sampling timer (once, at boot).
void start();
// The three averages (1, 5, 15 minutes), fixed point.
void read(u64 (&loads)[3]);

} // namespace sk::load_average
