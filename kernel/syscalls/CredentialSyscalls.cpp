// Credential syscalls: the set*id/get*id families over user and group ids, with Linux's rules
// (root, i.e. euid 0, may set any id; others only ids they already hold), and the
// supplementary groups.
#include <lib/UserCopy.h>
#include <proc/Process.h>
#include <syscalls/Syscall.h>

namespace sk {

static Result<long> sys_getuid(const SyscallArguments&) { return Process::current().credentials().uid; }
REGISTER_SYSCALL(__NR_getuid, sys_getuid);
static Result<long> sys_geteuid(const SyscallArguments&) { return Process::current().credentials().euid; }
REGISTER_SYSCALL(__NR_geteuid, sys_geteuid);
static Result<long> sys_getgid(const SyscallArguments&) { return Process::current().credentials().gid; }
REGISTER_SYSCALL(__NR_getgid, sys_getgid);
static Result<long> sys_getegid(const SyscallArguments&) { return Process::current().credentials().egid; }
REGISTER_SYSCALL(__NR_getegid, sys_getegid);

static constexpr u32 unchanged = 0xffffffff;

// The user ids and the group ids follow the same rules; each rule is written once over
// whichever set a syscall names. Root (euid 0) may set any id; others only ids they have.
struct IdSet {
    u32 Credentials::*real;
    u32 Credentials::*effective;
    u32 Credentials::*saved;
    u32 Credentials::*fs;
};
static constexpr IdSet user_ids { &Credentials::uid, &Credentials::euid, &Credentials::suid, &Credentials::fsuid };
static constexpr IdSet group_ids { &Credentials::gid, &Credentials::egid, &Credentials::sgid, &Credentials::fsgid };

static bool holds(const Credentials& c, const IdSet& set, u32 id)
{
    return id == c.*set.real || id == c.*set.effective || id == c.*set.saved;
}

// setresuid/setresgid: each id may become one of the caller's current real, effective or
// saved ids; the fs id follows the effective one.
static Result<long> set_resident_ids(const IdSet& set, u32 real, u32 effective, u32 saved)
{
    Process& process = Process::current();
    Credentials c = process.credentials();
    if (!c.is_superuser()) {
        for (u32 id : { real, effective, saved }) {
            if (id != unchanged && !holds(c, set, id))
                return Error { EPERM };
        }
    }
    if (real != unchanged)
        c.*set.real = real;
    if (effective != unchanged)
        c.*set.effective = effective;
    if (saved != unchanged)
        c.*set.saved = saved;
    c.*set.fs = c.*set.effective;
    process.set_credentials(c);
    return 0;
}

// setuid/setgid: root sets all of them; others may set the effective id to the real or saved one.
static Result<long> set_single_id(const IdSet& set, u32 id)
{
    Process& process = Process::current();
    Credentials c = process.credentials();
    if (id == unchanged)
        return Error { EINVAL };
    if (c.is_superuser())
        c.*set.real = c.*set.saved = id;
    else if (id != c.*set.real && id != c.*set.saved)
        return Error { EPERM };
    c.*set.effective = c.*set.fs = id;
    process.set_credentials(c);
    return 0;
}

// setreuid/setregid: the saved id follows the new effective one when the real id is set or the
// effective id changes to something other than the old real id.
static Result<long> set_real_effective_ids(const IdSet& set, u32 real, u32 effective)
{
    Process& process = Process::current();
    Credentials c = process.credentials();
    if (!c.is_superuser()) {
        if (real != unchanged && real != c.*set.real && real != c.*set.effective)
            return Error { EPERM };
        if (effective != unchanged && !holds(c, set, effective))
            return Error { EPERM };
    }
    u32 old_real = c.*set.real;
    if (real != unchanged)
        c.*set.real = real;
    if (effective != unchanged)
        c.*set.effective = effective;
    if (real != unchanged || (effective != unchanged && effective != old_real))
        c.*set.saved = c.*set.effective;
    c.*set.fs = c.*set.effective;
    process.set_credentials(c);
    return 0;
}

static Result<long> get_resident_ids(const IdSet& set, const SyscallArguments& a)
{
    Credentials c = Process::current().credentials();
    TRY(copy_to_user(a.a0, &(c.*set.real), 4));
    TRY(copy_to_user(a.a1, &(c.*set.effective), 4));
    TRY(copy_to_user(a.a2, &(c.*set.saved), 4));
    return 0;
}

// setfsuid/setfsgid return the previous fs id and change it only when allowed.
static Result<long> set_fs_id(const IdSet& set, u32 id)
{
    Process& process = Process::current();
    Credentials c = process.credentials();
    u32 previous = c.*set.fs;
    if (c.is_superuser() || holds(c, set, id) || id == c.*set.fs) {
        c.*set.fs = id;
        process.set_credentials(c);
    }
    return previous;
}

static u32 id_argument(u64 value) { return static_cast<u32>(value); }

static Result<long> sys_setresuid(const SyscallArguments& a) { return set_resident_ids(user_ids, id_argument(a.a0), id_argument(a.a1), id_argument(a.a2)); }
REGISTER_SYSCALL(__NR_setresuid, sys_setresuid);
static Result<long> sys_setresgid(const SyscallArguments& a) { return set_resident_ids(group_ids, id_argument(a.a0), id_argument(a.a1), id_argument(a.a2)); }
REGISTER_SYSCALL(__NR_setresgid, sys_setresgid);
static Result<long> sys_setuid(const SyscallArguments& a) { return set_single_id(user_ids, id_argument(a.a0)); }
REGISTER_SYSCALL(__NR_setuid, sys_setuid);
static Result<long> sys_setgid(const SyscallArguments& a) { return set_single_id(group_ids, id_argument(a.a0)); }
REGISTER_SYSCALL(__NR_setgid, sys_setgid);
static Result<long> sys_setreuid(const SyscallArguments& a) { return set_real_effective_ids(user_ids, id_argument(a.a0), id_argument(a.a1)); }
REGISTER_SYSCALL(__NR_setreuid, sys_setreuid);
static Result<long> sys_setregid(const SyscallArguments& a) { return set_real_effective_ids(group_ids, id_argument(a.a0), id_argument(a.a1)); }
REGISTER_SYSCALL(__NR_setregid, sys_setregid);
static Result<long> sys_getresuid(const SyscallArguments& a) { return get_resident_ids(user_ids, a); }
REGISTER_SYSCALL(__NR_getresuid, sys_getresuid);
static Result<long> sys_getresgid(const SyscallArguments& a) { return get_resident_ids(group_ids, a); }
REGISTER_SYSCALL(__NR_getresgid, sys_getresgid);
static Result<long> sys_setfsuid(const SyscallArguments& a) { return set_fs_id(user_ids, id_argument(a.a0)); }
REGISTER_SYSCALL(__NR_setfsuid, sys_setfsuid);
static Result<long> sys_setfsgid(const SyscallArguments& a) { return set_fs_id(group_ids, id_argument(a.a0)); }
REGISTER_SYSCALL(__NR_setfsgid, sys_setfsgid);

static Result<long> sys_getgroups(const SyscallArguments& a)
{
    Credentials c = Process::current().credentials();
    int size = static_cast<int>(a.a0);
    if (size < 0)
        return Error { EINVAL };
    if (size == 0)
        return c.group_count;
    if (static_cast<u32>(size) < c.group_count)
        return Error { EINVAL };
    TRY(copy_to_user(a.a1, c.groups, c.group_count * sizeof(u32)));
    return c.group_count;
}
REGISTER_SYSCALL(__NR_getgroups, sys_getgroups);

static Result<long> sys_setgroups(const SyscallArguments& a)
{
    Process& process = Process::current();
    Credentials c = process.credentials();
    if (!c.is_superuser())
        return Error { EPERM };
    if (a.a0 > Credentials::max_groups)
        return Error { EINVAL };
    TRY(copy_from_user(c.groups, a.a1, a.a0 * sizeof(u32)));
    c.group_count = static_cast<u32>(a.a0);
    process.set_credentials(c);
    return 0;
}
REGISTER_SYSCALL(__NR_setgroups, sys_setgroups);

} // namespace sk
