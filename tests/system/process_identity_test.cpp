// process_identity_test — what a process is and has: credentials with Linux's set*id rules
// (root and 65534), supplementary groups, umask, chdir/fchdir/getcwd, resource limits
// (RLIMIT_NOFILE -> EMFILE, prlimit64 on another process), uname, sysinfo, getrandom,
// prctl names, sched_yield, clocks and sleeps, getrusage, and alarm/setitimer. Each
// expectation is Linux's: the same binary runs under qemu-riscv64 and in linux-ref.
#include "proc_test_support.h"

#include <sys/fsuid.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/sysinfo.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <vector>

using namespace fstest;
using namespace proctest;

namespace {

// ---------------------------------------------------------------------------------------
// Credentials

TEST(Credentials, RootSetsAnyIdsThenUnprivilegedRulesApply)
{
    int status = run_in_child([] {
        if (setresuid(1000, 2000, 3000) != 0)
            return 1;
        uid_t r, e, s;
        getresuid(&r, &e, &s);
        if (r != 1000 || e != 2000 || s != 3000 || geteuid() != 2000 || getuid() != 1000)
            return 2;
        if (setresuid(uid_t(-1), 3000, uid_t(-1)) != 0)
            return 3; // to the saved id
        FS_CHILD_EXPECT_ERRNO(setresuid(uid_t(-1), 4000, uid_t(-1)), EPERM);
        FS_CHILD_EXPECT_ERRNO(setresuid(4000, uid_t(-1), uid_t(-1)), EPERM);
        if (setuid(1000) != 0)
            return 4; // unprivileged setuid changes only the effective id
        getresuid(&r, &e, &s);
        if (r != 1000 || e != 1000 || s != 3000)
            return 5;
        if (setuid(3000) != 0)
            return 6;
        FS_CHILD_EXPECT_ERRNO(setuid(5), EPERM);
        FS_CHILD_EXPECT_ERRNO(seteuid(0), EPERM);
        return 0;
    });
    EXPECT_TRUE(exited_with(status, 0)) << status;
}

TEST(Credentials, SetuidAsRootDropsEveryId)
{
    int status = run_in_child([] {
        if (setuid(65534) != 0)
            return 1;
        uid_t r, e, s;
        getresuid(&r, &e, &s);
        if (r != 65534 || e != 65534 || s != 65534)
            return 2;
        FS_CHILD_EXPECT_ERRNO(setuid(0), EPERM);
        FS_CHILD_EXPECT_ERRNO(seteuid(0), EPERM);
        FS_CHILD_EXPECT_ERRNO(setresuid(0, 0, 0), EPERM);
        return 0;
    });
    EXPECT_TRUE(exited_with(status, 0)) << status;
}

TEST(Credentials, SavedRootIdAllowsRegainingRoot)
{
    int status = run_in_child([] {
        if (setresuid(65534, 65534, 0) != 0)
            return 1;
        if (geteuid() != 65534)
            return 2;
        if (seteuid(0) != 0)
            return 3;
        uid_t r, e, s;
        getresuid(&r, &e, &s);
        if (r != 65534 || e != 0 || s != 0)
            return 4;
        if (setreuid(1000, 2000) != 0)
            return 5; // as root; setting the real id also sets saved = effective
        getresuid(&r, &e, &s);
        if (r != 1000 || e != 2000 || s != 2000)
            return 6;
        return 0;
    });
    EXPECT_TRUE(exited_with(status, 0)) << status;
}

TEST(Credentials, GroupIdsFollowTheSameRules)
{
    int status = run_in_child([] {
        if (setresgid(100, 200, 300) != 0)
            return 1;
        gid_t r, e, s;
        getresgid(&r, &e, &s);
        if (r != 100 || e != 200 || s != 300)
            return 2;
        if (setresuid(65534, 65534, 65534) != 0)
            return 3;
        if (setresgid(300, 100, uid_t(-1)) != 0)
            return 4; // any of the current three
        FS_CHILD_EXPECT_ERRNO(setresgid(uid_t(-1), 400, uid_t(-1)), EPERM);
        FS_CHILD_EXPECT_ERRNO(setgid(400), EPERM);
        if (setgid(300) != 0)
            return 5; // unprivileged setgid: the effective id may become the real or saved one
        getresgid(&r, &e, &s);
        if (r != 300 || e != 300 || s != 300)
            return 6;
        return 0;
    });
    EXPECT_TRUE(exited_with(status, 0)) << status;
}

TEST(Credentials, SupplementaryGroupsNeedRoot)
{
    int status = run_in_child([] {
        gid_t groups[3] = { 10, 20, 30 };
        if (setgroups(3, groups) != 0)
            return 1;
        if (getgroups(0, nullptr) != 3)
            return 2;
        gid_t out[8] = {};
        if (getgroups(8, out) != 3 || out[0] != 10 || out[1] != 20 || out[2] != 30)
            return 3;
        FS_CHILD_EXPECT_ERRNO(getgroups(1, out), EINVAL);
        FS_CHILD_EXPECT_ERRNO(syscall(SYS_setgroups, 65537, groups), EINVAL);
        FS_CHILD_EXPECT_ERRNO(syscall(SYS_getgroups, -1, out), EINVAL);
        if (setgroups(0, nullptr) != 0 || getgroups(0, nullptr) != 0)
            return 4;
        if (setresuid(65534, 65534, 65534) != 0)
            return 5;
        FS_CHILD_EXPECT_ERRNO(setgroups(3, groups), EPERM);
        return 0;
    });
    EXPECT_TRUE(exited_with(status, 0)) << status;
}

TEST(Credentials, FsuidFollowsTheEffectiveId)
{
    int status = run_in_child([] {
        if (setfsuid(1234) != 0)
            return 1; // returns the previous fsuid
        if (setfsuid(uid_t(-1)) != 1234)
            return 2; // an invalid id only queries
        if (seteuid(4321) != 0)
            return 3;
        if (setfsuid(uid_t(-1)) != 4321)
            return 4; // changing euid resets fsuid
        return 0;
    });
    EXPECT_TRUE(exited_with(status, 0)) << status;
}

// ---------------------------------------------------------------------------------------
// umask, cwd, limits

TEST(Umask, ReturnsThePreviousMaskAndFiltersNewModes)
{
    ScratchDir dir("/tmp", "umask");
    int status = run_in_child([&] {
        umask(027);
        if (umask(022) != 027)
            return 1;
        umask(07777);
        if (umask(027) != 0777)
            return 2; // only the permission bits are kept
        int fd = open((dir / "file").c_str(), O_CREAT | O_WRONLY, 0666);
        if (fd < 0)
            return 3;
        close(fd);
        mkdir((dir / "sub").c_str(), 0777);
        struct stat file_st, dir_st;
        if (stat((dir / "file").c_str(), &file_st) != 0 || stat((dir / "sub").c_str(), &dir_st) != 0)
            return 4;
        if ((file_st.st_mode & 07777) != 0640 || (dir_st.st_mode & 07777) != 0750)
            return 5;
        Child inherited([] { return umask(0) == 027 ? 0 : 1; });
        return exited_with(inherited.wait(), 0) ? 0 : 6;
    });
    EXPECT_TRUE(exited_with(status, 0)) << status;
}

TEST(Cwd, ChdirAndGetcwdAgreeAndChildrenInherit)
{
    ScratchDir dir("/tmp", "cwd");
    char before[PATH_MAX];
    ASSERT_NE(getcwd(before, sizeof before), nullptr);
    ASSERT_EQ(mkdir((dir / "sub").c_str(), 0755), 0);
    write_file(dir / "file", "x");
    char resolved[PATH_MAX];
    ASSERT_NE(realpath(dir.path().c_str(), resolved), nullptr);
    std::string real = resolved;
    int status = run_in_child([&] {
        if (chdir(dir.path().c_str()) != 0)
            return 1;
        char buffer[PATH_MAX];
        if (!getcwd(buffer, sizeof buffer) || real != buffer)
            return 2;
        if (chdir("sub") != 0 || !getcwd(buffer, sizeof buffer) || real + "/sub" != buffer)
            return 3;
        if (chdir("..") != 0 || access("file", F_OK) != 0)
            return 4;
        int fd = open("sub", O_RDONLY | O_DIRECTORY);
        if (fd < 0 || fchdir(fd) != 0 || !getcwd(buffer, sizeof buffer) || real + "/sub" != buffer)
            return 5;
        close(fd);
        FS_CHILD_EXPECT_ERRNO(syscall(SYS_getcwd, buffer, 1), ERANGE);
        FS_CHILD_EXPECT_ERRNO(syscall(SYS_getcwd, buffer, 0), ERANGE);
        FS_CHILD_EXPECT_ERRNO(chdir((dir / "file").c_str()), ENOTDIR);
        FS_CHILD_EXPECT_ERRNO(chdir((dir / "missing").c_str()), ENOENT);
        int file = open((dir / "file").c_str(), O_RDONLY);
        FS_CHILD_EXPECT_ERRNO(fchdir(file), ENOTDIR);
        close(file);
        FS_CHILD_EXPECT_ERRNO(fchdir(-1), EBADF);
        Child inherited([&] {
            char inner[PATH_MAX];
            return getcwd(inner, sizeof inner) && real + "/sub" == inner ? 0 : 1;
        });
        return exited_with(inherited.wait(), 0) ? 0 : 6;
    });
    EXPECT_TRUE(exited_with(status, 0)) << status;
    char after[PATH_MAX];
    ASSERT_NE(getcwd(after, sizeof after), nullptr);
    EXPECT_STREQ(after, before) << "the parent's cwd did not move";
}

TEST(Cwd, SearchPermissionIsNeeded)
{
    ScratchDir dir("/tmp", "cwd");
    ASSERT_EQ(mkdir((dir / "closed").c_str(), 0700), 0);
    int status = run_in_child([&] {
        if (!become_nobody())
            return 10;
        FS_CHILD_EXPECT_ERRNO(chdir((dir / "closed").c_str()), EACCES);
        return 0;
    });
    EXPECT_TRUE(exited_with(status, 0)) << status;
}

TEST(Rlimit, NofileLimitGivesEmfile)
{
    int status = run_in_child([] {
        struct rlimit limit { 16, 16 };
        if (setrlimit(RLIMIT_NOFILE, &limit) != 0)
            return 1;
        int last = -1;
        for (;;) {
            int fd = open("/dev/null", O_RDONLY);
            if (fd < 0)
                break;
            last = fd;
        }
        if (errno != EMFILE || last != 15)
            return 2;
        FS_CHILD_EXPECT_ERRNO(dup(0), EMFILE);
        int fds[2];
        FS_CHILD_EXPECT_ERRNO(pipe(fds), EMFILE);
        FS_CHILD_EXPECT_ERRNO(fcntl(0, F_DUPFD, 16), EINVAL);
        FS_CHILD_EXPECT_ERRNO(dup2(0, 16), EBADF);
        close(15);
        if (dup(0) != 15)
            return 3;
        struct rlimit lower { 4, 4 };
        if (setrlimit(RLIMIT_NOFILE, &lower) != 0 || fcntl(15, F_GETFD) != 0)
            return 4; // lowering below open fds is allowed; they stay open
        FS_CHILD_EXPECT_ERRNO(dup(0), EMFILE);
        return 0;
    });
    EXPECT_TRUE(exited_with(status, 0)) << status;
}

TEST(Rlimit, SoftAboveHardIsEinvalAndRaisingHardNeedsRoot)
{
    int status = run_in_child([] {
        struct rlimit bad { 200, 100 };
        FS_CHILD_EXPECT_ERRNO(setrlimit(RLIMIT_NOFILE, &bad), EINVAL);
        struct rlimit root_raise { 2048, 4096 };
        if (setrlimit(RLIMIT_NOFILE, &root_raise) != 0)
            return 1;
        if (!become_nobody())
            return 2;
        struct rlimit lower { 64, 64 };
        if (setrlimit(RLIMIT_NOFILE, &lower) != 0)
            return 3;
        struct rlimit raise { 64, 128 };
        FS_CHILD_EXPECT_ERRNO(setrlimit(RLIMIT_NOFILE, &raise), EPERM);
        struct rlimit got {};
        getrlimit(RLIMIT_NOFILE, &got);
        return got.rlim_cur == 64 && got.rlim_max == 64 ? 0 : 4;
    });
    EXPECT_TRUE(exited_with(status, 0)) << status;
}

TEST(Rlimit, Prlimit64ReadsAndWritesAnotherProcess)
{
    int gate[2];
    ASSERT_EQ(pipe(gate), 0);
    Child child([&] {
        close(gate[1]);
        char c;
        (void)read(gate[0], &c, 1);
        struct rlimit limit {};
        getrlimit(RLIMIT_NOFILE, &limit);
        return limit.rlim_cur == 33 && limit.rlim_max == 44 ? 0 : 1;
    });
    close(gate[0]);
    struct rlimit fresh { 33, 44 }, old {}, now {};
    ASSERT_EQ(prlimit(child.pid(), RLIMIT_NOFILE, &fresh, &old), 0) << strerror(errno);
    EXPECT_GT(old.rlim_cur, 0u);
    ASSERT_EQ(prlimit(child.pid(), RLIMIT_NOFILE, nullptr, &now), 0);
    EXPECT_EQ(now.rlim_cur, 33u);
    EXPECT_EQ(now.rlim_max, 44u);
    EXPECT_ERRNO(ESRCH, prlimit(999999, RLIMIT_NOFILE, nullptr, &now));
    EXPECT_ERRNO(EINVAL, syscall(SYS_prlimit64, 0, 999, nullptr, &now));
    close(gate[1]);
    EXPECT_TRUE(exited_with(child.wait(), 0));
}

// ---------------------------------------------------------------------------------------
// Identity, randomness, time

TEST(Misc, UnameSaysLinuxOnRiscv64)
{
    struct utsname name {};
    ASSERT_EQ(uname(&name), 0);
    EXPECT_STREQ(name.sysname, "Linux");
    EXPECT_STREQ(name.machine, "riscv64");
    EXPECT_GT(strlen(name.release), 0u);
    EXPECT_GT(strlen(name.nodename), 0u);
}

// riscv_hwprobe(2), which glibc asks at startup (qemu-user 7.2 does not know it).
namespace {
struct HwprobePair {
    int64_t key;
    uint64_t value;
};
constexpr long nr_riscv_hwprobe = 258;
constexpr int64_t key_base_behavior = 3, key_ima_ext_0 = 4, key_highest_virt_address = 7, key_time_csr_freq = 8;
constexpr uint64_t ima_fd = 1, ima_c = 2, ext_zbb = 1 << 4;

long hwprobe(HwprobePair* pairs, size_t count, size_t cpuset_size = 0, void* cpus = nullptr, unsigned flags = 0)
{
    return syscall(nr_riscv_hwprobe, pairs, count, cpuset_size, cpus, flags);
}
} // namespace

TEST(Misc, HwprobeDescribesTheHartThisProgramRunsOn)
{
    HwprobePair pairs[] = { { key_base_behavior, 7 }, { key_ima_ext_0, 7 }, { key_highest_virt_address, 7 },
        { key_time_csr_freq, 7 }, { 1000, 7 } };
    long result = hwprobe(pairs, 5);
    if (result == -1 && errno == ENOSYS && under_qemu_user())
        GTEST_SKIP() << "qemu-user 7.2 has no riscv_hwprobe";
    ASSERT_EQ(result, 0) << strerror(errno);
    EXPECT_EQ(pairs[0].key, key_base_behavior);
    EXPECT_EQ(pairs[0].value, 1u) << "RISCV_HWPROBE_BASE_BEHAVIOR_IMA";
    // This program is rv64gc: the hart it runs on has F, D and C.
    EXPECT_EQ(pairs[1].value & (ima_fd | ima_c), ima_fd | ima_c);
    int on_stack = 0;
    EXPECT_GE(pairs[2].value, reinterpret_cast<uint64_t>(&on_stack));
    EXPECT_GT(pairs[3].value, 0u);
    EXPECT_EQ(pairs[4].key, -1) << "an unknown key is cleared to -1";
    EXPECT_EQ(pairs[4].value, 0u);
    // /proc/cpuinfo names the same machine.
    HwprobePair ids[] = { { 1, 0 }, { 2, 0 } }; // MARCHID, MIMPID
    ASSERT_EQ(hwprobe(ids, 2), 0);
    std::string cpuinfo = fstest::read_file("/proc/cpuinfo");
    char expected[64];
    snprintf(expected, sizeof(expected), "marchid\t\t: 0x%llx\n", static_cast<unsigned long long>(ids[0].value));
    EXPECT_NE(cpuinfo.find(expected), std::string::npos) << cpuinfo;
    snprintf(expected, sizeof(expected), "mimpid\t\t: 0x%llx\n", static_cast<unsigned long long>(ids[1].value));
    EXPECT_NE(cpuinfo.find(expected), std::string::npos) << cpuinfo;
    EXPECT_NE(cpuinfo.find("isa\t\t: rv64ima"), std::string::npos) << cpuinfo;
    if (pairs[1].value & ext_zbb) {
        // Zbb is reported: its andn must execute (a wrong report would be SIGILL here).
        unsigned long out, a = 0b1100, b = 0b1010;
        asm volatile(".insn r 0x33, 7, 0x20, %0, %1, %2" : "=r"(out) : "r"(a), "r"(b));
        EXPECT_EQ(out, 0b0100u);
    }
}

TEST(Misc, HwprobeRejectsBadArguments)
{
    HwprobePair pair { key_base_behavior, 0 };
    if (hwprobe(&pair, 1) == -1 && errno == ENOSYS && under_qemu_user())
        GTEST_SKIP() << "qemu-user 7.2 has no riscv_hwprobe";
    EXPECT_EQ(hwprobe(nullptr, 0), 0) << "no pairs asked, nothing read";
    errno = 0;
    EXPECT_EQ(hwprobe(&pair, 1, 0, nullptr, 4), -1);
    EXPECT_EQ(errno, EINVAL) << "unknown flags";
    errno = 0;
    EXPECT_EQ(hwprobe(reinterpret_cast<HwprobePair*>(8), 1), -1);
    EXPECT_EQ(errno, EFAULT);
    cpu_set_t cpus;
    CPU_ZERO(&cpus);
    errno = 0;
    EXPECT_EQ(hwprobe(&pair, 1, sizeof(cpus), &cpus), -1);
    EXPECT_EQ(errno, EINVAL) << "an empty CPU set";
    CPU_SET(0, &cpus);
    EXPECT_EQ(hwprobe(&pair, 1, sizeof(cpus), &cpus), 0);
    errno = 0;
    EXPECT_EQ(hwprobe(&pair, 1, sizeof(cpus), reinterpret_cast<void*>(8)), -1);
    EXPECT_EQ(errno, EFAULT);
}

TEST(Misc, AffinityAndGetcpuAgree)
{
    cpu_set_t mask;
    CPU_ZERO(&mask);
    ASSERT_EQ(sched_getaffinity(0, sizeof(mask), &mask), 0);
    int cpu = sched_getcpu();
    ASSERT_GE(cpu, 0);
    EXPECT_TRUE(CPU_ISSET(cpu, &mask)) << "running on a CPU outside its own mask";
    cpu_set_t only;
    CPU_ZERO(&only);
    CPU_SET(cpu, &only);
    EXPECT_EQ(sched_setaffinity(0, sizeof(only), &only), 0);
    EXPECT_EQ(sched_getcpu(), cpu);
    cpu_set_t empty;
    CPU_ZERO(&empty);
    EXPECT_ERRNO(EINVAL, sched_setaffinity(0, sizeof(empty), &empty));
    EXPECT_ERRNO(ESRCH, sched_getaffinity(0x3ffffff, sizeof(mask), &mask));
    EXPECT_ERRNO(EFAULT, sched_setaffinity(0, sizeof(mask), reinterpret_cast<cpu_set_t*>(8)));
    EXPECT_EQ(sched_setaffinity(0, sizeof(mask), &mask), 0);
}

TEST(Misc, SysinfoDescribesTheMachine)
{
    struct sysinfo info {};
    ASSERT_EQ(sysinfo(&info), 0);
    EXPECT_GE(info.mem_unit, 1u);
    EXPECT_GT(info.totalram, 0u);
    EXPECT_GT(info.freeram, 0u);
    EXPECT_LE(info.freeram, info.totalram);
    EXPECT_GE(info.procs, 1);
    EXPECT_GE(info.uptime, 0);
}

// The load average follows the runnable threads (sampled every 5 seconds, as on Linux).
TEST(Misc, LoadAverageRisesWhileAThreadSpins)
{
    Child spinner([] {
        double end = now_seconds() + 30;
        while (now_seconds() < end) { }
        return 0;
    });
    double one_minute = 0;
    struct sysinfo info {};
    bool risen = eventually(
        [&] {
            std::string text = fstest::read_file("/proc/loadavg");
            one_minute = atof(text.c_str());
            return one_minute > 0 && sysinfo(&info) == 0 && info.loads[0] > 0;
        },
        20000);
    EXPECT_TRUE(risen) << "/proc/loadavg still says " << one_minute;
    EXPECT_LT(one_minute, 50.0);
    std::string text = fstest::read_file("/proc/loadavg");
    unsigned running = 0, threads = 0;
    int last_pid = 0;
    double averages[3];
    EXPECT_EQ(sscanf(text.c_str(), "%lf %lf %lf %u/%u %d", &averages[0], &averages[1], &averages[2], &running,
                  &threads, &last_pid),
        6)
        << text;
    EXPECT_GE(threads, running);
    EXPECT_GE(last_pid, spinner.pid());
}

TEST(Misc, GetrandomFillsTheBuffer)
{
    unsigned char a[64] = {}, b[64] = {};
    EXPECT_EQ(getrandom(a, sizeof a, 0), ssize_t(sizeof a));
    EXPECT_EQ(getrandom(b, sizeof b, GRND_NONBLOCK), ssize_t(sizeof b));
    EXPECT_NE(memcmp(a, b, sizeof a), 0);
    EXPECT_EQ(getrandom(a, 0, 0), 0);
    EXPECT_ERRNO(EINVAL, getrandom(a, sizeof a, 0x100));
    std::vector<unsigned char> large(100000);
    EXPECT_EQ(getrandom(large.data(), large.size(), 0), ssize_t(large.size()));
}

TEST(Misc, PrctlNamesTheProcess)
{
    Child child([] {
        if (prctl(PR_SET_NAME, "renamed") != 0)
            return 1;
        char name[16] = {};
        if (prctl(PR_GET_NAME, name) != 0 || strcmp(name, "renamed") != 0)
            return 2;
        prctl(PR_SET_NAME, "a-name-longer-than-fifteen-bytes");
        prctl(PR_GET_NAME, name);
        if (strcmp(name, "a-name-longer-t") != 0)
            return 3; // truncated to 15 bytes
        errno = 0;
        if (prctl(0x7fff0000, 0, 0, 0, 0) != -1 || errno != EINVAL)
            return 4;
        return 0;
    });
    EXPECT_TRUE(exited_with(child.wait(), 0));
}

TEST(Misc, PrctlProcessFlags)
{
    Child child([] {
        if (prctl(PR_GET_DUMPABLE) != 1 || prctl(PR_SET_DUMPABLE, 0) != 0 || prctl(PR_GET_DUMPABLE) != 0)
            return 1;
        errno = 0;
        if (prctl(PR_SET_DUMPABLE, 2) != -1 || errno != EINVAL)
            return 2;
        if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 0 || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0
            || prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1)
            return 3;
        if (prctl(PR_SET_NO_NEW_PRIVS, 0, 0, 0, 0) != -1 || errno != EINVAL)
            return 4; // it cannot be unset
        int value = -1;
        if (prctl(PR_GET_PDEATHSIG, &value) != 0 || value != 0)
            return 5;
        if (prctl(PR_SET_PDEATHSIG, 65) != -1 || errno != EINVAL)
            return 6;
        // (qemu-user 7.2 does not know the subreaper options; linux-ref agrees with this.)
        if (!under_qemu_user() && (prctl(PR_GET_CHILD_SUBREAPER, &value) != 0 || value != 0))
            return 7;
        Child grandchild([] { return prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1 && prctl(PR_GET_DUMPABLE) == 0 ? 0 : 1; });
        return exited_with(grandchild.wait(), 0) ? 0 : 8; // both are inherited
    });
    int status = child.wait();
    EXPECT_TRUE(exited_with(status, 0)) << status;
}

TEST(Misc, SchedYieldSucceeds)
{
    for (int i = 0; i < 10; ++i)
        EXPECT_EQ(sched_yield(), 0);
}

TEST(Time, ClocksAdvanceAndAgree)
{
    double m1 = now_seconds(CLOCK_MONOTONIC);
    double r1 = now_seconds(CLOCK_REALTIME);
    struct timeval tv {};
    ASSERT_EQ(gettimeofday(&tv, nullptr), 0);
    EXPECT_NEAR(double(tv.tv_sec) + double(tv.tv_usec) / 1e6, r1, 1.0);
    EXPECT_GT(r1, 1.6e9) << "the real-time clock has a plausible date";
    sleep_ms(20);
    EXPECT_GT(now_seconds(CLOCK_MONOTONIC), m1 + 0.015);
    EXPECT_GE(now_seconds(CLOCK_BOOTTIME), now_seconds(CLOCK_MONOTONIC) - 0.01);

    timespec res {};
    EXPECT_EQ(clock_getres(CLOCK_MONOTONIC, &res), 0);
    EXPECT_EQ(res.tv_sec, 0);
    EXPECT_GT(res.tv_nsec, 0);
    EXPECT_LE(res.tv_nsec, 1000000);
    timespec ts;
    EXPECT_ERRNO(EINVAL, syscall(SYS_clock_gettime, 100, &ts));
    EXPECT_ERRNO(EINVAL, syscall(SYS_clock_getres, 100, &res));

    double c1 = now_seconds(CLOCK_PROCESS_CPUTIME_ID);
    double until = now_seconds() + 0.05;
    volatile unsigned spin = 0;
    while (now_seconds() < until)
        spin = spin + 1;
    EXPECT_GT(now_seconds(CLOCK_PROCESS_CPUTIME_ID), c1);
    EXPECT_GT(now_seconds(CLOCK_THREAD_CPUTIME_ID), 0);
}

TEST(Time, NanosleepSleepsAtLeastTheDuration)
{
    double start = now_seconds();
    timespec request { 0, 50000000 }, remaining { 9, 9 };
    EXPECT_EQ(nanosleep(&request, &remaining), 0);
    EXPECT_GE(now_seconds() - start, 0.049);
    timespec bad { 0, 1000000000 };
    EXPECT_ERRNO(EINVAL, nanosleep(&bad, nullptr));
    timespec negative { -1, 0 };
    EXPECT_ERRNO(EINVAL, nanosleep(&negative, nullptr));
    timespec zero { 0, 0 };
    EXPECT_EQ(nanosleep(&zero, nullptr), 0);
}

TEST(Time, ClockNanosleepRelativeAbsoluteAndErrors)
{
    double start = now_seconds();
    timespec request { 0, 30000000 };
    EXPECT_EQ(clock_nanosleep(CLOCK_MONOTONIC, 0, &request, nullptr), 0);
    EXPECT_GE(now_seconds() - start, 0.029);

    timespec deadline;
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    deadline.tv_nsec += 30000000;
    if (deadline.tv_nsec >= 1000000000) {
        deadline.tv_sec += 1;
        deadline.tv_nsec -= 1000000000;
    }
    EXPECT_EQ(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &deadline, nullptr), 0);
    timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    EXPECT_TRUE(now.tv_sec > deadline.tv_sec || (now.tv_sec == deadline.tv_sec && now.tv_nsec >= deadline.tv_nsec));

    timespec past { 1, 0 };
    EXPECT_EQ(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &past, nullptr), 0);
    timespec realtime;
    clock_gettime(CLOCK_REALTIME, &realtime);
    realtime.tv_sec -= 1;
    EXPECT_EQ(clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &realtime, nullptr), 0);
    // clock_nanosleep returns the error number instead of setting errno.
    EXPECT_EQ(clock_nanosleep(CLOCK_THREAD_CPUTIME_ID, 0, &request, nullptr), EINVAL);
    EXPECT_EQ(clock_nanosleep(clockid_t(100), 0, &request, nullptr), EINVAL);
    timespec bad { 0, -1 };
    EXPECT_EQ(clock_nanosleep(CLOCK_MONOTONIC, 0, &bad, nullptr), EINVAL);
}

TEST(Time, GetrusageCountsOwnAndChildrenCpuTime)
{
    auto cpu = [](int who) {
        struct rusage usage {};
        getrusage(who, &usage);
        return double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
    };
    double self_before = cpu(RUSAGE_SELF), children_before = cpu(RUSAGE_CHILDREN);
    double until = now_seconds() + 0.05;
    volatile unsigned spin = 0;
    while (now_seconds() < until)
        spin = spin + 1;
    EXPECT_GT(cpu(RUSAGE_SELF), self_before);
    EXPECT_GT(cpu(RUSAGE_THREAD), 0);
    Child busy([] {
        // 50 ms of CPU time, however long that takes on a busy host.
        double cpu_end = now_seconds(CLOCK_PROCESS_CPUTIME_ID) + 0.05, wall_end = now_seconds() + 10;
        volatile unsigned n = 0;
        while (now_seconds(CLOCK_PROCESS_CPUTIME_ID) < cpu_end && now_seconds() < wall_end)
            n = n + 1;
        return 0;
    });
    EXPECT_TRUE(exited_with(busy.wait(), 0));
    EXPECT_GE(cpu(RUSAGE_CHILDREN) - children_before, 0.03) << "a reaped child's CPU time counts";
    struct rusage usage {};
    EXPECT_ERRNO(EINVAL, getrusage(5, &usage));
    getrusage(RUSAGE_SELF, &usage);
    EXPECT_GT(usage.ru_maxrss, 0);
}

int g_alarms;
void count_alarm(int) { ++g_alarms; }

TEST(Time, AlarmAndItimerDeliverSigalrm)
{
    ScopedAction action(SIGALRM, count_alarm);
    g_alarms = 0;
    alarm(0);
    EXPECT_EQ(alarm(10), 0u);
    unsigned left = alarm(5);
    EXPECT_GE(left, 9u);
    EXPECT_LE(left, 10u);
    EXPECT_GE(alarm(0), 4u) << "alarm(0) cancels and returns what was left";

    Child child([] { return alarm(0) == 0 ? 0 : 1; });
    EXPECT_TRUE(exited_with(child.wait(), 0)) << "a child does not inherit the timer";

    struct itimerval timer {};
    timer.it_value.tv_usec = 20000;
    timer.it_interval.tv_usec = 20000;
    ASSERT_EQ(setitimer(ITIMER_REAL, &timer, nullptr), 0);
    struct itimerval current {};
    ASSERT_EQ(getitimer(ITIMER_REAL, &current), 0);
    EXPECT_EQ(current.it_interval.tv_usec, 20000);
    EXPECT_LE(current.it_value.tv_usec, 20000);
    EXPECT_TRUE(eventually([] { return g_alarms >= 3; }));
    struct itimerval off {};
    ASSERT_EQ(setitimer(ITIMER_REAL, &off, &current), 0);
    EXPECT_EQ(current.it_interval.tv_usec, 20000) << "the old value comes back";
    int seen = g_alarms;
    sleep_ms(60);
    EXPECT_EQ(g_alarms, seen) << "a disarmed timer stays quiet";
    EXPECT_ERRNO(EINVAL, setitimer(__itimer_which(99), &off, nullptr));
    struct itimerval bad {};
    bad.it_value.tv_usec = 1000000;
    EXPECT_ERRNO(EINVAL, setitimer(ITIMER_REAL, &bad, nullptr));
}

TEST(Time, CpuTimersCountOnlyWhileTheProcessRuns)
{
    for (int which : { ITIMER_VIRTUAL, ITIMER_PROF }) {
        int signal = which == ITIMER_VIRTUAL ? SIGVTALRM : SIGPROF;
        ScopedAction action(signal, count_signal);
        g_count = 0;
        struct itimerval timer {};
        timer.it_value.tv_usec = 50000;
        ASSERT_EQ(setitimer(__itimer_which(which), &timer, nullptr), 0);
        sleep_ms(150); // asleep: the process's CPU clock stands (nearly) still
        EXPECT_EQ(g_count, 0) << "timer " << which;
        struct itimerval left {};
        ASSERT_EQ(getitimer(__itimer_which(which), &left), 0);
        EXPECT_GT(left.it_value.tv_usec, 30000) << "timer " << which;
        double end = now_seconds() + 3;
        volatile unsigned spin = 0;
        while (g_count == 0 && now_seconds() < end)
            spin = spin + 1;
        EXPECT_EQ(g_count, 1) << "timer " << which << " fires after 50 ms of CPU time";
        ASSERT_EQ(getitimer(__itimer_which(which), &left), 0);
        EXPECT_EQ(left.it_value.tv_sec, 0);
        EXPECT_EQ(left.it_value.tv_usec, 0) << "a one-shot timer is disarmed once it fired";
    }
}

TEST(Time, UnhandledSigalrmTerminates)
{
    Child child([] {
        reset_signal(SIGALRM);
        struct itimerval timer {};
        timer.it_value.tv_usec = 10000;
        setitimer(ITIMER_REAL, &timer, nullptr);
        for (;;)
            pause();
        return 0;
    });
    EXPECT_TRUE(signaled_with(child.wait(), SIGALRM));
}

} // namespace
