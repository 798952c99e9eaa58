// uname, sethostname/setdomainname, sysinfo, getrandom, futex, reboot.
#include <Version.h>
#include <arch/Arch.h>
#include <lib/UserCopy.h>
#include <mm/FrameAllocator.h>
#include <proc/Futex.h>
#include <proc/LoadAverage.h>
#include <proc/Process.h>
#include <proc/Scheduler.h>
#include <string.h>
#include <syscalls/Syscall.h>
#include <vfs/VirtualFileSystem.h>

namespace sk {

// The UTS names that sethostname/setdomainname change (Linux keeps them per UTS namespace;
// there is one here). Each holds at most 64 bytes and a terminating NUL.
static Spinlock s_uts_lock;
static char s_hostname[65] = "sockeye";
static char s_domainname[65] = "(none)";

static Result<long> sys_uname(const SyscallArguments& a)
{
    char buffer[6][65] = {};
    const char* fields[6] = { SOCKEYE_UTS_SYSNAME, nullptr, SOCKEYE_UTS_RELEASE, SOCKEYE_UTS_VERSION, "riscv64", nullptr };
    for (int i = 0; i < 6; ++i) {
        if (fields[i])
            memcpy(buffer[i], fields[i], strlen(fields[i]));
    }
    {
        SpinlockGuard guard(s_uts_lock);
        memcpy(buffer[1], s_hostname, sizeof(s_hostname));
        memcpy(buffer[5], s_domainname, sizeof(s_domainname));
    }
    TRY(copy_to_user(a.a0, buffer, sizeof(buffer)));
    return 0;
}
REGISTER_SYSCALL(__NR_uname, sys_uname);

// sethostname(name, len) / setdomainname(name, len): root only (CAP_SYS_ADMIN), len <= 64.
static Result<long> set_uts_name(char (&name)[65], const SyscallArguments& a)
{
    if (!Process::current().credentials().is_superuser())
        return Error { EPERM };
    if (a.a1 > 64)
        return Error { EINVAL };
    char fresh[65] = {};
    TRY(copy_from_user(fresh, a.a0, a.a1));
    SpinlockGuard guard(s_uts_lock);
    memcpy(name, fresh, sizeof(fresh));
    return 0;
}

static Result<long> sys_sethostname(const SyscallArguments& a) { return set_uts_name(s_hostname, a); }
REGISTER_SYSCALL(__NR_sethostname, sys_sethostname);
static Result<long> sys_setdomainname(const SyscallArguments& a) { return set_uts_name(s_domainname, a); }
REGISTER_SYSCALL(__NR_setdomainname, sys_setdomainname);

static Result<long> sys_sysinfo(const SyscallArguments& a)
{
    struct {
        i64 uptime;
        u64 loads[3];
        u64 totalram, freeram, sharedram, bufferram, totalswap, freeswap;
        u16 procs, pad;
        u32 pad2;
        u64 totalhigh, freehigh;
        u32 mem_unit;
        char reserved[4];
    } info {};
    auto stats = frames::stats();
    info.uptime = static_cast<i64>(arch::monotonic_ns() / 1000000000);
    info.totalram = stats.total * arch::page_size;
    info.freeram = stats.free * arch::page_size;
    info.procs = static_cast<u16>(Process::count());
    load_average::read(info.loads);
    for (u64& load : info.loads)
        load <<= 16 - load_average::fraction_bits; // SI_LOAD_SHIFT
    info.mem_unit = 1;
    TRY(copy_to_user(a.a0, &info, sizeof(info)));
    return 0;
}
REGISTER_SYSCALL(__NR_sysinfo, sys_sysinfo);

// FIXME: not cryptographic — a xorshift generator seeded from the timer.
static u64 next_random()
{
    static u64 state = 0x9e3779b97f4a7c15ul;
    state ^= arch::monotonic_ns();
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state * 0x2545f4914f6cdd1dul;
}

static Result<long> sys_getrandom(const SyscallArguments& a)
{
    if (a.a2 & ~7ul)
        return Error { EINVAL };
    size_t length = min<size_t>(a.a1, 33554431);
    u8 chunk[256];
    for (size_t done = 0; done < length;) {
        size_t n = min(length - done, sizeof(chunk));
        for (size_t i = 0; i < n; i += 8) {
            u64 value = next_random();
            memcpy(chunk + i, &value, min<size_t>(8, n - i));
        }
        TRY(copy_to_user(a.a0 + done, chunk, n));
        done += n;
    }
    return static_cast<long>(length);
}
REGISTER_SYSCALL(__NR_getrandom, sys_getrandom);

// futex(uaddr, op, val, timeout or val2, uaddr2, val3)
static Result<long> futex_wait_until(uptr address, u32 expected, Deadline deadline, u32 bitset, bool shared);
static Result<long> resume_futex_wait(const Thread::RestartBlock& block)
{
    return futex_wait_until(block.address, block.value, Deadline { block.deadline_ns }, block.bitset, block.shared);
}

// A wait with a timeout that a signal interrupts goes on through restart_syscall to the same
// deadline when no handler runs (Linux's futex_wait_restart); one without a timeout restarts
// under SA_RESTART like any ERESTARTSYS.
static Result<long> futex_wait_until(uptr address, u32 expected, Deadline deadline, u32 bitset, bool shared)
{
    auto result = futex_wait(address, expected, deadline, bitset, shared);
    if (!result.is_error())
        return 0;
    if (result.error().code == ERESTARTSYS && !deadline.is_none()) {
        Thread& thread = *scheduler::current();
        thread.restart_block = Thread::RestartBlock {};
        thread.restart_block.resume = resume_futex_wait;
        thread.restart_block.deadline_ns = deadline.monotonic_ns;
        thread.restart_block.address = address;
        thread.restart_block.value = expected;
        thread.restart_block.bitset = bitset;
        thread.restart_block.shared = shared;
        return Error { ERESTART_RESTARTBLOCK };
    }
    return result.error();
}

static Result<long> sys_futex(const SyscallArguments& a)
{
    constexpr int FUTEX_WAIT = 0, FUTEX_WAKE = 1, FUTEX_REQUEUE = 3, FUTEX_CMP_REQUEUE = 4, FUTEX_WAKE_OP = 5,
                  FUTEX_WAIT_BITSET = 9, FUTEX_WAKE_BITSET = 10, FUTEX_PRIVATE = 128, FUTEX_CLOCK_REALTIME = 256;
    int op = static_cast<int>(a.a1) & ~(FUTEX_PRIVATE | FUTEX_CLOCK_REALTIME);
    bool shared = !(a.a1 & FUTEX_PRIVATE);
    uptr address = a.a0;
    if ((a.a1 & FUTEX_CLOCK_REALTIME) && op != FUTEX_WAIT_BITSET && op != FUTEX_WAIT)
        return Error { ENOSYS };
    switch (op) {
    case FUTEX_WAIT:
    case FUTEX_WAIT_BITSET: {
        Deadline deadline;
        if (a.a3) {
            i64 ts[2];
            TRY(copy_from_user(ts, a.a3, sizeof(ts)));
            if (ts[0] < 0 || ts[1] < 0 || ts[1] >= 1000000000)
                return Error { EINVAL };
            u64 value = static_cast<u64>(ts[0]) * 1000000000ul + static_cast<u64>(ts[1]);
            if (op == FUTEX_WAIT) {
                deadline.monotonic_ns = arch::monotonic_ns() + value;
            } else {
                u64 offset = (a.a1 & FUTEX_CLOCK_REALTIME) ? arch::boot_epoch_ns() : 0;
                deadline.monotonic_ns = value > offset ? value - offset : 1;
            }
        }
        u32 bitset = op == FUTEX_WAIT ? FUTEX_BITSET_MATCH_ANY : static_cast<u32>(a.a5);
        return futex_wait_until(address, static_cast<u32>(a.a2), deadline, bitset, shared);
    }
    case FUTEX_WAKE:
        return TRY(futex_wake(address, static_cast<int>(a.a2), FUTEX_BITSET_MATCH_ANY, shared));
    case FUTEX_WAKE_BITSET:
        return TRY(futex_wake(address, static_cast<int>(a.a2), static_cast<u32>(a.a5), shared));
    case FUTEX_CMP_REQUEUE: {
        u32 value;
        TRY(copy_from_user(&value, address, sizeof(value)));
        if (value != static_cast<u32>(a.a5))
            return Error { EAGAIN };
        [[fallthrough]];
    }
    case FUTEX_REQUEUE:
        // FIXME: requeue wakes every waiter instead of moving them to uaddr2 (correct, since
        // waiters re-check their word, but slower).
        return TRY(futex_wake(address, 0x7fffffff, FUTEX_BITSET_MATCH_ANY, shared));
    case FUTEX_WAKE_OP:
        // uaddr2 = a4, the second count travels in the timeout argument, val3 = a5.
        return TRY(futex_wake_op(address, static_cast<int>(a.a2), a.a4, static_cast<int>(a.a3), static_cast<u32>(a.a5), shared));
    default:
        return Error { ENOSYS };
    }
}
REGISTER_SYSCALL(__NR_futex, sys_futex);

void sync_all_filesystems()
{
    VirtualFileSystem::the().for_each_mount([](const MountEntry& mount) { (void)mount.fs.sync(); });
}

static Result<long> sys_reboot(const SyscallArguments& a)
{
    constexpr u32 magic1 = 0xfee1dead, magic2 = 672274793;
    constexpr u32 CMD_POWER_OFF = 0x4321fedc, CMD_RESTART = 0x01234567, CMD_HALT = 0xcdef0123, CMD_CAD_ON = 0x89abcdef,
                  CMD_CAD_OFF = 0;
    if (static_cast<u32>(a.a0) != magic1 || static_cast<u32>(a.a1) != magic2)
        return Error { EINVAL };
    if (!Process::current().credentials().is_superuser())
        return Error { EPERM };
    u32 command = static_cast<u32>(a.a2);
    if (command == CMD_CAD_ON || command == CMD_CAD_OFF)
        return 0;
    if (command != CMD_POWER_OFF && command != CMD_RESTART && command != CMD_HALT)
        return Error { EINVAL };
    sync_all_filesystems();
    if (command == CMD_RESTART)
        arch::reset();
    arch::power_off(0); // HALT too: Linux's riscv machine_halt() powers off
}
REGISTER_SYSCALL(__NR_reboot, sys_reboot);

} // namespace sk
