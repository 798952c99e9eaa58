// The ELF loader (static ET_EXEC and static-pie ET_DYN; PT_INTERP is refused with ENOEXEC for
// now), "#!" scripts (nested up to 4 levels), and the initial stack: argc, argv, envp, auxv
// and the strings they point to, as Linux's create_elf_tables lays them out.
//
// Segments are mapped, not read: the file part of each PT_LOAD is a private mapping of the
// executable (its pages are read when first touched and shared copy-on-write after fork) and
// the rest of the segment (bss) is anonymous memory, so an exec costs the pages the program
// uses rather than a copy of the whole binary.
#include <arch/Arch.h>
#include <arch/riscv64/Csr.h>
#include <lib/IoBuffer.h>
#include <lib/UserCopy.h>
#include <linux/auxvec.h>
#include <linux/elf.h>
#include <proc/Exec.h>
#include <proc/Lifecycle.h>
#include <proc/RobustList.h>
#include <proc/Rseq.h>
#include <proc/Scheduler.h>
#include <string.h>
#include <vfs/InodeFile.h>
#include <vfs/OpenFile.h>
#include <vfs/Permission.h>
#include <vfs/VirtualFileSystem.h>

namespace sk {

static constexpr uptr pie_load_base = 0x40000000ul;
static constexpr size_t stack_size = 8ul << 20;
static constexpr int max_script_depth = 4;
static constexpr size_t max_program_headers = 64;

namespace {

struct LoadedImage {
    uptr entry { 0 };
    uptr phdr_address { 0 };
    u32 phnum { 0 };
    uptr brk_base { 0 };
};

Result<void> read_exact(Inode& inode, u64 offset, void* buffer, size_t length)
{
    size_t n = TRY(inode.read_at(offset, IoBuffer::kernel(buffer, length), length));
    if (n != length)
        return Error { ENOEXEC };
    return {};
}

u32 protection_of(u32 flags)
{
    u32 protection = 0;
    if (flags & PF_R)
        protection |= AddressSpace::Read;
    if (flags & PF_W)
        protection |= AddressSpace::Write;
    if (flags & PF_X)
        protection |= AddressSpace::Execute;
    return protection;
}

// Validates the headers; reads the program headers into phdrs.
Result<void> check_elf(Inode& inode, Elf64_Ehdr& header, Elf64_Phdr* phdrs)
{
    TRY(read_exact(inode, 0, &header, sizeof(header)));
    if (memcmp(header.e_ident, ELFMAG, SELFMAG) != 0 || header.e_ident[EI_CLASS] != ELFCLASS64
        || header.e_ident[EI_DATA] != ELFDATA2LSB || header.e_machine != EM_RISCV
        || (header.e_type != ET_EXEC && header.e_type != ET_DYN) || header.e_phentsize != sizeof(Elf64_Phdr)
        || header.e_phnum == 0 || header.e_phnum > max_program_headers)
        return Error { ENOEXEC };
    TRY(read_exact(inode, header.e_phoff, phdrs, header.e_phnum * sizeof(Elf64_Phdr)));
    u64 file_size = inode.metadata().size;
    for (u32 i = 0; i < header.e_phnum; ++i) {
        if (phdrs[i].p_type == PT_INTERP)
            return Error { ENOEXEC }; // FIXME: dynamically linked programs are not supported yet
        if (phdrs[i].p_type != PT_LOAD)
            continue;
        auto& ph = phdrs[i];
        if (ph.p_filesz > ph.p_memsz || ph.p_memsz > arch::user_space_end || ph.p_vaddr >= arch::user_space_end
            || ph.p_vaddr + ph.p_memsz > arch::user_space_end || (ph.p_vaddr % arch::page_size) != (ph.p_offset % arch::page_size))
            return Error { ENOEXEC };
        // The file part must lie within the file. (Linux maps it regardless and the program
        // faults with SIGBUS when it touches a page past the end; failing here keeps the caller.)
        if (ph.p_filesz && (ph.p_filesz > file_size || ph.p_offset > file_size - ph.p_filesz))
            return Error { ENOEXEC };
    }
    return {};
}

// Maps the segments into the new address space from file, the executable opened for exec.
// For each PT_LOAD: [page of vaddr, page end of vaddr + filesz) maps the file privately from
// the page of p_offset with the segment's protection; if memsz > filesz, the rest of the last
// file page is zeroed (a forced write: the page becomes this space's own copy even when the
// segment is read-only) and the pages up to vaddr + memsz are anonymous. A later segment that
// shares a page with an earlier one replaces that page, as Linux's MAP_FIXED does.
// FIXME: Linux leaves the tail of a read-only segment's last file page unzeroed (its clear_user
// fails and the error is ignored) and maps such a segment's bss pages writable; we zero the
// tail and keep the segment's protection, which is what the ELF specification asks for.
Result<LoadedImage> load_segments(
    AddressSpace& space, const RefPtr<OpenFile>& file, const Elf64_Ehdr& header, const Elf64_Phdr* phdrs)
{
    static const u8 zeroes[arch::page_size] = {};
    constexpr uptr page = arch::page_size;
    LoadedImage image;
    uptr bias = header.e_type == ET_DYN ? pie_load_base : 0;
    uptr highest = 0;
    for (u32 i = 0; i < header.e_phnum; ++i) {
        const auto& ph = phdrs[i];
        if (ph.p_type == PT_PHDR)
            image.phdr_address = ph.p_vaddr + bias;
        if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
            continue;
        // check_elf bounded p_vaddr + p_memsz by the end of user space; the bias may not push it past.
        if (ph.p_vaddr + ph.p_memsz > arch::user_space_end - bias)
            return Error { ENOEXEC };
        uptr address = ph.p_vaddr + bias;
        u32 protection = protection_of(ph.p_flags);
        uptr start = align_down<uptr>(address, page);
        uptr file_end = ph.p_filesz ? align_up<uptr>(address + ph.p_filesz, page) : start;
        uptr end = align_up<uptr>(address + ph.p_memsz, page);
        if (file_end > start) {
            TRY(space.map(start, file_end - start, protection, AddressSpace::Private | AddressSpace::Fixed, file,
                align_down<u64>(ph.p_offset, page)));
        }
        if (ph.p_memsz > ph.p_filesz) {
            uptr zero_start = address + ph.p_filesz;
            if (zero_start < file_end)
                TRY(space.write_memory(zero_start, zeroes, file_end - zero_start));
            if (end > file_end) {
                TRY(space.map(file_end, end - file_end, protection,
                    AddressSpace::Private | AddressSpace::Anonymous | AddressSpace::Fixed, nullptr, 0));
            }
        }
        if (!image.phdr_address && ph.p_offset == 0)
            image.phdr_address = address + header.e_phoff;
        highest = max(highest, end);
    }
    if (highest == 0)
        return Error { ENOEXEC };
    image.entry = header.e_entry + bias;
    image.phnum = header.e_phnum;
    image.brk_base = highest;
    return image;
}

Result<void> map_sigreturn_trampoline(AddressSpace& space)
{
    TRY(space.map(sigreturn_trampoline, arch::page_size, AddressSpace::Read | AddressSpace::Execute,
        AddressSpace::Private | AddressSpace::Anonymous | AddressSpace::Fixed, nullptr, 0));
    static constexpr u32 code[] = {
        0x08b00893, // li a7, 139 (rt_sigreturn)
        0x00000073, // ecall
    };
    return space.write_memory(sigreturn_trampoline, code, sizeof(code)); // forced: the page is not writable
}

// The description the segments are mapped from, read-only like the one Linux's exec opens.
// The caller checked MAY_EXEC; reading needs no MAY_READ (a --x--x--x program runs).
Result<RefPtr<OpenFile>> open_executable(const RefPtr<Custody>& custody)
{
    auto ops = TRY(InodeFile::try_create());
    return OpenFile::try_create(std::move(ops), custody->inode_ref(), custody, O_RDONLY);
}

// Pushes bytes below sp (user memory) and returns the new address.
Result<uptr> push_bytes(uptr& sp, const void* data, size_t length)
{
    sp -= length;
    TRY(copy_to_user(sp, data, length));
    return sp;
}

Result<uptr> build_stack(Process& process, const LoadedImage& image, ExecArguments& arguments, StringView path)
{
    uptr sp = AddressSpace::stack_top;
    auto& space = process.address_space();
    TRY(space.map(sp - stack_size, stack_size, AddressSpace::Read | AddressSpace::Write,
        AddressSpace::Private | AddressSpace::Anonymous | AddressSpace::Fixed | AddressSpace::GrowsDown, nullptr, 0));

    uptr execfn = TRY(push_bytes(sp, "", 1));
    sp -= path.length();
    TRY(copy_to_user(sp, path.chars(), path.length()));
    execfn = sp;
    Vector<uptr> envp_addresses, argv_addresses;
    for (size_t i = arguments.envp.size(); i-- > 0;) {
        auto& s = arguments.envp[i];
        TRY(envp_addresses.try_append(TRY(push_bytes(sp, s.chars(), s.length() + 1))));
    }
    for (size_t i = arguments.argv.size(); i-- > 0;) {
        auto& s = arguments.argv[i];
        TRY(argv_addresses.try_append(TRY(push_bytes(sp, s.chars(), s.length() + 1))));
    }
    uptr platform = TRY(push_bytes(sp, "riscv64", 8));
    u64 random[2] = { arch::monotonic_ns() * 0x9e3779b97f4a7c15ul, reinterpret_cast<uptr>(&process) ^ 0xdeadbeefcafef00dul };
    sp = align_down<uptr>(sp, 16);
    uptr random_address = TRY(push_bytes(sp, random, sizeof(random)));

    auto credentials = process.credentials();
    const u64 auxv[][2] = {
        { AT_PHDR, image.phdr_address },
        { AT_PHENT, sizeof(Elf64_Phdr) },
        { AT_PHNUM, image.phnum },
        { AT_PAGESZ, arch::page_size },
        { AT_BASE, 0 },
        { AT_FLAGS, 0 },
        { AT_ENTRY, image.entry },
        { AT_UID, credentials.uid },
        { AT_EUID, credentials.euid },
        { AT_GID, credentials.gid },
        { AT_EGID, credentials.egid },
        { AT_SECURE, 0 },
        { AT_RANDOM, random_address },
        { AT_HWCAP, 0x112d }, // rv64imafdc: one bit per extension letter
        { AT_CLKTCK, 100 },
        { AT_PLATFORM, platform },
        { AT_EXECFN, execfn },
        { AT_NULL, 0 },
    };
    size_t words = 1 + arguments.argv.size() + 1 + arguments.envp.size() + 1 + sizeof(auxv) / sizeof(u64);
    sp = align_down<uptr>(sp - words * sizeof(u64), 16);
    uptr cursor = sp;
    auto put = [&](u64 value) -> Result<void> {
        TRY(copy_to_user(cursor, &value, sizeof(value)));
        cursor += sizeof(value);
        return {};
    };
    TRY(put(arguments.argv.size()));
    for (size_t i = argv_addresses.size(); i-- > 0;)
        TRY(put(argv_addresses[i]));
    TRY(put(0));
    for (size_t i = envp_addresses.size(); i-- > 0;)
        TRY(put(envp_addresses[i]));
    TRY(put(0));
    TRY(copy_to_user(cursor, auxv, sizeof(auxv)));
    // The strings were pushed last-first, so each block is contiguous and argv's ends where
    // envp's begins.
    Process::ArgumentArea area;
    if (!argv_addresses.is_empty()) {
        area.arg_start = argv_addresses[argv_addresses.size() - 1];
        area.arg_end = argv_addresses[0] + arguments.argv[arguments.argv.size() - 1].length() + 1;
    }
    if (!envp_addresses.is_empty()) {
        area.env_start = envp_addresses[envp_addresses.size() - 1];
        area.env_end = envp_addresses[0] + arguments.envp[arguments.envp.size() - 1].length() + 1;
    }
    process.argument_area = area;
    return sp;
}

// "#!interpreter [argument]": rewrites arguments to interpreter [argument] path args[1..].
Result<KString> parse_script(Inode& inode, ExecArguments& arguments, StringView path)
{
    char line[256];
    size_t n = TRY(inode.read_at(0, IoBuffer::kernel(line, sizeof(line) - 1), sizeof(line) - 1));
    line[n] = '\0';
    char* end = static_cast<char*>(memchr(line, '\n', n));
    if (!end)
        end = line + n;
    *end = '\0';
    char* cursor = line + 2;
    while (*cursor == ' ' || *cursor == '\t')
        ++cursor;
    char* interpreter = cursor;
    while (*cursor && *cursor != ' ' && *cursor != '\t')
        ++cursor;
    char* optional = nullptr;
    if (*cursor) {
        *cursor++ = '\0';
        while (*cursor == ' ' || *cursor == '\t')
            ++cursor;
        if (*cursor) {
            optional = cursor;
            char* tail = optional + strlen(optional);
            while (tail > optional && (tail[-1] == ' ' || tail[-1] == '\t'))
                *--tail = '\0';
        }
    }
    if (!*interpreter)
        return Error { ENOEXEC };
    Vector<KString> argv;
    TRY(argv.try_append(TRY(KString::try_create(interpreter))));
    if (optional)
        TRY(argv.try_append(TRY(KString::try_create(optional))));
    TRY(argv.try_append(TRY(KString::try_create(path))));
    for (size_t i = 1; i < arguments.argv.size(); ++i)
        TRY(argv.try_append(std::move(arguments.argv[i])));
    arguments.argv = std::move(argv);
    return KString::try_create(interpreter);
}

} // namespace

// Linux's bprm_stack_limits: the strings (the path, argv, envp with their NULs) may use a
// quarter of RLIMIT_STACK, at most 6 MiB and at least 128 KiB, less a pointer for each.
static Result<void> check_argument_size(Process& process, StringView path, const ExecArguments& arguments)
{
    constexpr u64 RLIMIT_STACK = 3, ceiling = 6ul << 20, floor = 128ul << 10;
    u64 limit = min(process.limit(RLIMIT_STACK).current / 4, ceiling);
    limit = max(limit, floor);
    u64 pointers = (max<size_t>(arguments.argv.size(), 1) + arguments.envp.size()) * sizeof(uptr);
    if (limit <= pointers)
        return Error { E2BIG };
    u64 strings = path.length() + 1;
    for (auto& s : arguments.argv)
        strings += s.length() + 1;
    for (auto& s : arguments.envp)
        strings += s.length() + 1;
    if (strings > limit - pointers)
        return Error { E2BIG };
    return {};
}

Result<void> exec(Process& process, Custody& base, StringView original_path, ExecArguments& arguments)
{
    TRY(check_argument_size(process, original_path, arguments));

    auto& vfs = VirtualFileSystem::the();
    auto credentials = process.credentials();
    KString path = TRY(KString::try_create(original_path));
    RefPtr<Custody> custody;
    Elf64_Ehdr header;
    auto* phdrs = new (std::nothrow) Elf64_Phdr[max_program_headers];
    if (!phdrs)
        return Error { ENOMEM };
    struct Cleanup {
        Elf64_Phdr* p;
        ~Cleanup() { delete[] p; }
    } cleanup { phdrs };

    for (int depth = 0;; ++depth) {
        custody = TRY(vfs.resolve(base, path.view(), credentials));
        Inode& inode = custody->inode();
        auto metadata = inode.metadata();
        if ((metadata.mode & 0170000) != 0100000)
            return Error { EACCES };
        TRY(permission(inode, MAY_EXEC, credentials));
        char magic[2] = {};
        TRY(inode.read_at(0, IoBuffer::kernel(magic, 2), 2));
        if (magic[0] == '#' && magic[1] == '!') {
            if (depth == max_script_depth)
                return Error { ELOOP };
            path = TRY(parse_script(inode, arguments, path.view()));
            continue;
        }
        TRY(check_elf(inode, header, phdrs));
        break;
    }

    auto executable = TRY(open_executable(custody));

    // The other threads end here, before the address space changes under them (Linux's
    // de_thread), and the robust futexes this thread holds are released while their memory
    // is still mapped.
    TRY(become_only_thread());
    Thread* thread = scheduler::current();
    exit_robust_list(*thread);

    // Build the new address space while the old one is still intact.
    auto old_space = process.address_space_ref();
    auto new_space = TRY(AddressSpace::try_create());
    process.set_address_space(new_space);
    activate_address_space(new_space.ptr());
    auto restore = [&](Error error) -> Error {
        process.set_address_space(old_space);
        activate_address_space(old_space.ptr());
        return error;
    };
    auto image = load_segments(*new_space, executable, header, phdrs);
    if (image.is_error())
        return restore(image.error());
    if (auto result = map_sigreturn_trampoline(*new_space); result.is_error())
        return restore(result.error());
    auto sp = build_stack(process, image.value(), arguments, original_path);
    if (sp.is_error())
        return restore(sp.error());

    // Point of no return.
    new_space->set_brk_base(image.value().brk_base);
    old_space = nullptr;
    process.fds().close_all_on_exec();
    {
        auto& actions = process.signal_actions();
        SpinlockGuard guard(actions.lock);
        for (auto& action : actions.actions) {
            if (action.handler > 1)
                action = SignalAction {};
        }
    }
    // comm is the last component of the path as the caller gave it (a symlink's name, not its
    // target's: /bin/cat -> busybox shows "cat").
    StringView name = original_path;
    for (size_t i = original_path.length(); i > 0; --i) {
        if (original_path[i - 1] == '/') {
            name = original_path.substring(i);
            break;
        }
    }
    char short_name[16];
    size_t n = min<size_t>(name.length(), 15);
    memcpy(short_name, name.chars(), n);
    short_name[n] = '\0';
    process.set_name(short_name);
    thread->set_name(short_name);
    process.set_executable(custody);
    process.did_exec = true;
    process.dumpable = true; // FIXME: set-id programs would clear it (and pdeath_signal)
    thread->clear_child_tid = 0;
    size_t line_length = 0;
    for (auto& s : arguments.argv)
        line_length += s.length() + 1;
    if (auto* line = new (std::nothrow) char[line_length + 1]) {
        size_t at = 0;
        for (auto& s : arguments.argv) {
            memcpy(line + at, s.chars(), s.length() + 1);
            at += s.length() + 1;
        }
        auto command_line = KString::try_create(StringView(line, line_length));
        if (!command_line.is_error())
            process.set_command_line(command_line.release_value());
        delete[] line;
    }

    thread->altstack_base = 0;
    thread->altstack_size = 0;
    thread->altstack_flags = 2;
    rseq_forget(*thread);
    TrapFrame& frame = thread->trap_frame();
    memset(&frame, 0, sizeof(frame));
    frame.sepc = image.value().entry;
    frame.sp() = sp.value();
    frame.sstatus = riscv::SSTATUS_SPIE | riscv::SSTATUS_FS_INITIAL;
    memset(&thread->m_fp, 0, sizeof(thread->m_fp));
    restore_fp_state(&thread->m_fp);
    {
        SpinlockGuard guard(process.lock());
        process.vfork_done = true;
    }
    process.vfork_wait.wake_all();
    return {};
}

} // namespace sk
