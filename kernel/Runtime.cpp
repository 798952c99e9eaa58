// The few C++ and libgcc runtime pieces a freestanding kernel needs: the kernel links no
// libgcc (it is built soft-float, -mabi=lp64) and never runs static destructors.
#include <lib/Types.h>
#include <lib/Verify.h>
#include <new>

namespace std {
const nothrow_t nothrow {};
}

extern "C" {

int atexit(void (*)()) { return 0; }
void __cxa_pure_virtual() { sk::panic("pure virtual function called"); }
void* __dso_handle = nullptr;

int __ctzdi2(unsigned long value)
{
    int n = 0;
    while (!(value & 1) && n < 64) {
        value >>= 1;
        ++n;
    }
    return n;
}

int __clzdi2(unsigned long value)
{
    int n = 0;
    for (unsigned long bit = 1ul << 63; bit && !(value & bit); bit >>= 1)
        ++n;
    return n;
}

int __popcountdi2(unsigned long value)
{
    int n = 0;
    for (; value; value &= value - 1)
        ++n;
    return n;
}
}
