// syslog(2) (glibc's klogctl): reading and clearing the kernel log, and the console log level
// (KernelLog.h). Linux checks the permission first, then the action and its arguments.
//
// Permission: Debian builds with CONFIG_SECURITY_DMESG_RESTRICT=y (kernel.dmesg_restrict = 1),
// so every action needs CAP_SYSLOG, the superuser here: others get EPERM, even for READ_ALL
// and SIZE_BUFFER, which an unrestricted kernel allows everyone.
#include <drivers/KernelLog.h>
#include <proc/Process.h>
#include <syscalls/FsCommon.h>
#include <syscalls/Syscall.h>

namespace sk {

namespace {

// The actions (Linux's SYSLOG_ACTION_*, <linux/syslog.h>; glibc defines no names for them).
enum class SyslogAction : int {
    Close = 0,
    Open = 1,
    Read = 2,
    ReadAll = 3,
    ReadClear = 4,
    Clear = 5,
    ConsoleOff = 6,
    ConsoleOn = 7,
    ConsoleLevel = 8,
    SizeUnread = 9,
    SizeBuffer = 10,
};

constexpr bool dmesg_restrict = true;

bool action_is_restricted(SyslogAction action)
{
    if (dmesg_restrict)
        return true;
    return action != SyslogAction::ReadAll && action != SyslogAction::SizeBuffer;
}

// The reading actions' checks: EINVAL for no buffer or a negative length, EFAULT for a
// buffer outside user space; a zero length reads nothing.
Result<bool> check_read_buffer(uptr buffer, int length)
{
    if (!buffer || length < 0)
        return Error { EINVAL };
    if (length == 0)
        return false;
    TRY(check_user_range(buffer, static_cast<size_t>(length)));
    return true;
}

} // namespace

static Result<long> sys_syslog(const SyscallArguments& a)
{
    auto action = static_cast<SyslogAction>(static_cast<int>(a.a0));
    uptr buffer = a.a1;
    int length = static_cast<int>(a.a2);

    if (action_is_restricted(action) && !Process::current().credentials().is_superuser())
        return Error { EPERM };

    switch (action) {
    case SyslogAction::Close:
    case SyslogAction::Open:
        return 0;
    case SyslogAction::Read:
        if (!TRY(check_read_buffer(buffer, length)))
            return 0;
        return static_cast<long>(TRY(kernel_log::read(IoBuffer::user(buffer, static_cast<size_t>(length)))));
    case SyslogAction::ReadAll:
    case SyslogAction::ReadClear:
        if (!TRY(check_read_buffer(buffer, length)))
            return 0;
        return static_cast<long>(TRY(kernel_log::read_all(
            IoBuffer::user(buffer, static_cast<size_t>(length)), action == SyslogAction::ReadClear)));
    case SyslogAction::Clear:
        kernel_log::clear();
        return 0;
    case SyslogAction::ConsoleOff:
        kernel_log::console_off();
        return 0;
    case SyslogAction::ConsoleOn:
        kernel_log::console_on();
        return 0;
    case SyslogAction::ConsoleLevel:
        TRY(kernel_log::set_console_level(length));
        return 0;
    case SyslogAction::SizeUnread:
        return static_cast<long>(kernel_log::unread_size());
    case SyslogAction::SizeBuffer:
        return static_cast<long>(kernel_log::buffer_size());
    }
    return Error { EINVAL };
}
REGISTER_SYSCALL(__NR_syslog, sys_syslog);

} // namespace sk
