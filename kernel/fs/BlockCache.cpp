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
    // Multi-block requests (read-ahead, clustered write-back) go through a staging buffer;
    // without one (or in a cache too small to spare the blocks) every request is one block.
    size_t run = min(max_run_bytes / block_size, capacity / 4);
    if (run >= 2) {
        cache->m_staging = new (std::nothrow) u8[run * block_size];
        if (cache->m_staging)
            cache->m_max_run = run;
    }
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
        // write_back also cleans the dirty blocks after this one: no iterator over m_dirty.
        while (CachedBlock* block = m_dirty.first()) {
            if (write_back(*block).is_error()) {
                block->dirty = false;
                m_dirty.remove(*block);
                --m_dirty_count;
            }
        }
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
    delete[] m_staging;
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
    // The dirty blocks right after this one (pinned or not) go in the same request: a file
    // written sequentially is then written back in runs, not block by block.
    size_t run = 1;
    while (run < m_max_run) {
        CachedBlock* next = find(block.number + run);
        if (!next || !next->dirty)
            break;
        ++run;
    }
    if (run == 1) {
        TRY(m_device->write_sectors(block.number * m_sectors_per_block, block.data, m_sectors_per_block));
    } else {
        for (size_t i = 0; i < run; ++i)
            memcpy(m_staging + i * m_block_size, find(block.number + i)->data, m_block_size);
        TRY(m_device->write_sectors(block.number * m_sectors_per_block, m_staging, run * m_sectors_per_block));
    }
    for (size_t i = 0; i < run; ++i) {
        CachedBlock& written = i == 0 ? block : *find(block.number + i);
        written.dirty = false;
        m_dirty.remove(written);
        --m_dirty_count;
        ++m_writebacks;
    }
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

    CachedBlock* block = TRY(take_slot());
    block->number = number;
    block->pin_count = 0;
    if (zeroed) {
        memset(block->data, 0, m_block_size);
    } else {
        size_t run = read_ahead_length(number);
        auto result = run > 1 ? read_run(*block, run)
                              : m_device->read_sectors(number * m_sectors_per_block, block->data, m_sectors_per_block);
        if (result.is_error()) {
            delete[] block->data;
            delete block;
            --m_cached;
            return result.error();
        }
        if (run == 1)
            m_next_sequential = number + 1;
    }
    hash_insert(*block);
    block->pin_count = 1;
    ++m_pinned;
    if (zeroed)
        mark_dirty_locked(*block);
    return BlockHandle(*this, *block);
}

Result<CachedBlock*> BlockCache::take_slot()
{
    if (m_cached >= m_capacity && !m_lru.is_empty()) {
        // Reuse the least recently used block; a dirty one is written back first.
        CachedBlock* victim = m_lru.first();
        TRY(write_back(*victim));
        m_lru.remove(*victim);
        hash_remove(*victim);
        return victim;
    }
    if (m_cached >= 2 * m_capacity)
        return Error { ENOMEM };
    return allocate_block();
}

Result<CachedBlock*> BlockCache::allocate_block()
{
    auto* block = new (std::nothrow) CachedBlock;
    if (!block)
        return Error { ENOMEM };
    block->data = new (std::nothrow) u8[m_block_size];
    if (!block->data) {
        delete block;
        return Error { ENOMEM };
    }
    ++m_cached;
    return block;
}

size_t BlockCache::read_ahead_length(u64 number)
{
    // Only a miss right after the previous run (a sequential reader) reads ahead; the run
    // stops at the first block that is cached (it may be dirty) and at the device's end.
    if (m_max_run < 2 || number != m_next_sequential)
        return 1;
    size_t run = 1;
    while (run < m_max_run && number + run < m_block_count && !find(number + run))
        ++run;
    return run;
}

Result<void> BlockCache::read_run(CachedBlock& first, size_t run)
{
    // One device request for the run, into the staging buffer; the blocks after the first
    // take free or clean slots only (no write-back for a guess) and go to the LRU's recent
    // end, unpinned.
    TRY(m_device->read_sectors(first.number * m_sectors_per_block, m_staging, run * m_sectors_per_block));
    memcpy(first.data, m_staging, m_block_size);
    size_t inserted = 1;
    for (; inserted < run; ++inserted) {
        CachedBlock* block = nullptr;
        if (m_cached < m_capacity) {
            auto fresh = allocate_block();
            if (fresh.is_error())
                break;
            block = fresh.value();
        } else if (!m_lru.is_empty() && !m_lru.first()->dirty) {
            block = m_lru.first();
            m_lru.remove(*block);
            hash_remove(*block);
        } else {
            break;
        }
        block->number = first.number + inserted;
        block->pin_count = 0;
        memcpy(block->data, m_staging + inserted * m_block_size, m_block_size);
        hash_insert(*block);
        m_lru.append(*block);
        ++m_read_ahead;
    }
    m_next_sequential = first.number + inserted;
    return {};
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
    stats.read_ahead = m_read_ahead;
    return stats;
}

} // namespace sk
