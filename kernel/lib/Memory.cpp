// The C memory and string primitives the compiler and the rest of the kernel call (GCC emits
// memcpy/memset/memmove/memcmp calls by itself, for struct copies and zeroing).
//
// memcpy, memmove and memset copy eight bytes at a time, unrolled, once the destination is
// aligned — but only when source and destination share their alignment: RISC-V allows
// misaligned 8-byte accesses, but they may trap to the SBI and be emulated a byte at a time.
//
// Every function here is compiled without loop-pattern distribution: otherwise GCC recognises
// the byte loops as memcpy/memset and turns them into calls to themselves.
//
// Kernel only: on the host, libc provides these (tests/unit/MemoryTest.cpp compiles this
// file under other names to test it).
#ifdef SOCKEYE_KERNEL

#include <lib/Types.h>

#pragma GCC push_options
#pragma GCC optimize("no-tree-loop-distribute-patterns")

namespace {

using Word = sk::u64 __attribute__((may_alias));
constexpr sk::uptr word_mask = sizeof(Word) - 1;

__attribute__((always_inline)) inline bool mutually_aligned(const void* a, const void* b)
{
    return ((reinterpret_cast<sk::uptr>(a) ^ reinterpret_cast<sk::uptr>(b)) & word_mask) == 0;
}

__attribute__((always_inline)) inline void copy_forward(unsigned char* d, const unsigned char* s, size_t n)
{
    if (n >= 2 * sizeof(Word) && mutually_aligned(d, s)) {
        while (reinterpret_cast<sk::uptr>(d) & word_mask) {
            *d++ = *s++;
            --n;
        }
        auto* dw = reinterpret_cast<Word*>(d);
        auto* sw = reinterpret_cast<const Word*>(s);
        for (; n >= 8 * sizeof(Word); n -= 8 * sizeof(Word), dw += 8, sw += 8) {
            Word w0 = sw[0], w1 = sw[1], w2 = sw[2], w3 = sw[3];
            Word w4 = sw[4], w5 = sw[5], w6 = sw[6], w7 = sw[7];
            dw[0] = w0, dw[1] = w1, dw[2] = w2, dw[3] = w3;
            dw[4] = w4, dw[5] = w5, dw[6] = w6, dw[7] = w7;
        }
        for (; n >= sizeof(Word); n -= sizeof(Word))
            *dw++ = *sw++;
        d = reinterpret_cast<unsigned char*>(dw);
        s = reinterpret_cast<const unsigned char*>(sw);
    }
    while (n--)
        *d++ = *s++;
}

// Copies from the end down; d and s point one past the end of the regions.
__attribute__((always_inline)) inline void copy_backward(unsigned char* d, const unsigned char* s, size_t n)
{
    if (n >= 2 * sizeof(Word) && mutually_aligned(d, s)) {
        while (reinterpret_cast<sk::uptr>(d) & word_mask) {
            *--d = *--s;
            --n;
        }
        auto* dw = reinterpret_cast<Word*>(d);
        auto* sw = reinterpret_cast<const Word*>(s);
        for (; n >= 8 * sizeof(Word); n -= 8 * sizeof(Word)) {
            dw -= 8, sw -= 8;
            Word w0 = sw[0], w1 = sw[1], w2 = sw[2], w3 = sw[3];
            Word w4 = sw[4], w5 = sw[5], w6 = sw[6], w7 = sw[7];
            dw[0] = w0, dw[1] = w1, dw[2] = w2, dw[3] = w3;
            dw[4] = w4, dw[5] = w5, dw[6] = w6, dw[7] = w7;
        }
        for (; n >= sizeof(Word); n -= sizeof(Word))
            *--dw = *--sw;
        d = reinterpret_cast<unsigned char*>(dw);
        s = reinterpret_cast<const unsigned char*>(sw);
    }
    while (n--)
        *--d = *--s;
}

} // namespace

extern "C" {

void* memcpy(void* __restrict dst, const void* __restrict src, size_t n)
{
    copy_forward(static_cast<unsigned char*>(dst), static_cast<const unsigned char*>(src), n);
    return dst;
}

void* memmove(void* dst, const void* src, size_t n)
{
    auto* d = static_cast<unsigned char*>(dst);
    auto* s = static_cast<const unsigned char*>(src);
    // Forward is safe unless the destination starts inside the source.
    if (reinterpret_cast<sk::uptr>(d) - reinterpret_cast<sk::uptr>(s) >= n)
        copy_forward(d, s, n);
    else
        copy_backward(d + n, s + n, n);
    return dst;
}

void* memset(void* dst, int value, size_t n)
{
    auto* d = static_cast<unsigned char*>(dst);
    auto byte = static_cast<unsigned char>(value);
    if (n >= 2 * sizeof(Word)) {
        while (reinterpret_cast<sk::uptr>(d) & word_mask) {
            *d++ = byte;
            --n;
        }
        Word pattern = byte * 0x0101010101010101ull;
        auto* dw = reinterpret_cast<Word*>(d);
        for (; n >= 8 * sizeof(Word); n -= 8 * sizeof(Word), dw += 8) {
            dw[0] = pattern, dw[1] = pattern, dw[2] = pattern, dw[3] = pattern;
            dw[4] = pattern, dw[5] = pattern, dw[6] = pattern, dw[7] = pattern;
        }
        for (; n >= sizeof(Word); n -= sizeof(Word))
            *dw++ = pattern;
        d = reinterpret_cast<unsigned char*>(dw);
    }
    while (n--)
        *d++ = byte;
    return dst;
}

int memcmp(const void* a, const void* b, size_t n)
{
    auto* x = static_cast<const unsigned char*>(a);
    auto* y = static_cast<const unsigned char*>(b);
    // Skip equal words quickly; the differing word is then resolved byte by byte.
    if (n >= sizeof(Word) && mutually_aligned(x, y)) {
        while (n && (reinterpret_cast<sk::uptr>(x) & word_mask)) {
            if (*x != *y)
                return *x - *y;
            ++x, ++y, --n;
        }
        while (n >= sizeof(Word) && *reinterpret_cast<const Word*>(x) == *reinterpret_cast<const Word*>(y)) {
            x += sizeof(Word), y += sizeof(Word);
            n -= sizeof(Word);
        }
    }
    for (; n; ++x, ++y, --n) {
        if (*x != *y)
            return *x - *y;
    }
    return 0;
}

size_t strlen(const char* s)
{
    const char* p = s;
    while (*p)
        ++p;
    return static_cast<size_t>(p - s);
}

size_t strnlen(const char* s, size_t max_length)
{
    size_t n = 0;
    while (n < max_length && s[n])
        ++n;
    return n;
}

int strcmp(const char* a, const char* b)
{
    auto* x = reinterpret_cast<const unsigned char*>(a);
    auto* y = reinterpret_cast<const unsigned char*>(b);
    while (*x && *x == *y)
        ++x, ++y;
    return *x - *y;
}

int strncmp(const char* a, const char* b, size_t n)
{
    auto* x = reinterpret_cast<const unsigned char*>(a);
    auto* y = reinterpret_cast<const unsigned char*>(b);
    for (; n; ++x, ++y, --n) {
        if (*x != *y || !*x)
            return *x - *y;
    }
    return 0;
}

char* strchr(const char* s, int c)
{
    auto wanted = static_cast<char>(c);
    for (;; ++s) {
        if (*s == wanted)
            return const_cast<char*>(s);
        if (!*s)
            return nullptr;
    }
}

} // extern "C"

#pragma GCC pop_options

#endif // SOCKEYE_KERNEL
