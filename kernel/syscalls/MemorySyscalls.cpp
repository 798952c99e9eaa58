// brk, mmap, munmap, mprotect, madvise, mremap, msync, mlock*: decode Linux's arguments and
// call the current process's AddressSpace (kernel/mm), which owns all the semantics.
#include <arch/Arch.h>
#include <linux/mman.h>
#include <mm/AddressSpace.h>
#include <proc/Process.h>
#include <syscalls/Syscall.h>

namespace sk {

// Flags MAP_SHARED_VALIDATE accepts (Linux's LEGACY_MAP_MASK plus the validated ones).
static constexpr u32 validated_flags = MAP_SHARED | MAP_PRIVATE | MAP_FIXED | MAP_ANONYMOUS | MAP_DENYWRITE
    | MAP_EXECUTABLE | MAP_UNINITIALIZED | MAP_GROWSDOWN | MAP_LOCKED | MAP_NORESERVE | MAP_POPULATE | MAP_NONBLOCK
    | MAP_STACK | MAP_HUGETLB | MAP_FIXED_NOREPLACE;
// /dev/zero (char 1:5): mapping it gives anonymous memory, as on Linux.
static constexpr u64 dev_zero_rdev = (1 << 8) | 5;

static AddressSpace& current_space() { return Process::current().address_space(); }

static Result<long> sys_brk(const SyscallArguments& a) { return static_cast<long>(current_space().set_brk(a.a0)); }
REGISTER_SYSCALL(__NR_brk, sys_brk);

static Result<long> sys_mmap(const SyscallArguments& a)
{
    uptr hint = a.a0;
    size_t length = a.a1;
    u32 protection = static_cast<u32>(a.a2) & (PROT_READ | PROT_WRITE | PROT_EXEC);
    u32 flags = static_cast<u32>(a.a3);
    u64 offset = a.a5;

    u32 type = flags & MAP_TYPE;
    if (type != MAP_SHARED && type != MAP_PRIVATE && type != MAP_SHARED_VALIDATE)
        return Error { EINVAL };
    if (type == MAP_SHARED_VALIDATE && (flags & ~validated_flags))
        return Error { EOPNOTSUPP };
    if (flags & MAP_HUGETLB)
        return Error { EINVAL }; // no huge pages (Linux without a hugetlbfs pool: ENOMEM/EINVAL)
    bool shared = type != MAP_PRIVATE;
    u32 mapping = (shared ? AddressSpace::Shared : AddressSpace::Private)
        | (flags & (MAP_FIXED | MAP_ANONYMOUS | MAP_GROWSDOWN | MAP_FIXED_NOREPLACE));

    RefPtr<OpenFile> file;
    if (!(flags & MAP_ANONYMOUS)) {
        file = TRY(Process::current().fds().get(static_cast<int>(a.a4)));
        Inode* inode = file->inode();
        if (!inode)
            return Error { ENODEV };
        auto metadata = inode->metadata();
        if (!file->can_read())
            return Error { EACCES };
        if (shared && (protection & PROT_WRITE) && (!file->can_write() || (file->flags() & O_APPEND)))
            return Error { EACCES };
        if (mode_type(metadata.mode) == 0020000 && metadata.rdev == dev_zero_rdev) {
            file = nullptr;
            mapping |= AddressSpace::Anonymous;
        } else if (!mode_is_regular(metadata.mode)) {
            return Error { ENODEV };
        }
    }
    // MAP_POPULATE, MAP_NORESERVE, MAP_LOCKED, MAP_STACK: pages come on demand either way and
    // nothing is ever swapped out, so they change nothing observable.
    return static_cast<long>(TRY(current_space().map(hint, length, protection, mapping, std::move(file), offset)));
}
REGISTER_SYSCALL(__NR_mmap, sys_mmap);

static Result<long> sys_munmap(const SyscallArguments& a)
{
    TRY(current_space().unmap(a.a0, a.a1));
    return 0;
}
REGISTER_SYSCALL(__NR_munmap, sys_munmap);

static Result<long> sys_mprotect(const SyscallArguments& a)
{
    u64 protection = a.a2;
    if (protection & ~static_cast<u64>(PROT_READ | PROT_WRITE | PROT_EXEC | PROT_SEM | PROT_GROWSDOWN | PROT_GROWSUP))
        return Error { EINVAL };
    if ((protection & PROT_GROWSDOWN) && (protection & PROT_GROWSUP))
        return Error { EINVAL };
    // FIXME: PROT_GROWSDOWN should extend the change down to the start of a MAP_GROWSDOWN
    // region; it applies to the given range only.
    TRY(current_space().protect(a.a0, a.a1, static_cast<u32>(protection & (PROT_READ | PROT_WRITE | PROT_EXEC))));
    return 0;
}
REGISTER_SYSCALL(__NR_mprotect, sys_mprotect);

static Result<long> sys_madvise(const SyscallArguments& a)
{
    uptr address = a.a0;
    size_t length = a.a1;
    if (address % arch::page_size)
        return Error { EINVAL };
    switch (static_cast<int>(a.a2)) {
    case MADV_DONTNEED:
    case MADV_FREE: // freeing at once is a valid MADV_FREE
        TRY(current_space().discard(address, length));
        return 0;
    case MADV_NORMAL:
    case MADV_RANDOM:
    case MADV_SEQUENTIAL:
    case MADV_WILLNEED:
    case MADV_MERGEABLE:
    case MADV_UNMERGEABLE:
    case MADV_HUGEPAGE:
    case MADV_NOHUGEPAGE:
    case MADV_DONTDUMP:
    case MADV_DODUMP:
    case MADV_COLD:
    case MADV_PAGEOUT:
        return 0; // hints: nothing to do without swap, huge pages or core dumps
    default:
        // FIXME: MADV_DONTFORK/WIPEONFORK/REMOVE need per-region fork behaviour; refused.
        return Error { EINVAL };
    }
}
REGISTER_SYSCALL(__NR_madvise, sys_madvise);

static Result<long> sys_mremap(const SyscallArguments& a)
{
    u64 flags = a.a3;
    // FIXME: MREMAP_DONTUNMAP (4) is not supported.
    if (flags & ~static_cast<u64>(MREMAP_MAYMOVE | MREMAP_FIXED))
        return Error { EINVAL };
    u32 remap_flags = ((flags & MREMAP_MAYMOVE) ? u32(AddressSpace::MayMove) : 0u)
        | ((flags & MREMAP_FIXED) ? u32(AddressSpace::FixedAddress) : 0u);
    return static_cast<long>(TRY(current_space().remap(a.a0, a.a1, a.a2, remap_flags, a.a4)));
}
REGISTER_SYSCALL(__NR_mremap, sys_mremap);

static Result<long> sys_msync(const SyscallArguments& a)
{
    u64 flags = a.a2;
    if (a.a0 % arch::page_size || (flags & ~static_cast<u64>(MS_ASYNC | MS_INVALIDATE | MS_SYNC))
        || ((flags & MS_ASYNC) && (flags & MS_SYNC)))
        return Error { EINVAL };
    // Nothing to write back: file mappings are private or read-only (see AddressSpace::map).
    return 0;
}
REGISTER_SYSCALL(__NR_msync, sys_msync);

// Nothing is ever paged out, so every mapped page is as good as locked.
static Result<long> sys_mlock(const SyscallArguments&) { return 0; }
REGISTER_SYSCALL(__NR_mlock, sys_mlock);
static Result<long> sys_munlock(const SyscallArguments&) { return 0; }
REGISTER_SYSCALL(__NR_munlock, sys_munlock);
static Result<long> sys_mlockall(const SyscallArguments& a)
{
    if (a.a0 == 0 || (a.a0 & ~static_cast<u64>(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT)))
        return Error { EINVAL };
    return 0;
}
REGISTER_SYSCALL(__NR_mlockall, sys_mlockall);
static Result<long> sys_munlockall(const SyscallArguments&) { return 0; }
REGISTER_SYSCALL(__NR_munlockall, sys_munlockall);

} // namespace sk
