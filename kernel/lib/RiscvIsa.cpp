// riscv_isa::parse: single letters up to the first '_', then '_'-separated multi-letter
// extensions. Letters imply the compressed subsets Linux reports (C: Zca; C with D: Zcd).
#include <lib/RiscvIsa.h>

namespace sk::riscv_isa {

namespace {

struct NamedBit {
    const char* name;
    u8 bit;
};

// RISCV_HWPROBE_EXT_* bit numbers for the multi-letter extensions.
constexpr NamedBit named_bits[] = {
    { "zba", 3 }, { "zbb", 4 }, { "zbs", 5 }, { "zicboz", 6 }, { "zbc", 7 }, { "zbkb", 8 }, { "zbkc", 9 },
    { "zbkx", 10 }, { "zknd", 11 }, { "zkne", 12 }, { "zknh", 13 }, { "zksed", 14 }, { "zksh", 15 },
    { "zkt", 16 }, { "zfh", 27 }, { "zfhmin", 28 }, { "zihintntl", 29 }, { "zfa", 32 }, { "ztso", 33 },
    { "zacas", 34 }, { "zicond", 35 }, { "zihintpause", 36 }, { "zca", 43 }, { "zcb", 44 }, { "zcd", 45 },
    { "zcf", 46 }, { "zcmop", 47 }, { "zawrs", 48 },
};

constexpr u64 bit(u8 n) { return 1ull << n; }
constexpr u8 ima_fd = 0, ima_c = 1, ext_zca = 43, ext_zcd = 45;

u64 named_extension(StringView name)
{
    for (const auto& entry : named_bits) {
        if (name == StringView(entry.name))
            return bit(entry.bit);
    }
    return 0;
}

bool has_letter(StringView letters, char letter)
{
    for (size_t i = 0; i < letters.length(); ++i) {
        if (letters[i] == letter)
            return true;
    }
    return false;
}

} // namespace

Extensions parse(StringView isa)
{
    Extensions result;
    if (!isa.starts_with("rv64"))
        return result;
    size_t end = 4;
    while (end < isa.length() && isa[end] != '_')
        ++end;
    StringView letters = isa.substring(4, end - 4);
    // G is IMAFD plus Zicsr and Zifencei.
    bool g = has_letter(letters, 'g');
    bool f = g || has_letter(letters, 'f'), d = g || has_letter(letters, 'd');
    result.base_ima = (g || (has_letter(letters, 'i') && has_letter(letters, 'm') && has_letter(letters, 'a')));
    if (f && d)
        result.ima_ext_0 |= bit(ima_fd);
    if (has_letter(letters, 'c')) {
        result.ima_ext_0 |= bit(ima_c) | bit(ext_zca);
        if (d)
            result.ima_ext_0 |= bit(ext_zcd);
    }
    while (end < isa.length()) {
        size_t start = end + 1;
        end = start;
        while (end < isa.length() && isa[end] != '_')
            ++end;
        result.ima_ext_0 |= named_extension(isa.substring(start, end - start));
    }
    return result;
}

} // namespace sk::riscv_isa
