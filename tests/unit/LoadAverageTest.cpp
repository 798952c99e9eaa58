// load_average::decay: Linux's fixed-point exponential averages.
#include <gtest/gtest.h>
#include <proc/LoadAverage.h>

using namespace sk;
using load_average::decay;
using load_average::one;

namespace {
constexpr u64 one_minute = 1884, fifteen_minutes = 2037; // 2048 * e^(-5/60), e^(-5/900)
}

TEST(LoadAverage, OneBusyThreadApproachesOneAtEachPeriodsPace)
{
    u64 fast = 0, slow = 0;
    for (int sample = 0; sample < 12; ++sample) { // one minute of 5-second samples
        fast = decay(fast, one_minute, 1);
        slow = decay(slow, fifteen_minutes, 1);
    }
    // After one period of the 1-minute average: 1 - 1/e of the way (0.63).
    EXPECT_NEAR(double(fast) / one, 0.632, 0.01);
    EXPECT_NEAR(double(slow) / one, 1 - 0.936, 0.01);
    for (int sample = 0; sample < 12 * 15; ++sample)
        fast = decay(fast, one_minute, 1);
    EXPECT_EQ(fast, one) << "a steady load of one settles at exactly 1.00";
}

TEST(LoadAverage, AnIdleSystemDecaysToZero)
{
    u64 load = 3 * one;
    for (int sample = 0; sample < 12; ++sample)
        load = decay(load, one_minute, 0);
    EXPECT_NEAR(double(load) / one, 3 * 0.368, 0.01);
    for (int sample = 0; sample < 12 * 10; ++sample)
        load = decay(load, one_minute, 0);
    EXPECT_EQ(load, 0u);
}
