// Corrupt-image fuzz: thousands of deterministic mutations of small valid ext2 images, each
// mounted, walked (lookup, iterate, read, readlink of everything reachable) and written a
// little. Nothing may crash, hang, overrun (ASan/UBSan) or allocate without bound.
#include "support/Ext2TestSupport.h"
#include <chrono>
#include <gtest/gtest.h>
#include <lib/IoBuffer.h>
#include <sys/stat.h>

using namespace sk;
using namespace sk::test;

namespace {

struct Rng {
    u64 state;
    u32 next()
    {
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        return u32(state >> 33);
    }
};

std::string build_image(const TempDir& dir, unsigned block_size, unsigned size_kib)
{
    std::string source = dir / ("src" + std::to_string(block_size));
    mkdir(source.c_str(), 0755);
    mkdir((source + "/d").c_str(), 0755);
    mkdir((source + "/d/e").c_str(), 0755);
    write_host_file(source + "/small", "small file");
    write_host_file(source + "/indirect", pattern(20 * 1024, 2));
    for (int i = 0; i < 40; ++i)
        write_host_file(source + "/d/f" + std::to_string(i), std::to_string(i));
    write_host_file(source + "/d/e/deep", "deep");
    symlink("small", (source + "/link").c_str());
    symlink(std::string(100, 's').c_str(), (source + "/slowlink").c_str());
    std::string image = dir / ("image" + std::to_string(block_size));
    EXPECT_EQ(make_ext2_image(image, block_size, size_kib, source, "-N 64"), "");
    return read_host_file(image);
}

size_t g_operations = 0;

void walk_tree(Inode& directory, int depth)
{
    if (depth > 6 || g_operations > 2000)
        return;
    std::vector<std::string> names;
    auto result = directory.iterate(0, [&](const DirectoryEntryView& entry) {
        if (names.size() < 64)
            names.emplace_back(entry.name.chars(), entry.name.length());
        return true;
    });
    (void)result;
    for (auto& name : names) {
        if (name == "." || name == ".." || ++g_operations > 2000)
            continue;
        auto child = directory.lookup(StringView(name.data(), name.size()));
        if (child.is_error())
            continue;
        auto& inode = *child.value();
        auto metadata = inode.metadata();
        if ((metadata.mode & 0170000) == 0040000) {
            walk_tree(inode, depth + 1);
        } else if ((metadata.mode & 0170000) == 0120000) {
            char buffer[64];
            (void)inode.readlink(buffer, sizeof(buffer));
        } else {
            static char buffer[16384];
            for (u64 offset = 0; offset < 64 * 1024; offset += sizeof(buffer)) {
                auto n = inode.read_at(offset, IoBuffer::kernel(buffer, sizeof(buffer)), sizeof(buffer));
                if (n.is_error() || n.value() == 0)
                    break;
            }
        }
    }
}

void exercise(const std::string& image_bytes, Rng& rng)
{
    auto device = RefPtr<MemoryBlockDevice>(new MemoryBlockDevice(image_bytes.size() / 512));
    memcpy(device->m_data.data(), image_bytes.data(), image_bytes.size());
    // Metadata and the first directories and files live in the first 96 KiB of these images.
    size_t region = std::min<size_t>(image_bytes.size(), 96 * 1024);
    unsigned mutations = 1 + rng.next() % 8;
    for (unsigned i = 0; i < mutations; ++i) {
        size_t offset;
        switch (rng.next() % 4) {
        case 0: offset = 1024 + rng.next() % 1024; break; // superblock
        case 1: offset = 2048 + rng.next() % 4096; break; // descriptors / bitmaps (1 KiB blocks)
        default: offset = rng.next() % region; break;
        }
        u8 value;
        switch (rng.next() % 4) {
        case 0: value = 0; break;
        case 1: value = 0xff; break;
        default: value = u8(rng.next()); break;
        }
        device->m_data[offset] = rng.next() % 2 ? value : u8(device->m_data[offset] ^ (1u << (rng.next() % 8)));
    }
    Ext2FileSystem::MountOptions options;
    options.cache_blocks = 32;
    auto mounted = Ext2FileSystem::try_mount(device, options);
    if (mounted.is_error())
        return;
    auto fs = mounted.release_value();
    auto root = fs->root();
    if (!root)
        return;
    g_operations = 0;
    walk_tree(*root, 0);
    // A few writes.
    auto file = root->mknod("fuzz-new", 0100644, 0, 0, 0);
    if (!file.is_error()) {
        std::string data = pattern(3000, 1);
        (void)file.value()->write_at(0, IoBuffer::kernel(data.data(), data.size()), data.size());
        (void)file.value()->write_at(300000, IoBuffer::kernel(data.data(), data.size()), data.size());
        InodeAttributes attributes;
        attributes.mask = InodeAttributes::Size;
        attributes.size = 100;
        (void)file.value()->setattr(attributes);
    }
    if (auto existing = root->lookup("indirect"); !existing.is_error()) {
        InodeAttributes attributes;
        attributes.mask = InodeAttributes::Size;
        attributes.size = 5000;
        (void)existing.value()->setattr(attributes);
        std::string data = pattern(9000, 4);
        (void)existing.value()->write_at(2000, IoBuffer::kernel(data.data(), data.size()), data.size());
    }
    (void)root->mkdir("fuzz-dir", 0755, 0, 0);
    (void)root->rename("small", *root, "renamed");
    if (auto d = root->lookup("d"); !d.is_error()) {
        (void)d.value()->unlink("f3");
        (void)d.value()->rmdir("e");
        (void)root->rename("fuzz-dir", *d.value(), "moved");
    }
    (void)root->unlink("link");
    (void)root->symlink("fuzz-link", std::string(80, 'q').c_str(), 0, 0);
    (void)fs->sync();
}

} // namespace

TEST(Ext2Fuzz, MutatedImagesNeverCrashOrHang)
{
    install_test_clock();
    TempDir dir;
    ASSERT_FALSE(dir.path().empty());
    std::string images[2] = { build_image(dir, 1024, 256), build_image(dir, 4096, 512) };
    ASSERT_EQ(images[0].size(), 256u * 1024);
    ASSERT_EQ(images[1].size(), 512u * 1024);
    // The unmutated images work (so the fuzz exercises real paths).
    for (auto& image : images) {
        auto device = RefPtr<MemoryBlockDevice>(new MemoryBlockDevice(image.size() / 512));
        memcpy(device->m_data.data(), image.data(), image.size());
        auto fs = Ext2FileSystem::try_mount(device);
        ASSERT_FALSE(fs.is_error());
        auto small = fs.value()->root()->lookup("small");
        ASSERT_FALSE(small.is_error());
        EXPECT_EQ(read_all(*small.value()), "small file");
    }
    Rng rng { 0x5eed5eedull };
    auto start = std::chrono::steady_clock::now();
    int iterations = 0;
    for (; iterations < 3000; ++iterations) {
        exercise(images[iterations % 2], rng);
        if (std::chrono::steady_clock::now() - start > std::chrono::seconds(50))
            break;
    }
    EXPECT_GE(iterations, 500);
    RecordProperty("iterations", iterations);
}
