// BlockCache: see BlockCache.h for the lifecycle and locking rules.
#include <fs/BlockCache.h>
#include <new>
#include <string.h>

namespace sk {

void BlockHandle::mark_dirty()
{
    VERIFY(m_block);
    m_cache->mark_dirty(*m_block);
}

void BlockHandle::release()
{
    if (!m_block)
        return;
    m_cache->unpin(*m_block);
    m_block = nullptr;
    m_cache = nullptr;
}

Result<RefPtr<BlockCache>> BlockCache::try_create(RefPtr<BlockDevice> device, size_t block_size, size_t capacity)
{
    if (!device || block_size < BlockDevice::sector_size || block_size > 65536 || (block_size & (block_size - 1)))
        return Error { EINVAL };
    if (capacity < 8)
        capacity = 8;
    auto* raw_cache = new (std::nothrow) BlockCache(device, block_size, capacity);
    if (!raw_cache)
        return Error { ENOMEM };
    RefPtr<BlockCache> cache(raw_cache);
    u32 shift = 1;
    while ((size_t(1) << shift) < capacity)
        ++shift;
    cache->m_buckets = new (std::nothrow) CachedBlock*[size_t(1) << shift];
    if (!cache->m_buckets)
        return Error { ENOMEM };
    for (size_t i = 0; i < (size_t(1) << shift); ++i)
        cache->m_buckets[i] = nullptr;
    cache->m_bucket_shift = shift;
    return cache;
}

BlockCache::BlockCache(RefPtr<BlockDevice> device, size_t block_size, size_t capacity)
    : m_device(std::move(device))
    , m_block_size(block_size)
    , m_sectors_per_block(block_size / BlockDevice::sector_size)
    , m_block_count(m_device->sector_count() / m_sectors_per_block)
    , m_capacity(capacity)
{
}

BlockCache::~BlockCache()
{
    if (!m_buckets)
        return;
    {
        MutexGuard guard(m_lock);
        for (auto& block : m_dirty)
            (void)write_back(block);
    }
    VERIFY(m_pinned == 0);
    for (size_t i = 0; i < (size_t(1) << m_bucket_shift); ++i) {
        while (CachedBlock* block = m_buckets[i]) {
            m_buckets[i] = block->hash_next;
            block->lru_node.unlink();
            block->dirty_node.unlink();
            delete[] block->data;
            delete block;
        }
    }
    delete[] m_buckets;
}

CachedBlock* BlockCache::find(u64 number)
{
    for (CachedBlock* block = m_buckets[bucket_of(number)]; block; block = block->hash_next) {
        if (block->number == number)
            return block;
    }
    return nullptr;
}

void BlockCache::hash_insert(CachedBlock& block)
{
    auto& head = m_buckets[bucket_of(block.number)];
    block.hash_next = head;
    head = &block;
}

void BlockCache::hash_remove(CachedBlock& block)
{
    for (CachedBlock** link = &m_buckets[bucket_of(block.number)]; *link; link = &(*link)->hash_next) {
        if (*link == &block) {
            *link = block.hash_next;
            block.hash_next = nullptr;
            return;
        }
    }
    VERIFY_NOT_REACHED();
}

Result<void> BlockCache::write_back(CachedBlock& block)
{
    if (!block.dirty)
        return {};
    TRY(m_device->write_sectors(block.number * m_sectors_per_block, block.data, m_sectors_per_block));
    block.dirty = false;
    m_dirty.remove(block);
    --m_dirty_count;
    ++m_writebacks;
    return {};
}

void BlockCache::destroy(CachedBlock& block)
{
    VERIFY(block.pin_count == 0 && !block.dirty);
    hash_remove(block);
    block.lru_node.unlink();
    delete[] block.data;
    delete &block;
    --m_cached;
}

Result<BlockHandle> BlockCache::get(u64 block) { return get_impl(block, false); }
Result<BlockHandle> BlockCache::get_zeroed(u64 block) { return get_impl(block, true); }

Result<BlockHandle> BlockCache::get_impl(u64 number, bool zeroed)
{
    if (number >= m_block_count)
        return Error { EIO };
    MutexGuard guard(m_lock);
    if (CachedBlock* block = find(number)) {
        ++m_hits;
        if (block->pin_count++ == 0) {
            m_lru.remove(*block);
            ++m_pinned;
        }
        if (zeroed) {
            memset(block->data, 0, m_block_size);
            mark_dirty_locked(*block);
        }
        return BlockHandle(*this, *block);
    }
    ++m_misses;

    CachedBlock* block = nullptr;
    if (m_cached >= m_capacity && !m_lru.is_empty()) {
        // Reuse the least recently used block; a dirty one is written back first.
        CachedBlock* victim = m_lru.first();
        TRY(write_back(*victim));
        m_lru.remove(*victim);
        hash_remove(*victim);
        block = victim;
    } else {
        if (m_cached >= 2 * m_capacity)
            return Error { ENOMEM };
        block = new (std::nothrow) CachedBlock;
        if (!block)
            return Error { ENOMEM };
        block->data = new (std::nothrow) u8[m_block_size];
        if (!block->data) {
            delete block;
            return Error { ENOMEM };
        }
        ++m_cached;
    }
    block->number = number;
    block->pin_count = 0;
    if (zeroed) {
        memset(block->data, 0, m_block_size);
    } else {
        auto result = m_device->read_sectors(number * m_sectors_per_block, block->data, m_sectors_per_block);
        if (result.is_error()) {
            delete[] block->data;
            delete block;
            --m_cached;
            return result.error();
        }
    }
    hash_insert(*block);
    block->pin_count = 1;
    ++m_pinned;
    if (zeroed)
        mark_dirty_locked(*block);
    return BlockHandle(*this, *block);
}

void BlockCache::mark_dirty(CachedBlock& block)
{
    MutexGuard guard(m_lock);
    mark_dirty_locked(block);
}

void BlockCache::mark_dirty_locked(CachedBlock& block)
{
    if (block.dirty)
        return;
    block.dirty = true;
    m_dirty.append(block);
    ++m_dirty_count;
}

void BlockCache::unpin(CachedBlock& block)
{
    MutexGuard guard(m_lock);
    VERIFY(block.pin_count > 0);
    if (--block.pin_count > 0)
        return;
    --m_pinned;
    if (m_cached > m_capacity && !block.dirty) {
        destroy(block); // shrink back after an overshoot
        return;
    }
    m_lru.append(block);
}

Result<void> BlockCache::sync()
{
    {
        MutexGuard guard(m_lock);
        while (CachedBlock* block = m_dirty.first())
            TRY(write_back(*block));
    }
    return m_device->flush();
}

void BlockCache::drop_clean()
{
    MutexGuard guard(m_lock);
    for (auto& block : m_lru) {
        if (!block.dirty)
            destroy(block);
    }
}

BlockCacheStats BlockCache::stats()
{
    MutexGuard guard(m_lock);
    BlockCacheStats stats;
    stats.block_size = m_block_size;
    stats.capacity = m_capacity;
    stats.cached = m_cached;
    stats.dirty = m_dirty_count;
    stats.pinned = m_pinned;
    stats.hits = m_hits;
    stats.misses = m_misses;
    stats.writebacks = m_writebacks;
    return stats;
}

} // namespace sk
