// exec_test — execve: #! scripts (with an optional argument, a missing interpreter, a loop),
// a corrupt ELF (ENOEXEC with the caller intact), E2BIG for one string and for the total
// against RLIMIT_STACK, EACCES/ENOENT/ENOTDIR, close-on-exec, argv and envp, what a signal
// state becomes across exec, and how the segments are mapped: from the program file (named
// in /proc/self/maps, read back after MADV_DONTNEED), with bss zeroed where it shares a page
// with the file (hand-made ET_EXEC and ET_DYN programs). Each expectation is Linux's: the
// same binary runs under qemu-riscv64 and in linux-ref.
#include "proc_test_support.h"

#include <climits>
#include <cstdint>
#include <elf.h>
#include <sstream>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <vector>

using namespace fstest;
using namespace proctest;

extern char** environ;

namespace {

std::string g_self; // argv[0], for the tests that exec this program again
int g_global = 1;

// ---------------------------------------------------------------------------------------
// execve

int exec_in_child(const std::string& path, std::vector<std::string> args, std::vector<std::string> env = {})
{
    Child child([&] {
        std::vector<char*> argv, envp;
        for (auto& a : args)
            argv.push_back(a.data());
        argv.push_back(nullptr);
        for (auto& e : env)
            envp.push_back(e.data());
        envp.push_back(nullptr);
        execve(path.c_str(), argv.data(), envp.data());
        return 200 + errno;
    });
    return child.wait();
}

TEST(Exec, ShellScriptRunsWithItsInterpreter)
{
    ScratchDir dir("/tmp", "exec");
    std::string script = dir / "script";
    write_file(script, "#!/bin/sh\n[ \"$1\" = hello ] || exit 8\n[ \"$0\" = " + script + " ] || exit 9\nexit 7\n");
    ASSERT_EQ(chmod(script.c_str(), 0755), 0);
    EXPECT_TRUE(exited_with(exec_in_child(script, { "name", "hello" }), 7));

    std::string with_option = dir / "with-option";
    write_file(with_option, "#!/bin/sh -e\nfalse\nexit 7\n");
    ASSERT_EQ(chmod(with_option.c_str(), 0755), 0);
    EXPECT_TRUE(exited_with(exec_in_child(with_option, { "x" }), 1)) << "the optional argument -e reaches sh";

    std::string missing = dir / "missing-interpreter";
    write_file(missing, "#!/nonexistent/interpreter\n");
    ASSERT_EQ(chmod(missing.c_str(), 0755), 0);
    EXPECT_TRUE(exited_with(exec_in_child(missing, { "x" }), 200 + ENOENT));

    std::string loop = dir / "loop";
    write_file(loop, "#!" + loop + "\n");
    ASSERT_EQ(chmod(loop.c_str(), 0755), 0);
    EXPECT_TRUE(exited_with(exec_in_child(loop, { "x" }), 200 + ELOOP));
}

TEST(Exec, CorruptElfFailsWithEnoexecAndTheCallerCarriesOn)
{
    ScratchDir dir("/tmp", "exec");
    std::string garbage = dir / "garbage";
    std::string bytes = "\x7f" "ELF";
    for (int i = 0; i < 200; ++i)
        bytes += char(i * 37 + 11);
    write_file(garbage, bytes);
    std::string empty = dir / "empty";
    write_file(empty, "");
    std::string text = dir / "text";
    write_file(text, "echo this is not a program\n");
    for (auto* path : { &garbage, &empty, &text })
        ASSERT_EQ(chmod(path->c_str(), 0755), 0);

    int keep = open("/dev/null", O_RDONLY);
    ASSERT_GE(keep, 0);
    g_global = 77;
    char* argv[] = { const_cast<char*>("x"), nullptr };
    for (auto* path : { &garbage, &empty, &text }) {
        errno = 0;
        EXPECT_EQ(execve(path->c_str(), argv, environ), -1) << *path;
        EXPECT_EQ(errno, ENOEXEC) << *path << ": " << strerror(errno);
    }
    // Still this program, with its memory and descriptors.
    EXPECT_EQ(g_global, 77);
    EXPECT_EQ(fcntl(keep, F_GETFD), 0);
    close(keep);
    g_global = 1;
    EXPECT_TRUE(exited_with(exec_in_child("/bin/sh", { "sh", "-c", "exit 3" }), 3));
}

TEST(Exec, ArgumentSizeLimitsAreE2big)
{
    char* argv[] = { const_cast<char*>("sh"), const_cast<char*>("-c"), const_cast<char*>("exit 0"), nullptr, nullptr };
    std::string too_long(200 * 1024, 'x'); // one string beyond MAX_ARG_STRLEN (128 KiB)
    argv[3] = too_long.data();
    EXPECT_ERRNO(E2BIG, execve("/bin/sh", argv, environ));
    char* envp[] = { too_long.data(), nullptr };
    argv[3] = nullptr;
    EXPECT_ERRNO(E2BIG, execve("/bin/sh", argv, envp));

    std::string fits(100 * 1024, 'y');
    EXPECT_TRUE(exited_with(exec_in_child("/bin/sh", { "sh", "-c", "[ ${#1} -eq 102400 ] && exit 6; exit 7", "sh", fits }), 6));
}

TEST(Exec, TotalArgumentsAreLimitedByAQuarterOfTheStackLimit)
{
    SKIP_UNDER_QEMU_USER("qemu-user ignores setrlimit(RLIMIT_STACK)");
    Child child([] {
        struct rlimit stack { 1 << 20, 1 << 20 };
        if (setrlimit(RLIMIT_STACK, &stack) != 0)
            return 1;
        std::string piece(100 * 1024, 'z');
        char* argv[] = { const_cast<char*>("sh"), const_cast<char*>("-c"), const_cast<char*>("exit 0"), piece.data(),
            piece.data(), piece.data(), nullptr };
        execve("/bin/sh", argv, environ); // 300 KiB of strings > 256 KiB
        return errno == E2BIG ? 0 : 2;
    });
    EXPECT_TRUE(exited_with(child.wait(), 0));
}

TEST(Exec, PermissionProblemsAreEacces)
{
    ScratchDir dir("/tmp", "exec");
    std::string plain = dir / "not-executable";
    write_file(plain, "#!/bin/sh\nexit 0\n");
    ASSERT_EQ(chmod(plain.c_str(), 0644), 0);
    EXPECT_TRUE(exited_with(exec_in_child(plain, { "x" }), 200 + EACCES)) << "even root needs an x bit";
    EXPECT_TRUE(exited_with(exec_in_child(dir.path(), { "x" }), 200 + EACCES)) << "a directory";
    EXPECT_TRUE(exited_with(exec_in_child(dir / "missing", { "x" }), 200 + ENOENT));
    EXPECT_TRUE(exited_with(exec_in_child(plain + "/x", { "x" }), 200 + ENOTDIR));

    std::string owner_only = dir / "owner-only";
    write_file(owner_only, "#!/bin/sh\nexit 0\n");
    ASSERT_EQ(chmod(owner_only.c_str(), 0700), 0);
    std::string closed_dir = dir / "closed";
    ASSERT_EQ(mkdir(closed_dir.c_str(), 0700), 0);
    write_file(closed_dir + "/program", "#!/bin/sh\nexit 0\n");
    ASSERT_EQ(chmod((closed_dir + "/program").c_str(), 0755), 0);
    int status = run_in_child([&] {
        if (!become_nobody())
            return 10;
        char* argv[] = { const_cast<char*>("x"), nullptr };
        FS_CHILD_EXPECT_ERRNO(execve(owner_only.c_str(), argv, environ), EACCES);
        FS_CHILD_EXPECT_ERRNO(execve((closed_dir + "/program").c_str(), argv, environ), EACCES);
        return 0;
    });
    EXPECT_TRUE(exited_with(status, 0)) << status;
}

TEST(Exec, CloseOnExecDescriptorsAreClosed)
{
    int keep = open("/dev/null", O_WRONLY);
    int drop = open("/dev/null", O_WRONLY | O_CLOEXEC);
    ASSERT_GE(keep, 0);
    ASSERT_GE(drop, 0);
    Child child([&] {
        if (dup2(keep, 5) != 5 || dup3(drop, 6, O_CLOEXEC) != 6 || dup2(keep, 7) != 7 || fcntl(7, F_SETFD, FD_CLOEXEC) != 0)
            return 1;
        execl("/bin/sh", "sh", "-c", ": >&5 || exit 3; (: >&6) 2>/dev/null && exit 4; (: >&7) 2>/dev/null && exit 5; exit 0",
            static_cast<char*>(nullptr));
        return 2;
    });
    EXPECT_TRUE(exited_with(child.wait(), 0));
    close(keep);
    close(drop);
}

TEST(Exec, ArgumentsAndEnvironmentReachTheProgram)
{
    EXPECT_TRUE(exited_with(exec_in_child("/bin/sh",
                                { "sh", "-c", "[ \"$0\" = zero ] && [ \"$1\" = one ] && [ \"$SOCKEYE_VAR\" = value ] && exit 0; exit 1",
                                    "zero", "one" },
                                { "SOCKEYE_VAR=value" }),
        0));
}

void record_signal(int) { }

// The exec'd half of SignalStateAcrossExec: prints what it finds, exits 0 when it is Linux's.
int check_signal_state_after_exec(const char* expected_pid)
{
    struct sigaction action {};
    sigaction(SIGUSR1, nullptr, &action);
    if (action.sa_handler != SIG_DFL)
        return 3; // handlers are reset
    sigaction(SIGUSR2, nullptr, &action);
    if (action.sa_handler != SIG_IGN)
        return 4; // ignored stays ignored
    if (!is_blocked(SIGINT))
        return 5; // the mask is kept
    sigset_t pending;
    sigpending(&pending);
    if (!sigismember(&pending, SIGINT))
        return 6; // and so are pending signals
    stack_t stack {};
    sigaltstack(nullptr, &stack);
    if (!(stack.ss_flags & SS_DISABLE))
        return 7; // the alternate stack is not
    if (atoi(expected_pid) != getpid())
        return 8;
    char name[16] = {};
    prctl(PR_GET_NAME, name);
    if (strcmp(name, "exec_test") != 0 && strcmp(name, "prog") != 0)
        return 9;
    if (getauxval(AT_PAGESZ) != 4096 || !getauxval(AT_RANDOM) || !getauxval(AT_EXECFN))
        return 10;
    return 0;
}

TEST(Exec, SignalStateAcrossExec)
{
    SKIP_UNDER_QEMU_USER("the host cannot exec a riscv64 program without binfmt_misc");
    Child child([] {
        signal(SIGUSR1, record_signal);
        signal(SIGUSR2, SIG_IGN);
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, SIGINT);
        sigprocmask(SIG_BLOCK, &set, nullptr);
        raise(SIGINT);
        static char stack_memory[65536];
        stack_t stack { stack_memory, 0, sizeof stack_memory };
        sigaltstack(&stack, nullptr);
        std::string pid = std::to_string(getpid());
        execl(g_self.c_str(), g_self.c_str(), "--check-signal-state", pid.c_str(), static_cast<char*>(nullptr));
        return 100;
    });
    EXPECT_TRUE(exited_with(child.wait(), 0));
}

// ---------------------------------------------------------------------------------------
// The program's segments are mappings of its file

// In the text segment (static glibc programs keep .rodata there) and in .data.
const char g_text_marker[] = "exec_test text marker";
int g_data_marker = 0x5eed1234;
// A page of .data holding nothing else.
alignas(4096) int g_data_page[1024] = { 11, 22, 33 };

struct MapsLine {
    uintptr_t start { 0 }, end { 0 };
    std::string permissions;
    uint64_t offset { 0 };
    uint64_t inode { 0 };
    std::string path;
};

bool find_mapping(uintptr_t address, MapsLine& found)
{
    std::istringstream maps(read_file("/proc/self/maps"));
    std::string line;
    while (std::getline(maps, line)) {
        MapsLine m;
        char permissions[8] = {}, device[16] = {};
        int path_at = 0;
        if (sscanf(line.c_str(), "%lx-%lx %7s %lx %15s %lu %n", &m.start, &m.end, permissions, &m.offset, device,
                &m.inode, &path_at)
            < 6)
            continue;
        if (address < m.start || address >= m.end)
            continue;
        m.permissions = permissions;
        m.path = path_at > 0 ? line.substr(size_t(path_at)) : "";
        found = m;
        return true;
    }
    return false;
}

// The bytes of the file at the offset the maps line gives for address.
std::string file_bytes_behind(const MapsLine& m, uintptr_t address, size_t length)
{
    int fd = open(m.path.c_str(), O_RDONLY);
    if (fd < 0)
        return "<" + std::string(strerror(errno)) + ">";
    std::string bytes(length, '\0');
    ssize_t n = pread(fd, bytes.data(), length, off_t(m.offset + (address - m.start)));
    close(fd);
    bytes.resize(n > 0 ? size_t(n) : 0);
    return bytes;
}

TEST(ExecMapping, ProcMapsNamesTheProgramOnItsTextAndData)
{
    char exe[PATH_MAX] = {};
    ASSERT_GT(readlink("/proc/self/exe", exe, sizeof exe - 1), 0);
    struct stat st;
    ASSERT_EQ(stat(exe, &st), 0);

    MapsLine text;
    ASSERT_TRUE(find_mapping(reinterpret_cast<uintptr_t>(g_text_marker), text));
    EXPECT_EQ(text.permissions, "r-xp");
    EXPECT_EQ(text.path, exe);
    EXPECT_EQ(text.inode, st.st_ino);
    EXPECT_EQ(file_bytes_behind(text, reinterpret_cast<uintptr_t>(g_text_marker), sizeof g_text_marker),
        std::string(g_text_marker, sizeof g_text_marker))
        << "the offset column locates the text in the file";

    MapsLine data;
    ASSERT_TRUE(find_mapping(reinterpret_cast<uintptr_t>(&g_data_marker), data));
    EXPECT_EQ(data.permissions, "rw-p");
    EXPECT_EQ(data.path, exe);
    EXPECT_EQ(data.inode, st.st_ino);
    std::string initial = file_bytes_behind(data, reinterpret_cast<uintptr_t>(&g_data_marker), sizeof g_data_marker);
    ASSERT_EQ(initial.size(), sizeof g_data_marker);
    int value;
    memcpy(&value, initial.data(), sizeof value);
    EXPECT_EQ(value, 0x5eed1234) << "the offset column locates .data in the file";
}

TEST(ExecMapping, MadviseDontneedOnDataRereadsTheProgramFile)
{
    // In a child: its copy of the page goes back to what the file holds, the parent's stays.
    g_data_page[0] = 99;
    Child child([] {
        g_data_page[1] = 98;
        if (madvise(g_data_page, sizeof g_data_page, MADV_DONTNEED) != 0)
            return 1;
        return g_data_page[0] == 11 && g_data_page[1] == 22 && g_data_page[2] == 33 ? 0 : 2;
    });
    EXPECT_TRUE(exited_with(child.wait(), 0));
    EXPECT_EQ(g_data_page[0], 99);
    EXPECT_EQ(g_data_page[1], 22);
    g_data_page[0] = 11;
}

// A hand-made riscv64 program of two PT_LOAD segments, based at `base` (0 for ET_DYN):
//   text  file [0, 0x184) at base, r-x: the code below, at file offset 0x100;
//   data  file [0x1080, 0x11a3) at base + 0x11080, rw-, memsz 0x2f80 (to base + 0x14000).
// The file holds 0x33 in [0x1000, 0x1080), the data (0x5a) after it, then 0xaa to 0x3000,
// so the page of the data segment begins with file bytes, and bss starts mid-page with
// file bytes behind it and runs over two more pages the file also covers. The program
// exits 0 if it sees the 0x33 prefix, the data, and bss zero (and writable) to its end;
// 1, 2 or 3 otherwise. Its code is position independent (auipc).
std::string hand_made_program(uint16_t type)
{
    const uint64_t base = type == ET_DYN ? 0 : 0x10000;
    static const uint32_t code[] = {
        0x00000f17, // auipc t5, 0          t5 = base + 0x100
        0x00011eb7, // lui   t4, 0x11
        0xf00e8e9b, // addiw t4, t4, -256   t4 = 0x10f00
        0x01df0f33, // add   t5, t5, t4     t5 = base + 0x11000, the data page
        0x000f0293, // mv    t0, t5
        0x080f0313, // addi  t1, t5, 0x80
        0x03300e13, // li    t3, 0x33
        0x0002c383, // 1: lbu t2, 0(t0)
        0x05c39463, //    bne t2, t3, fail1
        0x00128293, //    addi t0, t0, 1
        0xfe629ae3, //    bne t0, t1, 1b
        0x12328313, // addi  t1, t0, 0x123
        0x05a00e13, // li    t3, 0x5a
        0x0002c383, // 2: lbu t2, 0(t0)
        0x03c39c63, //    bne t2, t3, fail2
        0x00128293, //    addi t0, t0, 1
        0xfe629ae3, //    bne t0, t1, 2b
        0x00003eb7, // lui   t4, 0x3
        0x01df0333, // add   t1, t5, t4     t1 = base + 0x14000, the end of bss
        0x0002c383, // 3: lbu t2, 0(t0)
        0x02039463, //    bnez t2, fail3
        0x01c28023, //    sb  t3, 0(t0)
        0x00128293, //    addi t0, t0, 1
        0xfe6298e3, //    bne t0, t1, 3b
        0x00000513, // li a0, 0
        0x0180006f, // j exit
        0x00100513, // fail1: li a0, 1
        0x0100006f, // j exit
        0x00200513, // fail2: li a0, 2
        0x0080006f, // j exit
        0x00300513, // fail3: li a0, 3
        0x05d00893, // exit: li a7, 93
        0x00000073, // ecall
    };
    std::string file(0x3000, '\xaa');
    Elf64_Ehdr header {};
    memcpy(header.e_ident, ELFMAG, SELFMAG);
    header.e_ident[EI_CLASS] = ELFCLASS64;
    header.e_ident[EI_DATA] = ELFDATA2LSB;
    header.e_ident[EI_VERSION] = EV_CURRENT;
    header.e_type = type;
    header.e_machine = EM_RISCV;
    header.e_version = EV_CURRENT;
    header.e_entry = base + 0x100;
    header.e_phoff = sizeof header;
    header.e_flags = 0x5; // EF_RISCV_RVC | EF_RISCV_FLOAT_ABI_DOUBLE, as the toolchain marks programs
    header.e_ehsize = sizeof header;
    header.e_phentsize = sizeof(Elf64_Phdr);
    header.e_phnum = 2;
    Elf64_Phdr text {}, data {};
    text.p_type = data.p_type = PT_LOAD;
    text.p_flags = PF_R | PF_X;
    text.p_offset = 0;
    text.p_vaddr = text.p_paddr = base;
    text.p_filesz = text.p_memsz = 0x100 + sizeof code;
    text.p_align = data.p_align = 0x1000;
    data.p_flags = PF_R | PF_W;
    data.p_offset = 0x1080;
    data.p_vaddr = data.p_paddr = base + 0x11080;
    data.p_filesz = 0x123;
    data.p_memsz = 0x14000 - 0x11080;
    memset(file.data(), 0, 0x100);
    memcpy(file.data(), &header, sizeof header);
    memcpy(file.data() + sizeof header, &text, sizeof text);
    memcpy(file.data() + sizeof header + sizeof text, &data, sizeof data);
    memcpy(file.data() + 0x100, code, sizeof code);
    memset(file.data() + 0x1000, 0x33, 0x80);
    memset(file.data() + 0x1080, 0x5a, 0x123);
    return file;
}

TEST(ExecMapping, BssIsZeroWhereItSharesAPageWithTheFileAndBeyond)
{
    SKIP_UNDER_QEMU_USER("the host cannot exec a riscv64 program without binfmt_misc");
    ScratchDir dir("/tmp", "exec");
    for (uint16_t type : { uint16_t(ET_EXEC), uint16_t(ET_DYN) }) {
        std::string program = dir / (type == ET_DYN ? "pie" : "fixed");
        write_file(program, hand_made_program(type), 0755);
        int status = exec_in_child(program, { "x" });
        EXPECT_TRUE(exited_with(status, 0))
            << program << ": status " << status << " (exit 1: page prefix, 2: data, 3: bss not zero)";
    }
}

} // namespace

int main(int argc, char** argv)
{
    if (argc == 3 && strcmp(argv[1], "--check-signal-state") == 0)
        return check_signal_state_after_exec(argv[2]);
    g_self = argv[0];
    testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}
