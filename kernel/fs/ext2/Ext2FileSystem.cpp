// Ext2FileSystem: mount checks, superblock and group descriptors, block and inode bitmaps,
// the inode cache. See Ext2FileSystem.h for ownership and locking.
#include <fs/ext2/Ext2Inode.h>
#include <new>
#include <vfs/Clock.h>
#include <string.h>

namespace sk {

using namespace ext2;

namespace {

struct FeatureName {
    u32 bit;
    const char* name;
};

constexpr FeatureName incompat_names[] = {
    { incompat_compression, "compression" }, { incompat_filetype, "filetype" }, { incompat_recover, "needs_recovery" },
    { incompat_journal_dev, "journal_dev" }, { incompat_meta_bg, "meta_bg" }, { incompat_extents, "extent" },
    { incompat_64bit, "64bit" }, { incompat_mmp, "mmp" }, { incompat_flex_bg, "flex_bg" },
    { incompat_ea_inode, "ea_inode" }, { incompat_dirdata, "dirdata" }, { incompat_csum_seed, "metadata_csum_seed" },
    { incompat_largedir, "large_dir" }, { incompat_inline_data, "inline_data" }, { incompat_encrypt, "encrypt" },
    { incompat_casefold, "casefold" },
};

constexpr FeatureName ro_compat_names[] = {
    { ro_compat_sparse_super, "sparse_super" }, { ro_compat_large_file, "large_file" }, { ro_compat_btree_dir, "btree_dir" },
    { ro_compat_huge_file, "huge_file" }, { ro_compat_gdt_csum, "uninit_bg" }, { ro_compat_dir_nlink, "dir_nlink" },
    { ro_compat_extra_isize, "extra_isize" }, { ro_compat_quota, "quota" }, { ro_compat_bigalloc, "bigalloc" },
    { ro_compat_metadata_csum, "metadata_csum" }, { ro_compat_readonly, "read-only" }, { ro_compat_project, "project" },
    { ro_compat_verity, "verity" },
};

// "<prefix><feature name>" or "<prefix>0x<bits>" for bits without a name.
template<size_t N>
void describe_feature(KString* reason, const char* prefix, u32 bits, const FeatureName (&names)[N])
{
    if (!reason)
        return;
    char text[128];
    size_t length = string_length(prefix);
    memcpy(text, prefix, length);
    const char* name = nullptr;
    for (auto& feature : names) {
        if (bits & feature.bit) {
            name = feature.name;
            break;
        }
    }
    if (name) {
        size_t name_length = string_length(name);
        memcpy(text + length, name, name_length);
        length += name_length;
    } else {
        text[length++] = '0';
        text[length++] = 'x';
        for (int shift = 28; shift >= 0; shift -= 4)
            text[length++] = "0123456789abcdef"[(bits >> shift) & 0xf];
    }
    auto created = KString::try_create(StringView(text, length));
    if (!created.is_error())
        *reason = created.release_value();
}

void set_reason(KString* reason, const char* text)
{
    if (!reason)
        return;
    auto created = KString::try_create(StringView(text));
    if (!created.is_error())
        *reason = created.release_value();
}

bool test_bit(const u8* bitmap, u32 bit) { return bitmap[bit / 8] & (1u << (bit % 8)); }
void set_bit(u8* bitmap, u32 bit) { bitmap[bit / 8] |= u8(1u << (bit % 8)); }
void clear_bit(u8* bitmap, u32 bit) { bitmap[bit / 8] &= u8(~(1u << (bit % 8))); }

} // namespace

Result<RefPtr<Ext2FileSystem>> Ext2FileSystem::try_mount(RefPtr<BlockDevice> device, const MountOptions& options, KString* reason)
{
    if (!device)
        return Error { EINVAL };
    if (device->sector_count() < 4) {
        set_reason(reason, "ext2: device too small");
        return Error { EINVAL };
    }
    Superblock super;
    TRY(device->read_sectors(superblock_offset / BlockDevice::sector_size, &super, sizeof(super) / BlockDevice::sector_size));

    auto refuse = [&](const char* text) -> Error {
        set_reason(reason, text);
        return Error { EINVAL };
    };
    if (super.s_magic != super_magic)
        return refuse("ext2: bad magic number");
    if (super.s_log_block_size > 2)
        return refuse("ext2: unsupported block size (only 1, 2 and 4 KiB)");
    u32 block_size = 1024u << super.s_log_block_size;
    if (super.s_rev_level > 1)
        return refuse("ext2: unsupported revision level");
    if (super.s_rev_level == 1) {
        if (u32 unsupported = super.s_feature_incompat & ~incompat_supported) {
            describe_feature(reason, "ext2: unsupported INCOMPAT feature: ", unsupported, incompat_names);
            return Error { EINVAL };
        }
        // FIXME: htree (dir_index) directories are read linearly and lose their index flag when
        // Sockeye changes them, as Linux's ext2 does; journals (has_journal) are ignored.
        if (super.s_inode_size < good_old_inode_size || super.s_inode_size > block_size || (super.s_inode_size & (super.s_inode_size - 1)))
            return refuse("ext2: bad inode size");
    }
    u64 device_blocks = device->sector_count() / (block_size / BlockDevice::sector_size);
    if (super.s_blocks_count == 0 || super.s_blocks_count > device_blocks)
        return refuse("ext2: filesystem is larger than the device");
    if (super.s_first_data_block != (block_size == 1024 ? 1u : 0u) || super.s_first_data_block >= super.s_blocks_count)
        return refuse("ext2: bad first data block");
    if (super.s_blocks_per_group < 8 || super.s_blocks_per_group > 8 * block_size || super.s_blocks_per_group % 8)
        return refuse("ext2: bad blocks per group");
    if (super.s_inodes_per_group == 0 || super.s_inodes_per_group > 8 * block_size)
        return refuse("ext2: bad inodes per group");
    u32 inode_size = super.s_rev_level == 0 ? good_old_inode_size : super.s_inode_size;
    u32 first_ino = super.s_rev_level == 0 ? good_old_first_ino : super.s_first_ino;
    u64 group_count = (u64(super.s_blocks_count) - super.s_first_data_block + super.s_blocks_per_group - 1) / super.s_blocks_per_group;
    if (u64(super.s_inodes_per_group) * group_count != super.s_inodes_count)
        return refuse("ext2: inode count does not match the groups");
    if (first_ino < good_old_first_ino || first_ino > super.s_inodes_count)
        return refuse("ext2: bad first inode");
    u32 inode_table_blocks = (super.s_inodes_per_group * inode_size + block_size - 1) / block_size;
    if (inode_table_blocks >= super.s_blocks_per_group)
        return refuse("ext2: inode table larger than a group");

    bool read_only = options.read_only;
    if (super.s_rev_level == 1) {
        if (u32 unsupported = super.s_feature_ro_compat & ~ro_compat_supported) {
            describe_feature(reason, "ext2: mounted read-only, unsupported RO_COMPAT feature: ", unsupported, ro_compat_names);
            read_only = true;
        }
    }

    auto cache = TRY(BlockCache::try_create(device, block_size, options.cache_blocks));
    auto* raw_fs = new (std::nothrow) Ext2FileSystem(device, cache, super, read_only);
    if (!raw_fs)
        return Error { ENOMEM };
    RefPtr<Ext2FileSystem> fs(raw_fs);
    fs->m_block_size = block_size;
    fs->m_inode_size = inode_size;
    fs->m_first_ino = first_ino;
    fs->m_group_count = u32(group_count);
    fs->m_inode_table_blocks = inode_table_blocks;
    fs->m_gdt_blocks = u32((group_count * sizeof(GroupDescriptor) + block_size - 1) / block_size);
    fs->m_ptrs_per_block = block_size / 4;

    // Largest file: the block map's reach, limited by i_blocks (2^32 - 1 sectors) less the
    // indirect blocks, as Linux's ext2_max_size.
    u64 p = fs->m_ptrs_per_block;
    u64 reach = direct_blocks + p + p * p + p * p * p;
    u64 sector_limit = ((u64(1) << 32) - 1) / (block_size / 512);
    u64 meta = 3 + 2 * p + p * p;
    if (reach > sector_limit - meta)
        reach = sector_limit - meta;
    fs->m_max_file_size = reach * block_size;
    if (super.s_rev_level == 0 || !(super.s_feature_ro_compat & ro_compat_large_file)) {
        // Without large_file, sizes stay below 2 GiB until Sockeye sets the feature on a write.
    }

    TRY(fs->load_groups(reason));
    fs->m_overhead_blocks = fs->count_overhead_blocks();
    {
        Locker locker(*fs);
        auto root_or_error = fs->get_inode_locked(root_ino);
        if (root_or_error.is_error()) {
            set_reason(reason, "ext2: root inode unreadable");
            return Error { EIO };
        }
        if (!root_or_error.value()->is_dir()) {
            set_reason(reason, "ext2: root inode is not a directory");
            return Error { EIO };
        }
    }
    return fs;
}

Ext2FileSystem::Ext2FileSystem(RefPtr<BlockDevice> device, RefPtr<BlockCache> cache, const Superblock& super, bool read_only)
    : m_device(std::move(device))
    , m_cache(std::move(cache))
    , m_super(super)
    , m_read_only(read_only)
{
}

Ext2FileSystem::~Ext2FileSystem()
{
    // Every inode holds the filesystem, so none is alive here.
    if (!m_read_only)
        (void)m_cache->sync();
}

Result<void> Ext2FileSystem::load_groups(KString* reason)
{
    TRY(m_groups.try_resize(m_group_count));
    u32 per_block = m_block_size / sizeof(GroupDescriptor);
    u32 gdt_start = m_super.s_first_data_block + 1;
    if (gdt_start + m_gdt_blocks > m_super.s_blocks_count) {
        set_reason(reason, "ext2: group descriptors past the end");
        return Error { EINVAL };
    }
    for (u32 i = 0; i < m_gdt_blocks; ++i) {
        auto block = TRY(m_cache->get(gdt_start + i));
        u32 count = min(per_block, m_group_count - i * per_block);
        memcpy(&m_groups[i * per_block], block.data(), count * sizeof(GroupDescriptor));
    }
    u64 free_blocks = 0, free_inodes = 0;
    for (u32 g = 0; g < m_group_count; ++g) {
        auto& gd = m_groups[g];
        u32 first = group_first_block(g);
        u32 last = first + blocks_in_group(g); // exclusive
        auto inside = [&](u32 block, u32 count) { return block >= first && block < last && count <= last - block; };
        if (!inside(gd.bg_block_bitmap, 1) || !inside(gd.bg_inode_bitmap, 1) || !inside(gd.bg_inode_table, m_inode_table_blocks)) {
            set_reason(reason, "ext2: group descriptor points outside its group");
            return Error { EINVAL };
        }
        if (gd.bg_free_blocks_count > blocks_in_group(g) || gd.bg_free_inodes_count > m_super.s_inodes_per_group
            || gd.bg_used_dirs_count > m_super.s_inodes_per_group) {
            set_reason(reason, "ext2: group descriptor counts out of range");
            return Error { EINVAL };
        }
        free_blocks += gd.bg_free_blocks_count;
        free_inodes += gd.bg_free_inodes_count;
    }
    // The group descriptors are authoritative (the superblock totals may lag, as on Linux).
    m_super.s_free_blocks_count = u32(free_blocks);
    m_super.s_free_inodes_count = u32(free_inodes);
    return {};
}

u32 Ext2FileSystem::blocks_in_group(u32 group) const
{
    if (group + 1 < m_group_count)
        return m_super.s_blocks_per_group;
    return m_super.s_blocks_count - group_first_block(group);
}

bool Ext2FileSystem::is_group_metadata(u32 group, u32 block) const
{
    auto& gd = m_groups[group];
    if (block == gd.bg_block_bitmap || block == gd.bg_inode_bitmap)
        return true;
    if (block >= gd.bg_inode_table && block - gd.bg_inode_table < m_inode_table_blocks)
        return true;
    return block <= m_super.s_first_data_block + m_gdt_blocks; // primary superblock + descriptors
}

// Whether a group starts with a copy of the superblock and the group descriptors: group 0
// always; with sparse_super only groups 1 and the powers of 3, 5 and 7; with sparse_super2 only
// the (at most two) groups the superblock names; otherwise every group.
bool Ext2FileSystem::group_has_superblock(u32 group) const
{
    if (group == 0)
        return true;
    if (m_super.s_rev_level == 0)
        return true;
    if (m_super.s_feature_compat & compat_sparse_super2)
        return group == m_super.s_backup_bgs[0] || group == m_super.s_backup_bgs[1];
    if (group == 1 || !(m_super.s_feature_ro_compat & ro_compat_sparse_super))
        return true;
    for (u32 base : { 3u, 5u, 7u }) {
        u64 power = base;
        while (power < group)
            power *= base;
        if (power == group)
            return true;
    }
    return false;
}

// The blocks Linux's statfs leaves out of f_blocks as filesystem overhead (ext2_statfs, and
// ext4's count_overhead, which Debian's kernel uses for ext2): those before the first data
// block; each superblock copy with its group descriptors; each group's two bitmaps and inode
// table. The reserved GDT blocks of resize_inode are not counted (they are not on Linux).
// FIXME: ext4 also counts an internal journal (has_journal), which Sockeye does not support.
u32 Ext2FileSystem::count_overhead_blocks() const
{
    u64 overhead = m_super.s_first_data_block;
    for (u32 group = 0; group < m_group_count; ++group) {
        if (group_has_superblock(group))
            overhead += 1 + m_gdt_blocks;
        overhead += 2 + m_inode_table_blocks;
    }
    return u32(min<u64>(overhead, m_super.s_blocks_count));
}

bool Ext2FileSystem::is_valid_data_block(u32 block) const
{
    return block > m_super.s_first_data_block + m_gdt_blocks && block < m_super.s_blocks_count;
}

Timespec Ext2FileSystem::now() const
{
    return filesystem_now();
}

// FIXME: only the primary superblock and descriptors are written; the sparse_super backups
// keep mkfs-time values (e2fsck accepts that; Linux ext2 refreshes them on unmount).
// FIXME: s_state, s_mnt_count, s_mtime and s_wtime are not maintained.
Result<void> Ext2FileSystem::write_superblock()
{
    u32 block = m_block_size == 1024 ? 1 : 0;
    u32 offset = m_block_size == 1024 ? 0 : 1024;
    auto handle = TRY(m_cache->get(block));
    memcpy(handle.data() + offset, &m_super, sizeof(m_super));
    handle.mark_dirty();
    return {};
}

Result<void> Ext2FileSystem::write_group(u32 group)
{
    u64 byte = u64(group) * sizeof(GroupDescriptor);
    auto handle = TRY(m_cache->get(m_super.s_first_data_block + 1 + byte / m_block_size));
    memcpy(handle.data() + byte % m_block_size, &m_groups[group], sizeof(GroupDescriptor));
    handle.mark_dirty();
    return {};
}

Result<void> Ext2FileSystem::set_large_file_feature()
{
    if (m_super.s_rev_level == 0 || (m_super.s_feature_ro_compat & ro_compat_large_file))
        return {};
    m_super.s_feature_ro_compat |= ro_compat_large_file;
    return write_superblock();
}

Result<u32> Ext2FileSystem::allocate_block(u32 goal)
{
    if (m_read_only)
        return Error { EROFS };
    // FIXME: the s_r_blocks_count reserve is not kept for root (no credentials reach here).
    if (m_super.s_free_blocks_count == 0)
        return Error { ENOSPC };
    if (goal < m_super.s_first_data_block || goal >= m_super.s_blocks_count)
        goal = m_super.s_first_data_block;
    u32 goal_group = (goal - m_super.s_first_data_block) / m_super.s_blocks_per_group;
    for (u32 i = 0; i < m_group_count; ++i) {
        u32 g = (goal_group + i) % m_group_count;
        auto& gd = m_groups[g];
        if (gd.bg_free_blocks_count == 0)
            continue;
        auto bitmap = TRY(m_cache->get(gd.bg_block_bitmap));
        u8* bits = bitmap.data();
        u32 first = group_first_block(g);
        u32 count = blocks_in_group(g);
        u32 start = i == 0 ? goal - first : 0;
        for (u32 n = 0; n < count; ++n) {
            u32 bit = (start + n) % count;
            if (bit % 8 == 0 && bit + 8 <= count && bits[bit / 8] == 0xff && n + 8 <= count) {
                n += 7;
                continue;
            }
            if (test_bit(bits, bit) || is_group_metadata(g, first + bit))
                continue;
            set_bit(bits, bit);
            bitmap.mark_dirty();
            --gd.bg_free_blocks_count;
            --m_super.s_free_blocks_count;
            TRY(write_group(g));
            TRY(write_superblock());
            return first + bit;
        }
        // The descriptor claims free blocks the bitmap does not have: a corrupt group; skip it.
    }
    return Error { ENOSPC };
}

bool Ext2FileSystem::block_is_allocated(u32 block)
{
    if (block < m_super.s_first_data_block || block >= m_super.s_blocks_count)
        return false;
    u32 g = (block - m_super.s_first_data_block) / m_super.s_blocks_per_group;
    auto bitmap = m_cache->get(m_groups[g].bg_block_bitmap);
    if (bitmap.is_error())
        return false;
    return test_bit(bitmap.value().data(), block - group_first_block(g));
}

void Ext2FileSystem::free_block(u32 block)
{
    if (!is_valid_data_block(block))
        return;
    u32 g = (block - m_super.s_first_data_block) / m_super.s_blocks_per_group;
    if (is_group_metadata(g, block))
        return;
    auto bitmap_or_error = m_cache->get(m_groups[g].bg_block_bitmap);
    if (bitmap_or_error.is_error())
        return;
    auto& bitmap = bitmap_or_error.value();
    u32 bit = block - group_first_block(g);
    if (!test_bit(bitmap.data(), bit))
        return; // already free: corrupt metadata, leave the counts alone
    clear_bit(bitmap.data(), bit);
    bitmap.mark_dirty();
    ++m_groups[g].bg_free_blocks_count;
    ++m_super.s_free_blocks_count;
    (void)write_group(g);
    (void)write_superblock();
}

Result<u32> Ext2FileSystem::allocate_inode(u32 parent_ino, bool directory)
{
    if (m_read_only)
        return Error { EROFS };
    if (m_super.s_free_inodes_count == 0)
        return Error { ENOSPC };
    u32 start = group_of_ino(parent_ino);
    if (directory) {
        // Spread directories: the group with the most free blocks among those with at least
        // the average number of free inodes (a simple form of Linux's Orlov allocator).
        u32 average = m_super.s_free_inodes_count / m_group_count;
        u32 best_free = 0;
        for (u32 g = 0; g < m_group_count; ++g) {
            auto& gd = m_groups[g];
            if (gd.bg_free_inodes_count > 0 && gd.bg_free_inodes_count >= average && gd.bg_free_blocks_count > best_free) {
                best_free = gd.bg_free_blocks_count;
                start = g;
            }
        }
    }
    for (u32 i = 0; i < m_group_count; ++i) {
        u32 g = (start + i) % m_group_count;
        auto& gd = m_groups[g];
        if (gd.bg_free_inodes_count == 0)
            continue;
        auto bitmap = TRY(m_cache->get(gd.bg_inode_bitmap));
        for (u32 bit = 0; bit < m_super.s_inodes_per_group; ++bit) {
            if (test_bit(bitmap.data(), bit))
                continue;
            u32 ino = g * m_super.s_inodes_per_group + bit + 1;
            if (ino < m_first_ino)
                continue;
            set_bit(bitmap.data(), bit);
            bitmap.mark_dirty();
            --gd.bg_free_inodes_count;
            if (directory)
                ++gd.bg_used_dirs_count;
            --m_super.s_free_inodes_count;
            TRY(write_group(g));
            TRY(write_superblock());
            return ino;
        }
    }
    return Error { ENOSPC };
}

void Ext2FileSystem::free_inode(u32 ino, bool directory)
{
    if (ino < m_first_ino || ino > m_super.s_inodes_count)
        return;
    u32 g = group_of_ino(ino);
    auto bitmap_or_error = m_cache->get(m_groups[g].bg_inode_bitmap);
    if (bitmap_or_error.is_error())
        return;
    auto& bitmap = bitmap_or_error.value();
    u32 bit = (ino - 1) % m_super.s_inodes_per_group;
    if (!test_bit(bitmap.data(), bit))
        return;
    clear_bit(bitmap.data(), bit);
    bitmap.mark_dirty();
    auto& gd = m_groups[g];
    ++gd.bg_free_inodes_count;
    if (directory && gd.bg_used_dirs_count > 0)
        --gd.bg_used_dirs_count;
    ++m_super.s_free_inodes_count;
    (void)write_group(g);
    (void)write_superblock();
}

Result<void> Ext2FileSystem::read_raw_inode(u32 ino, RawInode& raw, u32& valid_length)
{
    u32 g = group_of_ino(ino);
    u64 byte = u64((ino - 1) % m_super.s_inodes_per_group) * m_inode_size;
    auto handle = TRY(m_cache->get(m_groups[g].bg_inode_table + byte / m_block_size));
    const u8* slot = handle.data() + byte % m_block_size;
    memset(&raw, 0, sizeof(raw));
    memcpy(&raw, slot, good_old_inode_size);
    valid_length = good_old_inode_size;
    if (m_inode_size > good_old_inode_size) {
        u16 extra;
        memcpy(&extra, slot + good_old_inode_size, sizeof(extra));
        if (extra >= 4 && extra % 4 == 0 && good_old_inode_size + extra <= m_inode_size) {
            valid_length = min<u32>(good_old_inode_size + extra, sizeof(RawInode));
            memcpy(&raw, slot, valid_length);
        }
    }
    return {};
}

Result<void> Ext2FileSystem::write_raw_inode(u32 ino, const RawInode& raw, u32 length, bool fresh)
{
    u32 g = group_of_ino(ino);
    u64 byte = u64((ino - 1) % m_super.s_inodes_per_group) * m_inode_size;
    auto handle = TRY(m_cache->get(m_groups[g].bg_inode_table + byte / m_block_size));
    u8* slot = handle.data() + byte % m_block_size;
    if (fresh)
        memset(slot, 0, m_inode_size);
    memcpy(slot, &raw, length);
    handle.mark_dirty();
    return {};
}

Ext2Inode* Ext2FileSystem::cache_find_and_ref(u32 ino, RefPtr<Ext2Inode>& out)
{
    SpinlockGuard guard(m_inode_cache_lock);
    for (Ext2Inode* inode = m_inode_cache[ino % inode_buckets]; inode; inode = inode->m_cache_next) {
        if (inode->ino() == ino && inode->try_ref()) {
            out = RefPtr<Ext2Inode>::adopt(inode);
            return inode;
        }
    }
    return nullptr;
}

void Ext2FileSystem::cache_insert(Ext2Inode& inode)
{
    SpinlockGuard guard(m_inode_cache_lock);
    auto& head = m_inode_cache[inode.ino() % inode_buckets];
    inode.m_cache_next = head;
    head = &inode;
}

void Ext2FileSystem::cache_remove(Ext2Inode& inode)
{
    SpinlockGuard guard(m_inode_cache_lock);
    for (Ext2Inode** link = &m_inode_cache[inode.ino() % inode_buckets]; *link; link = &(*link)->m_cache_next) {
        if (*link == &inode) {
            *link = inode.m_cache_next;
            return;
        }
    }
}

Result<RefPtr<Ext2Inode>> Ext2FileSystem::get_inode_locked(u32 ino)
{
    if (ino == 0 || ino > m_super.s_inodes_count || (ino != root_ino && ino < m_first_ino))
        return Error { EIO };
    RefPtr<Ext2Inode> cached;
    if (cache_find_and_ref(ino, cached))
        return cached;
    RawInode raw;
    u32 length;
    TRY(read_raw_inode(ino, raw, length));
    if (raw.i_links_count == 0)
        return Error { EIO }; // a directory entry naming a free inode
    switch (raw.i_mode & s_ifmt) {
    case s_ifreg:
    case s_ifdir:
    case s_iflnk:
    case s_ifchr:
    case s_ifblk:
    case s_ififo:
    case s_ifsock:
        break;
    default:
        return Error { EIO };
    }
    if (raw.i_flags & (flag_extents | flag_inline_data))
        return Error { EIO };
    auto* inode = new (std::nothrow) Ext2Inode(*this, ino, raw, length);
    if (!inode)
        return Error { ENOMEM };
    RefPtr<Ext2Inode> result(inode);
    cache_insert(*inode);
    return result;
}

Result<RefPtr<Ext2Inode>> Ext2FileSystem::get_inode(u32 ino)
{
    Locker locker(*this);
    return get_inode_locked(ino);
}

RefPtr<Inode> Ext2FileSystem::root()
{
    auto root = get_inode(root_ino);
    if (root.is_error())
        return nullptr;
    return root.release_value();
}

Result<void> Ext2FileSystem::sync()
{
    Locker locker(*this);
    if (m_read_only)
        return {};
    return m_cache->sync();
}

Result<FileSystemStats> Ext2FileSystem::stats()
{
    Locker locker(*this);
    FileSystemStats stats;
    stats.type = super_magic;
    stats.block_size = m_block_size;
    stats.blocks = m_super.s_blocks_count - m_overhead_blocks;
    stats.blocks_free = m_super.s_free_blocks_count;
    stats.blocks_available = m_super.s_free_blocks_count > m_super.s_r_blocks_count ? m_super.s_free_blocks_count - m_super.s_r_blocks_count : 0;
    stats.files = m_super.s_inodes_count;
    stats.files_free = m_super.s_free_inodes_count;
    stats.name_max = name_max;
    return stats;
}

} // namespace sk
