// Format: explicit expectations for the edge cases, plus a table checked against the host's
// snprintf (glibc), whose output Format promises to match for these conversions.
#include <climits>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <gtest/gtest.h>
#include <lib/Format.h>
#include <string>

using namespace sk;

namespace {

std::string fmt(const char* f, ...) __attribute__((format(printf, 1, 2)));
std::string fmt(const char* f, ...)
{
    char buf[256];
    memset(buf, 'Z', sizeof(buf));
    va_list ap;
    va_start(ap, f);
    size_t n = vformat(buf, sizeof(buf), f, ap);
    va_end(ap);
    EXPECT_LT(n, sizeof(buf));
    EXPECT_EQ(strlen(buf), n) << "returned length disagrees with the written string";
    return std::string(buf);
}

// The same without the printf attribute, for deliberately odd formats the compiler would flag.
std::string unchecked(const char* f, ...)
{
    char buf[256];
    va_list ap;
    va_start(ap, f);
    size_t n = vformat(buf, sizeof(buf), f, ap);
    va_end(ap);
    EXPECT_EQ(strlen(buf), n);
    return std::string(buf);
}

std::string libc(const char* f, ...) __attribute__((format(printf, 1, 2)));
std::string libc(const char* f, ...)
{
    char buf[256];
    va_list ap;
    va_start(ap, f);
    vsnprintf(buf, sizeof(buf), f, ap);
    va_end(ap);
    return std::string(buf);
}

} // namespace

TEST(Format, PlainTextAndPercent)
{
    EXPECT_EQ(fmt("hello"), "hello");
    EXPECT_EQ(unchecked(""), "");
    EXPECT_EQ(fmt("100%%"), "100%");
    EXPECT_EQ(fmt("%%%d%%", 5), "%5%");
}

TEST(Format, SignedExtremes)
{
    EXPECT_EQ(fmt("%lld", static_cast<long long>(INT64_MIN)), "-9223372036854775808");
    EXPECT_EQ(fmt("%ld", static_cast<long>(INT64_MAX)), "9223372036854775807");
    EXPECT_EQ(fmt("%jd", static_cast<intmax_t>(INT64_MIN)), "-9223372036854775808");
    EXPECT_EQ(fmt("%d", INT_MIN), "-2147483648");
    EXPECT_EQ(fmt("%i", -1), "-1");
    EXPECT_EQ(fmt("%d", 0), "0");
}

TEST(Format, UnsignedExtremes)
{
    EXPECT_EQ(fmt("%llu", static_cast<unsigned long long>(UINT64_MAX)), "18446744073709551615");
    EXPECT_EQ(fmt("%lx", static_cast<unsigned long>(UINT64_MAX)), "ffffffffffffffff");
    EXPECT_EQ(fmt("%llX", 0xDEADBEEFCAFEull), "DEADBEEFCAFE");
    EXPECT_EQ(fmt("%lo", static_cast<unsigned long>(UINT64_MAX)), "1777777777777777777777");
    EXPECT_EQ(fmt("%u", UINT_MAX), "4294967295");
    EXPECT_EQ(fmt("%zu", SIZE_MAX), "18446744073709551615");
}

TEST(Format, LengthModifiersTruncateToTheirType)
{
    EXPECT_EQ(fmt("%hhd", 0x1ff), "-1");
    EXPECT_EQ(fmt("%hhu", 0x1ff), "255");
    EXPECT_EQ(fmt("%hd", 0x18000), "-32768");
    EXPECT_EQ(fmt("%hx", 0x12345), "2345");
    EXPECT_EQ(fmt("%zd", static_cast<ssize_t>(-7)), "-7");
    EXPECT_EQ(fmt("%td", static_cast<ptrdiff_t>(-42)), "-42");
    EXPECT_EQ(fmt("%x", 0xffffffffu), "ffffffff");
}

TEST(Format, Pointers)
{
    EXPECT_EQ(fmt("%p", reinterpret_cast<void*>(0x80200000)), "0x80200000");
    EXPECT_EQ(fmt("%p", nullptr), "(nil)");
    EXPECT_EQ(fmt("[%18p]", reinterpret_cast<void*>(0x1f)), "[              0x1f]");
    EXPECT_EQ(fmt("[%-6p]", nullptr), "[(nil) ]");
    EXPECT_EQ(fmt("%p", reinterpret_cast<void*>(UINTPTR_MAX)), "0xffffffffffffffff");
}

TEST(Format, WidthAndPadding)
{
    EXPECT_EQ(fmt("[%5d]", 42), "[   42]");
    EXPECT_EQ(fmt("[%-5d]", 42), "[42   ]");
    EXPECT_EQ(fmt("[%05d]", -42), "[-0042]");
    EXPECT_EQ(unchecked("[%-05d]", 42), "[42   ]") << "'-' overrides '0'";
    EXPECT_EQ(fmt("[%08x]", 0xbeef), "[0000beef]");
    EXPECT_EQ(fmt("[%#010x]", 0xbeef), "[0x0000beef]");
    EXPECT_EQ(fmt("[%*d]", 6, 7), "[     7]");
    EXPECT_EQ(fmt("[%*d]", -6, 7), "[7     ]") << "a negative * width left-justifies";
    EXPECT_EQ(fmt("[%2d]", 12345), "[12345]") << "width never truncates";
    EXPECT_EQ(fmt("[%3c]", 'x'), "[  x]");
    EXPECT_EQ(fmt("[%-3c]", 'x'), "[x  ]");
    EXPECT_EQ(fmt("[%+d][% d][%+d]", 5, 5, -5), "[+5][ 5][-5]");
}

TEST(Format, IntegerPrecision)
{
    EXPECT_EQ(fmt("[%.3d]", 7), "[007]");
    EXPECT_EQ(fmt("[%.3d]", -7), "[-007]");
    EXPECT_EQ(fmt("[%6.3d]", 7), "[   007]");
    EXPECT_EQ(unchecked("[%06.3d]", 7), "[   007]") << "a precision disables '0' padding";
    EXPECT_EQ(fmt("[%.0d]", 0), "[]") << "C: precision 0 prints no digits for 0";
    EXPECT_EQ(fmt("[%#o]", 8), "[010]");
    EXPECT_EQ(fmt("[%#o]", 0), "[0]");
    EXPECT_EQ(fmt("[%#x]", 0), "[0]");
}

TEST(Format, Strings)
{
    EXPECT_EQ(fmt("%s", "abc"), "abc");
    EXPECT_EQ(unchecked("%s", static_cast<const char*>(nullptr)), "(null)");
    EXPECT_EQ(fmt("[%5s]", "ab"), "[   ab]");
    EXPECT_EQ(fmt("[%-5s]", "ab"), "[ab   ]");
    EXPECT_EQ(fmt("[%.2s]", "abcdef"), "[ab]");
    EXPECT_EQ(fmt("[%.*s]", 3, "abcdef"), "[abc]");
    EXPECT_EQ(fmt("[%.*s]", -1, "abcdef"), "[abcdef]") << "a negative precision is ignored";
    EXPECT_EQ(fmt("[%*.*s]", 5, 2, "abcdef"), "[   ab]");
}

TEST(Format, PrecisionNeverReadsPastTheLimit)
{
    // Not NUL-terminated: reading a fourth byte would be an ASan error.
    char* chars = static_cast<char*>(malloc(3));
    memcpy(chars, "xyz", 3);
    EXPECT_EQ(fmt("%.3s", chars), "xyz");
    free(chars);
}

TEST(Format, TruncationKeepsFullLengthAndTerminates)
{
    char buf[8];
    memset(buf, 'Z', sizeof(buf));
    EXPECT_EQ(format(buf, sizeof(buf), "%s-%d", "abcdef", 12345), 12u);
    EXPECT_STREQ(buf, "abcdef-");

    memset(buf, 'Z', sizeof(buf));
    EXPECT_EQ(format(buf, 1, "hello"), 5u);
    EXPECT_EQ(buf[0], '\0');
    EXPECT_EQ(buf[1], 'Z');

    memset(buf, 'Z', sizeof(buf));
    EXPECT_EQ(format(buf, 0, "hello %d", 1), 7u);
    EXPECT_EQ(buf[0], 'Z') << "size 0 writes nothing";

    EXPECT_EQ(format(nullptr, 0, "%lld", static_cast<long long>(INT64_MIN)), 20u) << "sizing call";

    memset(buf, 'Z', sizeof(buf));
    EXPECT_EQ(format(buf, 4, "%5d", 7), 5u);
    EXPECT_STREQ(buf, "   ");
    EXPECT_EQ(buf[4], 'Z') << "nothing written past size";
}

TEST(Format, UnknownConversionIsCopiedThrough)
{
    EXPECT_EQ(unchecked("a%yb"), "a%yb");
    EXPECT_EQ(unchecked("end%"), "end%");
}

TEST(Format, SinkReceivesTheWholeOutput)
{
    std::string collected;
    int calls = 0;
    struct Context {
        std::string* out;
        int* calls;
    } context { &collected, &calls };
    auto sink = [](void* c, const char* chars, size_t n) {
        auto* ctx = static_cast<Context*>(c);
        ctx->out->append(chars, n);
        ++*ctx->calls;
    };
    std::string long_text(300, 'q');
    auto call = [&](const char* f, ...) {
        va_list ap;
        va_start(ap, f);
        size_t n = vformat_to(sink, &context, f, ap);
        va_end(ap);
        return n;
    };
    EXPECT_EQ(call("<%s|%d>", long_text.c_str(), -3), 305u);
    EXPECT_EQ(collected, "<" + long_text + "|-3>");
    EXPECT_GT(calls, 1) << "long output arrives in several pieces";
}

TEST(Format, MatchesGlibcOnATable)
{
    const long long values[] = { 0, 1, -1, 7, -7, 255, 4096, -65536, INT_MAX, INT_MIN, LLONG_MAX, LLONG_MIN };
    const char* int_formats[] = { "%lld", "%5lld", "%-5lld|", "%05lld", "%+lld", "% lld", "%.4lld", "%8.3lld",
        "%-8.3lld|", "%llx", "%#llx", "%#10llx", "%010llx", "%llo", "%#llo", "%llu", "%20llu", "%.0lld" };
    for (const char* f : int_formats) {
        for (long long v : values) {
            char mine[128];
            format(mine, sizeof(mine), f, v);
            EXPECT_EQ(std::string(mine), libc(f, v)) << "format \"" << f << "\" value " << v;
        }
    }
    const char* strings[] = { "", "a", "hello world" };
    const char* string_formats[] = { "%s", "%12s", "%-12s|", "%.3s", "%8.2s", "%-8.0s|" };
    for (const char* f : string_formats) {
        for (const char* s : strings) {
            char mine[128];
            format(mine, sizeof(mine), f, s);
            EXPECT_EQ(std::string(mine), libc(f, s)) << "format \"" << f << "\" string \"" << s << "\"";
        }
    }
}
