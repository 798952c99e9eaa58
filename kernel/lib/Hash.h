// Hash traits for HashMap. A traits type provides
//   static u64 hash(const Q&)              for the key type and any lookup type Q,
//   static bool equals(const K&, const Q&) key against a stored key or a lookup value,
// so that a map keyed by KString can be searched with a StringView without allocating.
//
// Integers, enums and pointers are mixed with the murmur3 finaliser (HashMap masks the low
// bits, so raw values such as page-aligned addresses would collide); byte strings use
// FNV-1a (64-bit).
#pragma once

#include <lib/KString.h>
#include <lib/StringView.h>
#include <lib/Types.h>
#include <type_traits>
#include <utility>

namespace sk {

constexpr u64 hash_mix(u64 x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ull;
    x ^= x >> 33;
    return x;
}

constexpr u64 hash_combine(u64 a, u64 b) { return hash_mix(a ^ (b + 0x9e3779b97f4a7c15ull + (a << 6) + (a >> 2))); }

constexpr u64 fnv1a_offset_basis = 0xcbf29ce484222325ull;
constexpr u64 fnv1a_prime = 0x100000001b3ull;

constexpr u64 fnv1a(const char* bytes, size_t length, u64 hash = fnv1a_offset_basis)
{
    for (size_t i = 0; i < length; ++i) {
        hash ^= static_cast<u8>(bytes[i]);
        hash *= fnv1a_prime;
    }
    return hash;
}

template<typename K> struct DefaultHash;

template<typename K>
requires(std::is_integral_v<K> || std::is_enum_v<K> || std::is_pointer_v<K>) struct DefaultHash<K> {
    static u64 hash(K key)
    {
        if constexpr (std::is_pointer_v<K>)
            return hash_mix(reinterpret_cast<uptr>(key));
        else
            return hash_mix(static_cast<u64>(key));
    }
    static bool equals(K a, K b) { return a == b; }
};

// A pair of integers, e.g. (filesystem id, inode number).
template<typename A, typename B> struct DefaultHash<std::pair<A, B>> {
    static u64 hash(const std::pair<A, B>& key)
    {
        return hash_combine(DefaultHash<A>::hash(key.first), DefaultHash<B>::hash(key.second));
    }
    static bool equals(const std::pair<A, B>& a, const std::pair<A, B>& b) { return a == b; }
};

template<> struct DefaultHash<StringView> {
    static u64 hash(StringView key) { return fnv1a(key.chars(), key.length()); }
    static bool equals(StringView a, StringView b) { return a == b; }
};

// KString keys can be looked up by StringView.
template<> struct DefaultHash<KString> {
    static u64 hash(const KString& key) { return fnv1a(key.chars(), key.length()); }
    static u64 hash(StringView key) { return fnv1a(key.chars(), key.length()); }
    static bool equals(const KString& a, const KString& b) { return a.view() == b.view(); }
    static bool equals(const KString& a, StringView b) { return a.view() == b; }
};

} // namespace sk
