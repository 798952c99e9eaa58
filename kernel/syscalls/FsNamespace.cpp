// The namespace: creating, linking, renaming and removing names (mkdirat, mknodat,
// symlinkat, linkat, unlinkat, renameat2, readlinkat), the working directory (chdir, fchdir,
// getcwd) and mounts (mount, umount2). Paths are resolved against dirfd as in every *at()
// call; the VFS checks permissions and applies the umask.
#include <fs/procfs/ProcFileSystem.h>
#include <fs/tmpfs/TmpfsFileSystem.h>
#include <lib/UserCopy.h>
#include <linux/fcntl.h>
#include <linux/fs.h>
#include <linux/mount.h>
#include <syscalls/FsCommon.h>
#include <syscalls/Syscall.h>
#include <vfs/FileMode.h>
#include <vfs/Permission.h>

namespace sk {

// A path argument resolved to (base custody, path): the common first step of *at() calls.
struct AtPath {
    UserPath path;
    RefPtr<Custody> base;

    static Result<AtPath> copy_in(int dirfd, uptr user_path)
    {
        auto path = TRY(UserPath::copy_in(user_path));
        auto base = TRY(base_custody(dirfd, path.view()));
        return AtPath { std::move(path), std::move(base) };
    }
    StringView view() const { return path.view(); }
};

static Result<long> sys_mkdirat(const SyscallArguments& a)
{
    auto at = TRY(AtPath::copy_in(static_cast<int>(a.a0), a.a1));
    Process& process = Process::current();
    TRY(VirtualFileSystem::the().mkdir(
        *at.base, at.view(), static_cast<u32>(a.a2) & 07777, process.credentials(), process.umask()));
    return 0;
}
REGISTER_SYSCALL(__NR_mkdirat, sys_mkdirat);

static Result<long> sys_mknodat(const SyscallArguments& a)
{
    auto at = TRY(AtPath::copy_in(static_cast<int>(a.a0), a.a1));
    Process& process = Process::current();
    // dev is a 32-bit dev_t (new_encode_dev), which device_major/minor decode as is.
    u64 rdev = static_cast<u32>(a.a3);
    TRY(VirtualFileSystem::the().mknod(
        *at.base, at.view(), static_cast<u32>(a.a2) & 0177777, rdev, process.credentials(), process.umask()));
    return 0;
}
REGISTER_SYSCALL(__NR_mknodat, sys_mknodat);

static Result<long> sys_symlinkat(const SyscallArguments& a)
{
    auto target = TRY(UserPath::copy_in(a.a0));
    auto at = TRY(AtPath::copy_in(static_cast<int>(a.a1), a.a2));
    TRY(VirtualFileSystem::the().symlink(target.view(), *at.base, at.view(), Process::current().credentials()));
    return 0;
}
REGISTER_SYSCALL(__NR_symlinkat, sys_symlinkat);

static Result<long> sys_linkat(const SyscallArguments& a)
{
    u32 flags = static_cast<u32>(a.a4);
    if (flags & ~static_cast<u32>(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
        return Error { EINVAL };
    // FIXME: AT_EMPTY_PATH (linking an open file by descriptor) needs CAP_DAC_READ_SEARCH in
    // Linux and is not supported: an empty old path is ENOENT, as for unprivileged callers.
    auto old_at = TRY(AtPath::copy_in(static_cast<int>(a.a0), a.a1));
    auto new_at = TRY(AtPath::copy_in(static_cast<int>(a.a2), a.a3));
    TRY(VirtualFileSystem::the().link(*old_at.base, old_at.view(), *new_at.base, new_at.view(),
        Process::current().credentials(), flags & AT_SYMLINK_FOLLOW));
    return 0;
}
REGISTER_SYSCALL(__NR_linkat, sys_linkat);

static Result<long> sys_unlinkat(const SyscallArguments& a)
{
    u32 flags = static_cast<u32>(a.a2);
    if (flags & ~static_cast<u32>(AT_REMOVEDIR))
        return Error { EINVAL };
    auto at = TRY(AtPath::copy_in(static_cast<int>(a.a0), a.a1));
    auto& vfs = VirtualFileSystem::the();
    if (flags & AT_REMOVEDIR)
        TRY(vfs.rmdir(*at.base, at.view(), Process::current().credentials()));
    else
        TRY(vfs.unlink(*at.base, at.view(), Process::current().credentials()));
    return 0;
}
REGISTER_SYSCALL(__NR_unlinkat, sys_unlinkat);

static Result<long> sys_renameat2(const SyscallArguments& a)
{
    u32 flags = static_cast<u32>(a.a4);
    if (flags & ~static_cast<u32>(RENAME_NOREPLACE | RENAME_EXCHANGE | RENAME_WHITEOUT))
        return Error { EINVAL };
    if ((flags & RENAME_NOREPLACE) && (flags & RENAME_EXCHANGE))
        return Error { EINVAL };
    if ((flags & RENAME_WHITEOUT) && (flags & RENAME_EXCHANGE))
        return Error { EINVAL };
    if (flags & RENAME_WHITEOUT)
        return Error { EINVAL }; // FIXME: whiteouts (overlayfs) are not supported
    auto old_at = TRY(AtPath::copy_in(static_cast<int>(a.a0), a.a1));
    auto new_at = TRY(AtPath::copy_in(static_cast<int>(a.a2), a.a3));
    u32 vfs_flags = (flags & RENAME_NOREPLACE ? rename_noreplace : 0) | (flags & RENAME_EXCHANGE ? rename_exchange : 0);
    TRY(VirtualFileSystem::the().rename(
        *old_at.base, old_at.view(), *new_at.base, new_at.view(), Process::current().credentials(), vfs_flags));
    return 0;
}
REGISTER_SYSCALL(__NR_renameat2, sys_renameat2);

static Result<long> sys_readlinkat(const SyscallArguments& a)
{
    int dirfd = static_cast<int>(a.a0);
    uptr user_buffer = a.a2;
    int size = static_cast<int>(a.a3);
    if (size <= 0)
        return Error { EINVAL };
    auto path = TRY(UserPath::copy_in(a.a1, true));
    size_t length = min<size_t>(static_cast<size_t>(size), path_max);
    char* buffer = new (std::nothrow) char[length];
    if (!buffer)
        return Error { ENOMEM };
    struct Free {
        char* p;
        ~Free() { delete[] p; }
    } free_buffer { buffer };

    size_t copied;
    if (path.is_empty()) {
        // An empty path reads the symlink dirfd names (opened with O_PATH|O_NOFOLLOW).
        auto inode = TRY(inode_of_dirfd(dirfd));
        if (!inode->is_symlink())
            return Error { ENOENT };
        copied = TRY(inode->readlink(buffer, length));
    } else {
        auto base = TRY(base_custody(dirfd, path.view()));
        copied = TRY(
            VirtualFileSystem::the().readlink(*base, path.view(), Process::current().credentials(), buffer, length));
    }
    TRY(copy_to_user(user_buffer, buffer, copied));
    return static_cast<long>(copied);
}
REGISTER_SYSCALL(__NR_readlinkat, sys_readlinkat);

static Result<long> sys_chdir(const SyscallArguments& a)
{
    auto at = TRY(AtPath::copy_in(at_fdcwd, a.a0));
    Process& process = Process::current();
    auto directory = TRY(VirtualFileSystem::the().resolve_directory(*at.base, at.view(), process.credentials()));
    process.set_cwd(std::move(directory));
    return 0;
}
REGISTER_SYSCALL(__NR_chdir, sys_chdir);

static Result<long> sys_fchdir(const SyscallArguments& a)
{
    Process& process = Process::current();
    auto file = TRY(open_file(static_cast<int>(a.a0)));
    Custody* custody = file->custody();
    if (!custody || !custody->inode().is_directory())
        return Error { ENOTDIR };
    TRY(permission(custody->inode(), MAY_EXEC, process.credentials()));
    process.set_cwd(RefPtr<Custody>(custody));
    return 0;
}
REGISTER_SYSCALL(__NR_fchdir, sys_fchdir);

static Result<long> sys_getcwd(const SyscallArguments& a)
{
    uptr user_buffer = a.a0;
    size_t size = a.a1;
    auto cwd = Process::current().cwd();
    if (!cwd)
        cwd = VirtualFileSystem::the().root_custody();
    char* buffer = new (std::nothrow) char[path_max];
    if (!buffer)
        return Error { ENOMEM };
    struct Free {
        char* p;
        ~Free() { delete[] p; }
    } free_buffer { buffer };
    size_t length = TRY(cwd->absolute_path(buffer, path_max));
    // FIXME: Linux prefixes "(unreachable)" when the cwd was removed or lies outside the root.
    if (length + 1 > size)
        return Error { ERANGE };
    TRY(copy_to_user(user_buffer, buffer, length + 1));
    return static_cast<long>(length + 1);
}
REGISTER_SYSCALL(__NR_getcwd, sys_getcwd);

// --- mount(2) and umount2(2) ---

// A short user string (mount's type, source and data). EFAULT, or ENAMETOOLONG past one page.
static Result<KString> copy_short_string(uptr user)
{
    char* buffer = new (std::nothrow) char[4096];
    if (!buffer)
        return Error { ENOMEM };
    struct Free {
        char* p;
        ~Free() { delete[] p; }
    } free_buffer { buffer };
    size_t length = TRY(copy_string_from_user(buffer, user, 4095));
    return KString::try_create(StringView(buffer, length));
}

static bool parse_number(StringView text, u64 base, u64& out)
{
    if (text.is_empty())
        return false;
    u64 value = 0;
    for (size_t i = 0; i < text.length(); ++i) {
        char c = text[i];
        u64 digit;
        if (c >= '0' && c <= '9')
            digit = static_cast<u64>(c - '0');
        else
            return false;
        if (digit >= base || __builtin_mul_overflow(value, base, &value)
            || __builtin_add_overflow(value, digit, &value))
            return false;
    }
    out = value;
    return true;
}

// tmpfs options: mode=OCTAL, uid=N, gid=N, size=N[kmg]. Others are EINVAL (as Linux for
// unknown options). FIXME: nr_inodes, size=N%, huge=, mpol= are not supported.
static Result<RefPtr<FileSystem>> create_tmpfs(StringView options)
{
    u32 mode = 01777, uid = 0, gid = 0;
    u64 size = TmpfsFileSystem::default_size_limit;
    size_t start = 0;
    while (start < options.length()) {
        size_t end = start;
        while (end < options.length() && options[end] != ',')
            ++end;
        StringView option = options.substring(start, end - start);
        start = end + 1;
        if (option.is_empty())
            continue;
        size_t equals = 0;
        while (equals < option.length() && option[equals] != '=')
            ++equals;
        if (equals == option.length())
            return Error { EINVAL };
        StringView key = option.substring(0, equals);
        StringView value = option.substring(equals + 1);
        u64 number;
        if (key == StringView("mode")) {
            if (!parse_number(value, 8, number))
                return Error { EINVAL };
            mode = static_cast<u32>(number & 07777);
        } else if (key == StringView("uid")) {
            if (!parse_number(value, 10, number) || number > 0xfffffffeu)
                return Error { EINVAL };
            uid = static_cast<u32>(number);
        } else if (key == StringView("gid")) {
            if (!parse_number(value, 10, number) || number > 0xfffffffeu)
                return Error { EINVAL };
            gid = static_cast<u32>(number);
        } else if (key == StringView("size")) {
            u64 shift = 0;
            char suffix = value.is_empty() ? 0 : value[value.length() - 1];
            if (suffix == 'k' || suffix == 'K')
                shift = 10;
            else if (suffix == 'm' || suffix == 'M')
                shift = 20;
            else if (suffix == 'g' || suffix == 'G')
                shift = 30;
            if (shift)
                value = value.substring(0, value.length() - 1);
            if (!parse_number(value, 10, number) || number > (~0ull >> shift))
                return Error { EINVAL };
            size = number << shift;
        } else {
            return Error { EINVAL };
        }
    }
    auto fs = TRY(TmpfsFileSystem::try_create(mode, uid, gid, size));
    return RefPtr<FileSystem>(fs.ptr());
}

static Result<long> sys_mount(const SyscallArguments& a)
{
    uptr user_source = a.a0;
    uptr user_type = a.a2;
    u64 flags = a.a3;
    uptr user_data = a.a4;
    KString type;
    if (user_type)
        type = TRY(copy_short_string(user_type));
    // The source is kept as given and shown by /proc/mounts; without one Linux shows "none".
    KString source;
    if (user_source)
        source = TRY(copy_short_string(user_source));
    else
        source = TRY(KString::try_create(StringView("none")));
    KString data;
    if (user_data)
        data = TRY(copy_short_string(user_data));
    auto target = TRY(AtPath::copy_in(at_fdcwd, a.a1));
    Process& process = Process::current();
    Credentials credentials = process.credentials();
    auto mount_point = TRY(VirtualFileSystem::the().resolve(*target.base, target.view(), credentials));
    if (!credentials.is_superuser())
        return Error { EPERM };

    constexpr u64 magic_mask = 0xffff0000, magic_value = 0xc0ed0000; // MS_MGC_MSK, MS_MGC_VAL
    if ((flags & magic_mask) == magic_value)
        flags &= ~magic_mask;
    if (flags & (MS_REMOUNT | MS_BIND | MS_MOVE | MS_SHARED | MS_PRIVATE | MS_SLAVE | MS_UNBINDABLE))
        return Error { EINVAL }; // FIXME: remounts, bind mounts, moves and propagation changes

    if (!user_type)
        return Error { EINVAL };
    RefPtr<FileSystem> fs;
    if (type.view() == StringView("tmpfs")) {
        fs = TRY(create_tmpfs(data.view()));
    } else if (type.view() == StringView("proc")) {
        auto proc = TRY(ProcFileSystem::try_create());
        fs = RefPtr<FileSystem>(proc.ptr());
    } else {
        return Error { ENODEV };
    }
    // FIXME: MS_RDONLY, MS_NOEXEC, MS_NOSUID and MS_NODEV are recorded (statfs, /proc/mounts)
    // but not enforced.
    u32 kept = static_cast<u32>(flags
        & (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_SYNCHRONOUS | MS_NOATIME | MS_NODIRATIME | MS_RELATIME));
    TRY(VirtualFileSystem::the().mount(std::move(fs), source.view(), std::move(mount_point), kept));
    return 0;
}
REGISTER_SYSCALL(__NR_mount, sys_mount);

// umount2 flags (<sys/mount.h> values; the UAPI headers do not carry them).
static constexpr u32 MNT_FORCE = 1, MNT_DETACH = 2, MNT_EXPIRE = 4, UMOUNT_NOFOLLOW = 8;

static Result<long> sys_umount2(const SyscallArguments& a)
{
    u32 flags = static_cast<u32>(a.a1);
    if (flags & ~static_cast<u32>(MNT_FORCE | MNT_DETACH | MNT_EXPIRE | UMOUNT_NOFOLLOW))
        return Error { EINVAL };
    // FIXME: MNT_FORCE, MNT_DETACH (lazy) and MNT_EXPIRE behave as a plain umount.
    auto target = TRY(AtPath::copy_in(at_fdcwd, a.a0));
    Credentials credentials = Process::current().credentials();
    u32 options = (flags & UMOUNT_NOFOLLOW) ? 0u : u32(VirtualFileSystem::FollowLastSymlink);
    TRY(VirtualFileSystem::the().resolve(*target.base, target.view(), credentials, options));
    TRY(VirtualFileSystem::the().umount(*target.base, target.view(), credentials));
    return 0;
}
REGISTER_SYSCALL(__NR_umount2, sys_umount2);

} // namespace sk
