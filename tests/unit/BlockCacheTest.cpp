#include "support/FileBlockDevice.h"
#include <fs/BlockCache.h>
#include <gtest/gtest.h>
#include <string.h>

using namespace sk;
using sk::test::MemoryBlockDevice;

namespace {

RefPtr<MemoryBlockDevice> make_device(u64 blocks, size_t block_size)
{
    auto device = RefPtr<MemoryBlockDevice>(new MemoryBlockDevice(blocks * block_size / 512));
    for (size_t i = 0; i < device->m_data.size(); ++i)
        device->m_data[i] = u8(i / block_size);
    return device;
}

} // namespace

TEST(BlockCache, ReadsThroughAndHitsAvoidDeviceReads)
{
    auto device = make_device(64, 1024);
    auto cache = BlockCache::try_create(device, 1024, 16).release_value();
    {
        auto block = cache->get(5).release_value();
        EXPECT_EQ(block.data()[0], 5);
        EXPECT_EQ(block.data()[1023], 5);
    }
    size_t reads = device->reads;
    for (int i = 0; i < 10; ++i)
        EXPECT_EQ(cache->get(5).release_value().data()[7], 5);
    EXPECT_EQ(device->reads, reads);
    auto stats = cache->stats();
    EXPECT_EQ(stats.cached, 1u);
    EXPECT_EQ(stats.hits, 10u);
    EXPECT_EQ(stats.misses, 1u);
}

TEST(BlockCache, DirtyBlocksAreWrittenOnlyBySyncOrEviction)
{
    auto device = make_device(64, 4096);
    auto cache = BlockCache::try_create(device, 4096, 8).release_value();
    {
        auto block = cache->get(3).release_value();
        memset(block.data(), 0xab, 4096);
        block.mark_dirty();
    }
    EXPECT_EQ(device->writes, 0u);
    EXPECT_EQ(device->m_data[3 * 4096], 3);
    EXPECT_EQ(cache->stats().dirty, 1u);
    ASSERT_FALSE(cache->sync().is_error());
    EXPECT_EQ(device->writes, 1u);
    EXPECT_EQ(device->flushes, 1u);
    EXPECT_EQ(device->m_data[3 * 4096 + 100], 0xab);
    EXPECT_EQ(cache->stats().dirty, 0u);
    ASSERT_FALSE(cache->sync().is_error());
    EXPECT_EQ(device->writes, 1u); // nothing dirty any more
}

TEST(BlockCache, LruEvictionWritesBackAndStaysBounded)
{
    auto device = make_device(256, 1024);
    auto cache = BlockCache::try_create(device, 1024, 8).release_value();
    for (u64 i = 0; i < 100; ++i) {
        auto block = cache->get(i).release_value();
        block.data()[0] = u8(200 + i % 50);
        block.mark_dirty();
    }
    auto stats = cache->stats();
    EXPECT_LE(stats.cached, 8u);
    EXPECT_LE(stats.dirty, 8u);
    EXPECT_GE(stats.writebacks, 92u); // blocks; clustered into fewer device requests
    EXPECT_EQ(device->m_data[10 * 1024], 200 + 10);
    ASSERT_FALSE(cache->sync().is_error());
    for (u64 i = 0; i < 100; ++i)
        EXPECT_EQ(device->m_data[i * 1024], u8(200 + i % 50));
}

TEST(BlockCache, LeastRecentlyUsedIsEvictedFirst)
{
    auto device = make_device(64, 1024);
    auto cache = BlockCache::try_create(device, 1024, 8).release_value();
    for (u64 i = 0; i < 8; ++i)
        (void)cache->get(i).release_value();
    (void)cache->get(0).release_value(); // 0 is now the most recent; 1 the least
    (void)cache->get(20).release_value();
    size_t reads = device->reads;
    (void)cache->get(0).release_value();
    EXPECT_EQ(device->reads, reads);
    (void)cache->get(1).release_value();
    EXPECT_EQ(device->reads, reads + 1);
}

TEST(BlockCache, PinnedBlocksAreNeverEvicted)
{
    auto device = make_device(64, 1024);
    auto cache = BlockCache::try_create(device, 1024, 8).release_value();
    std::vector<BlockHandle> pinned;
    for (u64 i = 0; i < 8; ++i) {
        pinned.push_back(cache->get(i).release_value());
        pinned.back().data()[1] = 0x77;
        pinned.back().mark_dirty();
    }
    // Over capacity while everything is pinned: allowed up to twice the capacity, then ENOMEM.
    std::vector<BlockHandle> extra;
    for (u64 i = 8; i < 16; ++i)
        extra.push_back(cache->get(i).release_value());
    auto refused = cache->get(40);
    ASSERT_TRUE(refused.is_error());
    EXPECT_EQ(refused.error().code, ENOMEM);
    for (u64 i = 0; i < 8; ++i)
        EXPECT_EQ(pinned[i].data()[1], 0x77);
    extra.clear();
    EXPECT_LE(cache->stats().cached, 8u);
    EXPECT_EQ(cache->stats().pinned, 8u);
    pinned.clear();
    EXPECT_EQ(cache->stats().pinned, 0u);
    ASSERT_FALSE(cache->sync().is_error());
    EXPECT_EQ(device->m_data[5 * 1024 + 1], 0x77);
}

TEST(BlockCache, ZeroedBlocksSkipTheReadAndOutOfRangeIsEio)
{
    auto device = make_device(16, 2048);
    auto cache = BlockCache::try_create(device, 2048, 8).release_value();
    {
        auto block = cache->get_zeroed(4).release_value();
        EXPECT_EQ(block.data()[0], 0);
        EXPECT_EQ(block.data()[2047], 0);
    }
    EXPECT_EQ(device->reads, 0u);
    EXPECT_EQ(cache->stats().dirty, 1u);
    auto beyond = cache->get(16);
    ASSERT_TRUE(beyond.is_error());
    EXPECT_EQ(beyond.error().code, EIO);
    EXPECT_TRUE(BlockCache::try_create(device, 1000, 8).is_error());
    ASSERT_FALSE(cache->sync().is_error());
    EXPECT_EQ(device->m_data[4 * 2048 + 5], 0);
}

TEST(BlockCache, SequentialMissesReadAheadInOneRequest)
{
    auto device = make_device(256, 1024);
    auto cache = BlockCache::try_create(device, 1024, 64).release_value(); // runs of 16 blocks
    (void)cache->get(10).release_value();
    EXPECT_EQ(device->reads, 1u); // a lone miss reads its block only
    (void)cache->get(11).release_value();
    EXPECT_EQ(device->reads, 2u); // the next one reads 11..26 at once
    for (u64 i = 12; i < 27; ++i)
        EXPECT_EQ(cache->get(i).release_value().data()[100], u8(i));
    EXPECT_EQ(device->reads, 2u);
    EXPECT_EQ(cache->stats().read_ahead, 15u);
    (void)cache->get(27).release_value(); // continues the run
    EXPECT_EQ(device->reads, 3u);
    EXPECT_EQ(cache->get(42).release_value().data()[0], 42);
    EXPECT_EQ(device->reads, 3u);
    (void)cache->get(100).release_value(); // a jump: one block
    (void)cache->get(200).release_value();
    EXPECT_EQ(device->reads, 5u);
    EXPECT_EQ(cache->stats().read_ahead, 30u);
}

TEST(BlockCache, ReadAheadStopsAtCachedBlocksAndTheDeviceEnd)
{
    auto device = make_device(40, 1024);
    auto cache = BlockCache::try_create(device, 1024, 64).release_value();
    {
        auto dirty = cache->get_zeroed(5).release_value(); // newer than the disk
        dirty.data()[0] = 0xee;
    }
    (void)cache->get(1).release_value();
    (void)cache->get(2).release_value(); // reads 2..4, not 5
    EXPECT_EQ(cache->stats().read_ahead, 2u);
    EXPECT_EQ(cache->get(5).release_value().data()[0], 0xee);
    EXPECT_EQ(cache->get(4).release_value().data()[0], 4);
    (void)cache->get(30).release_value();
    (void)cache->get(31).release_value(); // 31..39: the device ends there
    EXPECT_EQ(cache->stats().read_ahead, 2u + 8u);
    size_t reads = device->reads;
    EXPECT_EQ(cache->get(39).release_value().data()[1023], 39);
    EXPECT_EQ(device->reads, reads);
    EXPECT_TRUE(cache->get(40).is_error());
    ASSERT_FALSE(cache->sync().is_error());
    EXPECT_EQ(device->m_data[5 * 1024], 0xee);
}

TEST(BlockCache, DirtyRunsAreWrittenBackInOneRequest)
{
    auto device = make_device(256, 1024);
    auto cache = BlockCache::try_create(device, 1024, 64).release_value(); // runs of 16 blocks
    for (u64 i = 100; i < 120; ++i) {
        auto block = cache->get_zeroed(i).release_value();
        block.data()[7] = u8(i + 1);
    }
    auto pinned = cache->get(130).release_value(); // a pinned dirty block is written too
    pinned.data()[7] = 0x42;
    pinned.mark_dirty();
    ASSERT_FALSE(cache->sync().is_error());
    EXPECT_EQ(device->writes, 3u); // 100..115, 116..119, 130
    EXPECT_EQ(cache->stats().writebacks, 21u);
    EXPECT_EQ(cache->stats().dirty, 0u);
    for (u64 i = 100; i < 120; ++i)
        EXPECT_EQ(device->m_data[i * 1024 + 7], u8(i + 1));
    EXPECT_EQ(device->m_data[130 * 1024 + 7], 0x42);
}
