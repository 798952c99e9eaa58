// ext2 statfs numbers against e2fsprogs: f_blocks leaves out the metadata as Linux counts it
// (the blocks before the first data block, each superblock copy with its group descriptors,
// each group's bitmaps and inode table — not the resize_inode's reserved GDT blocks), and
// the free counts are what dumpe2fs reports. The expected overhead is summed from dumpe2fs's
// own per-group layout, so each image checks the rule rather than a remembered number.
#include "support/Ext2TestSupport.h"
#include <gtest/gtest.h>
#include <cstdio>
#include <sstream>

using namespace sk;
using namespace sk::test;

namespace {

struct DumpedLayout {
    u64 blocks { 0 }, free_blocks { 0 }, reserved_blocks { 0 }, inodes { 0 }, free_inodes { 0 };
    u64 groups { 0 }, superblock_copies { 0 };
    u64 overhead { 0 }; // as Linux's statfs counts it
};

// The length of the block range "A-B" that follows label in line (0 if absent).
u64 range_after(const std::string& line, const std::string& label)
{
    size_t at = line.find(label);
    if (at == std::string::npos)
        return 0;
    unsigned long long first = 0, last = 0;
    if (std::sscanf(line.c_str() + at + label.size(), "%llu-%llu", &first, &last) != 2 || last < first)
        return 0;
    return last - first + 1;
}

DumpedLayout dump_layout(const std::string& image)
{
    auto result = run_command("dumpe2fs " + shell_quote(image) + " 2>/dev/null");
    DumpedLayout layout;
    std::istringstream lines(result.output);
    std::string line;
    auto header = [&](const char* key, u64& out) {
        std::string prefix = std::string(key) + ":";
        if (line.rfind(prefix, 0) != 0)
            return false;
        out = std::stoull(line.substr(prefix.size()));
        return true;
    };
    u64 first_data_block = 0;
    while (std::getline(lines, line)) {
        if (header("Block count", layout.blocks) || header("Free blocks", layout.free_blocks)
            || header("Reserved block count", layout.reserved_blocks) || header("Inode count", layout.inodes)
            || header("Free inodes", layout.free_inodes) || header("First block", first_data_block))
            continue;
        size_t text = line.find_first_not_of(' ');
        std::string trimmed = text == std::string::npos ? "" : line.substr(text);
        if (line.rfind("Group ", 0) == 0)
            ++layout.groups;
        if (line.find("superblock at ") != std::string::npos) {
            ++layout.superblock_copies;
            ++layout.overhead;
        }
        layout.overhead += range_after(line, "Group descriptors at ");
        if (trimmed.rfind("Block bitmap at ", 0) == 0 || trimmed.rfind("Inode bitmap at ", 0) == 0)
            ++layout.overhead;
        if (trimmed.rfind("Inode table at ", 0) == 0)
            layout.overhead += range_after(trimmed, "Inode table at ");
    }
    layout.overhead += first_data_block; // every block before the first data block
    return layout;
}

struct StatfsCase {
    const char* name;
    unsigned block_size;
    unsigned size_kib;
    const char* options;
    u64 groups;            // what the image must have for the case to mean something
    u64 superblock_copies;
};

class Ext2Statfs : public ::testing::TestWithParam<StatfsCase> { };

} // namespace

TEST_P(Ext2Statfs, CountsAsLinux)
{
    install_test_clock();
    TempDir dir;
    std::string image = dir / "image";
    auto& param = GetParam();
    ASSERT_EQ(make_ext2_image(image, param.block_size, param.size_kib, "", param.options), "");
    auto layout = dump_layout(image);
    ASSERT_EQ(layout.groups, param.groups);
    ASSERT_EQ(layout.superblock_copies, param.superblock_copies);

    KString reason;
    auto fs = mount_image(image, &reason);
    ASSERT_TRUE(fs) << reason.chars();
    auto stats = fs->stats().release_value();
    EXPECT_EQ(stats.block_size, param.block_size);
    EXPECT_EQ(stats.blocks, layout.blocks - layout.overhead);
    EXPECT_EQ(stats.blocks_free, layout.free_blocks);
    EXPECT_EQ(stats.blocks_available, layout.free_blocks - layout.reserved_blocks);
    EXPECT_EQ(stats.files, layout.inodes);
    EXPECT_EQ(stats.files_free, layout.free_inodes);

    // What a new file takes leaves f_blocks alone and comes out of the free counts only.
    auto file = fs->root()->mknod("file", 0100644, 0, 0, 0).release_value();
    ASSERT_FALSE(write_string(*file, 0, pattern(5 * param.block_size, 3)).is_error());
    auto after = fs->stats().release_value();
    EXPECT_EQ(after.blocks, stats.blocks);
    EXPECT_EQ(after.blocks_free, stats.blocks_free - 5);
    EXPECT_EQ(after.files_free, stats.files_free - 1);
}

// 1 KiB blocks start at block 1 (block 0 is the boot block); 8192-block groups.
INSTANTIATE_TEST_SUITE_P(Images, Ext2Statfs,
    testing::Values(StatfsCase { "sparse_super_1k", 1024, 102400, "", 13, 6 }, // groups 0, 1, 3, 5, 7, 9
        StatfsCase { "every_group_1k", 1024, 20480, "-O ^sparse_super", 3, 3 },
        StatfsCase { "resize_inode_1k", 1024, 20480, "-O resize_inode", 3, 2 },
        StatfsCase { "revision_0_1k", 1024, 20480, "-r 0", 3, 3 },
        StatfsCase { "one_group_4k", 4096, 131072, "-m 0", 1, 1 },
        StatfsCase { "reserved_4k", 4096, 409600, "-m 5", 4, 3 }),
    [](const testing::TestParamInfo<StatfsCase>& info) { return std::string(info.param.name); });
