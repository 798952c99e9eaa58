// Ext2Inode: metadata, the block map (direct, indirect, double and triple indirect), file
// data, truncation and freeing. See Ext2Inode.h for lifecycle and locking.
//
// Invariants kept here: bytes of a file's last block past i_size are zero (so growing a file
// exposes zeros); i_blocks counts every data, indirect and EA block in 512-byte units; a block
// pointer that is out of range makes the access fail with EIO instead of being followed.
#include <fs/ext2/Ext2Inode.h>
#include <lib/IoBuffer.h>
#include <string.h>

namespace sk {

using namespace ext2;

Ext2Inode::Ext2Inode(Ext2FileSystem& fs, u32 ino, const RawInode& raw, u32 raw_length)
    : Inode(fs, ino)
    , m_raw(raw)
    , m_raw_length(raw_length)
{
}

Ext2Inode::~Ext2Inode()
{
    auto& fs = ext2();
    if (m_raw.i_links_count == 0 && !m_freed && !fs.m_read_only) {
        // The last reference to an unlinked inode: free its storage now. Code holding the
        // filesystem lock never drops the last reference (see Ext2FileSystem.h).
        Locker locker(fs);
        (void)free_storage_locked();
    }
    fs.cache_remove(*this);
}

bool Ext2Inode::is_fast_symlink() const
{
    if (type() != s_iflnk)
        return false;
    u32 ea_sectors = m_raw.i_file_acl ? ext2().m_block_size / 512 : 0;
    return m_raw.i_blocks - ea_sectors == 0;
}

bool Ext2Inode::has_block_map() const
{
    return is_reg() || is_dir() || (type() == s_iflnk && !is_fast_symlink());
}

u64 Ext2Inode::size() const
{
    if (is_reg())
        return u64(m_raw.i_size) | (u64(m_raw.i_size_high) << 32);
    return m_raw.i_size;
}

void Ext2Inode::set_size(u64 size)
{
    m_raw.i_size = u32(size);
    if (is_reg())
        m_raw.i_size_high = u32(size >> 32);
}

void Ext2Inode::add_block_count(i64 blocks)
{
    i64 sectors = blocks * (ext2().m_block_size / 512);
    if (sectors < 0 && u64(-sectors) > m_raw.i_blocks)
        m_raw.i_blocks = 0;
    else
        m_raw.i_blocks = u32(i64(m_raw.i_blocks) + sectors);
}

Result<void> Ext2Inode::write_inode() { return ext2().write_raw_inode(u32(ino()), m_raw, m_raw_length, false); }

u32* Ext2Inode::extra_time(u32& field)
{
    // The nanosecond fields exist only when the on-disk inode covers them (i_extra_isize).
    u32* extra = nullptr;
    if (&field == &m_raw.i_ctime)
        extra = &m_raw.i_ctime_extra;
    else if (&field == &m_raw.i_mtime)
        extra = &m_raw.i_mtime_extra;
    else if (&field == &m_raw.i_atime)
        extra = &m_raw.i_atime_extra;
    if (!extra)
        return nullptr;
    size_t end = reinterpret_cast<u8*>(extra) - reinterpret_cast<u8*>(&m_raw) + sizeof(u32);
    return end <= m_raw_length ? extra : nullptr;
}

void Ext2Inode::encode_time(u32& seconds, u32* extra, const Timespec& time)
{
    seconds = u32(time.seconds);
    if (extra) {
        u32 epoch = u32((u64(time.seconds - i64(i32(time.seconds))) >> 32) & 3);
        *extra = (u32(time.nanoseconds) << 2) | epoch;
    }
}

Timespec Ext2Inode::decode_time(u32 seconds, const u32* extra)
{
    Timespec time { i64(i32(seconds)), 0 };
    if (extra) {
        time.seconds += i64(*extra & 3) << 32;
        time.nanoseconds = (*extra >> 2) % 1000000000u;
    }
    return time;
}

void Ext2Inode::touch(bool modify, bool change)
{
    Timespec now = ext2().now();
    if (modify)
        encode_time(m_raw.i_mtime, extra_time(m_raw.i_mtime), now);
    if (change)
        encode_time(m_raw.i_ctime, extra_time(m_raw.i_ctime), now);
}

InodeMetadata Ext2Inode::metadata()
{
    Locker locker(ext2());
    InodeMetadata data;
    data.ino = ino();
    data.mode = m_raw.i_mode;
    data.uid = m_raw.i_uid | (u32(m_raw.l_i_uid_high) << 16);
    data.gid = m_raw.i_gid | (u32(m_raw.l_i_gid_high) << 16);
    data.nlink = m_raw.i_links_count;
    data.size = size();
    data.blocks = m_raw.i_blocks;
    data.block_size = ext2().m_block_size;
    if (type() == s_ifchr || type() == s_ifblk) {
        u32 major, minor;
        if (m_raw.i_block[0]) {
            major = (m_raw.i_block[0] >> 8) & 0xff;
            minor = m_raw.i_block[0] & 0xff;
        } else {
            u32 dev = m_raw.i_block[1];
            major = (dev & 0xfff00) >> 8;
            minor = (dev & 0xff) | ((dev >> 12) & 0xfff00);
        }
        data.rdev = (u64(major) << 8) | (minor & 0xff) | (u64(minor & ~0xffu) << 12);
    }
    data.atime = decode_time(m_raw.i_atime, extra_time(m_raw.i_atime));
    data.mtime = decode_time(m_raw.i_mtime, extra_time(m_raw.i_mtime));
    data.ctime = decode_time(m_raw.i_ctime, extra_time(m_raw.i_ctime));
    return data;
}

Result<u32> Ext2Inode::map_block(u64 logical, bool allocate)
{
    auto& fs = ext2();
    u64 p = fs.m_ptrs_per_block;
    u32 depth = 0, root_slot = 0;
    u32 offsets[3] = {};
    if (logical < direct_blocks) {
        root_slot = u32(logical);
    } else if ((logical -= direct_blocks) < p) {
        depth = 1, root_slot = indirect_block, offsets[0] = u32(logical);
    } else if ((logical -= p) < p * p) {
        depth = 2, root_slot = double_indirect_block, offsets[0] = u32(logical / p), offsets[1] = u32(logical % p);
    } else if ((logical -= p * p) < p * p * p) {
        depth = 3, root_slot = triple_indirect_block;
        offsets[0] = u32(logical / (p * p)), offsets[1] = u32((logical / p) % p), offsets[2] = u32(logical % p);
    } else {
        return Error { EFBIG };
    }

    // Blocks allocated by this call, undone if a later step fails, so a failed allocation
    // (ENOSPC) leaves no half-linked chain behind.
    struct Added {
        u32 parent; // 0: the slot is in i_block
        u32 index;
        u32 block;
    } added[4];
    u32 added_count = 0;
    auto rollback = [&] {
        while (added_count > 0) {
            auto& entry = added[--added_count];
            if (entry.parent == 0) {
                m_raw.i_block[entry.index] = 0;
            } else if (auto parent = cache().get(entry.parent); !parent.is_error()) {
                memset(parent.value().data() + entry.index * 4, 0, 4);
                parent.value().mark_dirty();
            }
            fs.free_block(entry.block);
        }
    };
    auto allocate_one = [&](u32 parent, u32 index) -> Result<u32> {
        u32 goal = m_alloc_hint ? m_alloc_hint + 1 : fs.group_first_block(fs.group_of_ino(u32(ino())));
        u32 block = TRY(fs.allocate_block(goal));
        auto zeroed = cache().get_zeroed(block); // new blocks read as zeros
        if (zeroed.is_error()) {
            fs.free_block(block);
            return zeroed.error();
        }
        m_alloc_hint = block;
        added[added_count++] = { parent, index, block };
        return block;
    };

    u32 current = m_raw.i_block[root_slot];
    if (current == 0) {
        if (!allocate)
            return 0u;
        current = TRY(allocate_one(0, root_slot));
        m_raw.i_block[root_slot] = current;
    } else if (!fs.is_valid_data_block(current)) {
        return Error { EIO };
    }
    for (u32 level = 0; level < depth; ++level) {
        auto handle_or_error = cache().get(current);
        if (handle_or_error.is_error()) {
            rollback();
            return handle_or_error.error();
        }
        auto& handle = handle_or_error.value();
        u32 next;
        memcpy(&next, handle.data() + offsets[level] * 4, 4);
        if (next == 0) {
            if (!allocate)
                return 0u;
            auto fresh = allocate_one(current, offsets[level]);
            if (fresh.is_error()) {
                handle.release();
                rollback();
                return fresh.error();
            }
            next = fresh.value();
            memcpy(handle.data() + offsets[level] * 4, &next, 4);
            handle.mark_dirty();
        } else if (!fs.is_valid_data_block(next)) {
            handle.release();
            rollback();
            return Error { EIO };
        }
        current = next;
    }
    if (added_count) {
        add_block_count(added_count);
        TRY(write_inode());
    }
    return current;
}

void Ext2Inode::free_tree(u32 block, u32 level)
{
    // Frees block (a data block at level 0, an indirect block of that level otherwise) and
    // everything below it. A block that is out of range or already free is corrupt: it is
    // neither freed nor followed, which also stops pointer loops.
    auto& fs = ext2();
    if (!fs.is_valid_data_block(block) || !fs.block_is_allocated(block))
        return;
    BlockHandle handle;
    if (level > 0) {
        auto handle_or_error = cache().get(block);
        if (!handle_or_error.is_error())
            handle = std::move(handle_or_error.value());
    }
    fs.free_block(block);
    add_block_count(-1);
    if (!handle)
        return;
    for (u32 i = 0; i < fs.m_ptrs_per_block; ++i) {
        u32 child;
        memcpy(&child, handle.data() + i * 4, 4);
        if (child)
            free_tree(child, level - 1);
    }
}

Result<bool> Ext2Inode::free_partial(u32 block, u32 level, u64 start)
{
    // Frees what lies at or after logical offset `start` (in blocks, relative to this
    // subtree) below the indirect block `block`; returns whether it holds no pointer now.
    auto& fs = ext2();
    if (!fs.is_valid_data_block(block))
        return Error { EIO };
    auto handle = TRY(cache().get(block));
    u64 per_entry = 1;
    for (u32 i = 1; i < level; ++i)
        per_entry *= fs.m_ptrs_per_block;
    u64 first_index = start / per_entry;
    u64 partial = start % per_entry;
    for (u64 i = first_index; i < fs.m_ptrs_per_block; ++i) {
        u32 child;
        memcpy(&child, handle.data() + i * 4, 4);
        if (!child)
            continue;
        if (i == first_index && partial != 0) {
            bool empty = TRY(free_partial(child, level - 1, partial));
            if (!empty)
                continue;
            free_tree(child, 0);
        } else {
            free_tree(child, level - 1);
        }
        memset(handle.data() + i * 4, 0, 4);
        handle.mark_dirty();
    }
    for (u32 i = 0; i < fs.m_ptrs_per_block; ++i) {
        u32 child;
        memcpy(&child, handle.data() + i * 4, 4);
        if (child)
            return false;
    }
    return true;
}

Result<void> Ext2Inode::free_blocks_from(u64 first)
{
    auto& fs = ext2();
    for (u64 i = first; i < direct_blocks; ++i) {
        if (m_raw.i_block[i]) {
            free_tree(m_raw.i_block[i], 0);
            m_raw.i_block[i] = 0;
        }
    }
    u64 base = direct_blocks;
    u64 span = fs.m_ptrs_per_block;
    Result<void> result {};
    for (u32 level = 1; level <= 3; ++level) {
        u32& slot = m_raw.i_block[direct_blocks - 1 + level];
        if (slot) {
            if (first <= base) {
                free_tree(slot, level);
                slot = 0;
            } else if (first < base + span) {
                auto empty = free_partial(slot, level, first - base);
                if (empty.is_error()) {
                    result = empty.error();
                } else if (empty.value()) {
                    free_tree(slot, 0);
                    slot = 0;
                }
            }
        }
        base += span;
        span *= fs.m_ptrs_per_block;
    }
    TRY(write_inode());
    return result;
}

Result<void> Ext2Inode::zero_tail(u64 from)
{
    u32 block_size = ext2().m_block_size;
    if (from % block_size == 0)
        return {};
    u32 physical = TRY(map_block(from / block_size, false));
    if (!physical)
        return {};
    auto handle = TRY(cache().get(physical));
    memset(handle.data() + from % block_size, 0, block_size - from % block_size);
    handle.mark_dirty();
    return {};
}

Result<void> Ext2Inode::resize_locked(u64 new_size)
{
    if (is_dir())
        return Error { EISDIR };
    if (!is_reg())
        return Error { EINVAL };
    auto& fs = ext2();
    if (new_size > fs.m_max_file_size)
        return Error { EFBIG };
    u64 old_size = size();
    if (new_size < old_size) {
        TRY(free_blocks_from((new_size + fs.m_block_size - 1) / fs.m_block_size));
        TRY(zero_tail(new_size));
    } else if (new_size > old_size) {
        TRY(zero_tail(old_size)); // holes are not allocated: growing is sparse
        if (new_size > 0x7fffffffu)
            TRY(fs.set_large_file_feature());
    }
    set_size(new_size);
    touch(true, true);
    return write_inode();
}

Result<void> Ext2Inode::free_storage_locked()
{
    if (m_freed)
        return {};
    m_freed = true;
    auto& fs = ext2();
    bool directory = is_dir();
    Result<void> result {};
    if (has_block_map())
        result = free_blocks_from(0);
    if (u32 ea_block = m_raw.i_file_acl) {
        m_raw.i_file_acl = 0;
        if (fs.is_valid_data_block(ea_block) && fs.block_is_allocated(ea_block)) {
            // An extended-attribute block may be shared (h_refcount at offset 4).
            bool shared = false;
            if (auto handle = cache().get(ea_block); !handle.is_error()) {
                u32 header[2];
                memcpy(header, handle.value().data(), sizeof(header));
                if (header[0] == 0xEA020000 && header[1] > 1) {
                    --header[1];
                    memcpy(handle.value().data(), header, sizeof(header));
                    handle.value().mark_dirty();
                    shared = true;
                }
            }
            if (!shared)
                fs.free_block(ea_block);
            add_block_count(-1);
        }
    }
    m_raw.i_links_count = 0;
    m_raw.i_dtime = u32(fs.now().seconds);
    if (m_raw.i_dtime == 0)
        m_raw.i_dtime = 1; // e2fsck treats dtime 0 as "in use"
    set_size(0);
    (void)write_inode();
    fs.free_inode(u32(ino()), directory);
    return result;
}

Result<void> Ext2Inode::check_data_access(bool write)
{
    Locker locker(ext2());
    if (write && ext2().m_read_only)
        return Error { EROFS };
    if (is_dir())
        return Error { EISDIR };
    if (!is_reg())
        return Error { EINVAL };
    return {};
}

// read_at and write_at map and pin a batch of blocks under the lock, then copy them with the
// lock dropped (see Ext2Inode.h): the copy may fault and read a file through this filesystem.
// The pins keep the buffers; m_gate keeps truncation from freeing the blocks meanwhile.
static constexpr size_t blocks_per_batch = 16;

Result<size_t> Ext2Inode::read_at(u64 offset, const IoBuffer& buffer, size_t length)
{
    TRY(check_data_access(false));
    u32 block_size = ext2().m_block_size;
    size_t done = 0;
    Error error { 0 };
    while (done < length && !error.code) {
        BlockHandle handles[blocks_per_batch]; // a null handle is a hole
        size_t count = 0;
        size_t batch_end = done; // the batch covers [done, batch_end) of the buffer
        DataCopyGate::Reader reader;
        {
            Locker locker(ext2());
            u64 file_size = size();
            if (offset + done >= file_size)
                break;
            size_t end = done + size_t(min<u64>(length - done, file_size - (offset + done)));
            while (count < blocks_per_batch && batch_end < end) {
                u64 position = offset + batch_end;
                auto physical = map_block(position / block_size, false);
                if (physical.is_error()) {
                    error = physical.error();
                    break;
                }
                if (physical.value()) {
                    auto pinned = cache().get(physical.value());
                    if (pinned.is_error()) {
                        error = pinned.error();
                        break;
                    }
                    handles[count] = pinned.release_value();
                }
                ++count;
                batch_end = min<size_t>(end, batch_end + (block_size - position % block_size));
            }
            reader = m_gate.begin_read();
        }
        for (size_t i = 0; i < count; ++i) {
            u32 within = u32((offset + done) % block_size);
            size_t chunk = min<size_t>(block_size - within, batch_end - done);
            auto copied
                = handles[i] ? buffer.write(done, handles[i].data() + within, chunk) : buffer.fill_zero(done, chunk);
            if (copied.is_error()) {
                error = copied.error();
                break;
            }
            done += chunk;
        }
    }
    // FIXME: atime is not updated (as with noatime).
    if (done == 0 && error.code)
        return error;
    return done;
}

Result<size_t> Ext2Inode::write_at(u64 offset, const IoBuffer& buffer, size_t length)
{
    auto& fs = ext2();
    MutexGuard writer(m_gate.writer_lock()); // also keeps truncation away from the copies
    TRY(check_data_access(true));
    if (length == 0)
        return size_t(0);
    if (offset >= fs.m_max_file_size)
        return Error { EFBIG };
    length = size_t(min<u64>(length, fs.m_max_file_size - offset));
    u32 block_size = fs.m_block_size;
    size_t done = 0;
    Error error { 0 };
    bool copy_failed = false;
    while (done < length && !error.code) {
        BlockHandle handles[blocks_per_batch];
        size_t count = 0;
        size_t batch_end = done;
        {
            Locker locker(fs);
            while (count < blocks_per_batch && batch_end < length) {
                u64 position = offset + batch_end;
                auto physical = map_block(position / block_size, true);
                if (physical.is_error()) {
                    error = physical.error();
                    break;
                }
                auto pinned = cache().get(physical.value());
                if (pinned.is_error()) {
                    error = pinned.error();
                    break;
                }
                handles[count++] = pinned.release_value();
                batch_end = min<size_t>(length, batch_end + (block_size - position % block_size));
            }
        }
        for (size_t i = 0; i < count; ++i) {
            u32 within = u32((offset + done) % block_size);
            size_t chunk = min<size_t>(block_size - within, batch_end - done);
            auto copied = buffer.read(done, handles[i].data() + within, chunk);
            // Dirty after the copy, so a write-back that overlapped it is done again; even
            // after a failed copy, which may have changed a prefix of the chunk.
            handles[i].mark_dirty();
            if (copied.is_error()) {
                error = copied.error();
                copy_failed = true;
                break;
            }
            done += chunk;
        }
    }
    Locker locker(fs);
    if (done > 0 && offset + done > size()) {
        set_size(offset + done);
        if (offset + done > 0x7fffffffu)
            TRY(fs.set_large_file_feature());
    }
    if (copy_failed) {
        // The failed batch may have left bytes past the end, or whole blocks there: keep "the
        // tail past i_size is zero" and "no block past i_size" (e2fsck checks the latter). A
        // failure here is the device's (EIO); the copy's error is the one to report.
        (void)free_blocks_from((size() + block_size - 1) / block_size);
        (void)zero_tail(size());
    }
    if (done > 0) {
        touch(true, true);
        TRY(write_inode());
        return done;
    }
    return error;
}

Result<size_t> Ext2Inode::readlink(char* buffer, size_t buffer_size)
{
    Locker locker(ext2());
    if (type() != s_iflnk)
        return Error { EINVAL };
    u64 length = size();
    if (length == 0 || length >= ext2().m_block_size)
        return Error { EIO };
    size_t copy = size_t(min<u64>(length, buffer_size));
    if (is_fast_symlink()) {
        if (length > sizeof(m_raw.i_block))
            return Error { EIO };
        memcpy(buffer, m_raw.i_block, copy);
        return copy;
    }
    u32 physical = TRY(map_block(0, false));
    if (!physical)
        return Error { EIO };
    auto handle = TRY(cache().get(physical));
    memcpy(buffer, handle.data(), copy);
    return copy;
}

Result<void> Ext2Inode::setattr(const InodeAttributes& attributes)
{
    // Exclusive: truncation may free blocks that a reader or writer copies unlocked.
    DataCopyGate::Exclusive exclusive(m_gate, ext2().m_lock);
    if (ext2().m_read_only)
        return Error { EROFS };
    if (attributes.mask & InodeAttributes::Size)
        TRY(resize_locked(attributes.size));
    if (attributes.mask & InodeAttributes::Mode)
        m_raw.i_mode = u16((m_raw.i_mode & s_ifmt) | (attributes.mode & 07777));
    if (attributes.mask & InodeAttributes::Uid) {
        m_raw.i_uid = u16(attributes.uid);
        m_raw.l_i_uid_high = u16(attributes.uid >> 16);
    }
    if (attributes.mask & InodeAttributes::Gid) {
        m_raw.i_gid = u16(attributes.gid);
        m_raw.l_i_gid_high = u16(attributes.gid >> 16);
    }
    if (attributes.mask & InodeAttributes::Atime)
        encode_time(m_raw.i_atime, extra_time(m_raw.i_atime), attributes.atime);
    if (attributes.mask & InodeAttributes::Mtime)
        encode_time(m_raw.i_mtime, extra_time(m_raw.i_mtime), attributes.mtime);
    if (attributes.mask & InodeAttributes::Ctime)
        encode_time(m_raw.i_ctime, extra_time(m_raw.i_ctime), attributes.ctime);
    else if (attributes.mask & (InodeAttributes::Mode | InodeAttributes::Uid | InodeAttributes::Gid))
        touch(false, true);
    return write_inode();
}

Result<void> Ext2Inode::sync()
{
    // FIXME: syncs the whole volume, not just this inode's blocks.
    return ext2().sync();
}

} // namespace sk
