// riscv_isa::parse: the device tree's ISA string read into riscv_hwprobe's bits.
#include <gtest/gtest.h>
#include <lib/RiscvIsa.h>

using namespace sk;

namespace {
constexpr u64 bit(int n) { return 1ull << n; }
constexpr int fd = 0, c = 1, v = 2, zba = 3, zbb = 4, zbs = 5, zbc = 7, zicond = 35, zihintpause = 36, zca = 43,
              zcd = 45;
} // namespace

TEST(RiscvIsa, QemuVirtStringGivesWhatLinuxReports)
{
    // QEMU 7.2's virt hart; Linux reports 0x2810000000bb for it.
    auto isa = riscv_isa::parse("rv64imafdch_zicsr_zifencei_zihintpause_zba_zbb_zbc_zbs_sstc");
    EXPECT_TRUE(isa.base_ima);
    EXPECT_EQ(isa.ima_ext_0,
        bit(fd) | bit(c) | bit(zba) | bit(zbb) | bit(zbs) | bit(zbc) | bit(zihintpause) | bit(zca) | bit(zcd));
    EXPECT_EQ(isa.ima_ext_0, 0x2810000000bbull);
}

TEST(RiscvIsa, GMeansImafdAndVectorIsNotOffered)
{
    auto isa = riscv_isa::parse("rv64gcv_zicond");
    EXPECT_TRUE(isa.base_ima);
    EXPECT_EQ(isa.ima_ext_0 & bit(v), 0u) << "the kernel keeps no vector state";
    EXPECT_EQ(isa.ima_ext_0, bit(fd) | bit(c) | bit(zca) | bit(zcd) | bit(zicond));
}

TEST(RiscvIsa, PartialOrForeignStringsGiveLess)
{
    auto no_atomics = riscv_isa::parse("rv64imfc");
    EXPECT_FALSE(no_atomics.base_ima);
    EXPECT_EQ(no_atomics.ima_ext_0, bit(c) | bit(zca)) << "F without D is not RISCV_HWPROBE_IMA_FD";
    EXPECT_FALSE(riscv_isa::parse("rv32imac").base_ima);
    EXPECT_EQ(riscv_isa::parse("").ima_ext_0, 0u);
    EXPECT_EQ(riscv_isa::parse("rv64ima__zbb_").ima_ext_0, bit(zbb)) << "empty parts are skipped";
    EXPECT_EQ(riscv_isa::parse("rv64ima_xfoo_zbaa").ima_ext_0, 0u);
}
