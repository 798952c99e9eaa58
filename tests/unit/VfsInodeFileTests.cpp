// InodeFile: read/write at the shared offset, O_APPEND, pread/pwrite, lseek (including
// SEEK_DATA/SEEK_HOLE and negative results), ftruncate, and the linux_dirent64 records of
// getdents64.
#include "VfsTestSupport.h"

#include <cstring>
#include <map>
#include <vfs/InodeFile.h>

namespace sk::test {

class VfsInodeFile : public VfsTest {
protected:
    size_t write(OpenFile& file, const std::string& data)
    {
        return MUST(file.ops().write(file, IoBuffer::kernel(data.data(), data.size()), data.size()));
    }
    std::string read(OpenFile& file, size_t length)
    {
        std::string buffer(length, '\0');
        size_t n = MUST(file.ops().read(file, IoBuffer::kernel(buffer.data(), length), length));
        buffer.resize(n);
        return buffer;
    }
};

TEST_F(VfsInodeFile, ReadWriteAdvanceTheSharedOffset)
{
    auto file = open("/file", O_RDWR | O_CREAT);
    EXPECT_EQ(write(*file, "hello world"), 11u);
    EXPECT_EQ(file->offset(), 11u);
    EXPECT_EQ(read(*file, 5), "");
    EXPECT_EQ(MUST(file->ops().seek(*file, 0, SEEK_SET)), 0);
    EXPECT_EQ(read(*file, 5), "hello");
    EXPECT_EQ(read(*file, 100), " world");
    EXPECT_EQ(MUST(file->ops().seek(*file, -5, SEEK_END)), 6);
    EXPECT_EQ(read(*file, 2), "wo");
    EXPECT_EQ(MUST(file->ops().seek(*file, -3, SEEK_CUR)), 5);
    EXPECT_ERRNO(file->ops().seek(*file, -6, SEEK_CUR), EINVAL);
    EXPECT_ERRNO(file->ops().seek(*file, 0, 42), EINVAL);
    EXPECT_EQ(file->offset(), 5u);
}

TEST_F(VfsInodeFile, AppendWritesAtTheEnd)
{
    write_file("/log", "one ");
    auto file = open("/log", O_WRONLY | O_APPEND);
    EXPECT_EQ(MUST(file->ops().seek(*file, 0, SEEK_SET)), 0);
    write(*file, "two ");
    auto other = open("/log", O_WRONLY);
    MUST(other->ops().write(*other, IoBuffer::kernel("ONE", 3), 3));
    write(*file, "three");
    EXPECT_EQ(read_file("/log"), "ONE two three");
    EXPECT_EQ(file->offset(), 13u);
}

TEST_F(VfsInodeFile, PositionalIoLeavesTheOffsetAlone)
{
    auto file = open("/file", O_RDWR | O_CREAT);
    write(*file, "abcdef");
    MUST(file->ops().write_at(*file, 2, IoBuffer::kernel("XY", 2), 2));
    char buffer[4] {};
    EXPECT_EQ(MUST(file->ops().read_at(*file, 1, IoBuffer::kernel(buffer, 3), 3)), 3u);
    EXPECT_STREQ(buffer, "bXY");
    EXPECT_EQ(file->offset(), 6u);
    EXPECT_EQ(MUST(file->ops().read_at(*file, 100, IoBuffer::kernel(buffer, 3), 3)), 0u);
    EXPECT_ERRNO(file->ops().read_at(*file, u64(1) << 63, IoBuffer::kernel(buffer, 3), 3), EINVAL);
}

TEST_F(VfsInodeFile, WritingPastTheEndLeavesAHoleOfZeros)
{
    auto file = open("/sparse", O_RDWR | O_CREAT);
    EXPECT_EQ(MUST(file->ops().seek(*file, 10000, SEEK_SET)), 10000);
    write(*file, "end");
    EXPECT_EQ(stat("/sparse").size, 10003u);
    MUST(file->ops().seek(*file, 0, SEEK_SET));
    std::string contents = read(*file, 20000);
    ASSERT_EQ(contents.size(), 10003u);
    EXPECT_EQ(contents.substr(0, 10000), std::string(10000, '\0'));
    EXPECT_EQ(contents.substr(10000), "end");
    EXPECT_EQ(MUST(file->ops().seek(*file, 5, SEEK_DATA)), 5);
    EXPECT_EQ(MUST(file->ops().seek(*file, 5, SEEK_HOLE)), 10003);
    EXPECT_ERRNO(file->ops().seek(*file, 10003, SEEK_DATA), ENXIO);
}

TEST_F(VfsInodeFile, TruncateThroughTheOpenFile)
{
    auto file = open("/file", O_RDWR | O_CREAT);
    write(*file, "0123456789");
    MUST(file->ops().truncate(*file, 3));
    MUST(file->ops().truncate(*file, 6));
    EXPECT_EQ(read_file("/file"), std::string("012\0\0\0", 6));
    auto read_only = open("/file", O_RDONLY);
    EXPECT_ERRNO(read_only->ops().truncate(*read_only, 0), EINVAL);
    EXPECT_OK(file->ops().fsync(*file));
}

TEST_F(VfsInodeFile, DirectoriesRejectDataIo)
{
    mkdir("/dir");
    auto dir = open("/dir", O_RDONLY | O_DIRECTORY);
    char buffer[8];
    EXPECT_ERRNO(dir->ops().read(*dir, IoBuffer::kernel(buffer, 8), 8), EISDIR);
    auto file = open("/file", O_RDWR | O_CREAT);
    EXPECT_ERRNO(file->ops().read_directory(*file, IoBuffer::kernel(buffer, 8), 8), ENOTDIR);
}

struct Dirent {
    u64 ino;
    i64 offset;
    u16 reclen;
    u8 type;
    std::string name;
};

static std::vector<Dirent> parse_dirents(const u8* data, size_t length)
{
    std::vector<Dirent> entries;
    for (size_t at = 0; at < length;) {
        Dirent entry;
        memcpy(&entry.ino, data + at, 8);
        memcpy(&entry.offset, data + at + 8, 8);
        memcpy(&entry.reclen, data + at + 16, 2);
        entry.type = data[at + 18];
        const char* name = reinterpret_cast<const char*>(data + at + 19);
        size_t name_length = strnlen(name, entry.reclen - 19);
        EXPECT_LT(name_length, size_t(entry.reclen - 19)) << "name must be NUL-terminated inside the record";
        entry.name.assign(name, name_length);
        EXPECT_EQ(entry.reclen % 8, 0) << entry.name;
        EXPECT_EQ(entry.reclen, (19 + name_length + 1 + 7) / 8 * 8) << entry.name;
        if (entry.reclen == 0)
            break;
        at += entry.reclen;
        entries.push_back(entry);
    }
    return entries;
}

TEST_F(VfsInodeFile, GetdentsRecordLayout)
{
    mkdir("/dir");
    mkdir("/dir/sub");
    write_file("/dir/file", "x");
    symlink("file", "/dir/link");
    MUST(vfs.mknod(root(), "/dir/sock", S_IFSOCK | 0755, 0, Credentials::root(), 0));
    std::string long_name(255, 'L');
    write_file(StringView(("/dir/" + long_name).c_str()), "");

    auto dir = open("/dir", O_RDONLY | O_DIRECTORY);
    alignas(8) u8 buffer[4096];
    size_t length = MUST(dir->ops().read_directory(*dir, IoBuffer::kernel(buffer, sizeof(buffer)), sizeof(buffer)));
    auto entries = parse_dirents(buffer, length);
    std::map<std::string, Dirent> by_name;
    for (auto& entry : entries)
        by_name[entry.name] = entry;
    ASSERT_EQ(entries.size(), 7u);
    EXPECT_EQ(entries[0].name, ".");
    EXPECT_EQ(entries[1].name, "..");
    EXPECT_EQ(by_name["."].type, 4);   // DT_DIR
    EXPECT_EQ(by_name[".."].ino, stat("/").ino);
    EXPECT_EQ(by_name["."].ino, stat("/dir").ino);
    EXPECT_EQ(by_name["sub"].type, 4);
    EXPECT_EQ(by_name["file"].type, 8);  // DT_REG
    EXPECT_EQ(by_name["link"].type, 10); // DT_LNK
    EXPECT_EQ(by_name["sock"].type, 12); // DT_SOCK
    EXPECT_EQ(by_name["file"].ino, stat("/dir/file").ino);
    EXPECT_EQ(by_name[long_name].reclen, 280);
    // d_off of the last record is where the next call resumes: at the end.
    EXPECT_EQ(u64(entries.back().offset), dir->offset());
    EXPECT_EQ(MUST(dir->ops().read_directory(*dir, IoBuffer::kernel(buffer, sizeof(buffer)), sizeof(buffer))), 0u);
}

TEST_F(VfsInodeFile, GetdentsResumesAndRejectsTinyBuffers)
{
    mkdir("/dir");
    for (const char* name : { "/dir/a", "/dir/bb", "/dir/ccc", "/dir/dddd" })
        write_file(name, "");
    auto dir = open("/dir", O_RDONLY | O_DIRECTORY);
    alignas(8) u8 buffer[24]; // exactly one record with a name of at most 4 bytes
    EXPECT_ERRNO(dir->ops().read_directory(*dir, IoBuffer::kernel(buffer, 23), 23), EINVAL);
    std::vector<std::string> names;
    for (;;) {
        size_t length = MUST(dir->ops().read_directory(*dir, IoBuffer::kernel(buffer, sizeof(buffer)), sizeof(buffer)));
        if (length == 0)
            break;
        auto entries = parse_dirents(buffer, length);
        ASSERT_EQ(entries.size(), 1u);
        names.push_back(entries[0].name);
        if (names.size() == 3)
            MUST(vfs.unlink(root(), "/dir/a", Credentials::root())); // removal does not disturb the walk
    }
    EXPECT_EQ(names, (std::vector<std::string> { ".", "..", "a", "bb", "ccc", "dddd" }));
    // Rewinding starts over.
    EXPECT_EQ(MUST(dir->ops().seek(*dir, 0, SEEK_SET)), 0);
    size_t length = MUST(dir->ops().read_directory(*dir, IoBuffer::kernel(buffer, sizeof(buffer)), sizeof(buffer)));
    EXPECT_EQ(parse_dirents(buffer, length)[0].name, ".");
}

TEST_F(VfsInodeFile, GetdentsOnARemovedDirectoryIsENOENT)
{
    mkdir("/gone");
    auto dir = open("/gone", O_RDONLY | O_DIRECTORY);
    MUST(vfs.rmdir(root(), "/gone", Credentials::root()));
    alignas(8) u8 buffer[256];
    EXPECT_ERRNO(dir->ops().read_directory(*dir, IoBuffer::kernel(buffer, sizeof(buffer)), sizeof(buffer)), ENOENT);
    EXPECT_EQ(VirtualFileSystem::stat(*dir->inode()).nlink, 0u);
}

TEST_F(VfsInodeFile, UserBuffersFaultOnTheHost)
{
    write_file("/file", "data");
    auto file = open("/file", O_RDONLY);
    EXPECT_ERRNO(file->ops().read(*file, IoBuffer::user(0x1000, 4), 4), EFAULT);
    EXPECT_EQ(file->offset(), 0u);
}

} // namespace sk::test
