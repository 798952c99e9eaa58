// Ext2Inode directory operations: entry parsing (every entry is validated before use: a bad
// rec_len or name_len is EIO), lookup, iteration by byte offset, creation of every node type,
// link/unlink/rmdir and rename with Linux's replacement rules.
//
// Link counts: a directory has 2 + (number of subdirectories); creating, removing and moving
// a subdirectory adjusts the parents. Entries are removed Linux's way: merged into the
// previous entry, or marked free (inode 0) at the start of a block. Any change to a directory
// clears its htree flag (EXT2_INDEX_FL), as Linux's ext2 does.
#include <fs/ext2/Ext2Inode.h>
#include <string.h>

namespace sk {

using namespace ext2;

namespace {

struct ParsedEntry {
    DirEntryHeader header;
    u32 name_length;
    const char* name;
};

void write_entry(u8* at, u32 ino, u32 rec_len, StringView name, u8 file_type)
{
    DirEntryHeader header { ino, u16(rec_len), u8(name.length()), file_type };
    memcpy(at, &header, sizeof(header));
    memcpy(at + sizeof(header), name.chars(), name.length());
}

bool is_dot(StringView name) { return name == StringView(".") || name == StringView(".."); }

u8 dt_from_file_type(u8 type)
{
    switch (type) {
    case ft_reg_file: return dt_reg;
    case ft_dir: return dt_dir;
    case ft_chrdev: return dt_chr;
    case ft_blkdev: return dt_blk;
    case ft_fifo: return dt_fifo;
    case ft_sock: return dt_sock;
    case ft_symlink: return dt_lnk;
    default: return dt_unknown;
    }
}

} // namespace

u8 Ext2Inode::file_type_for(u32 mode) const
{
    if (!ext2().has_filetype())
        return ft_unknown;
    switch (mode & s_ifmt) {
    case s_ifreg: return ft_reg_file;
    case s_ifdir: return ft_dir;
    case s_ifchr: return ft_chrdev;
    case s_ifblk: return ft_blkdev;
    case s_ififo: return ft_fifo;
    case s_ifsock: return ft_sock;
    case s_iflnk: return ft_symlink;
    default: return ft_unknown;
    }
}

// Calls fn(position, entry, block handle, offset in block, offset of the previous entry or
// -1) for each entry starting at or after byte `start`; fn returns false to stop.
template<typename Fn>
Result<void> Ext2Inode::for_each_entry(u64 start, Fn fn)
{
    auto& fs = ext2();
    u32 block_size = fs.m_block_size;
    u64 block_count = size() / block_size;
    for (u64 logical = start / block_size; logical < block_count; ++logical) {
        u32 physical = TRY(map_block(logical, false));
        if (!physical)
            return Error { EIO }; // directories have no holes
        auto handle = TRY(cache().get(physical));
        u32 offset = 0;
        i64 previous = -1;
        while (offset < block_size) {
            if (offset + sizeof(DirEntryHeader) > block_size)
                return Error { EIO };
            ParsedEntry entry;
            memcpy(&entry.header, handle.data() + offset, sizeof(entry.header));
            entry.name_length = entry.header.name_len;
            if (!fs.has_filetype())
                entry.name_length |= u32(entry.header.file_type) << 8;
            u32 rec_len = entry.header.rec_len;
            if (rec_len < dir_rec_len(1) || rec_len % 4 || rec_len > block_size - offset || dir_rec_len(entry.name_length) > rec_len
                || entry.name_length > name_max || entry.header.inode > fs.m_super.s_inodes_count)
                return Error { EIO };
            entry.name = reinterpret_cast<const char*>(handle.data() + offset + sizeof(DirEntryHeader));
            u64 position = logical * block_size + offset;
            if (position >= start && !fn(position, entry, handle, offset, previous))
                return {};
            previous = offset;
            offset += rec_len;
        }
    }
    return {};
}

Result<Ext2Inode::Entry> Ext2Inode::find_entry(StringView name)
{
    Entry found { 0, 0, 0 };
    TRY(for_each_entry(0, [&](u64 position, const ParsedEntry& entry, BlockHandle&, u32, i64) {
        if (entry.header.inode == 0 || StringView(entry.name, entry.name_length) != name)
            return true;
        found = { position, entry.header.inode, entry.header.file_type };
        return false;
    }));
    if (!found.ino)
        return Error { ENOENT };
    return found;
}

void Ext2Inode::modified_directory()
{
    m_raw.i_flags &= ~flag_index;
    touch(true, true);
}

Result<void> Ext2Inode::add_entry(StringView name, u32 ino, u8 file_type)
{
    u32 needed = dir_rec_len(u32(name.length()));
    bool added = false;
    TRY(for_each_entry(0, [&](u64, const ParsedEntry& entry, BlockHandle& handle, u32 offset, i64) {
        u32 used = entry.header.inode ? dir_rec_len(entry.name_length) : 0;
        if (entry.header.rec_len < used + needed)
            return true;
        u8* at = handle.data() + offset;
        if (used) {
            // Split: the existing entry keeps what it uses, the new one gets the rest.
            u16 shrunk = u16(used);
            memcpy(at + 4, &shrunk, sizeof(shrunk));
            write_entry(at + used, ino, entry.header.rec_len - used, name, file_type);
        } else {
            write_entry(at, ino, entry.header.rec_len, name, file_type);
        }
        handle.mark_dirty();
        added = true;
        return false;
    }));
    if (!added) {
        u32 block_size = ext2().m_block_size;
        u64 logical = size() / block_size;
        u32 physical = TRY(map_block(logical, true));
        auto handle = TRY(cache().get(physical));
        write_entry(handle.data(), ino, block_size, name, file_type);
        handle.mark_dirty();
        set_size((logical + 1) * block_size);
    }
    modified_directory();
    return write_inode();
}

Result<void> Ext2Inode::remove_entry(StringView name)
{
    bool removed = false;
    TRY(for_each_entry(0, [&](u64, const ParsedEntry& entry, BlockHandle& handle, u32 offset, i64 previous) {
        if (entry.header.inode == 0 || StringView(entry.name, entry.name_length) != name)
            return true;
        if (previous < 0) {
            memset(handle.data() + offset, 0, 4); // first in its block: mark free
        } else {
            u8* before = handle.data() + previous;
            u16 merged;
            memcpy(&merged, before + 4, sizeof(merged));
            merged = u16(merged + entry.header.rec_len);
            memcpy(before + 4, &merged, sizeof(merged));
        }
        handle.mark_dirty();
        removed = true;
        return false;
    }));
    if (!removed)
        return Error { ENOENT };
    modified_directory();
    return write_inode();
}

Result<void> Ext2Inode::set_entry_inode(StringView name, u32 ino, u8 file_type)
{
    bool changed = false;
    TRY(for_each_entry(0, [&](u64, const ParsedEntry& entry, BlockHandle& handle, u32 offset, i64) {
        if (entry.header.inode == 0 || StringView(entry.name, entry.name_length) != name)
            return true;
        memcpy(handle.data() + offset, &ino, sizeof(ino));
        if (ext2().has_filetype())
            handle.data()[offset + 7] = file_type;
        handle.mark_dirty();
        changed = true;
        return false;
    }));
    if (!changed)
        return Error { ENOENT };
    modified_directory();
    return write_inode();
}

Result<bool> Ext2Inode::is_empty_directory()
{
    bool empty = true;
    TRY(for_each_entry(0, [&](u64, const ParsedEntry& entry, BlockHandle&, u32, i64) {
        StringView name(entry.name, entry.name_length);
        if (entry.header.inode != 0 && !is_dot(name)) {
            empty = false;
            return false;
        }
        return true;
    }));
    return empty;
}

Result<void> Ext2Inode::set_dotdot(u32 parent_ino)
{
    return set_entry_inode("..", parent_ino, ft_dir);
}

Result<void> Ext2Inode::check_new_name(StringView name)
{
    if (name.is_empty())
        return Error { ENOENT };
    if (name.length() > name_max)
        return Error { ENAMETOOLONG };
    if (is_dot(name))
        return Error { EEXIST };
    for (size_t i = 0; i < name.length(); ++i) {
        if (name[i] == '/' || name[i] == '\0')
            return Error { EINVAL };
    }
    if (ext2().m_read_only)
        return Error { EROFS };
    if (!is_dir())
        return Error { ENOTDIR };
    if (m_raw.i_links_count == 0)
        return Error { ENOENT }; // a removed directory
    auto existing = find_entry(name);
    if (!existing.is_error())
        return Error { EEXIST };
    if (existing.error() != Error { ENOENT })
        return existing.error();
    return {};
}

Result<RefPtr<Inode>> Ext2Inode::lookup(StringView name)
{
    Locker locker(ext2());
    if (!is_dir())
        return Error { ENOTDIR };
    if (name.length() > name_max)
        return Error { ENAMETOOLONG };
    if (name == StringView("."))
        return RefPtr<Inode>(this);
    auto entry = TRY(find_entry(name));
    return RefPtr<Inode>(TRY(ext2().get_inode_locked(entry.ino)));
}

Result<void> Ext2Inode::iterate_directory(u64 offset, DirectoryVisitor& visitor)
{
    Locker locker(ext2());
    if (!is_dir())
        return Error { ENOTDIR };
    return for_each_entry(offset, [&](u64 position, const ParsedEntry& entry, BlockHandle&, u32, i64) {
        if (entry.header.inode == 0)
            return true;
        u8 type = ext2().has_filetype() ? dt_from_file_type(entry.header.file_type) : dt_unknown;
        DirectoryEntryView view { StringView(entry.name, entry.name_length), entry.header.inode, type, position + entry.header.rec_len };
        return visitor.visit(view);
    });
}

Result<RefPtr<Ext2Inode>> Ext2Inode::create_child(StringView name, u32 mode, u32 uid, u32 gid, u64 rdev, StringView symlink_target)
{
    auto& fs = ext2();
    TRY(check_new_name(name));
    bool directory = (mode & s_ifmt) == s_ifdir;
    if (directory && m_raw.i_links_count >= link_max)
        return Error { EMLINK };
    u32 child_ino = TRY(fs.allocate_inode(u32(ino()), directory));

    RawInode raw {};
    raw.i_mode = u16(mode);
    raw.i_uid = u16(uid);
    raw.l_i_uid_high = u16(uid >> 16);
    raw.i_gid = u16(gid);
    raw.l_i_gid_high = u16(gid >> 16);
    raw.i_links_count = directory ? 2 : 1;
    raw.i_generation = ++fs.m_generation;
    u32 length = good_old_inode_size;
    if (fs.m_inode_size >= sizeof(RawInode)) {
        raw.i_extra_isize = large_inode_extra_isize;
        length = sizeof(RawInode);
    }
    if ((mode & s_ifmt) == s_ifchr || (mode & s_ifmt) == s_ifblk) {
        u32 major = u32((rdev >> 8) & 0xfff);
        u32 minor = u32((rdev & 0xff) | ((rdev >> 12) & 0xfff00));
        if (major < 256 && minor < 256)
            raw.i_block[0] = (major << 8) | minor;
        else
            raw.i_block[1] = (minor & 0xff) | (major << 8) | ((minor & ~0xffu) << 12);
    }
    if (auto written = fs.write_raw_inode(child_ino, raw, length, true); written.is_error()) {
        fs.free_inode(child_ino, directory);
        return written.error();
    }
    auto child_or_error = fs.get_inode_locked(child_ino);
    if (child_or_error.is_error()) {
        fs.free_inode(child_ino, directory);
        return child_or_error.error();
    }
    RefPtr<Ext2Inode> child = child_or_error.release_value();
    child->touch(true, true);
    child->m_raw.i_atime = child->m_raw.i_mtime;
    if (u32* extra = child->extra_time(child->m_raw.i_atime))
        *extra = child->m_raw.i_mtime_extra;
    // A failure below frees the new inode right away (it is never linked anywhere).
    auto discard = [&](Error error) -> Error {
        child->m_raw.i_links_count = 0;
        (void)child->free_storage_locked();
        return error;
    };

    if (directory) {
        auto block = child->map_block(0, true);
        if (block.is_error())
            return discard(block.error());
        auto handle = cache().get(block.value());
        if (handle.is_error())
            return discard(handle.error());
        u8* data = handle.value().data();
        write_entry(data, child_ino, dir_rec_len(1), ".", file_type_for(s_ifdir));
        write_entry(data + dir_rec_len(1), u32(ino()), fs.m_block_size - dir_rec_len(1), "..", file_type_for(s_ifdir));
        handle.value().mark_dirty();
        child->set_size(fs.m_block_size);
    } else if ((mode & s_ifmt) == s_iflnk) {
        if (symlink_target.length() <= fast_symlink_max) {
            memcpy(child->m_raw.i_block, symlink_target.chars(), symlink_target.length());
        } else {
            auto block = child->map_block(0, true);
            if (block.is_error())
                return discard(block.error());
            auto handle = cache().get(block.value());
            if (handle.is_error())
                return discard(handle.error());
            memcpy(handle.value().data(), symlink_target.chars(), symlink_target.length());
            handle.value().mark_dirty();
        }
        child->set_size(symlink_target.length());
    }
    if (auto written = child->write_inode(); written.is_error())
        return discard(written.error());
    if (auto added = add_entry(name, child_ino, file_type_for(mode)); added.is_error())
        return discard(added.error());
    if (directory) {
        ++m_raw.i_links_count;
        TRY(write_inode());
    }
    return child;
}

Result<RefPtr<Inode>> Ext2Inode::mknod(StringView name, u32 mode, u64 rdev, u32 uid, u32 gid)
{
    Locker locker(ext2());
    u32 type = mode & s_ifmt;
    if (type == 0)
        type = s_ifreg;
    if (type != s_ifreg && type != s_ifchr && type != s_ifblk && type != s_ififo && type != s_ifsock)
        return Error { EINVAL };
    return RefPtr<Inode>(TRY(create_child(name, type | (mode & 07777), uid, gid, rdev, {})));
}

Result<RefPtr<Inode>> Ext2Inode::mkdir(StringView name, u32 mode, u32 uid, u32 gid)
{
    Locker locker(ext2());
    return RefPtr<Inode>(TRY(create_child(name, s_ifdir | (mode & 07777), uid, gid, 0, {})));
}

Result<RefPtr<Inode>> Ext2Inode::symlink(StringView name, StringView target, u32 uid, u32 gid)
{
    Locker locker(ext2());
    if (target.is_empty())
        return Error { ENOENT };
    if (target.length() >= ext2().m_block_size)
        return Error { ENAMETOOLONG };
    return RefPtr<Inode>(TRY(create_child(name, s_iflnk | 0777, uid, gid, 0, target)));
}

Result<void> Ext2Inode::link(StringView name, Inode& target_inode)
{
    Locker locker(ext2());
    if (&target_inode.fs() != &fs())
        return Error { EXDEV };
    auto& target = static_cast<Ext2Inode&>(target_inode);
    if (target.is_dir())
        return Error { EPERM };
    if (target.m_raw.i_links_count >= link_max)
        return Error { EMLINK };
    if (target.m_raw.i_links_count == 0)
        return Error { ENOENT };
    TRY(check_new_name(name));
    TRY(add_entry(name, u32(target.ino()), file_type_for(target.m_raw.i_mode)));
    ++target.m_raw.i_links_count;
    target.touch(false, true);
    return target.write_inode();
}

Result<void> Ext2Inode::unlink(StringView name)
{
    RefPtr<Ext2Inode> victim; // dropped after the lock: the last reference frees the inode
    Locker locker(ext2());
    if (ext2().m_read_only)
        return Error { EROFS };
    if (!is_dir())
        return Error { ENOTDIR };
    if (is_dot(name))
        return Error { EISDIR };
    auto entry = TRY(find_entry(name));
    victim = TRY(ext2().get_inode_locked(entry.ino));
    if (victim->is_dir())
        return Error { EISDIR };
    TRY(remove_entry(name));
    if (victim->m_raw.i_links_count > 0)
        --victim->m_raw.i_links_count;
    victim->touch(false, true);
    return victim->write_inode();
}

Result<void> Ext2Inode::rmdir(StringView name)
{
    RefPtr<Ext2Inode> victim; // dropped after the lock
    Locker locker(ext2());
    if (ext2().m_read_only)
        return Error { EROFS };
    if (!is_dir())
        return Error { ENOTDIR };
    if (name == StringView("."))
        return Error { EINVAL };
    if (name == StringView(".."))
        return Error { ENOTEMPTY };
    auto entry = TRY(find_entry(name));
    victim = TRY(ext2().get_inode_locked(entry.ino));
    if (!victim->is_dir())
        return Error { ENOTDIR };
    if (victim.ptr() == this)
        return Error { EIO }; // an entry naming its own directory: corrupt
    if (!TRY(victim->is_empty_directory()))
        return Error { ENOTEMPTY };
    TRY(remove_entry(name));
    victim->m_raw.i_links_count = 0;
    victim->touch(false, true);
    TRY(victim->write_inode());
    if (m_raw.i_links_count > 2)
        --m_raw.i_links_count;
    return write_inode();
}

Result<void> Ext2Inode::rename(StringView name, Inode& new_directory, StringView new_name)
{
    RefPtr<Ext2Inode> source, victim; // dropped after the lock
    Locker locker(ext2());
    if (&new_directory.fs() != &fs())
        return Error { EXDEV };
    return rename_locked(name, static_cast<Ext2Inode&>(new_directory), new_name, source, victim);
}

Result<void> Ext2Inode::rename_locked(StringView name, Ext2Inode& new_dir, StringView new_name, RefPtr<Ext2Inode>& source, RefPtr<Ext2Inode>& victim)
{
    auto& fs = ext2();
    if (fs.m_read_only)
        return Error { EROFS };
    if (!is_dir() || !new_dir.is_dir())
        return Error { ENOTDIR };
    if (is_dot(name) || is_dot(new_name))
        return Error { EINVAL };
    if (new_name.is_empty())
        return Error { ENOENT };
    if (new_name.length() > name_max)
        return Error { ENAMETOOLONG };
    if (new_dir.m_raw.i_links_count == 0)
        return Error { ENOENT };
    auto source_entry = TRY(find_entry(name));
    source = TRY(fs.get_inode_locked(source_entry.ino));
    bool moving_dir = source->is_dir();
    if (source.ptr() == this || source.ptr() == &new_dir)
        return Error { EINVAL }; // FIXME: the VFS rejects moves into the own subtree; this is the cheap part

    auto target_entry = new_dir.find_entry(new_name);
    if (target_entry.is_error() && target_entry.error() != Error { ENOENT })
        return target_entry.error();
    u8 type = file_type_for(source->m_raw.i_mode);
    if (!target_entry.is_error()) {
        if (target_entry.value().ino == source_entry.ino)
            return {}; // both names already refer to the same inode: nothing to do
        victim = TRY(fs.get_inode_locked(target_entry.value().ino));
        if (moving_dir) {
            if (!victim->is_dir())
                return Error { ENOTDIR };
            if (!TRY(victim->is_empty_directory()))
                return Error { ENOTEMPTY };
        } else if (victim->is_dir()) {
            return Error { EISDIR };
        }
        TRY(new_dir.set_entry_inode(new_name, source_entry.ino, type));
        if (victim->is_dir()) {
            victim->m_raw.i_links_count = 0;
            if (new_dir.m_raw.i_links_count > 2)
                --new_dir.m_raw.i_links_count; // the victim's ".." is gone
        } else if (victim->m_raw.i_links_count > 0) {
            --victim->m_raw.i_links_count;
        }
        victim->touch(false, true);
        TRY(victim->write_inode());
    } else {
        if (moving_dir && &new_dir != this && new_dir.m_raw.i_links_count >= link_max)
            return Error { EMLINK };
        TRY(new_dir.add_entry(new_name, source_entry.ino, type));
    }
    TRY(remove_entry(name));
    if (moving_dir && &new_dir != this) {
        TRY(source->set_dotdot(u32(new_dir.ino())));
        if (m_raw.i_links_count > 2)
            --m_raw.i_links_count;
        ++new_dir.m_raw.i_links_count;
    }
    source->touch(false, true);
    TRY(source->write_inode());
    new_dir.modified_directory();
    TRY(new_dir.write_inode());
    modified_directory();
    return write_inode();
}

} // namespace sk
