// Bitmaps for allocators: physical frames, ext2 block and inode bitmaps, pid and fd numbers.
//
// Bit i lives in byte i / 8 at bit position i % 8 — ext2's on-disk order, and the order of a
// little-endian 64-bit word, which lets the searches skip eight bytes at a time.
//
//   BitmapView  non-owning view over existing memory (a disk block, early boot memory).
//   Bitmap      owns its storage (try_create → ENOMEM), zero-initialised; offers the view's
//               operations through view().
//
// Searches take a half-open range [start, end) and return BitmapView::none when nothing
// matches. Not synchronized: the owner's lock guards the bits.
#pragma once

#include <lib/Result.h>
#include <lib/Types.h>
#include <lib/Verify.h>
#include <new>
#include <utility>

namespace sk {

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "the word-at-a-time search assumes little-endian");

// Index of the lowest set bit of a non-zero word. Not __builtin_ctzll: without Zbb, GCC turns
// that into a libgcc call, and the kernel links no libgcc.
inline unsigned lowest_set_bit(u64 word)
{
    // clang-format off
    static constexpr u8 de_bruijn_positions[64] = {
        0, 1, 2, 53, 3, 7, 54, 27, 4, 38, 41, 8, 34, 55, 48, 28, 62, 5, 39, 46, 44, 42, 22, 9,
        24, 35, 59, 56, 49, 18, 29, 11, 63, 52, 6, 26, 37, 40, 33, 47, 61, 45, 43, 21, 23, 58, 17, 10,
        51, 25, 36, 32, 60, 20, 57, 16, 50, 31, 19, 15, 30, 14, 13, 12,
    };
    // clang-format on
    return de_bruijn_positions[((word & (0 - word)) * 0x022fdd63cc95386dull) >> 58];
}

class BitmapView {
public:
    static constexpr size_t none = SIZE_MAX;

    BitmapView() = default;
    BitmapView(u8* data, size_t bit_count)
        : m_data(data)
        , m_bit_count(bit_count)
    {
    }

    u8* data() const { return m_data; }
    size_t bit_count() const { return m_bit_count; }
    size_t byte_count() const { return (m_bit_count + 7) / 8; }

    bool get(size_t bit) const
    {
        VERIFY(bit < m_bit_count);
        return (m_data[bit / 8] >> (bit % 8)) & 1;
    }
    void set(size_t bit)
    {
        VERIFY(bit < m_bit_count);
        m_data[bit / 8] |= static_cast<u8>(1u << (bit % 8));
    }
    void clear(size_t bit)
    {
        VERIFY(bit < m_bit_count);
        m_data[bit / 8] &= static_cast<u8>(~(1u << (bit % 8)));
    }
    void set(size_t bit, bool value) { value ? set(bit) : clear(bit); }

    void set_range(size_t start, size_t count, bool value)
    {
        VERIFY(start <= m_bit_count && count <= m_bit_count - start);
        size_t bit = start;
        size_t end = start + count;
        for (; bit < end && bit % 8; ++bit)
            set(bit, value);
        for (; bit + 8 <= end; bit += 8)
            m_data[bit / 8] = value ? 0xff : 0;
        for (; bit < end; ++bit)
            set(bit, value);
    }

    size_t find_first_clear(size_t start, size_t end) const { return find_first(start, end, false); }
    size_t find_first_clear(size_t start = 0) const { return find_first(start, m_bit_count, false); }
    size_t find_first_set(size_t start, size_t end) const { return find_first(start, end, true); }
    size_t find_first_set(size_t start = 0) const { return find_first(start, m_bit_count, true); }

    // First run of `length` clear bits inside [start, end), for contiguous allocations.
    size_t find_clear_run(size_t start, size_t end, size_t length) const
    {
        end = min(end, m_bit_count);
        if (length == 0)
            return start <= end ? start : none;
        while (true) {
            size_t run_start = find_first_clear(start, end);
            if (run_start == none || end - run_start < length)
                return none;
            size_t next_set = find_first_set(run_start, run_start + length);
            if (next_set == none)
                return run_start;
            start = next_set + 1;
        }
    }

    size_t count_set(size_t start, size_t end) const
    {
        clamp(start, end);
        size_t count = 0;
        for (size_t bit = start; bit < end; ++bit)
            count += get(bit);
        return count;
    }
    size_t count_set() const { return count_set(0, m_bit_count); }

private:
    void clamp(size_t& start, size_t& end) const
    {
        end = min(end, m_bit_count);
        start = min(start, end);
    }

    // Bits [bit, bit + 64) as a little-endian word; requires bit % 64 == 0 and 8 readable bytes.
    u64 word_at(size_t bit) const
    {
        u64 word = 0;
        __builtin_memcpy(&word, m_data + bit / 8, sizeof(word));
        return word;
    }

    size_t find_first(size_t start, size_t end, bool value) const
    {
        clamp(start, end);
        size_t bit = start;
        for (; bit < end && bit % 64; ++bit) {
            if (get(bit) == value)
                return bit;
        }
        // Whole words: invert so that the bit we want is always a 1.
        for (; bit + 64 <= end; bit += 64) {
            u64 word = word_at(bit);
            if (!value)
                word = ~word;
            if (word)
                return bit + lowest_set_bit(word);
        }
        for (; bit < end; ++bit) {
            if (get(bit) == value)
                return bit;
        }
        return none;
    }

    u8* m_data { nullptr };
    size_t m_bit_count { 0 };
};

class Bitmap {
public:
    Bitmap() = default;
    static Result<Bitmap> try_create(size_t bit_count)
    {
        Bitmap bitmap;
        size_t bytes = (bit_count + 7) / 8;
        bitmap.m_data = new (std::nothrow) u8[bytes ? bytes : 1]();
        if (!bitmap.m_data)
            return Error { ENOMEM };
        bitmap.m_bit_count = bit_count;
        return bitmap;
    }
    Bitmap(Bitmap&& other)
        : m_data(std::exchange(other.m_data, nullptr))
        , m_bit_count(std::exchange(other.m_bit_count, 0))
    {
    }
    Bitmap& operator=(Bitmap&& other)
    {
        if (this != &other) {
            delete[] m_data;
            m_data = std::exchange(other.m_data, nullptr);
            m_bit_count = std::exchange(other.m_bit_count, 0);
        }
        return *this;
    }
    Bitmap(const Bitmap&) = delete;
    Bitmap& operator=(const Bitmap&) = delete;
    ~Bitmap() { delete[] m_data; }

    BitmapView view() const { return BitmapView(m_data, m_bit_count); }
    size_t bit_count() const { return m_bit_count; }
    bool get(size_t bit) const { return view().get(bit); }
    void set(size_t bit) { view().set(bit); }
    void clear(size_t bit) { view().clear(bit); }
    void set(size_t bit, bool value) { view().set(bit, value); }
    void set_range(size_t start, size_t count, bool value) { view().set_range(start, count, value); }
    size_t find_first_clear(size_t start = 0) const { return view().find_first_clear(start); }
    size_t find_first_clear(size_t start, size_t end) const { return view().find_first_clear(start, end); }
    size_t find_first_set(size_t start = 0) const { return view().find_first_set(start); }
    size_t find_first_set(size_t start, size_t end) const { return view().find_first_set(start, end); }
    size_t find_clear_run(size_t start, size_t end, size_t length) const
    {
        return view().find_clear_run(start, end, length);
    }
    size_t count_set() const { return view().count_set(); }

private:
    u8* m_data { nullptr };
    size_t m_bit_count { 0 };
};

} // namespace sk
