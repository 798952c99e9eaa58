// Format: one formatting engine (format_engine) that emits characters through a small
// output object; the buffer and sink front ends differ only in where characters go.
#include <lib/Format.h>

namespace sk {

namespace {

// Output that batches characters for a sink, or stores them into a bounded buffer.
class Output {
public:
    Output(char* buf, size_t size)
        : m_buf(buf)
        , m_size(size)
    {
    }
    Output(FormatSink sink, void* context)
        : m_sink(sink)
        , m_context(context)
    {
    }

    void put(char c)
    {
        if (m_sink) {
            m_pending[m_pending_length++] = c;
            if (m_pending_length == sizeof(m_pending))
                flush();
        } else if (m_length + 1 < m_size) {
            m_buf[m_length] = c;
        }
        ++m_length;
    }
    void put(const char* chars, size_t n)
    {
        for (size_t i = 0; i < n; ++i)
            put(chars[i]);
    }
    void repeat(char c, size_t n)
    {
        for (size_t i = 0; i < n; ++i)
            put(c);
    }
    size_t finish()
    {
        if (m_sink)
            flush();
        else if (m_size > 0)
            m_buf[min(m_length, m_size - 1)] = '\0';
        return m_length;
    }

private:
    void flush()
    {
        if (m_pending_length)
            m_sink(m_context, m_pending, m_pending_length);
        m_pending_length = 0;
    }

    char* m_buf { nullptr };
    size_t m_size { 0 };
    FormatSink m_sink { nullptr };
    void* m_context { nullptr };
    char m_pending[64];
    size_t m_pending_length { 0 };
    size_t m_length { 0 };
};

enum class Length { Int, Char, Short, Long, LongLong, Size, PtrDiff, IntMax };

struct Spec {
    bool left { false };
    bool zero { false };
    bool plus { false };
    bool space { false };
    bool alternate { false };
    size_t width { 0 };
    bool has_precision { false };
    size_t precision { 0 };
    Length length { Length::Int };
};

// va_list is passed by pointer: on some ABIs it is an array type and cannot be copied around.
i64 signed_argument(Length length, va_list* ap)
{
    switch (length) {
    case Length::Char:
        return static_cast<signed char>(va_arg(*ap, int));
    case Length::Short:
        return static_cast<short>(va_arg(*ap, int));
    case Length::Long:
        return va_arg(*ap, long);
    case Length::LongLong:
        return va_arg(*ap, long long);
    case Length::Size:
        return va_arg(*ap, ssize); // the signed type of size_t's width
    case Length::PtrDiff:
        return va_arg(*ap, ptrdiff_t);
    case Length::IntMax:
        return va_arg(*ap, intmax_t);
    case Length::Int:
        break;
    }
    return va_arg(*ap, int);
}

u64 unsigned_argument(Length length, va_list* ap)
{
    switch (length) {
    case Length::Char:
        return static_cast<unsigned char>(va_arg(*ap, unsigned));
    case Length::Short:
        return static_cast<unsigned short>(va_arg(*ap, unsigned));
    case Length::Long:
        return va_arg(*ap, unsigned long);
    case Length::LongLong:
        return va_arg(*ap, unsigned long long);
    case Length::Size:
        return va_arg(*ap, size_t);
    case Length::PtrDiff:
        return static_cast<u64>(va_arg(*ap, ptrdiff_t));
    case Length::IntMax:
        return va_arg(*ap, uintmax_t);
    case Length::Int:
        break;
    }
    return va_arg(*ap, unsigned);
}

// Pads `body` (already including any prefix) to the field width.
void emit_padded(Output& out, const Spec& spec, const char* body, size_t length)
{
    size_t pad = spec.width > length ? spec.width - length : 0;
    if (!spec.left)
        out.repeat(' ', pad);
    out.put(body, length);
    if (spec.left)
        out.repeat(' ', pad);
}

void emit_integer(
    Output& out, const Spec& spec, u64 magnitude, bool negative, unsigned base, bool upper, const char* prefix)
{
    const char* digits_table = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char digits[24]; // 22 octal digits cover 64 bits
    size_t digit_count = 0;
    while (magnitude) {
        digits[digit_count++] = digits_table[magnitude % base];
        magnitude /= base;
    }
    // The C rule: precision is the minimum digit count, and ".0" prints no digits for 0.
    size_t min_digits = spec.has_precision ? spec.precision : 1;
    size_t zeros = min_digits > digit_count ? min_digits - digit_count : 0;
    if (base == 8 && spec.alternate && zeros == 0 && (digit_count == 0 || digits[digit_count - 1] != '0'))
        zeros = 1;

    char sign = negative ? '-' : spec.plus ? '+' : spec.space ? ' ' : '\0';
    size_t prefix_length = 0;
    while (prefix && prefix[prefix_length])
        ++prefix_length;
    size_t length = (sign ? 1 : 0) + prefix_length + zeros + digit_count;

    size_t pad = spec.width > length ? spec.width - length : 0;
    bool zero_pad = spec.zero && !spec.left && !spec.has_precision;
    if (!spec.left && !zero_pad)
        out.repeat(' ', pad);
    if (sign)
        out.put(sign);
    out.put(prefix, prefix_length);
    if (zero_pad)
        out.repeat('0', pad);
    out.repeat('0', zeros);
    while (digit_count)
        out.put(digits[--digit_count]);
    if (spec.left)
        out.repeat(' ', pad);
}

size_t format_engine(Output& out, const char* fmt, va_list* ap)
{
    while (*fmt) {
        if (*fmt != '%') {
            out.put(*fmt++);
            continue;
        }
        const char* spec_start = fmt++;
        Spec spec;
        for (;; ++fmt) {
            if (*fmt == '-')
                spec.left = true;
            else if (*fmt == '0')
                spec.zero = true;
            else if (*fmt == '+')
                spec.plus = true;
            else if (*fmt == ' ')
                spec.space = true;
            else if (*fmt == '#')
                spec.alternate = true;
            else
                break;
        }
        if (*fmt == '*') {
            int width = va_arg(*ap, int);
            if (width < 0) {
                spec.left = true;
                width = -width;
            }
            spec.width = static_cast<size_t>(width);
            ++fmt;
        } else {
            while (*fmt >= '0' && *fmt <= '9')
                spec.width = spec.width * 10 + static_cast<size_t>(*fmt++ - '0');
        }
        if (*fmt == '.') {
            ++fmt;
            spec.has_precision = true;
            if (*fmt == '*') {
                int precision = va_arg(*ap, int);
                // A negative precision is taken as if it were omitted.
                spec.has_precision = precision >= 0;
                spec.precision = precision >= 0 ? static_cast<size_t>(precision) : 0;
                ++fmt;
            } else {
                while (*fmt >= '0' && *fmt <= '9')
                    spec.precision = spec.precision * 10 + static_cast<size_t>(*fmt++ - '0');
            }
        }
        switch (*fmt) {
        case 'h':
            spec.length = *++fmt == 'h' ? (++fmt, Length::Char) : Length::Short;
            break;
        case 'l':
            spec.length = *++fmt == 'l' ? (++fmt, Length::LongLong) : Length::Long;
            break;
        case 'z':
            spec.length = Length::Size;
            ++fmt;
            break;
        case 't':
            spec.length = Length::PtrDiff;
            ++fmt;
            break;
        case 'j':
            spec.length = Length::IntMax;
            ++fmt;
            break;
        default:
            break;
        }

        char conversion = *fmt;
        if (conversion)
            ++fmt;
        switch (conversion) {
        case 'd':
        case 'i': {
            i64 value = signed_argument(spec.length, ap);
            // Negate in unsigned arithmetic so INT64_MIN does not overflow.
            u64 magnitude = value < 0 ? u64(0) - static_cast<u64>(value) : static_cast<u64>(value);
            emit_integer(out, spec, magnitude, value < 0, 10, false, nullptr);
            break;
        }
        case 'u':
            emit_integer(out, spec, unsigned_argument(spec.length, ap), false, 10, false, nullptr);
            break;
        case 'x':
        case 'X': {
            u64 value = unsigned_argument(spec.length, ap);
            const char* prefix = spec.alternate && value ? (conversion == 'x' ? "0x" : "0X") : nullptr;
            spec.plus = spec.space = false;
            emit_integer(out, spec, value, false, 16, conversion == 'X', prefix);
            break;
        }
        case 'o':
            spec.plus = spec.space = false;
            emit_integer(out, spec, unsigned_argument(spec.length, ap), false, 8, false, nullptr);
            break;
        case 'p': {
            auto value = reinterpret_cast<uptr>(va_arg(*ap, void*));
            if (!value) {
                emit_padded(out, spec, "(nil)", 5);
                break;
            }
            spec.alternate = false;
            emit_integer(out, spec, value, false, 16, false, "0x");
            break;
        }
        case 'c': {
            char c = static_cast<char>(va_arg(*ap, int));
            emit_padded(out, spec, &c, 1);
            break;
        }
        case 's': {
            const char* string = va_arg(*ap, const char*);
            if (!string)
                string = "(null)";
            // With a precision, never read past it: the string need not be NUL-terminated.
            size_t length = 0;
            while ((!spec.has_precision || length < spec.precision) && string[length])
                ++length;
            emit_padded(out, spec, string, length);
            break;
        }
        case '%':
            out.put('%');
            break;
        default:
            // Unknown conversion (or %n, or a truncated spec): show it rather than guess.
            out.put(spec_start, static_cast<size_t>(fmt - spec_start));
            break;
        }
    }
    return out.finish();
}

} // namespace

size_t vformat(char* buf, size_t size, const char* fmt, va_list ap)
{
    Output out(buf, size);
    va_list copy;
    va_copy(copy, ap);
    size_t length = format_engine(out, fmt, &copy);
    va_end(copy);
    return length;
}

size_t format(char* buf, size_t size, const char* fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    size_t length = vformat(buf, size, fmt, ap);
    va_end(ap);
    return length;
}

size_t vformat_to(FormatSink sink, void* context, const char* fmt, va_list ap)
{
    Output out(sink, context);
    va_list copy;
    va_copy(copy, ap);
    size_t length = format_engine(out, fmt, &copy);
    va_end(copy);
    return length;
}

} // namespace sk
