// Custody: the (parent, name, inode) chain of a resolved path. The chain is immutable once
// built, so absolute_path needs no locks; a rename after the walk leaves the old name here
// (as Linux's d_path would show the new one — FIXME: custodies do not follow renames).
#include <string.h>
#include <vfs/Custody.h>

namespace sk {

Custody::Custody(RefPtr<Custody> parent, KString name, RefPtr<Inode> inode)
    : m_parent(std::move(parent))
    , m_name(std::move(name))
    , m_inode(std::move(inode))
{
}

Result<RefPtr<Custody>> Custody::try_create(RefPtr<Custody> parent, StringView name, RefPtr<Inode> inode)
{
    VERIFY(inode);
    auto owned_name = TRY(KString::try_create(name));
    auto* custody = new (std::nothrow) Custody(std::move(parent), std::move(owned_name), std::move(inode));
    if (!custody)
        return Error { ENOMEM };
    return RefPtr<Custody>(custody);
}

Result<size_t> Custody::absolute_path(char* buffer, size_t size) const
{
    // Measure first, then fill from the end backwards: no recursion, no temporary buffer.
    size_t length = 0;
    for (auto* custody = this; custody->parent(); custody = custody->parent())
        length += 1 + custody->name().length();
    if (length == 0)
        length = 1; // "/"
    if (length + 1 > size)
        return Error { ERANGE };
    buffer[length] = '\0';
    buffer[0] = '/';
    size_t end = length;
    for (auto* custody = this; custody->parent(); custody = custody->parent()) {
        StringView name = custody->name();
        end -= name.length();
        memcpy(buffer + end, name.chars(), name.length());
        buffer[--end] = '/';
    }
    return length;
}

} // namespace sk
