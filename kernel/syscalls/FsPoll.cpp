// ppoll(2) and pselect6(2) — riscv64 has no poll/select syscalls; glibc builds poll(),
// select() and pselect() on these two. Both are one loop over FileOperations::poll:
//
//   pass 1 asks every file for its readiness mask and registers this thread (PollTable) on
//   the wait queues that could change it; while nothing is ready, the thread blocks until a
//   registered queue wakes it, the deadline passes or a signal arrives, then polls again
//   (without registering: the first registrations stay until the table dies).
//
// The sleeping protocol is the scheduler's: prepare_to_block() clears a stale wake-up before
// each pass, so a wake_all() that lands between a pass and block_current() is not lost.
// A file's poll() must therefore not sleep (no Mutex): a sleep inside the pass consumes the
// pending wake-up of a file polled earlier in it, and the thread would then block with that
// file ready (until the timeout). Pipes read published atomics for this reason; an epoll
// file, whose poll() may have to wait for its instance's mutex, marks the thread woken again
// after such a wait (WaitQueue::repost_wakeup), which costs one more pass at worst.
// The OpenFiles polled in pass 1 stay referenced while the PollTable lives, so no registered
// queue dies under its entry.
//
// Signals: an interruption returns ERESTARTNOHAND, as Linux does: EINTR whenever a handler
// runs, a transparent restart for signals without one (a stop and continue). The temporary
// signal mask is WaitArguments.h's.
#include <arch/Arch.h>
#include <asm-generic/poll.h>
#include <lib/UserCopy.h>
#include <lib/Vector.h>
#include <proc/Scheduler.h>
#include <proc/SignalNumbers.h>
#include <proc/Signals.h>
#include <syscalls/FsCommon.h>
#include <syscalls/Syscall.h>
#include <syscalls/WaitArguments.h>
#include <vfs/PollTable.h>

namespace sk {

namespace scheduler {
void prepare_to_block(); // Scheduler.cpp: clears the current thread's pending wake-up
}

namespace {

// The loop shared by ppoll and pselect6. pass(table, keep) polls every file once, registering
// through table when it is non-null and keeping the files it registered with in keep; it
// returns how many entries are ready (or an error, which ends the call).
template<typename Pass> Result<long> wait_for_readiness(const Timeout& timeout, Pass pass)
{
    Thread* thread = scheduler::current();
    Vector<RefPtr<OpenFile>> keep; // outlives table (declared first, destroyed last)
    ThreadPollTable table(thread);
    bool registering = !timeout.zero;
    for (;;) {
        scheduler::prepare_to_block();
        long ready = TRY(pass(registering ? &table : nullptr, keep));
        registering = false;
        if (ready > 0 || timeout.zero)
            return ready;
        if (signal_pending_for(*thread))
            return Error { ERESTARTNOHAND };
        if (!timeout.infinite && arch::monotonic_ns() >= timeout.deadline_ns)
            return 0;
        if (!scheduler::block_current(timeout.infinite ? 0 : timeout.deadline_ns) && !timeout.infinite) {
            // Timed out: one last pass, as Linux does, then report what is ready (0 if none).
            scheduler::prepare_to_block();
            return TRY(pass(nullptr, keep));
        }
    }
}

// The file behind fd for polling; O_PATH descriptors count as closed (fdget), as in Linux.
RefPtr<OpenFile> pollable_file(int fd)
{
    auto file = Process::current().fds().get(fd);
    if (file.is_error() || (file.value()->flags() & O_PATH))
        return nullptr;
    return file.release_value();
}

u32 poll_file(OpenFile& file, PollTable* table, Vector<RefPtr<OpenFile>>& keep)
{
    if (table && keep.try_append(RefPtr<OpenFile>(&file)).is_error())
        table = nullptr; // cannot keep it referenced: poll it without registering
    return file.ops().poll(file, table);
}

struct LinuxPollFd {
    int fd;
    i16 events;
    i16 revents;
};

} // namespace

static Result<long> sys_ppoll(const SyscallArguments& a)
{
    uptr user_fds = a.a0;
    u64 count = a.a1;
    uptr user_timeout = a.a2;
    Timeout timeout = TRY(read_timeout(user_timeout));
    TemporarySignalMask mask;
    TRY(mask.install(a.a3, a.a4));

    auto body = [&]() -> Result<long> {
        if (count > static_cast<u64>(Process::current().fd_limit()))
            return Error { EINVAL };
        Vector<LinuxPollFd> fds;
        TRY(fds.try_resize(count));
        if (count)
            TRY(copy_from_user(fds.data(), user_fds, count * sizeof(LinuxPollFd)));
        long ready
            = TRY(wait_for_readiness(timeout, [&](PollTable* table, Vector<RefPtr<OpenFile>>& keep) -> Result<long> {
                  long found = 0;
                  for (auto& entry : fds) {
                      entry.revents = 0;
                      if (entry.fd < 0)
                          continue;
                      auto file = pollable_file(entry.fd);
                      u32 mask;
                      if (!file) {
                          mask = POLLNVAL;
                      } else {
                          u32 filter = static_cast<u16>(entry.events) | POLLERR | POLLHUP;
                          mask = poll_file(*file, table, keep) & filter;
                      }
                      entry.revents = static_cast<i16>(mask);
                      if (mask)
                          ++found;
                  }
                  return found;
              }));
        // Only revents changes; Linux writes it back entry by entry.
        for (size_t i = 0; i < count; ++i)
            TRY(copy_to_user(
                user_fds + i * sizeof(LinuxPollFd) + offsetof(LinuxPollFd, revents), &fds[i].revents, sizeof(i16)));
        return ready;
    };
    auto result = body();
    bool interrupted = result.is_error() && result.error().code == ERESTARTNOHAND;
    mask.finish(interrupted);
    if (!result.is_error() || interrupted)
        write_remaining(user_timeout, timeout);
    return result;
}
REGISTER_SYSCALL(__NR_ppoll, sys_ppoll);

// select's readiness classes (Linux's POLLIN_SET, POLLOUT_SET, POLLEX_SET).
static constexpr u32 select_in = POLLRDNORM | POLLRDBAND | POLLIN | POLLHUP | POLLERR;
static constexpr u32 select_out = POLLWRBAND | POLLWRNORM | POLLOUT | POLLERR;
static constexpr u32 select_ex = POLLPRI;

static Result<long> sys_pselect6(const SyscallArguments& a)
{
    i64 n = static_cast<int>(a.a0);
    uptr user_sets[3] = { a.a1, a.a2, a.a3 };
    uptr user_timeout = a.a4;
    uptr user_sigmask_argument = a.a5;

    Timeout timeout = TRY(read_timeout(user_timeout));
    TemporarySignalMask mask;
    if (user_sigmask_argument) {
        struct {
            uptr mask;
            u64 size;
        } argument;
        TRY(copy_from_user(&argument, user_sigmask_argument, sizeof argument));
        TRY(mask.install(argument.mask, argument.size));
    }

    auto body = [&]() -> Result<long> {
        if (n < 0)
            return Error { EINVAL };
        // FIXME: Linux caps n at the descriptor table's current size, silently ignoring set
        // bits beyond it; here only the hard maximum caps it, so such bits are EBADF.
        n = min<i64>(n, FdTable::hard_max);
        size_t words = static_cast<size_t>((n + 63) / 64);
        Vector<u64> sets[3];
        Vector<u64> results[3];
        for (int i = 0; i < 3; ++i) {
            TRY(sets[i].try_resize(words));
            TRY(results[i].try_resize(words));
            for (auto& word : sets[i])
                word = 0;
            if (user_sets[i] && words)
                TRY(copy_from_user(sets[i].data(), user_sets[i], words * sizeof(u64)));
        }
        auto requested = [&](int set, int fd) { return (sets[set][fd / 64] >> (fd % 64)) & 1; };
        // Every descriptor named in a set must be open (EBADF), before anything is polled.
        for (int fd = 0; fd < n; ++fd) {
            if ((requested(0, fd) || requested(1, fd) || requested(2, fd)) && !pollable_file(fd))
                return Error { EBADF };
        }
        long ready
            = TRY(wait_for_readiness(timeout, [&](PollTable* table, Vector<RefPtr<OpenFile>>& keep) -> Result<long> {
                  long found = 0;
                  for (int i = 0; i < 3; ++i) {
                      for (auto& word : results[i])
                          word = 0;
                  }
                  for (int fd = 0; fd < n; ++fd) {
                      bool in = requested(0, fd), out = requested(1, fd), ex = requested(2, fd);
                      if (!in && !out && !ex)
                          continue;
                      auto file = pollable_file(fd);
                      if (!file)
                          return Error { EBADF }; // closed meanwhile
                      u32 mask = poll_file(*file, table, keep);
                      u64 bit = 1ull << (fd % 64);
                      if (in && (mask & select_in)) {
                          results[0][fd / 64] |= bit;
                          ++found;
                      }
                      if (out && (mask & select_out)) {
                          results[1][fd / 64] |= bit;
                          ++found;
                      }
                      if (ex && (mask & select_ex)) {
                          results[2][fd / 64] |= bit;
                          ++found;
                      }
                  }
                  return found;
              }));
        for (int i = 0; i < 3; ++i) {
            if (user_sets[i] && words)
                TRY(copy_to_user(user_sets[i], results[i].data(), words * sizeof(u64)));
        }
        return ready;
    };
    auto result = body();
    bool interrupted = result.is_error() && result.error().code == ERESTARTNOHAND;
    mask.finish(interrupted);
    if (!result.is_error() || interrupted)
        write_remaining(user_timeout, timeout);
    return result;
}
REGISTER_SYSCALL(__NR_pselect6, sys_pselect6);

} // namespace sk
