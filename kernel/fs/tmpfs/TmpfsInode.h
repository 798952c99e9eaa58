// TmpfsInode: one tmpfs node. A regular file keeps its data as a sorted array of page-sized
// chunks, absent chunks being holes that read as zeros; a symlink keeps its target.
//
// A directory keeps each entry in a heap node (DirectoryEntry) reached two ways:
//   - m_names, name -> entry, keyed by a view of the entry's own name: lookup, create, unlink
//     and rename find a name in O(1) expected;
//   - m_cookie_index, the entries in increasing cookie order (the cookie is the getdents
//     offset, stable across removals; new entries take the next cookie, so they append).
//     It owns the entries. A removal empties the entry's slot but keeps its cookie, so the
//     index stays sorted and each entry remembers its own slot (O(1) removal); when empty
//     slots outnumber entries, they are squeezed out in place (amortized O(1), never an
//     allocation). getdents resumes at any offset by binary search for the first slot at or
//     after it: an entry removed before or at the resume point costs nothing, the walk
//     continues with the next larger cookie (Linux's stable offsets), and nothing is skipped
//     or repeated. There is no per-walk state to keep alive, which matters because an offset
//     can come back at any time (seekdir) and the VFS does not tell filesystems which
//     directories are open. A rename onto an existing name keeps that name's cookie, as
//     Linux's tmpfs does (shmem_rename2); any other rename appends with a new cookie.
// An emptied directory frees both tables (the leak check relies on it); neither table ever
// shrinks otherwise, as the one array before them did not.
// FIXME: names hash with unseeded FNV-1a, so someone who can create names in a shared
// directory (/tmp) can pick colliding ones and make lookups there linear again (Linux salts
// its dcache hash per boot).
//
// Ownership: a directory entry holds its inode strongly; a directory refers to its parent by
// a raw pointer (m_parent), valid while it is linked — a parent cannot be removed while it
// has subdirectories, and rmdir/rename update it under the namespace lock.
//
// Locking: m_lock guards every field below except the directory entries and m_parent, which
// the filesystem's namespace lock guards. Order: namespace lock, then inode locks. File data
// is copied to and from the caller's buffer with m_lock dropped, one page at a time (the copy
// may fault and read this file); m_gate keeps truncation from freeing a page under such a
// copy and serializes writers (DataCopyGate.h). Order: writer lock, then m_lock.
#pragma once

#include <fs/tmpfs/TmpfsFileSystem.h>
#include <lib/HashMap.h>
#include <lib/KString.h>
#include <lib/Vector.h>
#include <proc/Mutex.h>
#include <vfs/DataCopyGate.h>
#include <vfs/Inode.h>

namespace sk {

class TmpfsInode final : public Inode {
public:
    static Result<RefPtr<TmpfsInode>> try_create(TmpfsFileSystem& fs, u32 mode, u64 rdev, u32 uid, u32 gid);
    ~TmpfsInode() override;

    InodeMetadata metadata() override;
    Result<RefPtr<Inode>> lookup(StringView name) override;
    Result<RefPtr<Inode>> mknod(StringView name, u32 mode, u64 rdev, u32 uid, u32 gid) override;
    Result<RefPtr<Inode>> mkdir(StringView name, u32 mode, u32 uid, u32 gid) override;
    Result<RefPtr<Inode>> symlink(StringView name, StringView target, u32 uid, u32 gid) override;
    Result<void> link(StringView name, Inode& target) override;
    Result<void> unlink(StringView name) override;
    Result<void> rmdir(StringView name) override;
    Result<void> rename(StringView name, Inode& new_directory, StringView new_name) override;
    Result<void> iterate_directory(u64 offset, DirectoryVisitor& visitor) override;
    Result<size_t> readlink(char* buffer, size_t size) override;
    Result<size_t> read_at(u64 offset, const IoBuffer& buffer, size_t length) override;
    Result<size_t> write_at(u64 offset, const IoBuffer& buffer, size_t length) override;
    Result<void> setattr(const InodeAttributes& attributes) override;

    // The filesystem's root: ".." is itself and it counts as linked.
    void make_root();

private:
    struct DirectoryEntry {
        KString name;
        RefPtr<TmpfsInode> inode;
        u64 cookie;
        size_t slot; // its position in m_cookie_index
    };
    // A slot of the cookie index: owns its entry, or is empty once the entry was removed.
    class CookieSlot {
    public:
        CookieSlot(u64 cookie, DirectoryEntry* entry) : m_cookie(cookie), m_entry(entry) { }
        CookieSlot(CookieSlot&& other) : m_cookie(other.m_cookie), m_entry(std::exchange(other.m_entry, nullptr)) { }
        CookieSlot& operator=(CookieSlot&& other)
        {
            if (this != &other) {
                delete m_entry;
                m_cookie = other.m_cookie;
                m_entry = std::exchange(other.m_entry, nullptr);
            }
            return *this;
        }
        ~CookieSlot() { delete m_entry; }
        u64 cookie() const { return m_cookie; }
        DirectoryEntry* entry() const { return m_entry; }
        DirectoryEntry* release() { return std::exchange(m_entry, nullptr); }

    private:
        u64 m_cookie;
        DirectoryEntry* m_entry;
    };
    // One page-sized chunk of file data; owns its memory.
    class Page {
    public:
        Page(u64 index, u8* data) : m_index(index), m_data(data) { }
        Page(Page&& other) : m_index(other.m_index), m_data(std::exchange(other.m_data, nullptr)) { }
        Page& operator=(Page&& other)
        {
            if (this != &other) {
                delete[] m_data;
                m_index = other.m_index;
                m_data = std::exchange(other.m_data, nullptr);
            }
            return *this;
        }
        ~Page() { delete[] m_data; }
        u64 index() const { return m_index; }
        u8* data() const { return m_data; }

    private:
        u64 m_index;
        u8* m_data;
    };

    TmpfsInode(TmpfsFileSystem& fs, u64 ino, u32 mode, u64 rdev, u32 uid, u32 gid);
    TmpfsFileSystem& tmpfs() const { return static_cast<TmpfsFileSystem&>(*m_fs); }
    bool is_dir() const { return mode_is_directory(m_mode); }

    // Directory helpers; the namespace lock is held.
    DirectoryEntry* find_entry(StringView name);
    size_t entry_count() const { return m_names.size(); }
    Result<void> reserve_entry(); // room for one more entry in both tables
    void insert_entry(DirectoryEntry* entry); // takes ownership; room is reserved
    Result<void> add_entry(StringView name, RefPtr<TmpfsInode> inode);
    RefPtr<TmpfsInode> remove_entry(DirectoryEntry& entry);
    void tidy_entries();
    Result<RefPtr<Inode>> create_child(StringView name, RefPtr<TmpfsInode> child);
    void touch_modified();
    void adjust_link_count(int delta);

    // Data helpers; m_lock is held.
    size_t page_lower_bound(u64 index) const;
    Result<u8*> page_for_write(u64 index, size_t& position);
    void truncate_data(u64 size);
    void drop_data_past(u64 size); // frees pages past size, zeroes the last page's tail

    Mutex m_lock;
    DataCopyGate m_gate;
    u32 m_mode;
    u32 m_uid, m_gid;
    u32 m_nlink { 0 };
    u64 m_rdev;
    u64 m_size { 0 };
    Timespec m_atime, m_mtime, m_ctime;

    // Directories (see above).
    HashMap<StringView, DirectoryEntry*> m_names; // views of the entries' names; not owning
    Vector<CookieSlot> m_cookie_index;             // by increasing cookie; owns the entries
    u64 m_next_cookie { 2 };                       // 0 and 1 are "." and ".."
    TmpfsInode* m_parent { nullptr }; // directories; null once removed
    bool m_is_root { false };
    Vector<Page> m_pages;             // regular files, sorted by index
    KString m_target;                 // symlinks
};

} // namespace sk
