// The parent sleeps on its child_wait queue until its child_generation counter moves (every
// child state change bumps it under g_process_table_lock), then looks at its children again.
// Children whose exit signal is not SIGCHLD ("clone children") are waited for only with
// __WCLONE or __WALL, as in Linux.
#include <proc/Process.h>
#include <proc/SignalDelivery.h>
#include <proc/SignalNumbers.h>
#include <proc/Wait.h>

namespace sk {

static bool matches(Process& child, Process& parent, const WaitRequest& request)
{
    switch (request.id_type) {
    case WaitIdPid:
        if (child.pid() != request.id)
            return false;
        break;
    case WaitIdGroup:
        if (child.pgid() != (request.id ? request.id : parent.pgid()))
            return false;
        break;
    default:
        break;
    }
    if (request.options & WaitAll)
        return true;
    bool clone_child = child.exit_signal != SIGCHLD;
    return clone_child == ((request.options & WaitClone) != 0);
}

static WaitResult report_stop(Process& child, int status_word)
{
    WaitResult result;
    result.pid = child.pid();
    result.status_word = status_word;
    result.info.signal = SIGCHLD;
    result.info.pid = child.pid();
    result.info.uid = child.m_credentials.uid;
    if (status_word == 0xffff) {
        result.info.code = CLD_CONTINUED;
        result.info.status = SIGCONT;
    } else {
        result.info.code = CLD_STOPPED;
        result.info.status = (status_word >> 8) & 0xff;
    }
    return result;
}

Result<WaitResult> wait_for_child(const WaitRequest& request)
{
    Process& parent = Process::current();
    int options = request.options;
    SpinlockGuard guard(g_process_table_lock);
    Result<void> interrupted {};
    for (;;) {
        bool any = false;
        for (auto& child : parent.children) {
            if (!matches(child, parent, request))
                continue;
            any = true;
            if (child.is_zombie) {
                if (!(options & WaitExited))
                    continue;
                WaitResult result;
                result.pid = child.pid();
                result.status_word = child.exit_status;
                result.info = child_signal_info(child);
                result.cpu_ns = child.user_ns + child.children_ns;
                if (options & WaitNoWait)
                    return result;
                parent.children_ns += result.cpu_ns;
                parent.children.remove(child);
                child.parent = nullptr;
                if (child.handle)
                    child.handle->notify_locked(); // pidfds: reaped
                guard.unlock();
                child.unref(); // the child's own reference: frees it
                return result;
            }
            int report = child.stop_report;
            bool stopped = report && report != 0xffff && child.stopped;
            if ((stopped && (options & WaitStopped)) || (report == 0xffff && (options & WaitContinued))) {
                WaitResult result = report_stop(child, report);
                if (!(options & WaitNoWait))
                    child.stop_report = 0;
                return result;
            }
        }
        if (!any)
            return Error { ECHILD };
        if (options & WaitNoHang)
            return WaitResult {};
        // A signal that came with the child's change (its SIGCHLD) does not hide the change:
        // the children are looked at once more before the wait fails (Linux's do_wait).
        if (interrupted.is_error())
            return interrupted.error();
        u64 generation = parent.child_generation;
        interrupted = parent.child_wait.wait_until(guard, [&] { return parent.child_generation != generation; });
    }
}

} // namespace sk
