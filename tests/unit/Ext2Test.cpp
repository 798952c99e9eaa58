// ext2 through Sockeye's code against e2fsprogs: images made by mke2fs are read back, and
// everything written is checked with e2fsck -fn (must be clean) and debugfs.
#include "support/Ext2TestSupport.h"
#include <gtest/gtest.h>
#include <lib/IoBuffer.h>
#include <set>
#include <sys/stat.h>

using namespace sk;
using namespace sk::test;

namespace {

class Ext2 : public ::testing::Test {
protected:
    void SetUp() override
    {
        install_test_clock();
        ASSERT_FALSE(dir.path().empty());
        source = dir / "source";
        image = dir / "image";
        mkdir(source.c_str(), 0755);
    }
    void make(unsigned block_size, unsigned size_kib, const std::string& extra = "")
    {
        auto error = make_ext2_image(image, block_size, size_kib, source, extra);
        ASSERT_EQ(error, "");
        KString reason;
        fs = mount_image(image, &reason);
        ASSERT_TRUE(fs) << reason.chars();
        root = fs->root();
        ASSERT_TRUE(root);
    }
    void expect_clean()
    {
        ASSERT_FALSE(fs->sync().is_error());
        auto result = fsck_image(image);
        EXPECT_EQ(result.status, 0) << result.output;
    }
    RefPtr<Inode> create(Inode& parent, const std::string& name, u32 mode = 0100644)
    {
        auto inode = parent.mknod(StringView(name.c_str()), mode, 0, 0, 0);
        EXPECT_FALSE(inode.is_error()) << name << ": " << (inode.is_error() ? inode.error().code : 0);
        return inode.is_error() ? nullptr : inode.release_value();
    }
    std::set<std::string> list(Inode& directory)
    {
        std::set<std::string> names;
        auto result = directory.iterate(0, [&](const DirectoryEntryView& entry) {
            names.insert(std::string(entry.name.chars(), entry.name.length()));
            return true;
        });
        EXPECT_FALSE(result.is_error());
        return names;
    }
    std::string cat(const std::string& path) { return debugfs_cat(image, path, dir); }

    TempDir dir;
    std::string source, image;
    RefPtr<Ext2FileSystem> fs;
    RefPtr<Inode> root;
};

} // namespace

TEST_F(Ext2, ReadsWhatMke2fsWrote)
{
    write_host_file(source + "/small.txt", "hello, ext2\n");
    std::string big = pattern(300 * 1024 + 17, 1); // direct, indirect and double indirect
    write_host_file(source + "/big.bin", big);
    mkdir((source + "/dir").c_str(), 0750);
    for (int i = 0; i < 300; ++i)
        write_host_file(source + "/dir/entry-with-a-longish-name-" + std::to_string(i), std::to_string(i));
    symlink("short-target", (source + "/fast").c_str());
    std::string long_target(150, 'x');
    symlink(long_target.c_str(), (source + "/slow").c_str());
    run_command("truncate -s 2M " + shell_quote(source + "/sparse") + " && printf tail >> " + shell_quote(source + "/sparse"));
    make(1024, 4096);

    EXPECT_EQ(read_all(*walk(*fs, "small.txt")), "hello, ext2\n");
    EXPECT_EQ(read_all(*walk(*fs, "big.bin")), big);
    auto sparse = walk(*fs, "sparse");
    ASSERT_TRUE(sparse);
    std::string sparse_data = read_all(*sparse);
    EXPECT_EQ(sparse_data.size(), 2u * 1024 * 1024 + 4);
    EXPECT_EQ(sparse_data.substr(0, 2 * 1024 * 1024), std::string(2 * 1024 * 1024, '\0'));
    EXPECT_EQ(sparse_data.substr(2 * 1024 * 1024), "tail");
    EXPECT_LT(sparse->metadata().blocks, 16u);

    char buffer[256];
    auto fast = walk(*fs, "fast");
    ASSERT_TRUE(fast);
    auto n = fast->readlink(buffer, sizeof(buffer));
    ASSERT_FALSE(n.is_error());
    EXPECT_EQ(std::string(buffer, n.value()), "short-target");
    auto n2 = walk(*fs, "slow")->readlink(buffer, sizeof(buffer));
    ASSERT_FALSE(n2.is_error());
    EXPECT_EQ(std::string(buffer, n2.value()), long_target);

    auto directory = walk(*fs, "dir");
    ASSERT_TRUE(directory);
    auto metadata = directory->metadata();
    EXPECT_EQ(metadata.mode, 040750u);
    EXPECT_GT(metadata.size, 1024u);
    auto names = list(*directory);
    EXPECT_EQ(names.size(), 302u);
    EXPECT_TRUE(names.count("entry-with-a-longish-name-299"));
    EXPECT_EQ(read_all(*walk(*fs, "dir/entry-with-a-longish-name-123")), "123");
    EXPECT_TRUE(root->lookup("missing").is_error());
    EXPECT_EQ(root->lookup("missing").error().code, ENOENT);

    // Offsets are byte positions: resuming from any returned offset continues exactly there.
    std::vector<std::string> all;
    u64 offset = 0;
    for (;;) {
        int taken = 0;
        u64 next = offset;
        ASSERT_FALSE(directory->iterate(offset, [&](const DirectoryEntryView& entry) {
            if (taken == 7)
                return false;
            all.push_back(std::string(entry.name.chars(), entry.name.length()));
            next = entry.next_offset;
            ++taken;
            return true;
        }).is_error());
        if (taken == 0)
            break;
        offset = next;
    }
    EXPECT_EQ(all.size(), 302u);
    EXPECT_EQ(std::set<std::string>(all.begin(), all.end()), names);

    // One object per inode number.
    EXPECT_EQ(walk(*fs, "dir").ptr(), directory.ptr());
    expect_clean();
}

TEST_F(Ext2, WritesAcrossIndirectBoundaries)
{
    make(1024, 8192);
    auto file = create(*root, "data.bin");
    ASSERT_TRUE(file);
    // 12 direct + 256 indirect blocks, then well into the double indirect range, in odd chunks.
    std::string data = pattern(12 * 1024 + 256 * 1024 + 40 * 1024 + 333, 7);
    for (size_t offset = 0; offset < data.size();) {
        size_t chunk = std::min<size_t>(data.size() - offset, 3001 + offset % 2000);
        auto n = write_string(*file, offset, data.substr(offset, chunk));
        ASSERT_FALSE(n.is_error());
        ASSERT_EQ(n.value(), chunk);
        offset += chunk;
    }
    EXPECT_EQ(read_all(*file), data);
    // Overwrite across the direct/indirect boundary.
    std::string patch = pattern(5000, 9);
    ASSERT_FALSE(write_string(*file, 11 * 1024 + 100, patch).is_error());
    data.replace(11 * 1024 + 100, patch.size(), patch);
    EXPECT_EQ(read_all(*file), data);
    // Triple indirect: a sparse block past 64 MiB + 268 KiB.
    u64 far = (12ull + 256 + 65536 + 5) * 1024 + 10;
    ASSERT_FALSE(write_string(*file, far, "far away").is_error());
    EXPECT_EQ(file->metadata().size, far + 8);
    expect_clean();
    EXPECT_EQ(cat("/data.bin").substr(0, data.size()), data);
    EXPECT_EQ(cat("/data.bin").substr(far), "far away");
    // Shrinking back frees the triple and double indirect trees.
    auto before = fs->stats().release_value();
    u64 sectors_before = file->metadata().blocks;
    EXPECT_EQ(sectors_before, 2u * (309 + 1 + 2 + 4)); // data, indirect, double (+1), triple chain
    InodeAttributes attributes;
    attributes.mask = InodeAttributes::Size;
    attributes.size = 20000;
    ASSERT_FALSE(file->setattr(attributes).is_error());
    auto after = fs->stats().release_value();
    EXPECT_EQ(after.blocks_free, before.blocks_free + 316 - 21); // 20 data blocks and 1 indirect remain
    EXPECT_EQ(file->metadata().blocks, 42u);
    EXPECT_EQ(read_all(*file), data.substr(0, 20000));
    expect_clean();
    EXPECT_EQ(cat("/data.bin"), data.substr(0, 20000));
}

TEST_F(Ext2, SparseFilesAndTruncate)
{
    make(1024, 4096);
    auto file = create(*root, "sparse");
    ASSERT_FALSE(write_string(*file, 0, "head").is_error());
    ASSERT_FALSE(write_string(*file, 1024 * 1024, "middle").is_error());
    auto metadata = file->metadata();
    EXPECT_EQ(metadata.size, 1024u * 1024 + 6);
    EXPECT_LE(metadata.blocks, 8u); // two data blocks and one double indirect chain
    std::string expected = "head" + std::string(1024 * 1024 - 4, '\0') + "middle";
    EXPECT_EQ(read_all(*file), expected);

    InodeAttributes attributes;
    attributes.mask = InodeAttributes::Size;
    attributes.size = 2; // shrink inside the first block: the tail must read as zeros later
    ASSERT_FALSE(file->setattr(attributes).is_error());
    attributes.size = 5000; // grow: sparse
    ASSERT_FALSE(file->setattr(attributes).is_error());
    EXPECT_EQ(read_all(*file), "he" + std::string(4998, '\0'));
    EXPECT_EQ(file->metadata().blocks, 2u);
    expect_clean();
    EXPECT_EQ(cat("/sparse"), "he" + std::string(4998, '\0'));
    EXPECT_NE(debugfs(image, "stat /sparse").find("Size: 5000"), std::string::npos);
}

TEST_F(Ext2, FailedCopyLeavesNothingPastTheEnd)
{
    // A write whose buffer fails part-way (a bad user page) stops after the last whole block
    // copied. What the failed piece left behind — half a block of bytes, and a block that
    // lies wholly past the new end — must not survive: e2fsck rejects blocks past i_size, and
    // growing the file later must read zeros.
    make(1024, 4096);
    auto file = create(*root, "partial");
    ASSERT_TRUE(file);
    std::string data = pattern(1500, 3);
    IoSegment segment { reinterpret_cast<uptr>(data.data()), data.size() };
    auto short_buffer = IoBuffer::kernel_vector(&segment, 1, 5000); // faults at byte 1500
    auto written = file->write_at(0, short_buffer, 5000);
    ASSERT_FALSE(written.is_error());
    EXPECT_EQ(written.value(), 1024u);
    EXPECT_EQ(file->metadata().size, 1024u);
    EXPECT_EQ(file->metadata().blocks, 2u);
    expect_clean();
    InodeAttributes attributes;
    attributes.mask = InodeAttributes::Size;
    attributes.size = 3000;
    ASSERT_FALSE(file->setattr(attributes).is_error());
    EXPECT_EQ(read_all(*file), data.substr(0, 1024) + std::string(3000 - 1024, '\0'));

    // Nothing copied at all: the error, and the file as it was.
    auto failed = file->write_at(10000, IoBuffer::user(0x1000, 100), 100);
    ASSERT_TRUE(failed.is_error());
    EXPECT_EQ(failed.error().code, EFAULT);
    EXPECT_EQ(file->metadata().size, 3000u);
    EXPECT_EQ(file->metadata().blocks, 2u);
    expect_clean();
}

TEST_F(Ext2, ManyDirectoryEntries)
{
    make(1024, 4096);
    auto directory = root->mkdir("many", 0755, 0, 0).release_value();
    std::set<std::string> expected { ".", ".." };
    for (int i = 0; i < 400; ++i) {
        std::string name = "file-number-" + std::to_string(i) + std::string(i % 40, 'z');
        ASSERT_TRUE(create(*directory, name));
        expected.insert(name);
    }
    EXPECT_EQ(directory->mknod("file-number-7zzzzzzz", 0100644, 0, 0, 0).error().code, EEXIST);
    for (int i = 0; i < 400; i += 3) {
        std::string name = "file-number-" + std::to_string(i) + std::string(i % 40, 'z');
        ASSERT_FALSE(directory->unlink(StringView(name.c_str())).is_error());
        expected.erase(name);
    }
    EXPECT_EQ(list(*directory), expected);
    EXPECT_GT(directory->metadata().size, 10u * 1024);
    // Reuse freed space.
    ASSERT_TRUE(create(*directory, "again"));
    expected.insert("again");
    EXPECT_EQ(list(*directory), expected);
    expect_clean();
    auto listing = debugfs(image, "ls -l /many");
    EXPECT_NE(listing.find("file-number-398"), std::string::npos);
    EXPECT_EQ(listing.find("file-number-399"), std::string::npos);
    EXPECT_NE(listing.find("again"), std::string::npos);
}

TEST_F(Ext2, RenameFilesAndDirectories)
{
    make(1024, 4096);
    auto a = root->mkdir("a", 0755, 0, 0).release_value();
    auto b = root->mkdir("b", 0755, 0, 0).release_value();
    auto file = create(*a, "file");
    ASSERT_FALSE(write_string(*file, 0, "moving").is_error());
    auto victim = create(*b, "victim");
    ASSERT_FALSE(write_string(*victim, 0, "replaced").is_error());
    victim = nullptr;

    ASSERT_FALSE(a->rename("file", *a, "renamed").is_error());
    EXPECT_TRUE(a->lookup("file").is_error());
    ASSERT_FALSE(a->rename("renamed", *b, "victim").is_error()); // replaces a file
    EXPECT_EQ(read_all(*walk(*fs, "b/victim")), "moving");
    EXPECT_EQ(file->metadata().nlink, 1u);

    // Directory moves between parents fix "..", and the parents' link counts.
    auto sub = a->mkdir("sub", 0700, 0, 0).release_value();
    create(*sub, "inner");
    EXPECT_EQ(a->metadata().nlink, 3u);
    ASSERT_FALSE(a->rename("sub", *b, "moved").is_error());
    EXPECT_EQ(a->metadata().nlink, 2u);
    EXPECT_EQ(b->metadata().nlink, 3u);
    EXPECT_EQ(sub->lookup("..").release_value().ptr(), b.ptr());

    // Replacing: an empty directory may be replaced by a directory, not by a file; a non-empty
    // one never.
    auto empty = a->mkdir("empty", 0755, 0, 0).release_value();
    create(*a, "plain");
    EXPECT_EQ(a->rename("plain", *a, "empty").error().code, EISDIR);
    EXPECT_EQ(b->rename("moved", *a, "plain").error().code, ENOTDIR);
    auto full = a->mkdir("full", 0755, 0, 0).release_value();
    create(*full, "x");
    EXPECT_EQ(b->rename("moved", *a, "full").error().code, ENOTEMPTY);
    ASSERT_FALSE(b->rename("moved", *a, "empty").is_error());
    EXPECT_EQ(empty->metadata().nlink, 0u);
    empty = nullptr;
    EXPECT_EQ(a->metadata().nlink, 4u); // ., full, empty(=moved sub), and its parent entry
    EXPECT_EQ(b->metadata().nlink, 2u);
    EXPECT_EQ(a->rename("nothing", *a, "x").error().code, ENOENT);
    ASSERT_FALSE(b->rename("victim", *b, "victim").is_error());
    expect_clean();
    EXPECT_EQ(cat("/b/victim"), "moving");
    EXPECT_NE(debugfs(image, "ls /a/empty").find("inner"), std::string::npos);
}

TEST_F(Ext2, HardLinksAndUnlinkOfOpenFile)
{
    make(1024, 4096);
    auto free_before = fs->stats().release_value();
    auto file = create(*root, "original");
    ASSERT_FALSE(write_string(*file, 0, pattern(50000, 3)).is_error());
    auto directory = root->mkdir("d", 0755, 0, 0).release_value();
    ASSERT_FALSE(directory->link("alias", *file).is_error());
    EXPECT_EQ(file->metadata().nlink, 2u);
    EXPECT_EQ(root->link("d-link", *directory).error().code, EPERM);
    EXPECT_EQ(root->link("original", *file).error().code, EEXIST);
    expect_clean();
    EXPECT_NE(debugfs(image, "stat /d/alias").find("Links: 2"), std::string::npos);
    ASSERT_FALSE(root->unlink("original").is_error());
    EXPECT_EQ(read_all(*walk(*fs, "d/alias")), pattern(50000, 3));
    ASSERT_FALSE(directory->unlink("alias").is_error());
    // Still open: the data stays readable until the last reference goes.
    EXPECT_EQ(file->metadata().nlink, 0u);
    EXPECT_EQ(read_all(*file), pattern(50000, 3));
    file = nullptr;
    ASSERT_FALSE(root->rmdir("d").is_error());
    directory = nullptr;
    auto free_after = fs->stats().release_value();
    EXPECT_EQ(free_after.blocks_free, free_before.blocks_free);
    EXPECT_EQ(free_after.files_free, free_before.files_free);
    expect_clean();
}

TEST_F(Ext2, SymlinksAndSpecialNodes)
{
    make(1024, 4096);
    auto fast = root->symlink("fast", "target/of/a/fast/link", 0, 0).release_value();
    std::string long_target = "/" + std::string(200, 'L') + "/end";
    auto slow = root->symlink("slow", StringView(long_target.c_str()), 1000, 1000).release_value();
    char buffer[512];
    EXPECT_EQ(std::string(buffer, fast->readlink(buffer, sizeof(buffer)).release_value()), "target/of/a/fast/link");
    EXPECT_EQ(std::string(buffer, slow->readlink(buffer, sizeof(buffer)).release_value()), long_target);
    EXPECT_EQ(fast->metadata().mode, 0120777u);
    EXPECT_EQ(fast->metadata().blocks, 0u);
    EXPECT_EQ(slow->metadata().blocks, 2u);

    ASSERT_TRUE(create(*root, "socket", 0140755));
    ASSERT_TRUE(create(*root, "fifo", 0010644));
    auto chr = root->mknod("chr", 0020600, (4u << 8) | 64, 0, 0).release_value(); // 4:64
    u64 big_rdev = (u64(300) << 8) | 5 | (u64(0x1234 & ~0xff) << 12);              // 300:0x1205
    auto blk = root->mknod("blk", 0060600, big_rdev, 0, 0).release_value();
    EXPECT_EQ(chr->metadata().rdev, (4u << 8) | 64);
    EXPECT_EQ(blk->metadata().rdev, big_rdev);
    EXPECT_EQ(root->mknod("dir-by-mknod", 0040755, 0, 0, 0).error().code, EINVAL);
    std::set<std::string> expected { ".", "..", "lost+found", "fast", "slow", "socket", "fifo", "chr", "blk" };
    EXPECT_EQ(list(*root), expected);
    unsigned types = 0;
    ASSERT_FALSE(root->iterate(0, [&](const DirectoryEntryView& entry) {
        std::string name(entry.name.chars(), entry.name.length());
        if ((name == "socket" && entry.type == 12) || (name == "fifo" && entry.type == 1) || (name == "chr" && entry.type == 2)
            || (name == "blk" && entry.type == 6) || (name == "fast" && entry.type == 10))
            ++types;
        return true;
    }).is_error());
    EXPECT_EQ(types, 5u);
    expect_clean();
    EXPECT_NE(debugfs(image, "stat /fast").find("Fast link dest: \"target/of/a/fast/link\""), std::string::npos);
    EXPECT_NE(debugfs(image, "stat /socket").find("Type: socket"), std::string::npos);
    EXPECT_NE(debugfs(image, "stat /fifo").find("Type: FIFO"), std::string::npos);
    auto chr_stat = debugfs(image, "stat /chr");
    EXPECT_NE(chr_stat.find("Type: character special"), std::string::npos);
    EXPECT_NE(chr_stat.find("Device major/minor number: 04:64"), std::string::npos) << chr_stat;
    auto blk_stat = debugfs(image, "stat /blk");
    EXPECT_NE(blk_stat.find("Device major/minor number: 300:4613"), std::string::npos) << blk_stat;
    EXPECT_NE(debugfs(image, "stat /slow").find("User:  1000"), std::string::npos);
    EXPECT_NE(debugfs(image, "ls -l /").find("140755"), std::string::npos);
}

TEST_F(Ext2, SetattrModeOwnerTimes)
{
    make(1024, 2048);
    auto file = create(*root, "f", 0100600);
    InodeAttributes attributes;
    attributes.mask = InodeAttributes::Mode | InodeAttributes::Uid | InodeAttributes::Gid | InodeAttributes::Mtime | InodeAttributes::Atime;
    attributes.mode = 04755;
    attributes.uid = 70000;
    attributes.gid = 42;
    attributes.mtime = { 1600000000, 0 };
    attributes.atime = { 1500000000, 0 };
    ASSERT_FALSE(file->setattr(attributes).is_error());
    auto metadata = file->metadata();
    EXPECT_EQ(metadata.mode, 0104755u);
    EXPECT_EQ(metadata.uid, 70000u);
    EXPECT_EQ(metadata.gid, 42u);
    EXPECT_EQ(metadata.mtime.seconds, 1600000000);
    EXPECT_EQ(metadata.ctime.seconds, 1700000000);
    expect_clean();
    auto stat = debugfs(image, "stat /f");
    EXPECT_NE(stat.find("User: 70000"), std::string::npos) << stat;
    EXPECT_NE(stat.find("Mode:  04755"), std::string::npos) << stat;
}

TEST_F(Ext2, RmdirRules)
{
    make(1024, 2048);
    auto d = root->mkdir("d", 0755, 0, 0).release_value();
    auto inner = d->mkdir("inner", 0755, 0, 0).release_value();
    EXPECT_EQ(root->metadata().nlink, 4u); // ., .., lost+found/.., d/..
    EXPECT_EQ(root->rmdir("d").error().code, ENOTEMPTY);
    EXPECT_EQ(d->rmdir(".").error().code, EINVAL);
    EXPECT_EQ(d->rmdir("..").error().code, ENOTEMPTY);
    create(*d, "file");
    EXPECT_EQ(d->rmdir("file").error().code, ENOTDIR);
    EXPECT_EQ(d->unlink("inner").error().code, EISDIR);
    ASSERT_FALSE(d->unlink("file").is_error());
    ASSERT_FALSE(d->rmdir("inner").is_error());
    EXPECT_EQ(inner->mknod("late", 0100644, 0, 0, 0).error().code, ENOENT);
    inner = nullptr;
    ASSERT_FALSE(root->rmdir("d").is_error());
    d = nullptr;
    EXPECT_EQ(root->metadata().nlink, 3u);
    expect_clean();
}

TEST_F(Ext2, DiskFullGivesEnospcAndStaysConsistent)
{
    make(1024, 256, "-N 32 -m 0");
    auto file = create(*root, "filler");
    std::string chunk = pattern(7 * 1024 + 5, 11);
    u64 offset = 0;
    Error error { 0 };
    for (int i = 0; i < 1000; ++i) {
        auto n = write_string(*file, offset, chunk);
        if (n.is_error()) {
            error = n.error();
            break;
        }
        offset += n.value();
    }
    EXPECT_EQ(error.code, ENOSPC);
    EXPECT_EQ(fs->stats().release_value().blocks_free, 0u);
    EXPECT_EQ(file->metadata().size, offset);
    EXPECT_EQ(root->mkdir("nospace", 0755, 0, 0).error().code, ENOSPC);
    expect_clean();
    EXPECT_EQ(cat("/filler").size(), offset);
    ASSERT_FALSE(root->unlink("filler").is_error());
    file = nullptr;
    EXPECT_GT(fs->stats().release_value().blocks_free, 200u);
    expect_clean();
}

TEST_F(Ext2, FullInodeTableGivesEnospc)
{
    make(1024, 1024, "-N 16");
    int created = 0;
    Error error { 0 };
    for (int i = 0; i < 100; ++i) {
        auto inode = root->mknod(StringView(("n" + std::to_string(i)).c_str()), 0100644, 0, 0, 0);
        if (inode.is_error()) {
            error = inode.error();
            break;
        }
        ++created;
    }
    EXPECT_EQ(error.code, ENOSPC);
    EXPECT_GT(created, 0);
    EXPECT_EQ(fs->stats().release_value().files_free, 0u);
    EXPECT_EQ(root->mkdir("d", 0755, 0, 0).error().code, ENOSPC);
    EXPECT_TRUE(root->lookup("d").is_error());
    expect_clean();
}

TEST_F(Ext2, FileSizeLimits)
{
    make(1024, 2048);
    auto file = create(*root, "f");
    u64 max = fs->max_file_size();
    EXPECT_EQ(max, (12ull + 256 + 65536 + 16777216) * 1024);
    EXPECT_EQ(write_string(*file, max, "x").error().code, EFBIG);
    InodeAttributes attributes;
    attributes.mask = InodeAttributes::Size;
    attributes.size = max + 1;
    EXPECT_EQ(file->setattr(attributes).error().code, EFBIG);
    // A write straddling the limit stops at it.
    auto n = write_string(*file, max - 3, "abcdef");
    ASSERT_FALSE(n.is_error());
    EXPECT_EQ(n.value(), 3u);
    EXPECT_EQ(file->metadata().size, max);
    attributes.size = 0;
    ASSERT_FALSE(file->setattr(attributes).is_error());
    expect_clean();
}

TEST_F(Ext2, FourKiBBlocksAndFilesOver4GiB)
{
    make(4096, 16384);
    auto directory = root->mkdir("dir", 0755, 0, 0).release_value();
    auto file = create(*directory, "big");
    std::string data = pattern(4096 * 1100 + 99, 5); // past the indirect range of 4 KiB blocks
    ASSERT_EQ(write_string(*file, 0, data).release_value(), data.size());
    u64 far = 5ull << 30; // needs i_size_high (large_file)
    ASSERT_FALSE(write_string(*file, far, "beyond 4 GiB").is_error());
    EXPECT_EQ(file->metadata().size, far + 12);
    char buffer[12];
    ASSERT_EQ(file->read_at(far, IoBuffer::kernel(buffer, 12), 12).release_value(), 12u);
    EXPECT_EQ(std::string(buffer, 12), "beyond 4 GiB");
    for (int i = 0; i < 200; ++i)
        ASSERT_TRUE(create(*directory, "entry" + std::to_string(i)));
    expect_clean();
    EXPECT_NE(debugfs(image, "stat /dir/big").find("Size: " + std::to_string(far + 12)), std::string::npos);
    EXPECT_NE(debugfs(image, "features").find("large_file"), std::string::npos);
    InodeAttributes attributes;
    attributes.mask = InodeAttributes::Size;
    attributes.size = 4096 * 3 + 1;
    ASSERT_FALSE(file->setattr(attributes).is_error());
    expect_clean();
    EXPECT_EQ(cat("/dir/big"), data.substr(0, 4096 * 3 + 1));
}

TEST_F(Ext2, RefusesUnsupportedFeaturesAndBadImages)
{
    make(1024, 1024);
    fs = nullptr;
    root = nullptr;
    std::string original = read_host_file(image);
    auto patch = [&](size_t offset, u32 value) {
        std::string copy = original;
        memcpy(&copy[offset], &value, 4);
        write_host_file(image, copy);
    };
    u32 incompat;
    memcpy(&incompat, &original[1024 + 96], 4);
    patch(1024 + 96, incompat | 0x40); // extents
    KString reason;
    EXPECT_FALSE(mount_image(image, &reason));
    EXPECT_NE(std::string(reason.chars()).find("extent"), std::string::npos) << reason.chars();
    patch(1024 + 96, incompat | 0x80000000u);
    EXPECT_FALSE(mount_image(image, &reason));
    EXPECT_NE(std::string(reason.chars()).find("INCOMPAT"), std::string::npos) << reason.chars();

    u32 ro_compat;
    memcpy(&ro_compat, &original[1024 + 100], 4);
    patch(1024 + 100, ro_compat | 0x400); // metadata_csum: read-only
    auto read_only = mount_image(image, &reason);
    ASSERT_TRUE(read_only);
    EXPECT_TRUE(read_only->is_read_only());
    EXPECT_NE(std::string(reason.chars()).find("metadata_csum"), std::string::npos);
    EXPECT_EQ(read_only->root()->mknod("x", 0100644, 0, 0, 0).error().code, EROFS);
    read_only = nullptr;

    patch(1024 + 56, 0x1234); // magic
    EXPECT_FALSE(mount_image(image, &reason));
    EXPECT_NE(std::string(reason.chars()).find("magic"), std::string::npos);
    patch(1024 + 4, 0x7fffffff); // blocks count beyond the device
    EXPECT_FALSE(mount_image(image, &reason));
}
