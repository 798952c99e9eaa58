// CharacterDevices: a fixed table of (major, minor) → opener. Constant-initialized, so it is
// usable before any constructor runs.
#include <lib/Spinlock.h>
#include <vfs/CharacterDevices.h>

namespace sk {

namespace {

struct Registration {
    u32 major;
    u32 minor;
    CharacterDeviceOpener opener; // null = free slot
};

constexpr size_t max_registrations = 64;
Spinlock s_lock;
Registration s_table[max_registrations];

}

Result<void> register_character_device(u32 major, u32 minor, CharacterDeviceOpener opener)
{
    VERIFY(opener);
    SpinlockGuard guard(s_lock);
    Registration* free_slot = nullptr;
    for (auto& registration : s_table) {
        if (registration.opener && registration.major == major && registration.minor == minor) {
            registration.opener = opener;
            return {};
        }
        if (!registration.opener && !free_slot)
            free_slot = &registration;
    }
    if (!free_slot)
        return Error { ENOSPC };
    *free_slot = Registration { major, minor, opener };
    return {};
}

void unregister_character_device(u32 major, u32 minor)
{
    SpinlockGuard guard(s_lock);
    for (auto& registration : s_table) {
        if (registration.opener && registration.major == major && registration.minor == minor)
            registration.opener = nullptr;
    }
}

Result<RefPtr<FileOperations>> open_character_device(u32 major, u32 minor, u32 flags)
{
    CharacterDeviceOpener opener = nullptr;
    {
        SpinlockGuard guard(s_lock);
        for (auto& registration : s_table) {
            if (registration.opener && registration.major == major && registration.minor == minor)
                opener = registration.opener;
        }
    }
    if (!opener)
        return Error { ENXIO };
    // Outside the lock: a driver's open may sleep (a tty waiting for carrier, a fifo...).
    return opener(major, minor, flags);
}

} // namespace sk
