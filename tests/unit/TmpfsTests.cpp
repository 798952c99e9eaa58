// tmpfs on its own: link counts, unlinked-but-open files, sparse data and truncation, the
// page budget (ENOSPC), statfs, unique inode numbers, the root's lifetime, and directories:
// thousands of entries, getdents resuming across removals (stable cookies), and rename within
// and across directories.
#include "VfsTestSupport.h"

#include <algorithm>
#include <cstring>
#include <map>
#include <random>
#include <set>
#include <vector>

namespace sk::test {

class Tmpfs : public VfsTest {
protected:
    struct Listed {
        std::string name;
        u64 next_offset; // d_off
    };

    static StringView view(const std::string& path) { return StringView(path.data(), path.size()); }

    void create(const std::string& path)
    {
        MUST(vfs.mknod(root(), view(path), S_IFREG | 0644, 0, Credentials::root(), 0));
    }
    void unlink(const std::string& path) { MUST(vfs.unlink(root(), view(path), Credentials::root())); }
    void rename(const std::string& from, const std::string& to)
    {
        MUST(vfs.rename(root(), view(from), root(), view(to), Credentials::root()));
    }
    int stat_errno(const std::string& path) { return error_of(vfs.stat(root(), view(path), Credentials::root())); }

    // One getdents64 call with a buffer of `size` bytes; names and d_off of the records.
    std::vector<Listed> getdents(OpenFile& dir, size_t size)
    {
        std::vector<u8> buffer(size);
        size_t length = MUST(dir.ops().read_directory(dir, IoBuffer::kernel(buffer.data(), size), size));
        std::vector<Listed> listed;
        for (size_t at = 0; at < length;) {
            u64 next;
            u16 reclen;
            memcpy(&next, &buffer[at + 8], 8);
            memcpy(&reclen, &buffer[at + 16], 2);
            listed.push_back({ reinterpret_cast<const char*>(&buffer[at + 19]), next });
            at += reclen;
        }
        return listed;
    }

    // Every name of a directory in getdents order, "." and ".." left out.
    std::vector<std::string> list(const std::string& path)
    {
        auto dir = open(view(path), O_RDONLY | O_DIRECTORY);
        std::vector<std::string> names;
        for (;;) {
            auto batch = getdents(*dir, 4096);
            if (batch.empty())
                return names;
            for (auto& entry : batch) {
                if (entry.name != "." && entry.name != "..")
                    names.push_back(entry.name);
            }
        }
    }
};

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

// --- directories ---

TEST_F(Tmpfs, ThousandsOfEntriesAreCreatedFoundListedAndRemoved)
{
    constexpr int count = 5000;
    mkdir("/big");
    auto name = [](int i) { return "/big/file" + std::to_string(i); };
    for (int i = 0; i < count; ++i)
        create(name(i));
    EXPECT_EQ(stat("/big").size, (count + 2) * 20u); // Linux's tmpfs: 20 bytes per entry
    std::set<u64> numbers;
    for (int i = 0; i < count; ++i)
        ASSERT_TRUE(numbers.insert(stat(view(name(i))).ino).second) << i;
    EXPECT_EQ(stat_errno("/big/file5000"), ENOENT);
    EXPECT_EQ(stat_errno("/big/file"), ENOENT);

    // Listed once each, in creation order (cookie order).
    std::vector<std::string> expected;
    for (int i = 0; i < count; ++i)
        expected.push_back("file" + std::to_string(i));
    EXPECT_EQ(list("/big"), expected);

    // Remove every odd one; the even ones stay reachable and listed in order.
    for (int i = 1; i < count; i += 2)
        unlink(name(i));
    expected.clear();
    for (int i = 0; i < count; ++i) {
        if (i % 2) {
            ASSERT_EQ(stat_errno(name(i)), ENOENT) << i;
        } else {
            ASSERT_EQ(stat_errno(name(i)), 0) << i;
            expected.push_back("file" + std::to_string(i));
        }
    }
    EXPECT_EQ(list("/big"), expected);
    EXPECT_EQ(stat("/big").size, (count / 2 + 2) * 20u);

    // Names come back with new cookies: after every older entry.
    for (int i = 1; i < count; i += 2) {
        create(name(i));
        expected.push_back("file" + std::to_string(i));
    }
    EXPECT_EQ(list("/big"), expected);

    for (int i = 0; i < count; ++i)
        unlink(name(i));
    EXPECT_TRUE(list("/big").empty());
    EXPECT_EQ(stat("/big").size, 40u);
    EXPECT_EQ(stat("/big").nlink, 2u);
    create(name(7)); // an emptied directory is as good as a new one
    EXPECT_EQ(list("/big"), std::vector<std::string> { "file7" });
    unlink(name(7));
    MUST(vfs.rmdir(root(), "/big", Credentials::root()));
}

TEST_F(Tmpfs, GetdentsResumesAfterRemovalsAtAndBeforeTheResumePoint)
{
    mkdir("/dir");
    for (int i = 0; i < 10; ++i)
        create("/dir/e" + std::to_string(i)); // 24-byte records
    auto dir = open("/dir", O_RDONLY | O_DIRECTORY);
    auto names = [](const std::vector<Listed>& batch) {
        std::vector<std::string> result;
        for (auto& entry : batch)
            result.push_back(entry.name);
        return result;
    };
    using Names = std::vector<std::string>;
    EXPECT_EQ(names(getdents(*dir, 72)), (Names { ".", "..", "e0" }));
    EXPECT_EQ(names(getdents(*dir, 72)), (Names { "e1", "e2", "e3" }));
    // The walk resumes at e4's cookie: remove the entry the offset came from (e3), the one
    // exactly at it (e4) and one before it (e1).
    unlink("/dir/e3");
    unlink("/dir/e4");
    unlink("/dir/e1");
    EXPECT_EQ(names(getdents(*dir, 72)), (Names { "e5", "e6", "e7" }));
    // Remove everything returned so far except e0 and e2, create a name mid-walk.
    unlink("/dir/e5");
    unlink("/dir/e6");
    unlink("/dir/e7");
    create("/dir/new");
    Names rest;
    for (auto batch = getdents(*dir, 72); !batch.empty(); batch = getdents(*dir, 72))
        for (auto& name : names(batch))
            rest.push_back(name);
    // An entry created during the walk may or may not be seen (here it is: it appends).
    EXPECT_EQ(rest, (Names { "e8", "e9", "new" }));
    EXPECT_EQ(list("/dir"), (Names { "e0", "e2", "e8", "e9", "new" }));
}

TEST_F(Tmpfs, SeekdirToARemovedEntryContinuesWithTheNextLargerCookie)
{
    mkdir("/dir");
    for (int i = 0; i < 10; ++i)
        create("/dir/e" + std::to_string(i));
    auto dir = open("/dir", O_RDONLY | O_DIRECTORY);
    std::map<std::string, u64> offset_after; // telldir() after each name
    for (auto& entry : getdents(*dir, 4096))
        offset_after[entry.name] = entry.next_offset;
    ASSERT_EQ(offset_after.size(), 12u);
    auto first_after_seek = [&](u64 offset) -> std::string {
        EXPECT_EQ(MUST(dir->ops().seek(*dir, static_cast<i64>(offset), SEEK_SET)), static_cast<i64>(offset));
        auto batch = getdents(*dir, 24);
        return batch.empty() ? "(end)" : batch[0].name;
    };
    unlink("/dir/e4");
    unlink("/dir/e5");
    EXPECT_EQ(first_after_seek(offset_after["e3"]), "e6"); // the offset of removed e4
    EXPECT_EQ(first_after_seek(offset_after["e4"]), "e6"); // past removed e4 itself
    EXPECT_EQ(first_after_seek(offset_after[".."]), "e0");
    for (int i = 0; i < 9; ++i) {
        if (i != 4 && i != 5)
            unlink("/dir/e" + std::to_string(i));
    }
    EXPECT_EQ(first_after_seek(offset_after["e2"]), "e9");
    EXPECT_EQ(first_after_seek(offset_after["e9"]), "(end)");
    EXPECT_EQ(first_after_seek(1ull << 62), "(end)");
    EXPECT_EQ(first_after_seek(0), ".");
}

TEST_F(Tmpfs, WalkWhileEntriesComeAndGo)
{
    // getdents in small batches over a directory that loses and gains entries between the
    // calls — the last name returned every time, others at random, seen or not. Every entry
    // that lives through the whole walk is returned exactly once, nothing is returned twice,
    // and nothing is returned after its removal.
    constexpr int count = 3000;
    mkdir("/churn");
    std::vector<std::string> present;
    std::set<std::string> initial;
    for (int i = 0; i < count; ++i) {
        std::string name = "c" + std::to_string(i);
        create("/churn/" + name);
        present.push_back(name);
        initial.insert(name);
    }
    std::mt19937 random(1234);
    std::set<std::string> seen, removed;
    int created = 0;
    auto dir = open("/churn", O_RDONLY | O_DIRECTORY);
    for (;;) {
        auto batch = getdents(*dir, 256);
        if (batch.empty())
            break;
        for (auto& entry : batch) {
            if (entry.name == "." || entry.name == "..")
                continue;
            ASSERT_TRUE(seen.insert(entry.name).second) << entry.name << " returned twice";
            ASSERT_FALSE(removed.count(entry.name)) << entry.name << " returned after its removal";
        }
        auto remove = [&](std::string name) { // a copy: it may be an element of present
            auto it = std::find(present.begin(), present.end(), name);
            if (it == present.end())
                return;
            unlink("/churn/" + name);
            present.erase(it);
            removed.insert(name);
        };
        remove(batch.back().name);
        for (int i = 0; i < 6 && !present.empty(); ++i)
            remove(present[random() % present.size()]);
        for (int i = 0; i < 2 && created < 400; ++i) { // bounded: new names extend the walk
            std::string name = "n" + std::to_string(created++);
            create("/churn/" + name);
            present.push_back(name);
        }
    }
    for (auto& name : initial) {
        if (!removed.count(name)) {
            EXPECT_TRUE(seen.count(name)) << name << " was skipped";
        }
    }
    EXPECT_GT(removed.size(), size_t(count / 2)); // enough removals to compact the cookie index
    std::vector<std::string> listed = list("/churn");
    std::sort(listed.begin(), listed.end());
    std::sort(present.begin(), present.end());
    EXPECT_EQ(listed, present);
    for (auto& name : present)
        unlink("/churn/" + name);
    EXPECT_TRUE(list("/churn").empty());
}

TEST_F(Tmpfs, RenameWithinADirectory)
{
    using Names = std::vector<std::string>;
    mkdir("/d");
    for (const char* name : { "a", "b", "c" })
        create(std::string("/d/") + name);
    u64 a = stat("/d/a").ino, b = stat("/d/b").ino;
    rename("/d/a", "/d/z"); // a new name: a new cookie, after the others
    EXPECT_EQ(stat("/d/z").ino, a);
    EXPECT_EQ(stat_errno("/d/a"), ENOENT);
    EXPECT_EQ(list("/d"), (Names { "b", "c", "z" }));
    auto old_c = open("/d/c", O_RDONLY);
    rename("/d/b", "/d/c"); // onto an existing name: the entry keeps its place
    EXPECT_EQ(stat("/d/c").ino, b);
    EXPECT_EQ(stat_errno("/d/b"), ENOENT);
    EXPECT_EQ(VirtualFileSystem::stat(*old_c->inode()).nlink, 0u);
    EXPECT_EQ(list("/d"), (Names { "c", "z" }));
    EXPECT_EQ(stat("/d").size, 4 * 20u);
    rename("/d/z", "/d/c"); // leaves a single entry
    rename("/d/c", "/d/only"); // moves the directory's only entry
    EXPECT_EQ(list("/d"), (Names { "only" }));
    EXPECT_EQ(stat("/d/only").ino, a);
    rename("/d/only", "/d/only"); // itself: nothing happens
    unlink("/d/only");
    EXPECT_TRUE(list("/d").empty());
}

TEST_F(Tmpfs, RenameDuringAWalk)
{
    mkdir("/d");
    for (int i = 0; i < 10; ++i)
        create("/d/e" + std::to_string(i));
    auto dir = open("/d", O_RDONLY | O_DIRECTORY);
    std::multiset<std::string> seen;
    for (auto& entry : getdents(*dir, 24 * 7)) // ".", "..", e0 .. e4
        seen.insert(entry.name);
    ASSERT_TRUE(seen.count("e4"));
    rename("/d/e7", "/d/x7"); // not seen yet: returned once, under its new name
    rename("/d/e8", "/d/e3"); // onto a name already returned: e8 is not returned
    rename("/d/e1", "/d/x1"); // already returned: may come again under the new name
    for (auto batch = getdents(*dir, 24 * 2); !batch.empty(); batch = getdents(*dir, 24 * 2))
        for (auto& entry : batch)
            seen.insert(entry.name);
    for (const char* name : { "e0", "e2", "e3", "e4", "e5", "e6", "e9", "x7" })
        EXPECT_EQ(seen.count(name), 1u) << name;
    EXPECT_EQ(seen.count("e7"), 0u);
    EXPECT_EQ(seen.count("e8"), 0u);
    EXPECT_LE(seen.count("x1"), 1u);
}

TEST_F(Tmpfs, RenameAcrossDirectories)
{
    using Names = std::vector<std::string>;
    mkdir("/a");
    mkdir("/a/sub");
    create("/a/sub/inner");
    create("/a/f");
    mkdir("/b");
    mkdir("/b/empty");
    mkdir("/b/full");
    create("/b/full/x");
    create("/b/g");
    EXPECT_EQ(stat("/a").nlink, 3u);
    EXPECT_EQ(stat("/b").nlink, 4u);

    // Failures change nothing.
    EXPECT_ERRNO(vfs.rename(root(), "/a/f", root(), "/b/empty", Credentials::root()), EISDIR);
    EXPECT_ERRNO(vfs.rename(root(), "/a/sub", root(), "/b/g", Credentials::root()), ENOTDIR);
    EXPECT_ERRNO(vfs.rename(root(), "/a/sub", root(), "/b/full", Credentials::root()), ENOTEMPTY);
    EXPECT_ERRNO(vfs.rename(root(), "/a", root(), "/a/sub/a", Credentials::root()), EINVAL);
    EXPECT_ERRNO(vfs.rename(root(), "/a/nothing", root(), "/b/nothing", Credentials::root()), ENOENT);
    EXPECT_EQ(list("/a"), (Names { "sub", "f" }));
    EXPECT_EQ(list("/b"), (Names { "empty", "full", "g" }));

    u64 f = stat("/a/f").ino;
    rename("/a/f", "/b/f");
    EXPECT_EQ(stat("/b/f").ino, f);
    EXPECT_EQ(stat_errno("/a/f"), ENOENT);
    EXPECT_EQ(list("/b"), (Names { "empty", "full", "g", "f" }));

    rename("/a/sub", "/b/sub"); // a directory: link counts and ".." follow it
    EXPECT_EQ(stat("/a").nlink, 2u);
    EXPECT_EQ(stat("/b").nlink, 5u);
    EXPECT_EQ(stat("/b/sub/..").ino, stat("/b").ino);
    EXPECT_EQ(stat_errno("/b/sub/inner"), 0);
    EXPECT_TRUE(list("/a").empty()); // emptied by renames alone

    auto old_empty = open("/b/empty", O_RDONLY | O_DIRECTORY);
    u64 sub = stat("/b/sub").ino;
    rename("/b/sub", "/b/empty"); // onto an empty directory, which is gone
    EXPECT_EQ(stat("/b/empty").ino, sub);
    EXPECT_EQ(stat("/b").nlink, 4u);
    EXPECT_EQ(VirtualFileSystem::stat(*old_empty->inode()).nlink, 0u);
    alignas(8) u8 buffer[64];
    EXPECT_ERRNO(
        old_empty->ops().read_directory(*old_empty, IoBuffer::kernel(buffer, sizeof(buffer)), sizeof(buffer)), ENOENT);
    EXPECT_EQ(list("/b"), (Names { "empty", "full", "g", "f" }));

    rename("/b/empty", "/a/back"); // and back into the emptied directory
    EXPECT_EQ(stat("/a").nlink, 3u);
    EXPECT_EQ(stat("/b").nlink, 3u);
    EXPECT_EQ(stat("/a/back/..").ino, stat("/a").ino);
    EXPECT_EQ(list("/a"), (Names { "back" }));
}

TEST_F(Tmpfs, LargeDirectoriesTradeEntries)
{
    // Every name moves from one big directory to another and back under a new name; each
    // rename finds, removes and adds a name among thousands. (No timing is asserted: the
    // metadata rates are fsbench's business. This only has to finish.)
    constexpr int count = 10000;
    mkdir("/from");
    mkdir("/to");
    for (int i = 0; i < count; ++i)
        create("/from/" + std::to_string(i));
    for (int i = 0; i < count; ++i)
        rename("/from/" + std::to_string(i), "/to/" + std::to_string(i));
    EXPECT_TRUE(list("/from").empty());
    for (int i = count - 1; i >= 0; --i)
        rename("/to/" + std::to_string(i), "/from/r" + std::to_string(i));
    EXPECT_TRUE(list("/to").empty());
    auto names = list("/from");
    ASSERT_EQ(names.size(), size_t(count));
    EXPECT_EQ(names.front(), "r" + std::to_string(count - 1));
    EXPECT_EQ(names.back(), "r0");
    for (int i = 0; i < count; i += 2)
        unlink("/from/r" + std::to_string(i));
    for (int i = 0; i < count; ++i)
        ASSERT_EQ(stat_errno("/from/r" + std::to_string(i)), i % 2 ? 0 : ENOENT) << i;
    for (int i = 1; i < count; i += 2)
        unlink("/from/r" + std::to_string(i));
    EXPECT_TRUE(list("/from").empty());
}

} // namespace sk::test
