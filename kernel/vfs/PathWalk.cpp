// PathWalk: the one path resolution of the kernel. It walks component by component from the
// root (absolute paths) or the base custody, checking MAY_EXEC on every directory it looks a
// name up in, crossing mount points downwards (cross_mounts) and upwards (".." goes to the
// custody's parent, which for a mounted root is the mountpoint's parent), and following
// symlinks by splicing the link's target in front of the rest of the path, at most 40 times
// in one walk (ELOOP beyond).
#include <string.h>
#include <vfs/Permission.h>
#include <vfs/VirtualFileSystem.h>

namespace sk {

bool PathResolution::last_is_dot() const
{
    StringView name = last_name();
    return name == StringView(".", 1) || name == StringView("..", 2);
}

static bool only_slashes(StringView s)
{
    for (size_t i = 0; i < s.length(); ++i) {
        if (s[i] != '/')
            return false;
    }
    return true;
}

Result<void> VirtualFileSystem::walk(Custody& base, StringView path, const Credentials& credentials, u32 options, PathResolution& out)
{
    out.parent = nullptr;
    out.custody = nullptr;
    out.name_length = 0;
    out.trailing_slash = false;
    if (path.is_empty())
        return Error { ENOENT };
    if (path.length() >= path_max)
        return Error { ENAMETOOLONG };
    VERIFY(m_root_custody);

    RefPtr<Custody> current = path[0] == '/' ? m_root_custody : RefPtr<Custody>(base);
    Vector<char> spliced; // owns the path once a symlink has been followed
    StringView remaining = path;
    unsigned follows = 0;

    for (;;) {
        size_t start = 0;
        while (start < remaining.length() && remaining[start] == '/')
            ++start;
        if (start == remaining.length()) {
            // Nothing but slashes left: the path names `current` itself ("/", "//", a link to "/").
            out.custody = current;
            return {};
        }
        size_t end = start;
        while (end < remaining.length() && remaining[end] != '/')
            ++end;
        StringView component = remaining.substring(start, end - start);
        StringView rest = remaining.substring(end);
        bool is_last = only_slashes(rest);
        bool trailing_slash = is_last && !rest.is_empty();

        if (component.length() > name_max)
            return Error { ENAMETOOLONG };
        Inode& directory = current->inode();
        if (!directory.is_directory())
            return Error { ENOTDIR };
        TRY(permission(directory, MAY_EXEC, credentials));

        RefPtr<Custody> next;
        if (component == StringView(".", 1)) {
            next = current;
        } else if (component == StringView("..", 2)) {
            next = current->parent() ? RefPtr<Custody>(current->parent()) : current;
        } else {
            auto lookup = directory.lookup(component);
            if (lookup.is_error()) {
                if (lookup.error().code == ENOENT && is_last) {
                    out.parent = current;
                    memcpy(out.name, component.chars(), component.length());
                    out.name[component.length()] = '\0';
                    out.name_length = component.length();
                    out.trailing_slash = trailing_slash;
                    return {};
                }
                return lookup.error();
            }
            RefPtr<Inode> child = cross_mounts(lookup.release_value());
            if (child->is_symlink() && (!is_last || trailing_slash || (options & FollowLastSymlink))) {
                if (++follows > max_symlink_follows)
                    return Error { ELOOP };
                // New path = link target + rest (rest keeps its leading slash, if any).
                Vector<char> joined;
                TRY(joined.try_resize(path_max + rest.length()));
                size_t target_length = TRY(child->readlink(joined.data(), path_max));
                if (target_length == 0)
                    return Error { ENOENT };
                if (rest.length())
                    memcpy(joined.data() + target_length, rest.chars(), rest.length());
                if (joined[0] == '/')
                    current = m_root_custody;
                spliced = std::move(joined);
                remaining = StringView(spliced.data(), target_length + rest.length());
                continue;
            }
            next = TRY(Custody::try_create(current, component, std::move(child)));
        }

        if (is_last) {
            if (trailing_slash && !next->inode().is_directory())
                return Error { ENOTDIR };
            out.parent = current;
            out.custody = next;
            memcpy(out.name, component.chars(), component.length());
            out.name[component.length()] = '\0';
            out.name_length = component.length();
            out.trailing_slash = trailing_slash;
            return {};
        }
        current = next;
        remaining = rest;
    }
}

Result<RefPtr<Custody>> VirtualFileSystem::resolve(Custody& base, StringView path, const Credentials& credentials, u32 options)
{
    PathResolution resolution;
    TRY(walk(base, path, credentials, options, resolution));
    if (!resolution.custody)
        return Error { ENOENT };
    return resolution.custody;
}

Result<RefPtr<Custody>> VirtualFileSystem::resolve_directory(Custody& base, StringView path, const Credentials& credentials)
{
    auto custody = TRY(resolve(base, path, credentials, FollowLastSymlink));
    if (!custody->inode().is_directory())
        return Error { ENOTDIR };
    TRY(permission(custody->inode(), MAY_EXEC, credentials));
    return custody;
}

} // namespace sk
