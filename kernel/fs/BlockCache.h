// BlockCache: a bounded, write-back cache of filesystem blocks over a BlockDevice.
//
// Blocks (1, 2 or 4 KiB; any multiple of the sector size up to 64 KiB) are found in O(1)
// through a hash table keyed by block number. A block handed out through a BlockHandle is
// pinned (reference counted) and never evicted; unpinned blocks sit on an LRU list and the
// least recently used one is reused when the cache is full. A dirty block is written back when
// it is evicted and by sync(), which then flushes the device.
//
// Multi-block requests, through a staging buffer of max_run_bytes: a miss on the block right
// after the previous miss (or after the previous read-ahead run) also reads the following
// uncached blocks in the same device request (read-ahead; they are cached unpinned, in free
// or clean slots only). Writing a dirty block back also writes the dirty blocks that follow
// it in the same request. Other misses read one block.
//
// Memory: at most `capacity` blocks are cached. If every cached block is pinned a miss may
// exceed the capacity by up to another `capacity` blocks (then ENOMEM); extra blocks are
// dropped again as they are released clean. stats() reports the numbers for /proc.
//
// Locking: m_lock (a sleeping Mutex) guards the table, the lists and every block's state; it
// is held across device I/O. The bytes of a pinned block are not guarded by the cache: its
// users serialize access to one block themselves (ext2 holds its filesystem lock for metadata
// and the file's writer lock for file data; see DataCopyGate.h). A writer marks the block
// dirty after changing it, so a write-back that overlapped the change is done again.
#pragma once

#include <drivers/BlockDevice.h>
#include <lib/IntrusiveList.h>
#include <lib/RefPtr.h>
#include <lib/Result.h>
#include <lib/Types.h>
#include <proc/Mutex.h>
#include <utility>

namespace sk {

class BlockCache;

struct CachedBlock {
    u64 number { 0 };
    u8* data { nullptr };
    u32 pin_count { 0 };
    bool dirty { false };
    CachedBlock* hash_next { nullptr };
    IntrusiveListNode lru_node;   // linked while pin_count == 0
    IntrusiveListNode dirty_node; // linked while dirty
};

// A pinned cached block. Move-only; unpins on destruction.
class BlockHandle {
public:
    BlockHandle() = default;
    BlockHandle(BlockCache& cache, CachedBlock& block) : m_cache(&cache), m_block(&block) { }
    BlockHandle(BlockHandle&& other)
        : m_cache(std::exchange(other.m_cache, nullptr))
        , m_block(std::exchange(other.m_block, nullptr))
    {
    }
    BlockHandle& operator=(BlockHandle&& other)
    {
        if (this != &other) {
            release();
            m_cache = std::exchange(other.m_cache, nullptr);
            m_block = std::exchange(other.m_block, nullptr);
        }
        return *this;
    }
    BlockHandle(const BlockHandle&) = delete;
    BlockHandle& operator=(const BlockHandle&) = delete;
    ~BlockHandle() { release(); }

    explicit operator bool() const { return m_block != nullptr; }
    u8* data() const { return m_block->data; }
    u64 number() const { return m_block->number; }
    // Call after changing the bytes; the block is written back later.
    void mark_dirty();
    void release();

private:
    BlockCache* m_cache { nullptr };
    CachedBlock* m_block { nullptr };
};

struct BlockCacheStats {
    size_t block_size { 0 };
    size_t capacity { 0 }; // blocks
    size_t cached { 0 };   // blocks currently allocated
    size_t dirty { 0 };
    size_t pinned { 0 };
    u64 hits { 0 }, misses { 0 }, writebacks { 0 };
    u64 read_ahead { 0 }; // blocks read ahead of a miss (a later get of one is a hit)
    size_t bytes() const { return cached * block_size; }
};

class BlockCache : public RefCounted<BlockCache> {
public:
    // block_size: a power of two, multiple of the sector size. capacity: at least 8 blocks.
    static Result<RefPtr<BlockCache>> try_create(RefPtr<BlockDevice> device, size_t block_size, size_t capacity);
    // Writes back what it can (errors are lost: call sync() first) and frees every block.
    ~BlockCache();

    // The block's current contents (read from the device on a miss). EIO past the device end.
    Result<BlockHandle> get(u64 block);
    // For a block whose old contents do not matter (newly allocated): zero-filled and dirty,
    // with no device read.
    Result<BlockHandle> get_zeroed(u64 block);
    // Writes every dirty block back, then flushes the device.
    Result<void> sync();
    // Frees every clean, unpinned block (Linux's drop_caches): what stays is in use or dirty.
    void drop_clean();

    BlockCacheStats stats();
    size_t block_size() const { return m_block_size; }
    u64 block_count() const { return m_block_count; }
    BlockDevice& device() { return *m_device; }

private:
    friend class BlockHandle;
    BlockCache(RefPtr<BlockDevice> device, size_t block_size, size_t capacity);

    static constexpr size_t max_run_bytes = 128 * 1024;

    Result<BlockHandle> get_impl(u64 block, bool zeroed);
    Result<CachedBlock*> take_slot(); // an unhashed block to fill: reused LRU victim or new
    Result<CachedBlock*> allocate_block();
    size_t read_ahead_length(u64 block);
    Result<void> read_run(CachedBlock& first, size_t run);
    CachedBlock* find(u64 block);
    void hash_insert(CachedBlock& block);
    void hash_remove(CachedBlock& block);
    Result<void> write_back(CachedBlock& block);
    void destroy(CachedBlock& block);
    void unpin(CachedBlock& block);
    void mark_dirty(CachedBlock& block);
    void mark_dirty_locked(CachedBlock& block);
    size_t bucket_of(u64 block) const { return (block * 0x9E3779B97F4A7C15ull) >> (64 - m_bucket_shift); }

    RefPtr<BlockDevice> m_device;
    size_t m_block_size;
    size_t m_sectors_per_block;
    u64 m_block_count;
    size_t m_capacity;

    Mutex m_lock;
    CachedBlock** m_buckets { nullptr }; // 2^m_bucket_shift chains
    u32 m_bucket_shift { 0 };
    IntrusiveList<CachedBlock, &CachedBlock::lru_node> m_lru; // unpinned; first = least recent
    IntrusiveList<CachedBlock, &CachedBlock::dirty_node> m_dirty;
    size_t m_cached { 0 };
    size_t m_dirty_count { 0 };
    size_t m_pinned { 0 };
    u64 m_hits { 0 }, m_misses { 0 }, m_writebacks { 0 }, m_read_ahead { 0 };
    u8* m_staging { nullptr }; // m_max_run blocks, for multi-block requests
    size_t m_max_run { 1 };    // blocks per device request
    u64 m_next_sequential { ~0ull };  // the miss that continues a sequential read
};

} // namespace sk
