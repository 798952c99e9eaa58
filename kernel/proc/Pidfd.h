// Pidfd: the file behind pidfd_open(2) and CLONE_PIDFD — a descriptor for a process. It can
// be polled (readable when the process exits), signalled (pidfd_send_signal), waited for
// (waitid P_PIDFD) and have a descriptor copied out of it (pidfd_getfd); read and write are
// EINVAL. It lives on the anonymous inode and shows as anon_inode:[pidfd], always
// close-on-exec.
#pragma once

#include <proc/ProcessHandle.h>
#include <vfs/FileOperations.h>
#include <vfs/OpenFile.h>

namespace sk {

class Pidfd final : public FileOperations {
public:
    // A new pidfd file for handle; flags: O_RDWR and maybe O_NONBLOCK (PIDFD_NONBLOCK).
    static Result<RefPtr<OpenFile>> try_create_file(RefPtr<ProcessHandle> handle, u32 flags);
    // The process handle behind file, or null when file is not a pidfd (EBADF to the caller).
    static RefPtr<ProcessHandle> handle_of(OpenFile& file);

    u32 poll(OpenFile& file, PollTable* table) override;
    bool can_poll() const override { return true; }
    const char* anonymous_name() const override { return name; }

private:
    static constexpr const char* name = "[pidfd]";
    explicit Pidfd(RefPtr<ProcessHandle> handle)
        : m_handle(std::move(handle))
    {
    }

    RefPtr<ProcessHandle> m_handle;
};

} // namespace sk
