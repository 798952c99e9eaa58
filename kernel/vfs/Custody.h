// Custody: a resolved path, as the chain (parent custody, name, inode) — how the VFS knows
// the absolute path of a cwd or an open file (getcwd, /proc/<pid>/fd, /proc/<pid>/exe) and
// resolves ".." across mount points without a dentry cache. The root custody has no parent.
#pragma once

#include <lib/KString.h>
#include <lib/RefPtr.h>
#include <vfs/Inode.h>

namespace sk {

class Custody : public RefCounted<Custody> {
public:
    static Result<RefPtr<Custody>> try_create(RefPtr<Custody> parent, StringView name, RefPtr<Inode> inode);

    Custody* parent() const { return m_parent.ptr(); }
    StringView name() const { return m_name.view(); }
    Inode& inode() const { return *m_inode; }
    RefPtr<Inode> inode_ref() const { return m_inode; }

    // Writes the absolute path ("/" for the root) into buffer; ERANGE if it does not fit.
    Result<size_t> absolute_path(char* buffer, size_t size) const;

private:
    Custody(RefPtr<Custody> parent, KString name, RefPtr<Inode> inode);

    RefPtr<Custody> m_parent;
    KString m_name;
    RefPtr<Inode> m_inode;
};

} // namespace sk
