// Pidfd: poll reports the handle's readiness after registering on its exit queue.
#include <new>
#include <proc/Pidfd.h>
#include <vfs/AnonymousInode.h>
#include <vfs/PollTable.h>

namespace sk {

Result<RefPtr<OpenFile>> Pidfd::try_create_file(RefPtr<ProcessHandle> handle, u32 flags)
{
    auto* ops = new (std::nothrow) Pidfd(std::move(handle));
    if (!ops)
        return Error { ENOMEM };
    return open_anonymous_file(RefPtr<FileOperations>(ops), flags);
}

RefPtr<ProcessHandle> Pidfd::handle_of(OpenFile& file)
{
    if (file.ops().anonymous_name() != name)
        return nullptr;
    return static_cast<Pidfd&>(file.ops()).m_handle;
}

u32 Pidfd::poll(OpenFile&, PollTable* table)
{
    if (table)
        table->wait_on(m_handle->exit_wait());
    return m_handle->readiness();
}

} // namespace sk
