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

// Byte-sized atomics: RISC-V has word AMOs only, and GCC calls these libatomic helpers for
// std::atomic<bool>/<u8> read-modify-writes. Implemented with a CAS loop on the aligned word.
static inline unsigned int* containing_word(volatile void* address, unsigned& shift)
{
    auto a = reinterpret_cast<sk::uptr>(address);
    shift = (a & 3) * 8;
    return reinterpret_cast<unsigned int*>(a & ~sk::uptr(3));
}

template<typename Op>
static unsigned char byte_rmw(volatile void* address, Op op)
{
    unsigned shift;
    unsigned int* word = containing_word(address, shift);
    unsigned int old = __atomic_load_n(word, __ATOMIC_RELAXED);
    for (;;) {
        unsigned char old_byte = static_cast<unsigned char>(old >> shift);
        unsigned int fresh = (old & ~(0xffu << shift)) | (static_cast<unsigned int>(op(old_byte)) << shift);
        if (__atomic_compare_exchange_n(word, &old, fresh, true, __ATOMIC_SEQ_CST, __ATOMIC_RELAXED))
            return old_byte;
    }
}

extern "C" {

unsigned char __atomic_exchange_1(volatile void* address, unsigned char value, int)
{
    return byte_rmw(address, [&](unsigned char) { return value; });
}
unsigned char __atomic_fetch_or_1(volatile void* address, unsigned char value, int)
{
    return byte_rmw(address, [&](unsigned char old) { return static_cast<unsigned char>(old | value); });
}
unsigned char __atomic_fetch_and_1(volatile void* address, unsigned char value, int)
{
    return byte_rmw(address, [&](unsigned char old) { return static_cast<unsigned char>(old & value); });
}
unsigned char __atomic_fetch_add_1(volatile void* address, unsigned char value, int)
{
    return byte_rmw(address, [&](unsigned char old) { return static_cast<unsigned char>(old + value); });
}
bool __atomic_compare_exchange_1(volatile void* address, void* expected, unsigned char desired, bool, int, int)
{
    auto* expected_byte = static_cast<unsigned char*>(expected);
    bool swapped = false;
    unsigned char seen = byte_rmw(address, [&](unsigned char old) {
        swapped = old == *expected_byte;
        return swapped ? desired : old;
    });
    if (!swapped)
        *expected_byte = seen;
    return swapped;
}

__attribute__((weak)) void* memchr(const void* memory, int c, size_t n)
{
    auto* p = static_cast<const unsigned char*>(memory);
    for (size_t i = 0; i < n; ++i) {
        if (p[i] == static_cast<unsigned char>(c))
            return const_cast<unsigned char*>(p + i);
    }
    return nullptr;
}
}
