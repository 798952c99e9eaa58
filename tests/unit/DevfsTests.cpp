// devfs and the memory devices: the boot nodes with their numbers and modes, and the
// behaviour of null, zero, full and urandom through open(2)-level calls.
#include "VfsTestSupport.h"

#include <drivers/MemoryDevices.h>
#include <fs/devfs/DevFileSystem.h>
#include <vfs/CharacterDevices.h>


namespace sk::test {

class Devfs : public VfsTest {
protected:
    void SetUp() override
    {
        VfsTest::SetUp();
        mkdir("/dev");
        devfs = MUST(DevFileSystem::try_create());
        MUST(vfs.mount(devfs, "devtmpfs", root(), "/dev", Credentials::root()));
    }
    RefPtr<DevFileSystem> devfs;
};

TEST_F(Devfs, BootNodes)
{
    struct Expected {
        const char* path;
        u32 major, minor, mode;
    } expected[] = {
        { "/dev/console", 5, 1, 0600 }, { "/dev/tty", 5, 0, 0666 }, { "/dev/null", 1, 3, 0666 },
        { "/dev/zero", 1, 5, 0666 }, { "/dev/full", 1, 7, 0666 }, { "/dev/random", 1, 8, 0666 },
        { "/dev/urandom", 1, 9, 0666 },
    };
    for (auto& node : expected) {
        auto metadata = stat(node.path);
        EXPECT_EQ(metadata.mode, S_IFCHR | node.mode) << node.path;
        EXPECT_EQ(metadata.rdev, encode_device(node.major, node.minor)) << node.path;
        EXPECT_EQ(device_major(metadata.rdev), node.major);
        EXPECT_EQ(device_minor(metadata.rdev), node.minor);
        EXPECT_EQ(metadata.uid, 0u);
    }
    EXPECT_EQ(stat("/dev").mode, u32(S_IFDIR | 0755));
    EXPECT_STREQ(devfs->name(), "devtmpfs");
    EXPECT_EQ(encode_device(1, 3), 0x103u);
    EXPECT_EQ(encode_device(4095, 1048575), 0xffffffffull); // glibc's makedev(4095, 1048575)
    EXPECT_EQ(device_major(encode_device(0x12345, 0x6789ab)), 0x12345u);
    EXPECT_EQ(device_minor(encode_device(0x12345, 0x6789ab)), 0x6789abu);
}

TEST_F(Devfs, NullDiscardsAndReadsEof)
{
    auto user = user_credentials(1000, 1000);
    auto null = MUST(vfs.open(root(), "/dev/null", O_RDWR, 0, user, 0));
    char buffer[16];
    EXPECT_EQ(MUST(null->ops().write(*null, IoBuffer::kernel("hello", 5), 5)), 5u);
    EXPECT_EQ(MUST(null->ops().read(*null, IoBuffer::kernel(buffer, 16), 16)), 0u);
    EXPECT_EQ(MUST(null->ops().seek(*null, 100, SEEK_SET)), 0);
    EXPECT_ERRNO(vfs.open(root(), "/dev/console", O_RDWR, 0, user, 0), EACCES);
}

TEST_F(Devfs, ZeroReadsZeros)
{
    auto zero = open("/dev/zero", O_RDWR);
    char buffer[5000];
    memset(buffer, 'x', sizeof(buffer));
    EXPECT_EQ(MUST(zero->ops().read(*zero, IoBuffer::kernel(buffer, sizeof(buffer)), sizeof(buffer))), sizeof(buffer));
    for (char c : buffer)
        ASSERT_EQ(c, 0);
    EXPECT_EQ(MUST(zero->ops().write(*zero, IoBuffer::kernel(buffer, 10), 10)), 10u);
    EXPECT_EQ(MUST(zero->ops().read_at(*zero, 12345, IoBuffer::kernel(buffer, 10), 10)), 10u);
}

TEST_F(Devfs, FullIsENOSPCOnWrite)
{
    auto full = open("/dev/full", O_RDWR);
    char buffer[8] = { 1, 1, 1, 1, 1, 1, 1, 1 };
    EXPECT_ERRNO(full->ops().write(*full, IoBuffer::kernel("x", 1), 1), ENOSPC);
    EXPECT_EQ(MUST(full->ops().read(*full, IoBuffer::kernel(buffer, 8), 8)), 8u);
    for (char c : buffer)
        EXPECT_EQ(c, 0);
}

TEST_F(Devfs, UrandomProducesVaryingBytes)
{
    seed_random_devices("seed", 4);
    auto urandom = open("/dev/urandom", O_RDONLY);
    u8 first[64], second[64];
    EXPECT_EQ(MUST(urandom->ops().read(*urandom, IoBuffer::kernel(first, 64), 64)), 64u);
    EXPECT_EQ(MUST(urandom->ops().read(*urandom, IoBuffer::kernel(second, 64), 64)), 64u);
    EXPECT_NE(memcmp(first, second, 64), 0);
    int zeros = 0;
    for (u8 byte : first)
        zeros += byte == 0;
    EXPECT_LT(zeros, 8);
    EXPECT_ERRNO(urandom->ops().read(*urandom, IoBuffer::user(0x1000, 8), 8), EFAULT);
}

TEST_F(Devfs, TtyWithoutADriverIsENXIO)
{
    EXPECT_ERRNO(vfs.open(root(), "/dev/tty", O_RDWR, 0, Credentials::root(), 0), ENXIO);
    // Nodes can be added like in any tmpfs.
    MUST(vfs.mknod(root(), "/dev/null2", S_IFCHR | 0666, encode_device(1, 3), Credentials::root(), 0));
    EXPECT_OK(vfs.open(root(), "/dev/null2", O_WRONLY, 0, Credentials::root(), 0));
}

} // namespace sk::test
