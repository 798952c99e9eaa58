// Credentials: who a process is, with Linux's real/effective/saved/filesystem ids and
// supplementary groups. A value type: copied on fork, changed only by the set*id syscalls.
// Permission checks use the fs ids (fsuid/fsgid), as Linux does.
#pragma once

#include <lib/Types.h>

namespace sk {

struct Credentials {
    static constexpr size_t max_groups = 64; // FIXME: Linux allows 65536; setgroups beyond this is EINVAL

    u32 uid { 0 }, euid { 0 }, suid { 0 }, fsuid { 0 };
    u32 gid { 0 }, egid { 0 }, sgid { 0 }, fsgid { 0 };
    u32 groups[max_groups] {};
    u32 group_count { 0 };

    bool is_superuser() const { return euid == 0; }
    bool fs_is_superuser() const { return fsuid == 0; }
    bool in_group(u32 group) const
    {
        if (group == fsgid)
            return true;
        for (u32 i = 0; i < group_count; ++i) {
            if (groups[i] == group)
                return true;
        }
        return false;
    }
    static Credentials root() { return {}; }
};

} // namespace sk
