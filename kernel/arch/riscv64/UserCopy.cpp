// copy_{from,to}_user: validate the range lies in user space, then use the fault-tolerant
// assembly routines. A fault the page-fault handler cannot resolve becomes EFAULT.
#include <arch/Arch.h>
#include <lib/UserCopy.h>

extern "C" long user_memcpy(void* dst, const void* src, size_t n);
extern "C" long user_memset(void* dst, int c, size_t n);
extern "C" long user_strncpy(char* dst, const char* src, size_t max);

namespace sk {

static bool is_user_range(uptr address, size_t n)
{
    return address < arch::user_space_end && n <= arch::user_space_end - address;
}

Result<void> copy_from_user(void* dst, uptr user_src, size_t n)
{
    if (n == 0)
        return {};
    if (!is_user_range(user_src, n) || user_memcpy(dst, reinterpret_cast<const void*>(user_src), n) != 0)
        return Error { EFAULT };
    return {};
}

Result<void> copy_to_user(uptr user_dst, const void* src, size_t n)
{
    if (n == 0)
        return {};
    if (!is_user_range(user_dst, n) || user_memcpy(reinterpret_cast<void*>(user_dst), src, n) != 0)
        return Error { EFAULT };
    return {};
}

Result<void> clear_user(uptr user_dst, size_t n)
{
    if (n == 0)
        return {};
    if (!is_user_range(user_dst, n) || user_memset(reinterpret_cast<void*>(user_dst), 0, n) != 0)
        return Error { EFAULT };
    return {};
}

Result<size_t> copy_string_from_user(char* dst, uptr user_src, size_t max_length)
{
    if (user_src >= arch::user_space_end)
        return Error { EFAULT };
    size_t limit = min<size_t>(max_length + 1, arch::user_space_end - user_src);
    long length = user_strncpy(dst, reinterpret_cast<const char*>(user_src), limit);
    if (length < 0)
        return Error { EFAULT };
    if (static_cast<size_t>(length) == limit) // no NUL found
        return Error { limit <= max_length ? EFAULT : ENAMETOOLONG };
    return static_cast<size_t>(length);
}

} // namespace sk
