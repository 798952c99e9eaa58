// MemoryDevices: null, zero, full, random and urandom as one FileOperations class that
// switches on its minor number. All are "seekable" in Linux's sense: lseek succeeds and
// returns 0, and pread/pwrite behave like read/write.
#include <drivers/MemoryDevices.h>
#include <lib/IoBuffer.h>
#include <lib/Spinlock.h>
#include <string.h>
#include <vfs/CharacterDevices.h>
#include <vfs/FileOperations.h>

namespace sk {

namespace {

// xoshiro256** (Blackman & Vigna), seeded through splitmix64. Guarded by s_random_lock.
Spinlock s_random_lock;
u64 s_random_state[4] = { 0x9e3779b97f4a7c15ull, 0xbf58476d1ce4e5b9ull, 0x94d049bb133111ebull, 0x2545f4914f6cdd1dull };

u64 rotate_left(u64 x, int k) { return (x << k) | (x >> (64 - k)); }

u64 next_random()
{
    u64* s = s_random_state;
    u64 result = rotate_left(s[1] * 5, 7) * 9;
    u64 t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotate_left(s[3], 45);
    return result;
}

u64 splitmix64(u64& x)
{
    u64 z = (x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

class MemoryDevice final : public FileOperations {
public:
    explicit MemoryDevice(u32 minor) : m_minor(minor) { }

    Result<size_t> read(OpenFile&, const IoBuffer& buffer, size_t length) override { return read_bytes(buffer, length); }
    Result<size_t> write(OpenFile&, const IoBuffer&, size_t length) override { return write_bytes(length); }
    Result<size_t> read_at(OpenFile&, u64, const IoBuffer& buffer, size_t length) override { return read_bytes(buffer, length); }
    Result<size_t> write_at(OpenFile&, u64, const IoBuffer&, size_t length) override { return write_bytes(length); }
    Result<i64> seek(OpenFile&, i64, int) override { return 0; }

private:
    Result<size_t> read_bytes(const IoBuffer& buffer, size_t length)
    {
        switch (m_minor) {
        case null_minor:
            return 0;
        case zero_minor:
        case full_minor:
            TRY(buffer.fill_zero(0, length));
            return length;
        default: {
            u8 chunk[256];
            for (size_t done = 0; done < length;) {
                size_t n = min(length - done, sizeof(chunk));
                get_random_bytes(chunk, n);
                auto copied = buffer.write(done, chunk, n);
                if (copied.is_error()) {
                    if (done)
                        return done;
                    return copied.error();
                }
                done += n;
            }
            return length;
        }
        }
    }
    Result<size_t> write_bytes(size_t length)
    {
        if (m_minor == full_minor)
            return Error { ENOSPC };
        // null and zero discard; random/urandom accept (Linux would mix the data into its pool).
        return length;
    }

    u32 m_minor;
};

Result<RefPtr<FileOperations>> open_memory_device(u32, u32 minor, u32)
{
    auto device = TRY(try_make_ref<MemoryDevice>(minor));
    return RefPtr<FileOperations>(std::move(device));
}

}

Result<void> register_memory_devices()
{
    for (u32 minor : { null_minor, zero_minor, full_minor, random_minor, urandom_minor })
        TRY(register_character_device(memory_devices_major, minor, open_memory_device));
    return {};
}

void seed_random_devices(const void* seed, size_t length)
{
    SpinlockGuard guard(s_random_lock);
    auto* bytes = static_cast<const u8*>(seed);
    u64 mix = s_random_state[0] ^ s_random_state[3];
    for (size_t i = 0; i < length; i += 8) {
        u64 word = 0;
        memcpy(&word, bytes + i, min<size_t>(8, length - i));
        mix ^= word;
        s_random_state[(i / 8) % 4] ^= splitmix64(mix);
    }
    for (auto& word : s_random_state)
        word ^= splitmix64(mix);
    if (!(s_random_state[0] | s_random_state[1] | s_random_state[2] | s_random_state[3]))
        s_random_state[0] = 1; // xoshiro's one forbidden state
}

void get_random_bytes(void* buffer, size_t length)
{
    auto* out = static_cast<u8*>(buffer);
    SpinlockGuard guard(s_random_lock);
    while (length) {
        u64 word = next_random();
        size_t n = min<size_t>(8, length);
        memcpy(out, &word, n);
        out += n;
        length -= n;
    }
}

} // namespace sk
