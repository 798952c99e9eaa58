// riscv_hwprobe(pairs, pair_count, cpusetsize, cpus, flags): what glibc asks at startup to pick
// its string and memory routines. Each pair's key is read and its value filled in; an unknown
// key becomes -1 with value 0 (Linux's rule). The answers come from SBI (the machine ids) and
// the device tree (riscv,isa, timebase); misaligned-access speed is not measured here, so it
// is reported as unknown.
#include <arch/Arch.h>
#include <arch/riscv64/Platform.h>
#include <arch/riscv64/Sbi.h>
#include <lib/UserCopy.h>
#include <syscalls/Syscall.h>

namespace sk {

namespace {

constexpr long nr_riscv_hwprobe = 258; // not in Debian 12's asm-generic/unistd.h yet

enum : i64 {
    KEY_MVENDORID = 0,
    KEY_MARCHID = 1,
    KEY_MIMPID = 2,
    KEY_BASE_BEHAVIOR = 3,
    KEY_IMA_EXT_0 = 4,
    KEY_CPUPERF_0 = 5,
    KEY_ZICBOZ_BLOCK_SIZE = 6,
    KEY_HIGHEST_VIRT_ADDRESS = 7,
    KEY_TIME_CSR_FREQ = 8,
    KEY_MISALIGNED_SCALAR_PERF = 9,
};
constexpr u64 base_behavior_ima = 1;
constexpr u64 misaligned_unknown = 0;

struct Pair {
    i64 key;
    u64 value;
};

// The one CPU this kernel schedules on (sched_getaffinity reports the same set).
constexpr u64 online_cpus = 1;

bool value_of(i64 key, u64& value)
{
    const Platform& machine = platform();
    switch (key) {
    case KEY_MVENDORID: value = sbi::machine_ids().mvendorid; return true;
    case KEY_MARCHID: value = sbi::machine_ids().marchid; return true;
    case KEY_MIMPID: value = sbi::machine_ids().mimpid; return true;
    case KEY_BASE_BEHAVIOR: value = machine.isa.base_ima ? base_behavior_ima : 0; return true;
    case KEY_IMA_EXT_0: value = machine.isa.ima_ext_0; return true;
    case KEY_CPUPERF_0:
    case KEY_MISALIGNED_SCALAR_PERF: value = misaligned_unknown; return true;
    case KEY_ZICBOZ_BLOCK_SIZE: value = 0; return true; // FIXME: riscv,cboz-block-size once Zicboz is seen
    case KEY_HIGHEST_VIRT_ADDRESS: value = arch::user_space_end - 1; return true;
    case KEY_TIME_CSR_FREQ: value = machine.timebase_hz; return true;
    default: return false;
    }
}

} // namespace

static Result<long> sys_riscv_hwprobe(const SyscallArguments& a)
{
    uptr pairs = a.a0, cpus = a.a3;
    size_t pair_count = a.a1, cpuset_size = a.a2;
    // FIXME: RISCV_HWPROBE_WHICH_CPUS (flags = 1, Linux 6.10) is not implemented.
    if (a.a4 != 0)
        return Error { EINVAL };
    if (cpuset_size && cpus) {
        // Only the first word can name an online CPU; the rest of the set is not read.
        u64 first = 0;
        TRY(copy_from_user(&first, cpus, min<size_t>(cpuset_size, sizeof(first))));
        if (!(first & online_cpus))
            return Error { EINVAL };
    }
    for (size_t i = 0; i < pair_count; ++i) {
        uptr address = pairs + i * sizeof(Pair);
        Pair pair;
        TRY(copy_from_user(&pair.key, address, sizeof(pair.key)));
        if (!value_of(pair.key, pair.value)) {
            pair.key = -1;
            pair.value = 0;
        }
        TRY(copy_to_user(address, &pair, sizeof(pair)));
    }
    return 0;
}
REGISTER_SYSCALL(nr_riscv_hwprobe, sys_riscv_hwprobe);

} // namespace sk
