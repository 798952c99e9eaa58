// OpenFile: the open file description. Its FileOperations learn of the last reference
// through release(), called from the destructor: no descriptor, SCM_RIGHTS message or kernel
// user can reach the description any more at that point. The epoll items still watching it
// go first, while the file is whole (an epoll scan may be polling it until then).
#include <vfs/EventPoll.h>
#include <vfs/OpenFile.h>

namespace sk {

static std::atomic<u64> s_live_files { 0 };

u64 OpenFile::live_count() { return s_live_files.load(std::memory_order_relaxed); }

OpenFile::OpenFile(RefPtr<FileOperations> ops, RefPtr<Inode> inode, RefPtr<Custody> custody, u32 flags)
    : m_ops(std::move(ops))
    , m_inode(std::move(inode))
    , m_custody(std::move(custody))
    , m_flags(flags)
{
    s_live_files.fetch_add(1, std::memory_order_relaxed);
}

Result<RefPtr<OpenFile>> OpenFile::try_create(RefPtr<FileOperations> ops, RefPtr<Inode> inode, RefPtr<Custody> custody, u32 flags)
{
    VERIFY(ops);
    auto* file = new (std::nothrow) OpenFile(std::move(ops), std::move(inode), std::move(custody), flags);
    if (!file)
        return Error { ENOMEM };
    return RefPtr<OpenFile>(file);
}

OpenFile::~OpenFile()
{
    EventPoll::release_watched_file(*this);
    m_ops->release(*this);
    s_live_files.fetch_sub(1, std::memory_order_relaxed);
}

void OpenFile::set_status_flags(u32 flags)
{
    u32 current = m_flags.load(std::memory_order_relaxed);
    u32 wanted;
    do {
        wanted = (current & ~settable_flags) | (flags & settable_flags);
    } while (!m_flags.compare_exchange_weak(current, wanted, std::memory_order_relaxed));
}

} // namespace sk
