// tmpfs on its own: link counts, unlinked-but-open files, sparse data and truncation, the
// page budget (ENOSPC), statfs, unique inode numbers, and the root's lifetime.
#include "VfsTestSupport.h"

#include <set>

namespace sk::test {

class Tmpfs : public VfsTest { };

TEST_F(Tmpfs, LinkCounts)
{
    EXPECT_EQ(stat("/").nlink, 2u);
    mkdir("/a");
    mkdir("/a/b");
    mkdir("/a/c");
    EXPECT_EQ(stat("/").nlink, 3u);
    EXPECT_EQ(stat("/a").nlink, 4u);
    write_file("/a/file", "x");
    EXPECT_EQ(stat("/a").nlink, 4u);
    MUST(vfs.link(root(), "/a/file", root(), "/a/b/second", Credentials::root()));
    EXPECT_EQ(stat("/a/file").nlink, 2u);
    MUST(vfs.unlink(root(), "/a/file", Credentials::root()));
    EXPECT_EQ(stat("/a/b/second").nlink, 1u);
    MUST(vfs.rmdir(root(), "/a/c", Credentials::root()));
    EXPECT_EQ(stat("/a").nlink, 3u);
}

TEST_F(Tmpfs, UnlinkedFileLivesWhileOpen)
{
    write_file("/file", "still here");
    auto file = open("/file", O_RDWR);
    MUST(vfs.unlink(root(), "/file", Credentials::root()));
    EXPECT_ERRNO(vfs.resolve(root(), "/file", Credentials::root()), ENOENT);
    char buffer[16] {};
    EXPECT_EQ(MUST(file->ops().read(*file, IoBuffer::kernel(buffer, sizeof(buffer)), sizeof(buffer))), 10u);
    EXPECT_STREQ(buffer, "still here");
    EXPECT_EQ(VirtualFileSystem::stat(*file->inode()).nlink, 0u);
    // It cannot get a name back (Linux: ENOENT for linkat of an unlinked file).
    EXPECT_ERRNO(root().inode().link("again", *file->inode()), ENOENT);
}

TEST_F(Tmpfs, SparseFilesUseOnlyWrittenPages)
{
    auto file = open("/sparse", O_RDWR | O_CREAT);
    u64 far = 1ull << 40; // 1 TiB: no O(size) anything
    MUST(file->ops().write_at(*file, far, IoBuffer::kernel("x", 1), 1));
    MUST(file->ops().write_at(*file, 5, IoBuffer::kernel("y", 1), 1));
    auto metadata = stat("/sparse");
    EXPECT_EQ(metadata.size, far + 1);
    EXPECT_EQ(metadata.blocks, 16u); // two 4 KiB pages in 512-byte units
    char buffer[8192];
    memset(buffer, 0x55, sizeof(buffer));
    EXPECT_EQ(MUST(file->ops().read_at(*file, far - 8191, IoBuffer::kernel(buffer, sizeof(buffer)), sizeof(buffer))), 8192u);
    for (size_t i = 0; i < 8191; ++i)
        ASSERT_EQ(buffer[i], 0) << i;
    EXPECT_EQ(buffer[8191], 'x');
    EXPECT_EQ(MUST(file->ops().read_at(*file, 4, IoBuffer::kernel(buffer, 3), 3)), 3u);
    EXPECT_EQ(std::string(buffer, 3), std::string("\0y\0", 3));
}

TEST_F(Tmpfs, TruncateZeroesTheTailBeforeGrowingAgain)
{
    auto file = open("/file", O_RDWR | O_CREAT);
    std::string data(10000, 'z');
    MUST(file->ops().write(*file, IoBuffer::kernel(data.data(), data.size()), data.size()));
    EXPECT_EQ(stat("/file").blocks, 24u);
    MUST(vfs.truncate(root(), "/file", 100, Credentials::root()));
    EXPECT_EQ(stat("/file").blocks, 8u);
    MUST(vfs.truncate(root(), "/file", 9000, Credentials::root()));
    std::string contents = read_file("/file");
    ASSERT_EQ(contents.size(), 9000u);
    EXPECT_EQ(contents.substr(0, 100), std::string(100, 'z'));
    EXPECT_EQ(contents.substr(100), std::string(8900, '\0'));
    MUST(vfs.truncate(root(), "/file", 0, Credentials::root()));
    EXPECT_EQ(stat("/file").blocks, 0u);
}

TEST_F(Tmpfs, FailedCopyLeavesNothingPastTheEnd)
{
    // A write whose buffer fails part-way keeps the whole pages it copied; the page the
    // failed piece started past the end is dropped, so growing the file later reads zeros.
    auto file = open("/file", O_RDWR | O_CREAT);
    std::string data(5000, 'q');
    IoSegment segment { reinterpret_cast<uptr>(data.data()), data.size() };
    auto short_buffer = IoBuffer::kernel_vector(&segment, 1, 9000); // faults at byte 5000
    EXPECT_EQ(MUST(file->ops().write_at(*file, 0, short_buffer, 9000)), 4096u);
    EXPECT_EQ(stat("/file").size, 4096u);
    EXPECT_EQ(stat("/file").blocks, 8u);
    MUST(vfs.truncate(root(), "/file", 9000, Credentials::root()));
    std::string contents = read_file("/file");
    EXPECT_EQ(contents, std::string(4096, 'q') + std::string(9000 - 4096, '\0'));
    EXPECT_ERRNO(file->ops().write_at(*file, 20000, IoBuffer::user(0x1000, 10), 10), EFAULT);
    EXPECT_EQ(stat("/file").size, 9000u);
    EXPECT_EQ(stat("/file").blocks, 8u);
}

TEST_F(Tmpfs, PageBudgetGivesENOSPC)
{
    auto small = MUST(TmpfsFileSystem::try_create(0755, 0, 0, 2 * tmpfs_page_size));
    mkdir("/small");
    MUST(vfs.mount(small, "small", root(), "/small", Credentials::root()));
    auto file = open("/small/file", O_RDWR | O_CREAT);
    std::string data(3 * tmpfs_page_size, 'd');
    // A partial write reports what fit; the next one fails.
    EXPECT_EQ(MUST(file->ops().write(*file, IoBuffer::kernel(data.data(), data.size()), data.size())), 2 * tmpfs_page_size);
    EXPECT_ERRNO(file->ops().write(*file, IoBuffer::kernel(data.data(), 1), 1), ENOSPC);
    auto stats = MUST(vfs.statfs(root(), "/small/file", Credentials::root()));
    EXPECT_EQ(stats.blocks, 2u);
    EXPECT_EQ(stats.blocks_free, 0u);
    MUST(vfs.unlink(root(), "/small/file", Credentials::root()));
    file = nullptr;
    stats = MUST(vfs.statfs(root(), "/small", Credentials::root()));
    EXPECT_EQ(stats.blocks_free, 2u);
    EXPECT_EQ(stats.type, 0x01021994u);
}

TEST_F(Tmpfs, InodeNumbersAreUniqueAndStable)
{
    std::set<u64> numbers { stat("/").ino };
    for (int i = 0; i < 20; ++i) {
        std::string path = "/n" + std::to_string(i);
        write_file(StringView(path.c_str()), "");
        EXPECT_TRUE(numbers.insert(stat(StringView(path.c_str())).ino).second);
    }
    u64 before = stat("/n3").ino;
    MUST(vfs.rename(root(), "/n3", root(), "/renamed", Credentials::root()));
    EXPECT_EQ(stat("/renamed").ino, before);
    EXPECT_EQ(stat("/renamed").device, root_fs->device_id());
}

TEST_F(Tmpfs, SymlinkMetadata)
{
    symlink("some/target", "/link");
    auto metadata = stat("/link", AT_SYMLINK_NOFOLLOW);
    EXPECT_EQ(metadata.mode, u32(S_IFLNK | 0777));
    EXPECT_EQ(metadata.size, 11u);
}

TEST_F(Tmpfs, DefaultRootIsWorldWritableSticky)
{
    auto fs = MUST(TmpfsFileSystem::try_create());
    auto root_inode = fs->root();
    EXPECT_EQ(root_inode->mode(), u32(S_IFDIR | 01777));
    EXPECT_STREQ(fs->name(), "tmpfs");
    // The root stays the same object while someone holds it.
    EXPECT_EQ(fs->root(), root_inode);
}

} // namespace sk::test
