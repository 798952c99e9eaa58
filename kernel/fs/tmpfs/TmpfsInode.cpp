// TmpfsInode: directories, file data, symlinks and attributes of tmpfs nodes.
#include <fs/tmpfs/TmpfsInode.h>
#include <lib/IoBuffer.h>
#include <vfs/FileMode.h>
#include <new>
#include <string.h>
#include <vfs/Clock.h>

namespace sk {

static constexpr u64 max_file_size = 0x7fffffffffffffffull;
static constexpr u64 bogo_directory_entry_size = 20; // what Linux's tmpfs reports per entry

TmpfsInode::TmpfsInode(TmpfsFileSystem& fs, u64 ino, u32 mode, u64 rdev, u32 uid, u32 gid)
    : Inode(fs, ino)
    , m_mode(mode)
    , m_uid(uid)
    , m_gid(gid)
    , m_rdev(rdev)
{
    Timespec now = filesystem_now();
    m_atime = m_mtime = m_ctime = now;
    m_nlink = mode_is_directory(mode) ? 2 : 1;
    fs.inode_created();
}

TmpfsInode::~TmpfsInode()
{
    tmpfs().uncharge_pages(m_pages.size());
    tmpfs().inode_destroyed();
}

Result<RefPtr<TmpfsInode>> TmpfsInode::try_create(TmpfsFileSystem& fs, u32 mode, u64 rdev, u32 uid, u32 gid)
{
    auto* inode = new (std::nothrow) TmpfsInode(fs, fs.allocate_inode_number(), mode, rdev, uid, gid);
    if (!inode)
        return Error { ENOMEM };
    return RefPtr<TmpfsInode>(inode);
}

void TmpfsInode::make_root()
{
    m_is_root = true;
    m_parent = this;
}

InodeMetadata TmpfsInode::metadata()
{
    MutexGuard guard(m_lock);
    InodeMetadata metadata;
    metadata.ino = m_ino;
    metadata.mode = m_mode;
    metadata.uid = m_uid;
    metadata.gid = m_gid;
    metadata.nlink = m_nlink;
    metadata.rdev = m_rdev;
    metadata.block_size = tmpfs_page_size;
    metadata.blocks = m_pages.size() * (tmpfs_page_size / 512);
    if (is_dir())
        metadata.size = (entry_count() + 2) * bogo_directory_entry_size;
    else if (mode_is_symlink(m_mode))
        metadata.size = m_target.length();
    else
        metadata.size = m_size;
    metadata.atime = m_atime;
    metadata.mtime = m_mtime;
    metadata.ctime = m_ctime;
    return metadata;
}

// --- directories ---

TmpfsInode::DirectoryEntry* TmpfsInode::find_entry(StringView name)
{
    auto** entry = m_names.get(name);
    return entry ? *entry : nullptr;
}

void TmpfsInode::touch_modified()
{
    MutexGuard guard(m_lock);
    m_mtime = m_ctime = filesystem_now();
}

void TmpfsInode::adjust_link_count(int delta)
{
    MutexGuard guard(m_lock);
    m_nlink += delta;
    m_ctime = filesystem_now();
}

Result<void> TmpfsInode::reserve_entry()
{
    auto reserved = m_cookie_index.try_ensure_capacity(m_cookie_index.size() + 1);
    if (!reserved.is_error())
        reserved = m_names.try_ensure_capacity(m_names.size() + 1);
    if (reserved.is_error())
        tidy_entries(); // an empty directory keeps no half-made room
    return reserved;
}

void TmpfsInode::insert_entry(DirectoryEntry* entry)
{
    entry->cookie = m_next_cookie++;
    entry->slot = m_cookie_index.size();
    VERIFY(!m_cookie_index.try_append(CookieSlot(entry->cookie, entry)).is_error());
    VERIFY(!m_names.try_set(entry->name.view(), entry).is_error());
}

Result<void> TmpfsInode::add_entry(StringView name, RefPtr<TmpfsInode> inode)
{
    auto owned_name = TRY(KString::try_create(name));
    TRY(reserve_entry());
    auto* entry = new (std::nothrow) DirectoryEntry { std::move(owned_name), std::move(inode), 0, 0 };
    if (!entry) {
        tidy_entries();
        return Error { ENOMEM };
    }
    insert_entry(entry);
    TmpfsInode& child = *entry->inode;
    if (child.is_dir()) {
        child.m_parent = this;
        adjust_link_count(+1);
    }
    touch_modified();
    return {};
}

RefPtr<TmpfsInode> TmpfsInode::remove_entry(DirectoryEntry& entry)
{
    VERIFY(m_names.remove(entry.name.view()));
    CookieSlot removed = std::move(m_cookie_index[entry.slot]); // the slot stays, empty, with its cookie
    RefPtr<TmpfsInode> inode = std::move(entry.inode);
    tidy_entries();
    if (inode->is_dir())
        adjust_link_count(-1);
    touch_modified();
    return inode;
}

// Frees both tables of an emptied directory (the leak check relies on it), and squeezes the
// empty slots out of the cookie index once they outnumber the entries, so a walk or a resume
// never crosses more empty slots than there are entries. Never allocates.
void TmpfsInode::tidy_entries()
{
    if (entry_count() == 0) {
        m_names.clear_and_free();
        m_cookie_index.clear_and_free();
        return;
    }
    if (m_cookie_index.size() - entry_count() <= entry_count())
        return;
    size_t kept = 0;
    for (size_t i = 0; i < m_cookie_index.size(); ++i) {
        DirectoryEntry* entry = m_cookie_index[i].entry();
        if (!entry)
            continue;
        entry->slot = kept;
        if (i != kept)
            m_cookie_index[kept] = std::move(m_cookie_index[i]);
        ++kept;
    }
    while (m_cookie_index.size() > kept)
        m_cookie_index.take_last();
}

static bool is_dot_or_dot_dot(StringView name)
{
    return name == StringView(".", 1) || name == StringView("..", 2);
}

Result<RefPtr<Inode>> TmpfsInode::lookup(StringView name)
{
    if (!is_dir())
        return Error { ENOTDIR };
    MutexGuard guard(tmpfs().namespace_lock());
    if (name == StringView(".", 1))
        return RefPtr<Inode>(this);
    if (name == StringView("..", 2)) {
        if (!m_parent)
            return Error { ENOENT };
        return RefPtr<Inode>(m_parent);
    }
    auto* entry = find_entry(name);
    if (!entry)
        return Error { ENOENT };
    return RefPtr<Inode>(entry->inode);
}

Result<RefPtr<Inode>> TmpfsInode::create_child(StringView name, RefPtr<TmpfsInode> child)
{
    if (!is_dir())
        return Error { ENOTDIR };
    if (name.length() > 255)
        return Error { ENAMETOOLONG };
    MutexGuard guard(tmpfs().namespace_lock());
    if (!m_parent)
        return Error { ENOENT }; // this directory was removed
    if (name.is_empty() || is_dot_or_dot_dot(name) || find_entry(name))
        return Error { EEXIST };
    TRY(add_entry(name, child));
    return RefPtr<Inode>(child);
}

Result<RefPtr<Inode>> TmpfsInode::mknod(StringView name, u32 mode, u64 rdev, u32 uid, u32 gid)
{
    u32 type = mode_type(mode);
    if (type != S_IFREG && type != S_IFCHR && type != S_IFBLK && type != S_IFIFO && type != S_IFSOCK)
        return Error { EINVAL };
    auto child = TRY(try_create(tmpfs(), mode, rdev, uid, gid));
    return create_child(name, std::move(child));
}

Result<RefPtr<Inode>> TmpfsInode::mkdir(StringView name, u32 mode, u32 uid, u32 gid)
{
    auto child = TRY(try_create(tmpfs(), S_IFDIR | (mode & 07777), 0, uid, gid));
    return create_child(name, std::move(child));
}

Result<RefPtr<Inode>> TmpfsInode::symlink(StringView name, StringView target, u32 uid, u32 gid)
{
    auto child = TRY(try_create(tmpfs(), S_IFLNK | 0777, 0, uid, gid));
    child->m_target = TRY(KString::try_create(target));
    return create_child(name, std::move(child));
}

Result<void> TmpfsInode::link(StringView name, Inode& target_inode)
{
    if (!is_dir())
        return Error { ENOTDIR };
    if (&target_inode.fs() != m_fs.ptr())
        return Error { EXDEV };
    auto& target = static_cast<TmpfsInode&>(target_inode);
    if (target.is_dir())
        return Error { EPERM };
    if (name.length() > 255)
        return Error { ENAMETOOLONG };
    MutexGuard guard(tmpfs().namespace_lock());
    if (!m_parent)
        return Error { ENOENT };
    if (target.metadata().nlink == 0)
        return Error { ENOENT }; // an unlinked file cannot get a name back
    if (is_dot_or_dot_dot(name) || find_entry(name))
        return Error { EEXIST };
    TRY(add_entry(name, RefPtr<TmpfsInode>(target)));
    target.adjust_link_count(+1);
    return {};
}

Result<void> TmpfsInode::unlink(StringView name)
{
    if (!is_dir())
        return Error { ENOTDIR };
    MutexGuard guard(tmpfs().namespace_lock());
    auto* entry = find_entry(name);
    if (!entry)
        return Error { ENOENT };
    if (entry->inode->is_dir())
        return Error { EISDIR };
    auto victim = remove_entry(*entry);
    victim->adjust_link_count(-1);
    return {};
}

Result<void> TmpfsInode::rmdir(StringView name)
{
    if (!is_dir())
        return Error { ENOTDIR };
    MutexGuard guard(tmpfs().namespace_lock());
    if (name == StringView(".", 1))
        return Error { EINVAL };
    if (name == StringView("..", 2))
        return Error { ENOTEMPTY };
    auto* entry = find_entry(name);
    if (!entry)
        return Error { ENOENT };
    TmpfsInode& victim = *entry->inode;
    if (!victim.is_dir())
        return Error { ENOTDIR };
    if (victim.entry_count() != 0)
        return Error { ENOTEMPTY };
    auto removed = remove_entry(*entry);
    removed->m_parent = nullptr;
    MutexGuard victim_guard(removed->m_lock);
    removed->m_nlink = 0;
    removed->m_ctime = filesystem_now();
    return {};
}

Result<void> TmpfsInode::rename(StringView name, Inode& new_directory_inode, StringView new_name)
{
    if (!is_dir() || !new_directory_inode.is_directory())
        return Error { ENOTDIR };
    if (&new_directory_inode.fs() != m_fs.ptr())
        return Error { EXDEV };
    auto& new_directory = static_cast<TmpfsInode&>(new_directory_inode);
    if (is_dot_or_dot_dot(name) || is_dot_or_dot_dot(new_name))
        return Error { EBUSY };
    if (new_name.length() > 255)
        return Error { ENAMETOOLONG };

    MutexGuard guard(tmpfs().namespace_lock());
    DirectoryEntry* source_entry = find_entry(name);
    if (!source_entry)
        return Error { ENOENT };
    if (!new_directory.m_parent)
        return Error { ENOENT };
    RefPtr<TmpfsInode> source = source_entry->inode;
    if (source->is_dir()) {
        for (TmpfsInode* ancestor = &new_directory;; ancestor = ancestor->m_parent) {
            if (ancestor == source.ptr())
                return Error { EINVAL };
            if (ancestor->m_is_root || !ancestor->m_parent)
                break;
        }
    }
    DirectoryEntry* target_entry = new_directory.find_entry(new_name);
    RefPtr<TmpfsInode> replaced;
    if (target_entry) {
        TmpfsInode& target = *target_entry->inode;
        if (&target == source.ptr())
            return {};
        if (source->is_dir() && !target.is_dir())
            return Error { ENOTDIR };
        if (!source->is_dir() && target.is_dir())
            return Error { EISDIR };
        if (target.is_dir() && target.entry_count() != 0)
            return Error { ENOTEMPTY };
        // Nothing below can fail: the source takes over the target's entry, keeping its
        // cookie (Linux's tmpfs does the same: a walk sees the new name where the old one
        // was), and the source's own entry goes.
        replaced = std::exchange(target_entry->inode, source);
        remove_entry(*source_entry);
    } else {
        // Make room for the new name first, so nothing below can fail halfway.
        auto owned_name = TRY(KString::try_create(new_name));
        TRY(new_directory.reserve_entry());
        // The entry moves to the end of the new directory's cookie order, with a new cookie.
        // It goes into the new name table before it leaves the old one: reserved room holds
        // only while nothing is removed from that table in between (HashMap.h). Until then
        // the old key views old_name's characters, which moving a KString leaves in place.
        DirectoryEntry* moving = m_cookie_index[source_entry->slot].release(); // the slot stays, empty
        KString old_name = std::exchange(moving->name, std::move(owned_name));
        new_directory.insert_entry(moving);
        VERIFY(m_names.remove(old_name.view()));
        tidy_entries();
        if (source->is_dir())
            adjust_link_count(-1);
        touch_modified();
    }
    if (source->is_dir()) {
        source->m_parent = &new_directory;
        new_directory.adjust_link_count(+1);
    }
    if (replaced && replaced->is_dir()) {
        replaced->m_parent = nullptr;
        new_directory.adjust_link_count(-1);
        MutexGuard replaced_guard(replaced->m_lock);
        replaced->m_nlink = 0;
        replaced->m_ctime = filesystem_now();
    } else if (replaced) {
        replaced->adjust_link_count(-1);
    }
    new_directory.touch_modified();
    MutexGuard moved_guard(source->m_lock);
    source->m_ctime = filesystem_now();
    return {};
}

Result<void> TmpfsInode::iterate_directory(u64 offset, DirectoryVisitor& visitor)
{
    if (!is_dir())
        return Error { ENOTDIR };
    MutexGuard guard(tmpfs().namespace_lock());
    if (!m_parent)
        return Error { ENOENT }; // removed directory, as Linux's IS_DEADDIR
    if (offset == 0 && !visitor.visit(DirectoryEntryView { StringView(".", 1), m_ino, directory_entry_type(S_IFDIR), 1 }))
        return {};
    if (offset <= 1 && !visitor.visit(DirectoryEntryView { StringView("..", 2), m_parent->m_ino, directory_entry_type(S_IFDIR), 2 }))
        return {};
    // Resume at the first slot whose cookie is at or after offset, whether or not the entry
    // that offset came from still exists; empty slots are passed over.
    size_t low = 0, high = m_cookie_index.size();
    while (low < high) {
        size_t middle = (low + high) / 2;
        if (m_cookie_index[middle].cookie() < offset)
            low = middle + 1;
        else
            high = middle;
    }
    for (size_t i = low; i < m_cookie_index.size(); ++i) {
        DirectoryEntry* entry = m_cookie_index[i].entry();
        if (!entry)
            continue;
        DirectoryEntryView view { entry->name.view(), entry->inode->ino(), directory_entry_type(entry->inode->m_mode), entry->cookie + 1 };
        if (!visitor.visit(view))
            break;
    }
    return {};
}

// --- symlinks ---

Result<size_t> TmpfsInode::readlink(char* buffer, size_t size)
{
    if (!mode_is_symlink(m_mode))
        return Error { EINVAL };
    MutexGuard guard(m_lock);
    size_t length = min(size, m_target.length());
    memcpy(buffer, m_target.chars(), length);
    return length;
}

// --- file data ---

size_t TmpfsInode::page_lower_bound(u64 index) const
{
    size_t low = 0, high = m_pages.size();
    while (low < high) {
        size_t middle = (low + high) / 2;
        if (m_pages[middle].index() < index)
            low = middle + 1;
        else
            high = middle;
    }
    return low;
}

Result<u8*> TmpfsInode::page_for_write(u64 index, size_t& position)
{
    if (position < m_pages.size() && m_pages[position].index() == index)
        return m_pages[position].data();
    TRY(tmpfs().charge_page());
    auto* data = new (std::nothrow) u8[tmpfs_page_size];
    if (!data) {
        tmpfs().uncharge_pages(1);
        return Error { ENOMEM };
    }
    memset(data, 0, tmpfs_page_size);
    Page page(index, data);
    auto appended = m_pages.try_append(std::move(page));
    if (appended.is_error()) {
        tmpfs().uncharge_pages(1);
        return appended.error();
    }
    // Rotate the new page from the end into its sorted position.
    for (size_t i = m_pages.size() - 1; i > position; --i) {
        Page moving = std::move(m_pages[i]);
        m_pages[i] = std::move(m_pages[i - 1]);
        m_pages[i - 1] = std::move(moving);
    }
    return data;
}

// read_at and write_at look up a batch of pages under m_lock, then copy them with the lock
// dropped (see TmpfsInode.h): the copy may fault and read this very file. m_gate keeps
// truncation from freeing the pages meanwhile.
static constexpr size_t pages_per_batch = 16;

Result<size_t> TmpfsInode::read_at(u64 offset, const IoBuffer& buffer, size_t length)
{
    if (is_dir())
        return Error { EISDIR };
    if (!mode_is_regular(m_mode))
        return Error { EINVAL };
    size_t done = 0;
    Error failure { 0 };
    while (done < length && !failure.code) {
        const u8* pages[pages_per_batch]; // null: a hole
        size_t count = 0;
        size_t batch_end = done; // the batch covers [done, batch_end) of the buffer
        DataCopyGate::Reader reader;
        {
            MutexGuard guard(m_lock);
            if (offset + done >= m_size)
                break;
            size_t end = done + min<u64>(length - done, m_size - (offset + done));
            size_t position = page_lower_bound((offset + done) / tmpfs_page_size);
            while (count < pages_per_batch && batch_end < end) {
                u64 at = offset + batch_end;
                u64 index = at / tmpfs_page_size;
                while (position < m_pages.size() && m_pages[position].index() < index)
                    ++position;
                bool present = position < m_pages.size() && m_pages[position].index() == index;
                pages[count++] = present ? m_pages[position].data() : nullptr;
                batch_end = min<size_t>(end, batch_end + (tmpfs_page_size - at % tmpfs_page_size));
            }
            reader = m_gate.begin_read();
        }
        for (size_t i = 0; i < count; ++i) {
            size_t in_page = (offset + done) % tmpfs_page_size;
            size_t chunk = min<size_t>(tmpfs_page_size - in_page, batch_end - done);
            auto copied = pages[i] ? buffer.write(done, pages[i] + in_page, chunk) : buffer.fill_zero(done, chunk);
            if (copied.is_error()) {
                failure = copied.error();
                break;
            }
            done += chunk;
        }
    }
    // FIXME: atime is not updated on reads (behaves like mounting with noatime).
    if (done == 0 && failure.code)
        return failure;
    return done;
}

Result<size_t> TmpfsInode::write_at(u64 offset, const IoBuffer& buffer, size_t length)
{
    if (is_dir())
        return Error { EISDIR };
    if (!mode_is_regular(m_mode))
        return Error { EINVAL };
    if (offset >= max_file_size)
        return Error { EFBIG };
    length = min<u64>(length, max_file_size - offset);
    // Also keeps truncation away from the copies; readers never look past m_size, which
    // this write moves only at the end.
    MutexGuard writer(m_gate.writer_lock());
    size_t done = 0;
    Error failure { 0 };
    bool copy_failed = false;
    while (done < length && !failure.code) {
        u8* pages[pages_per_batch];
        size_t count = 0;
        size_t batch_end = done;
        {
            MutexGuard guard(m_lock);
            size_t position = page_lower_bound((offset + done) / tmpfs_page_size);
            while (count < pages_per_batch && batch_end < length) {
                u64 at = offset + batch_end;
                u64 index = at / tmpfs_page_size;
                while (position < m_pages.size() && m_pages[position].index() < index)
                    ++position;
                auto page = page_for_write(index, position);
                if (page.is_error()) {
                    failure = page.error();
                    break;
                }
                pages[count++] = page.value();
                batch_end = min<size_t>(length, batch_end + (tmpfs_page_size - at % tmpfs_page_size));
            }
        }
        for (size_t i = 0; i < count; ++i) {
            size_t in_page = (offset + done) % tmpfs_page_size;
            size_t chunk = min<size_t>(tmpfs_page_size - in_page, batch_end - done);
            auto copied = buffer.read(done, pages[i] + in_page, chunk);
            if (copied.is_error()) {
                failure = copied.error();
                copy_failed = true;
                break;
            }
            done += chunk;
        }
    }
    MutexGuard guard(m_lock);
    if (done) {
        m_size = max<u64>(m_size, offset + done);
        m_mtime = m_ctime = filesystem_now();
    }
    if (copy_failed)
        drop_data_past(m_size); // what the failed batch left past the end
    // FIXME: a write by a non-owner does not clear S_ISUID/S_ISGID (Linux's file_remove_privs).
    if (done == 0 && failure.code)
        return failure;
    return done;
}

void TmpfsInode::drop_data_past(u64 size)
{
    // Drop whole pages past the end, zero the tail of the last one: growing the file again
    // must read zeros there.
    u64 first_dropped = align_up<u64>(size, tmpfs_page_size) / tmpfs_page_size;
    size_t keep = page_lower_bound(first_dropped);
    size_t dropped = m_pages.size() - keep;
    while (m_pages.size() > keep)
        m_pages.take_last();
    tmpfs().uncharge_pages(dropped);
    if (size % tmpfs_page_size) {
        size_t position = page_lower_bound(size / tmpfs_page_size);
        if (position < m_pages.size() && m_pages[position].index() == size / tmpfs_page_size) {
            size_t in_page = size % tmpfs_page_size;
            memset(m_pages[position].data() + in_page, 0, tmpfs_page_size - in_page);
        }
    }
}

void TmpfsInode::truncate_data(u64 size)
{
    if (size < m_size)
        drop_data_past(size);
    m_size = size;
}

Result<void> TmpfsInode::setattr(const InodeAttributes& attributes)
{
    // Exclusive: truncation may free pages that a reader or writer copies unlocked.
    DataCopyGate::Exclusive exclusive(m_gate, m_lock);
    if (attributes.mask & InodeAttributes::Size) {
        if (is_dir())
            return Error { EISDIR };
        if (!mode_is_regular(m_mode))
            return Error { EINVAL };
        if (attributes.size > max_file_size)
            return Error { EFBIG };
        truncate_data(attributes.size);
    }
    if (attributes.mask & InodeAttributes::Mode)
        m_mode = mode_type(m_mode) | (attributes.mode & 07777);
    if (attributes.mask & InodeAttributes::Uid)
        m_uid = attributes.uid;
    if (attributes.mask & InodeAttributes::Gid)
        m_gid = attributes.gid;
    if (attributes.mask & InodeAttributes::Atime)
        m_atime = attributes.atime;
    if (attributes.mask & InodeAttributes::Mtime)
        m_mtime = attributes.mtime;
    if (attributes.mask & InodeAttributes::Ctime)
        m_ctime = attributes.ctime;
    return {};
}

} // namespace sk
